import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatByteSize, InputFileError, parseByteSize, readTextInput } from "../../sdk/io";

describe("io: bounded input reads", () => {
  const dir = mkdtempSync(join(tmpdir(), "bgplb-read-input-"));

  it("reads a file below the limit whole", () => {
    const file = join(dir, "small.yaml");
    writeFileSync(file, "a: 1\n".repeat(1000));
    expect(readTextInput(file, { maxBytes: 5000 })).to.equal("a: 1\n".repeat(1000));
  });

  it("refuses a file one byte over the limit, naming the file, the limit and the setting", () => {
    const file = join(dir, "big.yaml");
    writeFileSync(file, "x".repeat(5001));
    expect(() => readTextInput(file, { maxBytes: 5000, limitSetting: "--max-input-size" })).to.throw(
      InputFileError,
      `${file}: larger than the 5000B input limit (raise it with --max-input-size)`,
    );
  });

  it("stops reading /dev/zero at the limit instead of growing without bound", () => {
    expect(() => readTextInput("/dev/zero", { maxBytes: 1024 * 1024 })).to.throw(InputFileError, "/dev/zero: larger than the 1MiB input limit");
  });

  it("names the file and the system's reason when it cannot be read", () => {
    expect(() => readTextInput(join(dir, "missing.yaml"))).to.throw(InputFileError, "missing.yaml: cannot read: ENOENT");
    expect(() => readTextInput(dir)).to.throw(InputFileError, "is a directory");
  });

  it("reads standard input for -", () => {
    const script = `const { readTextInput } = require(${JSON.stringify(join(__dirname, "../../sdk/io"))}); process.stdout.write(readTextInput("-").toUpperCase());`;
    const child = spawnSync(process.execPath, ["-e", script], { input: "kind: BGPPeer\n" });
    expect(child.stdout.toString()).to.equal("KIND: BGPPEER\n");
  });

  it("parses and formats sizes in binary units", () => {
    expect(parseByteSize("64MiB")).to.equal(64 * 1024 * 1024);
    expect(parseByteSize("512k")).to.equal(512 * 1024);
    expect(parseByteSize("2G")).to.equal(2 * 1024 ** 3);
    expect(parseByteSize("100")).to.equal(100);
    expect(formatByteSize(64 * 1024 * 1024)).to.equal("64MiB");
    expect(formatByteSize(1536)).to.equal("1536B");
    expect(formatByteSize(3072)).to.equal("3KiB");
    for (const bad of ["", "0", "-1", "12 parsecs", "1e9"]) expect(() => parseByteSize(bad), bad).to.throw(RangeError);
  });
});
