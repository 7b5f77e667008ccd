/**
 * A byte-reproducible tar writer for image layers.
 *
 * Written here rather than taken from an npm tar library: the layer digest
 * must depend on nothing but the entries, so every header field is fixed by
 * this file (mtime from `SOURCE_DATE_EPOCH`, owner 0:0 with empty names, no
 * device numbers, no atime/ctime pax records, entries sorted by path,
 * missing parent directories added). POSIX ustar headers, with a pax `x`
 * header only for a path or link target longer than the ustar fields.
 */

/** One file system object in a layer. Paths are relative (`usr/lib/x`), without a leading or trailing slash. */
export type TarEntry =
  | { readonly type: "file"; readonly path: string; readonly mode: number; readonly data: Buffer }
  | { readonly type: "directory"; readonly path: string; readonly mode: number }
  | { readonly type: "symlink"; readonly path: string; readonly target: string };

const BLOCK = 512;
const DIRECTORY_MODE = 0o755;
const SYMLINK_MODE = 0o777;

function checkPath(path: string): void {
  if (path === "" || path.startsWith("/") || path.endsWith("/") || path.split("/").some((p) => p === "" || p === "." || p === "..")) {
    throw new Error(`tar entry path ${JSON.stringify(path)} is not a clean relative path`);
  }
}

function octal(value: number, width: number): string {
  const text = value.toString(8);
  if (text.length > width - 1) throw new Error(`tar header value ${value} does not fit ${width - 1} octal digits`);
  return `${text.padStart(width - 1, "0")}\0`;
}

/** A pax extended header record: `<length> <key>=<value>\n`, where length counts the whole record. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyBytes = Buffer.byteLength(body);
  let length = bodyBytes + 1;
  while (String(length).length + bodyBytes !== length) length = String(length).length + bodyBytes;
  return `${length}${body}`;
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

interface Header {
  readonly name: string;
  readonly mode: number;
  readonly size: number;
  readonly mtime: number;
  readonly typeflag: string;
  readonly linkname: string;
}

function header(h: Header): Buffer {
  const block = Buffer.alloc(BLOCK);
  const put = (text: string, offset: number, width: number): void => {
    if (Buffer.byteLength(text) > width) throw new Error(`tar header field ${JSON.stringify(text)} is longer than ${width} bytes`);
    block.write(text, offset, width, "utf8");
  };
  put(h.name, 0, 100);
  put(octal(h.mode, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(h.size, 12), 124, 12);
  put(octal(h.mtime, 12), 136, 12);
  put(" ".repeat(8), 148, 8);
  put(h.typeflag, 156, 1);
  put(h.linkname, 157, 100);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return block;
}

/** Header blocks for one entry: a pax header first when the path or link target does not fit ustar. */
function headers(h: Header): Buffer[] {
  const records: string[] = [];
  if (Buffer.byteLength(h.name) > 100) records.push(paxRecord("path", h.name));
  if (Buffer.byteLength(h.linkname) > 100) records.push(paxRecord("linkpath", h.linkname));
  if (records.length === 0) return [header(h)];
  const pax = Buffer.from(records.join(""), "utf8");
  const short = (s: string): string =>
    Buffer.from(s, "utf8")
      .subarray(0, 100)
      .toString("latin1")
      .replace(/[^\x20-\x7e]/g, "_");
  return [
    header({ name: short(`PaxHeaders/${h.name}`), mode: 0o644, size: pax.length, mtime: h.mtime, typeflag: "x", linkname: "" }),
    pax,
    padding(pax.length),
    header({ ...h, name: short(h.name), linkname: short(h.linkname) }),
  ];
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * Adds a directory entry for every missing parent and sorts by path (byte
 * order, so a directory precedes its contents). Throws on a path given twice.
 */
function completeEntries(entries: readonly TarEntry[]): TarEntry[] {
  const byPath = new Map<string, TarEntry>();
  for (const entry of entries) {
    checkPath(entry.path);
    if (byPath.has(entry.path)) throw new Error(`tar entry ${entry.path} is given twice`);
    byPath.set(entry.path, entry);
  }
  for (const entry of entries) {
    const parts = entry.path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join("/");
      const existing = byPath.get(parent);
      if (existing === undefined) byPath.set(parent, { type: "directory", path: parent, mode: DIRECTORY_MODE });
      else if (existing.type !== "directory") throw new Error(`tar entry ${entry.path} is below ${parent}, which is a ${existing.type}`);
    }
  }
  return [...byPath.values()].sort((a, b) => compareBytes(a.path, b.path));
}

/**
 * The tar archive of `entries` (parents added, sorted), every entry owned by
 * 0:0 with modification time `mtime` (seconds since the epoch).
 */
export function tarArchive(entries: readonly TarEntry[], mtime: number): Buffer {
  const parts: Buffer[] = [];
  for (const entry of completeEntries(entries)) {
    switch (entry.type) {
      case "file":
        parts.push(...headers({ name: entry.path, mode: entry.mode, size: entry.data.length, mtime, typeflag: "0", linkname: "" }));
        parts.push(entry.data, padding(entry.data.length));
        break;
      case "directory":
        parts.push(...headers({ name: `${entry.path}/`, mode: entry.mode, size: 0, mtime, typeflag: "5", linkname: "" }));
        break;
      case "symlink":
        parts.push(...headers({ name: entry.path, mode: SYMLINK_MODE, size: 0, mtime, typeflag: "2", linkname: entry.target }));
        break;
    }
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}
