import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compileFunction } from "node:vm";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import ts from "typescript";
import { keyedObjects, manifestFiles, type PlainObject } from "../../provider/manifest-set";
import { pulumiProgram } from "../../sdk/cli/codegen/pulumi-program";
import { EXAMPLE_NAMES, exampleText, parseManifests, renderYaml } from "../../sdk/manifest";
import { AsWrittenManifest } from "../../components";
import { fullMetalLbComponents, renderedObjects } from "./metallb-full-arguments";
import { installMocks, settle, valueOf, type RecordingMocks } from "./mocks";

const PROVIDER = path.join(__dirname, "..", "..", "provider");

/** Runs a generated Pulumi program under mocks, rendering to `renderDirectory`, with `bgplb/pulumi` bound to this checkout's provider. */
async function runProgram(
  source: string,
  renderDirectory: string,
  config: { readonly kubeconfig?: string } = {},
): Promise<{ mocks: RecordingMocks; exports: Record<string, unknown> }> {
  const project = "bgplb-imported";
  const mocks = await installMocks(project);
  pulumi.runtime.setAllConfig({
    [`${project}:renderDirectory`]: renderDirectory,
    ...(config.kubeconfig === undefined ? {} : { [`${project}:kubeconfig`]: config.kubeconfig }),
  });
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const module = { exports: {} as Record<string, unknown> };
  const load = (name: string): unknown => {
    if (name !== "bgplb/pulumi") throw new Error(`the generated program imports ${name}`);
    return require(PROVIDER);
  };
  const body = compileFunction(outputText, ["require", "module", "exports"]) as (load: (name: string) => unknown, m: typeof module, exports: unknown) => void;
  body(load, module, module.exports);
  await settle();
  return { mocks, exports: module.exports };
}

/** What the program wrote through RenderedManifests, and what its exported objects render to. */
async function rendered(mocks: RecordingMocks, exports: Record<string, unknown>): Promise<{ published: string; exported: string }> {
  const [gitops] = mocks.ofType("pulumi-nodejs:dynamic/bgplb:RenderedManifests");
  expect(gitops, "RenderedManifests registered").to.not.equal(undefined);
  const groups = await Promise.all(
    (exports.objects as pulumi.Input<PlainObject[]>[]).map((group) => valueOf(pulumi.output(group) as unknown as pulumi.Output<PlainObject[]>)),
  );
  return {
    published: manifestFiles(gitops.inputs.objects as Record<string, PlainObject>)["manifests.yaml"],
    exported: manifestFiles(keyedObjects(groups.flat()))["manifests.yaml"],
  };
}

function expectedRender(yaml: string): string {
  return renderYaml(parseManifests(yaml).topology);
}

