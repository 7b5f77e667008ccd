import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** The default limit on any one file the CLI or the speaker reads: 64 MiB. */
export const DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** The name that stands for standard input wherever a file is taken. */
export const STDIN_PATH = "-";

const UNITS: Readonly<Record<string, number>> = { "": 1, b: 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3 };
const CHUNK_BYTES = 64 * 1024;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** A file that cannot be read, or is larger than the limit; the message names the file. */
export class InputFileError extends Error {
  constructor(
    /** The path as given (`-` for standard input). */
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = "InputFileError";
  }
}

/** Options of {@link readTextInput}. */
export interface ReadInputOptions {
  /**
   * Refuse the file once it holds more than this many bytes.
   * @default DEFAULT_MAX_INPUT_BYTES (64 MiB)
   */
  readonly maxBytes?: number;
  /** Names the setting that raises the limit, for the error text (e.g. `--max-input-size`). */
  readonly limitSetting?: string;
}

/** Formats a byte count the way {@link parseByteSize} reads it (`64MiB`, `1536KiB`, `100B`). */
export function formatByteSize(bytes: number): string {
  for (const [unit, size] of [
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

/**
 * Reads a byte size such as `64MiB`, `512k`, `2G` or `1048576` (binary units;
 * case-insensitive). Throws a `RangeError` naming the text when it is not one.
 */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d{1,15})\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined || Number(match[1]) === 0) {
    throw new RangeError(
      `${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)} is not a size (e.g. 64MiB, 512KiB, 1GiB or a byte count above 0)`,
    );
  }
  return Number(match[1]) * unit;
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(error);
}

/**
 * Reads a UTF-8 text file, or standard input for `-`, refusing it as soon as
 * it holds more than the limit, so `/dev/zero`, a FIFO or a huge file never
 * grows memory without bound. Throws {@link InputFileError} naming the file
 * and the limit (or the system's reason it cannot be read).
 */
export function readTextInput(path: string, options: ReadInputOptions = {}): string {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const isStdin = path === STDIN_PATH;
  const name = isStdin ? "standard input" : path;
  let fd: number;
  try {
    fd = isStdin ? 0 : openSync(path, "r");
  } catch (error) {
    throw new InputFileError(path, `${name}: cannot read: ${describe(error)}`);
  }
  try {
    if (!isStdin && fstatSync(fd).isDirectory()) throw new InputFileError(path, `${name}: is a directory, not a file`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EAGAIN") {
          Atomics.wait(PAUSE, 0, 0, 10); // a non-blocking pipe with nothing yet: wait, don't spin
          continue;
        }
        if ((error as NodeJS.ErrnoException).code === "EOF") break;
        throw new InputFileError(path, `${name}: cannot read: ${describe(error)}`);
      }
      if (n === 0) break;
      total += n;
      if (total > maxBytes) {
        const raise = options.limitSetting ? ` (raise it with ${options.limitSetting})` : "";
        throw new InputFileError(path, `${name}: larger than the ${formatByteSize(maxBytes)} input limit${raise}`);
      }
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } finally {
    if (!isStdin) closeSync(fd);
  }
}
