import { expect } from "chai";
import { exampleText } from "../../sdk/manifest";
import { bgplb, scratchDirectory } from "./helpers";

describe("bgplb validate", () => {
  const dir = scratchDirectory();
  after(() => dir.remove());

  it("passes a bundled example with exit 0 and prints its warnings one per line", async () => {
    const run = await bgplb("validate", "--example", "gke-separate-data-plane");
    expect(run.code).to.equal(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines.length).to.be.greaterThan(0);
    for (const line of lines) expect(line).to.match(/^(warning|skipped) BGPLB\d{3} \S+: .+ \(hint: .+\) \[.+\]$/);
    expect(run.stderr).to.match(/^0 error\(s\), \d+ warning\(s\), \d+ skipped\n$/);
  });

  it("reports an iBGP control-plane peer with code, path, value and hint, exit 1", async () => {
    const file = dir.write("ibgp.yaml", exampleText("gke-shared-peers").replace("asn: 65002", "asn: 65001"));
    const run = await bgplb("validate", file);
    expect(run.code).to.equal(1);
    const line = run.stdout.split("\n").find((l) => l.startsWith("error BGPLB012"));
    expect(line).to.contain("spec.loadBalancer.bgpPeers[0].asn: 65001");
    expect(line).to.contain("(hint: ");
    expect(line).to.contain(file);
  });

  it("reports floating-IP subnet rules as skipped without --node-subnet, and checks them with it", async () => {
    const without = await bgplb("validate", "--example", "gke-shared-peers");
    expect(without.stdout).to.match(/^skipped BGPLB034 /m);
    const wrong = await bgplb("validate", "--example", "gke-shared-peers", "--node-subnet", "10.9.0.0/24");
    expect(wrong.code).to.equal(1);
    expect(wrong.stdout).to.match(/^error BGPLB034 spec\.floatingIPs\[0\]: .*10\.0\.1\.100/m);
    const right = await bgplb("validate", "--example", "gke-shared-peers", "--node-subnet", "10.0.1.0/24", "--node-subnet", "10.0.2.0/24");
    expect(right.stdout).not.to.match(/BGPLB034/);
  });

  it("warns about a change that cannot be applied after creation when --previous is given", async () => {
    const before = dir.write("before.yaml", exampleText("gke-shared-peers"));
    const after = dir.write("after.yaml", exampleText("gke-shared-peers").replace("localASN: 65001", "localASN: 65010"));
    const run = await bgplb("validate", after, "--previous", before);
    expect(run.stdout).to.match(/^warning BGPLB\d{3} spec\.loadBalancer\.localASN: .*65001.*65010/m);
  });

  it("prints a JSON report with --output json", async () => {
    const run = await bgplb("validate", "--example", "metallb-bfd", "--output", "json");
    expect(run.code).to.equal(0);
    const report = JSON.parse(run.stdout) as { summary: { errors: number }; diagnostics: unknown };
    expect(report.summary.errors).to.equal(0);
    expect(report.diagnostics).to.be.an("array");
  });

  it("lists the rule catalogue", async () => {
    const run = await bgplb("validate", "--list-rules");
    expect(run.code).to.equal(0);
    expect(run.stdout).to.match(/^BGPLB012 error +ibgp-on-gke +/m);
  });

  it("exits 2 with file, line and column on a YAML syntax error", async () => {
    const file = dir.write("broken.yaml", "apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: [\n");
    const run = await bgplb("validate", file);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(new RegExp(`${file.replace(/[.]/g, "\\.")}:\\d+:\\d+: error: `));
    expect(run.stdout).to.equal("");
  });

  it("exits 2 on a missing file, a bad --node-subnet, an unknown flag and an unknown example", async () => {
    expect((await bgplb("validate", `${dir.path}/nope.yaml`)).stderr).to.contain("no such file or directory");
    const bad = await bgplb("validate", "--example", "gke-shared-peers", "--node-subnet", "10.0.1.0");
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain("--node-subnet").and.to.contain("10.0.1.0");
    expect((await bgplb("validate", "--frobnicate")).code).to.equal(2);
    const both = await bgplb("validate", "--example", "gke-dual-stack", `${dir.path}/x.yaml`);
    expect(both.code).to.equal(2);
    expect(both.stderr).to.contain("not both");
    const unknown = await bgplb("validate", "--example", "nope");
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain("gke-shared-peers");
  });
});
