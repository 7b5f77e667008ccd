import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tarArchive, type TarEntry } from "../../image/tar";

const MTIME = 1_700_000_000;
const LONG_DIR = `app/node_modules/${"deeply-nested-package-name/".repeat(4)}lib`;
const LONG_TARGET = `../../${"a-very-long-symlink-target-component/".repeat(3)}file.js`;

const ENTRIES: readonly TarEntry[] = [
  { type: "file", path: "usr/local/bin/node", mode: 0o755, data: Buffer.from("#!binary\n") },
  { type: "symlink", path: "lib64/ld.so", target: "/lib/x86_64-linux-gnu/ld.so" },
  { type: "file", path: `${LONG_DIR}/index.js`, mode: 0o644, data: Buffer.from("module.exports = 1;\n") },
  { type: "directory", path: "tmp", mode: 0o1777 },
  { type: "symlink", path: "app/long-link", target: LONG_TARGET },
  { type: "file", path: "app/package.json", mode: 0o644, data: Buffer.alloc(513, "x") },
];

describe("image/tar: the layer writer, read back by GNU tar", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "bgplb-tar-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("lists parents before children in byte order, owned by 0:0, every mtime the given one, long names intact (pax)", () => {
    const file = join(dir, "layer.tar");
    writeFileSync(file, tarArchive(ENTRIES, MTIME));
    const listing = execFileSync("tar", ["--list", "--verbose", "--numeric-owner", "--full-time", "--utc", "-f", file], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((line) => line.split(/\s+/));
    const names = listing.map((f) => f[5]);
    expect(names).to.deep.equal([
      "app/",
      "app/long-link",
      "app/node_modules/",
      ...LONG_DIR.split("/")
        .slice(2)
        .map(
          (_, i) =>
            `${LONG_DIR.split("/")
              .slice(0, i + 3)
              .join("/")}/`,
        ),
      `${LONG_DIR}/index.js`,
      "app/package.json",
      "lib64/",
      "lib64/ld.so",
      "tmp/",
      "usr/",
      "usr/local/",
      "usr/local/bin/",
      "usr/local/bin/node",
    ]);
    expect(new Set(listing.map((f) => f[1]))).to.deep.equal(new Set(["0/0"]));
    expect(new Set(listing.map((f) => `${f[3]} ${f[4]}`))).to.deep.equal(new Set(["2023-11-14 22:13:20"]));
    expect(listing.find((f) => f[5] === "tmp/")?.[0]).to.equal("drwxrwxrwt");
    expect(listing.find((f) => f[5] === "usr/local/bin/node")?.[0]).to.equal("-rwxr-xr-x");
  });

  it("extracts to the same contents and link targets", () => {
    const out = join(dir, "x");
    mkdirSync(out);
    execFileSync("tar", ["-x", "-f", join(dir, "layer.tar"), "-C", out]);
    expect(readFileSync(join(out, LONG_DIR, "index.js"), "utf8")).to.equal("module.exports = 1;\n");
    expect(readFileSync(join(out, "app/package.json"))).to.deep.equal(Buffer.alloc(513, "x"));
    expect(readlinkSync(join(out, "app/long-link"))).to.equal(LONG_TARGET);
    expect(statSync(join(out, "usr/local/bin/node")).mtimeMs).to.equal(MTIME * 1000);
  });

  it("gives the same bytes whatever the order of the entries", () => {
    expect(tarArchive([...ENTRIES].reverse(), MTIME).equals(tarArchive(ENTRIES, MTIME))).to.equal(true);
    expect(tarArchive(ENTRIES, MTIME + 1).equals(tarArchive(ENTRIES, MTIME))).to.equal(false);
  });

  it("refuses a path given twice, a path that is not clean, and an entry below a file", () => {
    const file: TarEntry = { type: "file", path: "a/b", mode: 0o644, data: Buffer.alloc(0) };
    expect(() => tarArchive([file, file], MTIME)).to.throw("tar entry a/b is given twice");
    expect(() => tarArchive([{ ...file, path: "a/../etc/passwd" }], MTIME)).to.throw('tar entry path "a/../etc/passwd" is not a clean relative path');
    expect(() => tarArchive([{ ...file, path: "/etc/passwd" }], MTIME)).to.throw('tar entry path "/etc/passwd" is not a clean relative path');
    expect(() => tarArchive([file, { ...file, path: "a/b/c" }], MTIME)).to.throw("tar entry a/b/c is below a/b, which is a file");
  });
});
