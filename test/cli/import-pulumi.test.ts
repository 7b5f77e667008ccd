import { expect } from "chai";
import { EXAMPLE_NAMES, examplePath, exampleText } from "../../sdk/manifest";
import { bgplb, scratchDirectory } from "./helpers";
import { typeProblems } from "./import-type-check";

/** Type-checks program files with `bgplb/pulumi` resolved to this checkout's compiled declarations. */
function providerTypeProblems(files: readonly string[]): string[] {
  return typeProblems(files, "bgplb/pulumi", "provider/index.d.ts");
}

describe("bgplb import (--target pulumi, the default)", () => {
  const dir = scratchDirectory();
  after(() => dir.remove());

  /** metallb-vrf with an unknown field on the peer, plus a ConfigMap (a kind bgplb does not model). */
  const withUnknowns = () =>
    dir.write(
      "with-unknowns.yaml",
      `${exampleText("metallb-vrf").replace("  vrf: ens4vrf\n", "  vrf: ens4vrf\n  futureKnob: 3\n")}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n  namespace: metallb-system\ndata:\n  owner: netops\n`,
    );

  it("prints a Pulumi program shaped like the examples, importing bgplb/pulumi, with nothing on stderr for a bundled example", async () => {
    const run = await bgplb("import", examplePath("metallb-vrf"));
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.equal("");
    expect(run.stdout).to.contain('import * as bgplb from "bgplb/pulumi";\n\nconst target = bgplb.stackTarget();\n');
    expect(run.stdout).to.contain(
      'const peerFrrviavrf = new bgplb.MetalLbPeer("frrviavrf", {\n  myAsn: 100,\n  peerAsn: 200,\n  peerAddress: "192.168.130.1",\n  vrf: "ens4vrf",\n  applyToCluster: target.applyToCluster,\n}, target.options);\n',
    );
    expect(run.stdout).to.contain('new bgplb.BgpAdvertisement("first-adv", {\n  pools: [poolFirstPool],\n  peers: [peerFrrviavrf],\n');
    expect(run.stdout).to.contain("export const files = target.publish(objects)?.files;\n");
  });

  it("warns once per unknown field and unknown kind, and carries both into the program as written", async () => {
    const run = await bgplb("import", withUnknowns());
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr.split("\n").filter((line) => line.startsWith("warning: "))).to.deep.equal([
      "warning: metallb.io/v1beta2 BGPPeer metallb-system/frrviavrf spec.futureKnob: MetalLbPeer has no argument for it; applied as written (AsWrittenManifest; not validated by a component)",
      "warning: v1 ConfigMap metallb-system/notes: bgplb has no component for this kind; published as written",
    ]);
    expect(run.stdout).to.contain(
      '//   spec.futureKnob: MetalLbPeer has no argument for it\nconst bgpPeerFrrviavrf = new bgplb.AsWrittenManifest("bgpPeerFrrviavrf", {\n  manifest: {',
    );
    expect(run.stdout).to.contain("      futureKnob: 3,\n");
    expect(run.stdout).to.contain('const configMapNotes: bgplb.ManifestObject = {\n  apiVersion: "v1",\n  kind: "ConfigMap",');
    expect(run.stdout).to.match(
      /export const objects = \[\n {2}bgpPeerFrrviavrf\.objects,\n {2}poolFirstPool\.objects,\n {2}advertisementFirstAdv\.objects,\n {2}\[configMapNotes\],\n\];/,
    );
  });

  it("--package overrides the module specifier", async () => {
    const run = await bgplb("import", "--package", "../../provider", examplePath("metallb-bfd"));
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('import * as bgplb from "../../provider";\n');
  });

  it("refuses an unknown --target with exit 2, naming the value", async () => {
    const run = await bgplb("import", "--target", "helm", examplePath("metallb-bfd"));
    expect(run.code).to.equal(2);
    expect(run.stdout).to.equal("");
    expect(run.stderr).to.contain("--target: 'helm' is not a target; use pulumi or sdk");
  });

  it("documents --target in its usage", async () => {
    const run = await bgplb("import", "--help");
    expect(run.code).to.equal(0);
    expect(run.stdout).to.contain("--target pulumi|sdk").and.contain("bgplb/pulumi");
  });

  /**
   * Both type-check tests share one compiler run (a program is several
   * seconds to build): the generated programs, which must have no problem,
   * and a hand-written one that must have one.
   */
  let checked: { readonly wrong: string; readonly problems: readonly string[] } | undefined;
  async function typeCheckOnce(): Promise<NonNullable<typeof checked>> {
    if (checked) return checked;
    const generated = await Promise.all(EXAMPLE_NAMES.map(async (name) => dir.write(`${name}.ts`, (await bgplb("import", examplePath(name))).stdout)));
    generated.push(dir.write("with-unknowns.ts", (await bgplb("import", withUnknowns())).stdout));
    const withoutCluster = dir.write("without-cluster.yaml", exampleText("gke-separate-data-plane").split("---\n").slice(1).join("---\n"));
    const standIn = (await bgplb("import", withoutCluster)).stdout;
    expect(standIn).to.contain("const clusterBm: bgplb.GkeClusterReference = ");
    generated.push(dir.write("without-cluster.ts", standIn));
    const wrong = dir.write("wrong.ts", 'import * as bgplb from "bgplb/pulumi";\nnew bgplb.AddressPool("p", { addresses: [], poolSelector: {} });\n');
    checked = { wrong, problems: providerTypeProblems([...generated, wrong]) };
    return checked;
  }

  it("generates programs that type-check against the provider's declarations, for every example, for objects published as written and for a stand-in cluster reference", async function () {
    this.timeout(60_000);
    const { wrong, problems } = await typeCheckOnce();
    expect(problems.filter((line) => !line.startsWith(`${wrong}:`))).to.deep.equal([]);
  });

  it("the type check can fail: a program using a component argument that does not exist is reported", async function () {
    this.timeout(60_000);
    const { wrong, problems } = await typeCheckOnce();
    expect(problems.filter((line) => line.startsWith(`${wrong}:`)).join("\n")).to.contain("poolSelector");
  });
});
