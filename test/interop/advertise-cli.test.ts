import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BGPLB, NODE } from "./harness/speaker";

interface Exit {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runBinary(script: string, args: readonly string[]): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(NODE, [script, ...args], { timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err ? Number((err as NodeJS.ErrnoException & { code?: unknown }).code) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("bgplb advertise / bgpadvertiser: configuration errors (real binary)", function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "bgplb-cli-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function config(name: string, text: string): string {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  it("exits 2 naming the field and the value for a bad peer ASN", async () => {
    const file = config("bad-asn.yaml", "localIP: 198.18.0.1\nlocalASN: 65000\npeers:\n  - peerIP: 198.18.0.2\n    peerASN: abc\n");
    const r = await runBinary(BGPLB, ["advertise", "--config", file, "--advertise-ip", "192.0.2.10"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(`bgplb advertise: --config ${file}: peers[0].peerASN: "abc" is not an AS number (an integer 1..4294967295)\n`);
  });

  it("exits 2 for a localIP that is not IPv4, from the bgpadvertiser binary too", async () => {
    const file = config("bad-ip.yaml", "localIP: 2001:db8::1\nlocalASN: 65000\npeers:\n  - {peerIP: 198.18.0.2, peerASN: 65001}\n");
    const r = await runBinary(BGPLB.replace(/main\.js$/, "bgpadvertiser.js"), ["--config", file, "--advertise-ip", "192.0.2.10"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(`bgpadvertiser: --config ${file}: localIP: "2001:db8::1" is not an IPv4 address\n`);
  });

  it("exits 2 naming the repeated entry for a next hop listed twice", async () => {
    const file = config(
      "dup-hop.yaml",
      "localIP: 198.18.0.1\nlocalASN: 65000\nnextHops: [198.18.0.1, 198.18.0.3, 198.18.0.1]\npeers:\n  - {peerIP: 198.18.0.2, peerASN: 65001}\n",
    );
    const r = await runBinary(BGPLB, ["advertise", "--config", file, "--advertise-ip", "192.0.2.10"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(`bgplb advertise: --config ${file}: nextHops[2]: "198.18.0.1" is already nextHops[0]\n`);
  });

  it("flags: unknown ones, a missing value and stray arguments exit 2; --advertise-ip repeats and takes --flag=value", async () => {
    const file = config("flags.yaml", "localIP: 198.18.0.1\nlocalASN: 65000\npeers:\n  - {peerIP: 198.18.0.2, peerASN: 65001}\n");
    const unknown = await runBinary(BGPLB, ["advertise", "--config", file, "--advertise-ip", "192.0.2.10", "--listen", "x"]);
    expect([unknown.code, unknown.stderr]).to.deep.equal([2, "bgplb advertise: Unknown option '--listen' (see --help)\n"]);
    const missing = await runBinary(BGPLB, ["advertise", "--advertise-ip", "192.0.2.10", "--config"]);
    expect([missing.code, missing.stderr]).to.deep.equal([2, "bgplb advertise: Option '--config <value>' argument missing (see --help)\n"]);
    const stray = await runBinary(BGPLB, ["advertise", "--config", file, "192.0.2.10"]);
    expect([stray.code, stray.stderr]).to.deep.equal([2, 'bgplb advertise: unexpected argument "192.0.2.10" (see --help)\n']);
    const none = await runBinary(BGPLB, ["advertise", "--config", file]);
    expect([none.code, none.stderr]).to.deep.equal([2, "bgplb advertise: give at least one --advertise-ip IP (or --advertise-file FILE, or --control PATH)\n"]);
    // The second and third values are parsed too: the third is refused by name.
    const repeated = await runBinary(BGPLB.replace(/main\.js$/, "bgpadvertiser.js"), [
      `--config=${file}`,
      "--advertise-ip",
      "192.0.2.10",
      "--advertise-ip=192.0.2.11",
      "--advertise-ip",
      "192.0.2.0/24",
    ]);
    expect([repeated.code, repeated.stderr]).to.deep.equal([
      2,
      'bgpadvertiser: --advertise-ip: "192.0.2.0/24" is not a host address (VIPs are advertised as /32 or /128)\n',
    ]);
    const badListen = await runBinary(BGPLB, ["advertise", "--config", file, "--advertise-ip", "192.0.2.10", "--health-listen", "nowhere"]);
    expect(badListen.code).to.equal(2);
    expect(badListen.stderr).to.match(/^bgplb advertise: --health-listen: "nowhere" /);
  });

  it("exits 2 for an IPv6 VIP without ipv6NextHops, and for a VIP that is not a host address", async () => {
    const file = config("ok.yaml", "localIP: 198.18.0.1\nlocalASN: 65000\npeers:\n  - {peerIP: 198.18.0.2, peerASN: 65001}\n");
    const v6 = await runBinary(BGPLB, ["advertise", "--config", file, "--advertise-ip", "2001:db8:ff::10"]);
    expect(v6.code).to.equal(2);
    expect(v6.stderr).to.match(/ipv6NextHops: is empty, but IPv6 VIP 2001:db8:ff::10 is to be advertised/);
    const net = await runBinary(BGPLB, ["advertise", "--config", file, "--advertise-ip", "192.0.2.0/24"]);
    expect(net.code).to.equal(2);
    expect(net.stderr).to.equal('bgplb advertise: --advertise-ip: "192.0.2.0/24" is not a host address (VIPs are advertised as /32 or /128)\n');
  });
});