describe("bgplb import --target pulumi: generated programs under mocks", () => {
  let renderDirectory: string;
  beforeEach(() => {
    renderDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "bgplb-import-"));
  });
  afterEach(() => {
    fs.rmSync(renderDirectory, { recursive: true, force: true });
  });

  for (const name of EXAMPLE_NAMES) {
    it(`${name}: renders exactly what bgplb render prints, with components only and no warning`, async () => {
      const program = pulumiProgram(parseManifests(exampleText(name)).topology);
      expect(program.warnings).to.deep.equal([]);
      expect(program.text).to.not.contain("ManifestObject");
      const { mocks, exports } = await runProgram(program.text, renderDirectory);
      const { published, exported } = await rendered(mocks, exports);
      expect(published).to.equal(expectedRender(exampleText(name)));
      expect(exported).to.equal(published);
      expect(
        mocks.resources.filter((r) => r.type.startsWith("kubernetes:")),
        "nothing applied without a kubeconfig",
      ).to.deep.equal([]);
    });
  }

  it("publishes an object with an unknown field, a status object and an unknown kind exactly as written, next to the components", async () => {
    const yaml = [
      exampleText("metallb-vrf").replace("  vrf: ens4vrf\n", "  vrf: ens4vrf\n  futureKnob: 3\n"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n  namespace: metallb-system\ndata:\n  owner: netops\n",
      "apiVersion: networking.gke.io/v1\nkind: BGPSession\nmetadata:\n  name: s1\n  namespace: cluster-bm\nspec:\n  floatingIP: 10.0.3.100\n  localASN: 65001\n  localIP: 10.0.3.10\n  nodeName: n1\n  peerASN: 65002\n  peerIP: 10.0.3.254\nstatus:\n  state: Established\n",
    ].join("---\n");
    const program = pulumiProgram(parseManifests(yaml).topology);
    expect(program.warnings).to.deep.equal([
      "warning: networking.gke.io/v1 BGPSession cluster-bm/s1: a status object the GKE controller writes; no component creates it; published as written",
      "warning: metallb.io/v1beta2 BGPPeer metallb-system/frrviavrf spec.futureKnob: MetalLbPeer has no argument for it; applied as written (AsWrittenManifest; not validated by a component)",
      "warning: v1 ConfigMap metallb-system/notes: bgplb has no component for this kind; published as written",
    ]);
    expect(program.text).to.contain("new bgplb.AddressPool(").and.contain("new bgplb.BgpAdvertisement(").and.not.contain("new bgplb.MetalLbPeer(");
    expect(program.text).to.contain('const bgpPeerFrrviavrf = new bgplb.AsWrittenManifest("bgpPeerFrrviavrf", {');
    expect(program.text.replace(/\s+/g, " ")).to.contain('peers: [ { peerName: "frrviavrf", myAsn: 100, peerAsn: 200, peerAddress: "192.168.130.1", }, ]');
    const { mocks, exports } = await runProgram(program.text, renderDirectory);
    const { published, exported } = await rendered(mocks, exports);
    expect(exported).to.equal(expectedRender(yaml));
    // The engine hands resource inputs over with their keys sorted; the canonical render sorts free-form keys too, so both agree.
    expect(published).to.equal(expectedRender(yaml));
  });

  it("imports MetalLB objects using every modelled field as components again, with no warning and the same render", async () => {
    await installMocks();
    const manifests = await renderedObjects(fullMetalLbComponents());
    const yaml = renderYaml(parseManifests(manifests.map((m) => JSON.stringify(m)).join("\n---\n")).topology);
    const program = pulumiProgram(parseManifests(yaml).topology);
    expect(program.warnings).to.deep.equal([]);
    expect(program.text).to.not.contain("ManifestObject");
    expect(program.text).to.contain('dynamicAsn: "internal"').and.contain('interface: "ens5"').and.contain("poolSelectors:").and.contain("serviceAllocation:");
    const { mocks, exports } = await runProgram(program.text, renderDirectory);
    const { published, exported } = await rendered(mocks, exports);
    expect(published).to.equal(expectedRender(yaml));
    expect(exported).to.equal(published);
  });

  it("with a kubeconfig, applies the object with a field bgplb does not model as written (unknown field and all) and warns about that field; the unknown kind is not applied", async () => {
    const yaml = [
      exampleText("metallb-vrf").replace("  vrf: ens4vrf\n", "  vrf: ens4vrf\n  futureKnob: 3\n"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n  namespace: metallb-system\ndata:\n  owner: netops\n",
    ].join("---\n");
    const program = pulumiProgram(parseManifests(yaml).topology);
    // without an engine (mocks) the SDK's log.warn writes to console.warn
    const warnings: string[] = [];
    const consoleWarn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(" "));
    let mocks: RecordingMocks;
    try {
      ({ mocks } = await runProgram(program.text, renderDirectory, { kubeconfig: "apiVersion: v1\nkind: Config\n" }));
    } finally {
      console.warn = consoleWarn;
    }
    const applied = mocks.ofType("kubernetes:metallb.io/v1beta2:BGPPeer");
    expect(applied.map((r) => (r.inputs.spec as Record<string, unknown>).futureKnob)).to.deep.equal([3]);
    expect(mocks.resources.filter((r) => r.type.includes("ConfigMap"))).to.deep.equal([]);
    const [check] = mocks.ofType("pulumi-nodejs:dynamic/bgplb:AppliedTopology");
    expect(Object.keys(check.inputs.objects as object)).to.include("metallb.io/v1beta2 BGPPeer metallb-system/frrviavrf");
    expect(warnings.some((w) => w.includes("manifest.spec.futureKnob: unknown field, kept as is; applied as written, not validated by bgplb"))).to.equal(true);
  });

  it("a ClusterCIDRConfig's nodeSelector goes into GkeClusterLoadBalancer's podRangeNodeSelector (it was dropped before)", async () => {
    const yaml = exampleText("gke-dual-stack").replace(
      "    perNodeMaskSize: 120\n",
      "    perNodeMaskSize: 120\n  nodeSelector:\n    matchLabels:\n      rack: a\n",
    );
    const program = pulumiProgram(parseManifests(yaml).topology);
    expect(program.warnings).to.deep.equal([]);
    expect(program.text).to.contain('  podRangeNodeSelector: {\n    matchLabels: { rack: "a" },');
    const { mocks, exports } = await runProgram(program.text, renderDirectory);
    expect((await rendered(mocks, exports)).published).to.equal(expectedRender(yaml));
  });

  it("AsWrittenManifest refuses what a stack never applies (a status object) and a manifest that does not parse, naming manifest", () => {
    const status = {
      apiVersion: "networking.gke.io/v1",
      kind: "BGPSession",
      metadata: { name: "s1", namespace: "cluster-bm" },
      spec: { floatingIP: "10.0.3.100", localASN: 65001, localIP: "10.0.3.10", nodeName: "n1", peerASN: 65002, peerIP: "10.0.3.254" },
    };
    expect(() => new AsWrittenManifest("status", { manifest: status })).to.throw(
      /manifest: networking\.gke\.io\/v1 BGPSession is no configuration kind a bgplb stack applies/,
    );
    const broken = { apiVersion: "metallb.io/v1beta2", kind: "BGPPeer", metadata: { name: "x", namespace: "metallb-system" }, spec: { myASN: "many" } };
    let caught: unknown;
    try {
      new AsWrittenManifest("broken", { manifest: broken });
    } catch (error) {
      caught = error;
    }
    expect(pulumi.InputPropertiesError.isInstance(caught)).to.equal(true);
    expect((caught as pulumi.InputPropertiesError).errors.map((e) => e.propertyPath)).to.include("manifest.spec.myASN");
  });

  it("GKE resources without their Cluster take a stand-in cluster reference; a peer with annotations is published as written and still selected", async () => {
    const [, ...rest] = exampleText("gke-separate-data-plane").split("---\n");
    const yaml = rest.join("---\n").replace("  name: bgppeer1\n", "  name: bgppeer1\n  annotations:\n    owner: netops\n");
    const program = pulumiProgram(parseManifests(yaml).topology);
    expect(program.text).to.contain('const clusterBm: bgplb.GkeClusterReference = { clusterName: "bm", localAsn: 65001 };');
    expect(program.text).to.contain("new bgplb.BgpLoadBalancer(").and.contain("new bgplb.FloatingIpGroup(").and.not.contain("new bgplb.BgpPeer(");
    expect(program.warnings).to.deep.equal([
      "warning: networking.gke.io/v1 BGPPeer cluster-bm/bgppeer1 metadata.annotations: BgpPeer has no argument for it; applied as written (AsWrittenManifest; not validated by a component)",
    ]);
    const { mocks, exports } = await runProgram(program.text, renderDirectory);
    expect((await rendered(mocks, exports)).published).to.equal(expectedRender(yaml));
  });

  it("keeps the Cluster's fields outside the load balancer in a comment; everything else renders exactly", async () => {
    const original = exampleText("gke-dual-stack");
    const yaml = original.replace(
      "spec:\n  type: hybrid\n",
      "spec:\n  type: hybrid\n  profile: edge\n  storage:\n    lvpShare:\n      numPVUnderSharedPath: 5\n",
    );
    const program = pulumiProgram(parseManifests(yaml).topology);
    expect(program.warnings).to.deep.equal([
      "warning: baremetal.cluster.gke.io/v1 Cluster cluster-bm/bm spec.profile: GkeClusterLoadBalancer has no argument for it; kept in a comment of the program, not rendered",
      "warning: baremetal.cluster.gke.io/v1 Cluster cluster-bm/bm spec.storage: GkeClusterLoadBalancer has no argument for it; kept in a comment of the program, not rendered",
    ]);
    expect(program.text).to.contain('//   spec.profile: "edge"\n//   spec.storage: {"lvpShare":{"numPVUnderSharedPath":5}}\n');
    const { mocks, exports } = await runProgram(program.text, renderDirectory);
    expect((await rendered(mocks, exports)).published).to.equal(expectedRender(original));
  });

  it("tells equal names of two clusters apart and passes labels and names the components would not guess", async () => {
    const bm = exampleText("gke-separate-data-plane");
    const edge = bm
      .replaceAll("cluster-bm", "cluster-edge")
      .replace("  name: bm\n", "  name: edge\n")
      .replace('default-peer: "true"\nspec:\n  localASN', 'default-peer: "true"\n    rack: r1\nspec:\n  localASN');
    const pools = exampleText("metallb-pools-per-peer").replace("  name: pool1\n", "  name: pool1\n  labels:\n    tier: edge\n");
    const yaml = [bm, edge, pools].join("---\n");
    const program = pulumiProgram(parseManifests(yaml).topology);
    expect(program.warnings).to.deep.equal([]);
    expect(program.text).to.contain('new bgplb.BgpPeer("cluster-edge-bgppeer1", {\n  cluster: clusterEdge,\n  peerName: "bgppeer1",');
    expect(program.text).to.contain('labels: { "cluster.baremetal.gke.io/default-peer": "true", rack: "r1" }');
    expect(program.text).to.contain('labels: { tier: "edge" }');
    expect(program.text).to.not.contain("export const loadBalancer");
    const { mocks, exports } = await runProgram(program.text, renderDirectory);
    expect((await rendered(mocks, exports)).published).to.equal(expectedRender(yaml));
  });
});
