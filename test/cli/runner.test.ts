import { expect } from "chai";
import { bgpadvertiser } from "../../sdk/cli/bgpadvertiser";
import type { Command } from "../../sdk/cli/command";
import { UsageError } from "../../sdk/cli/command";
import { runCommand } from "../../sdk/cli/run";
import { bgplb, scratchDirectory } from "./helpers";

function capture(): { io: { stdout: (t: string) => void; stderr: (t: string) => void }; out: () => string; err: () => string } {
  let stdout = "";
  let stderr = "";
  return { io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, out: () => stdout, err: () => stderr };
}

const failing = (error: Error): Command => ({
  name: "boom",
  summary: "fails",
  usage: "Usage: boom",
  run: async () => {
    throw error;
  },
});

describe("command runner", () => {
  it("turns a usage error into one line and exit 2", async () => {
    const c = capture();
    expect(await runCommand("bgplb boom", failing(new UsageError("--x: 'y' is not a z")), [], c.io)).to.equal(2);
    expect(c.err()).to.equal("bgplb boom: --x: 'y' is not a z\n");
  });

  it("reports a bug in one line with exit 3, and its stack only under --debug", async () => {
    const quiet = capture();
    expect(await runCommand("bgplb boom", failing(new TypeError("cannot read 'asn'")), [], quiet.io)).to.equal(3);
    expect(quiet.err())
      .to.contain("internal error: cannot read 'asn'")
      .and.not.to.match(/\n\s+at /);
    const loud = capture();
    expect(await runCommand("bgplb boom", failing(new TypeError("cannot read 'asn'")), ["--debug"], loud.io)).to.equal(3);
    expect(loud.err()).to.match(/\n\s+at /);
  });

  it("prints the usage on --help without running the command", async () => {
    const c = capture();
    expect(await runCommand("bgplb boom", failing(new Error("ran")), ["--help"], c.io)).to.equal(0);
    expect(c.out()).to.equal("Usage: boom\n");
  });

  it("bgplb: no command is a usage error, an unknown one names itself", async () => {
    expect((await bgplb()).code).to.equal(2);
    const unknown = await bgplb("frobnicate");
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain("'frobnicate'");
  });
});

describe("bgpadvertiser flags", () => {
  const dir = scratchDirectory();
  after(() => dir.remove());

  it("takes the Go-style single-dash long flags of the vendor's tool", async () => {
    const missing = `${dir.path}/missing.yaml`;
    for (const args of [
      ["-config", missing, "-advertise-ip", "192.0.2.10"],
      ["--config", missing, "--advertise-ip", "192.0.2.10"],
      [`-config=${missing}`, "-advertise-ip=192.0.2.10"],
    ]) {
      const c = capture();
      expect(await bgpadvertiser(args, c.io), args.join(" ")).to.equal(2);
      expect(c.err()).to.match(/^bgpadvertiser: --config .*missing\.yaml/);
    }
  });

  it("rejects an unknown flag with exit 2", async () => {
    const c = capture();
    expect(await bgpadvertiser(["-frobnicate"], c.io)).to.equal(2);
    expect(c.err()).to.contain("frobnicate");
  });
});
