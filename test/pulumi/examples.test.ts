import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { keyedObjects, manifestFiles, type PlainObject } from "../../provider/manifest-set";
import { EXAMPLE_NAMES, exampleText, parseManifests, renderPlain, renderYaml } from "../../sdk/manifest";
import { installMocks, settle, valueOf, type RecordingMocks } from "./mocks";

const EXAMPLES_DIST = path.join(__dirname, "..", "..", "examples");
const EXAMPLES_SOURCE = path.join(__dirname, "..", "..", "..", "examples");

/** Runs a compiled example program under mocks with exactly the given stack config and returns its exports. */
async function runExample(name: string, config: Record<string, string>): Promise<{ mocks: RecordingMocks; exports: Record<string, unknown> }> {
  const project = `bgplb-${name}`;
  const mocks = await installMocks(project);
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([key, value]) => [`${project}:${key}`, value])));
  const entry = require.resolve(path.join(EXAMPLES_DIST, name, "index.js"));
  delete require.cache[entry];
  const exports = require(entry) as Record<string, unknown>;
  await settle();
  return { mocks, exports };
}

async function exportedObjects(exports: Record<string, unknown>): Promise<PlainObject[]> {
  const groups = await Promise.all((exports.objects as pulumi.Output<PlainObject[]>[]).map((group) => valueOf(group)));
  return groups.flat();
}

describe("example programs under mocks", () => {
  let renderDirectory: string;
  beforeEach(() => {
    renderDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "bgplb-example-"));
  });
  afterEach(() => {
    fs.rmSync(renderDirectory, { recursive: true, force: true });
  });

  it("has one program with its own Pulumi.yaml per bundled example topology, plus the rack helper", () => {
    const programs = fs.readdirSync(EXAMPLES_SOURCE).filter((entry) => fs.existsSync(path.join(EXAMPLES_SOURCE, entry, "Pulumi.yaml")));
    expect(programs.sort()).to.deep.equal([...EXAMPLE_NAMES, "gke-three-racks"].sort());
    for (const program of programs) {
      const manifest = fs.readFileSync(path.join(EXAMPLES_SOURCE, program, "Pulumi.yaml"), "utf8");
      expect(manifest).to.contain(`name: bgplb-${program}\n`).and.contain(`main: ../../dist/examples/${program}/index.js\n`);
      expect(fs.existsSync(path.join(EXAMPLES_DIST, program, "index.js")), program).to.equal(true);
    }
  });

  for (const name of EXAMPLE_NAMES) {
    it(`${name}: renders exactly what bgplb render prints for the bundled ${name}.yaml`, async () => {
      const { mocks, exports } = await runExample(name, { renderDirectory });
      const objects = await exportedObjects(exports);
      const expected = renderYaml(parseManifests(exampleText(name)).topology);
      expect(manifestFiles(keyedObjects(objects))["manifests.yaml"]).to.equal(expected);

      const [gitops] = mocks.ofType("pulumi-nodejs:dynamic/bgplb:RenderedManifests");
      expect(gitops, "RenderedManifests registered").to.not.equal(undefined);
      expect(gitops.inputs.directory).to.equal(renderDirectory);
      expect(manifestFiles(gitops.inputs.objects as Record<string, PlainObject>)["manifests.yaml"]).to.equal(expected);
      expect(
        mocks.resources.filter((r) => r.type.startsWith("kubernetes:")),
        "nothing applied without a kubeconfig",
      ).to.deep.equal([]);
    });
  }

  it("gke-three-racks: the helper's topology renders and every object is written", async () => {
    const { mocks, exports } = await runExample("gke-three-racks", { renderDirectory });
    const objects = await exportedObjects(exports);
    expect(objects.map((o) => `${String(o.kind)} ${(o.metadata as { name: string }).name}`)).to.deep.equal([
      "Cluster edge",
      "NetworkGatewayGroup default",
      "BGPLoadBalancer default",
      "BGPPeer rack1-tor",
      "BGPPeer rack2-tor",
      "BGPPeer rack3-tor",
    ]);
    const [gitops] = mocks.ofType("pulumi-nodejs:dynamic/bgplb:RenderedManifests");
    expect(Object.keys(gitops.inputs.objects as object)).to.have.length(6);
  });

  it("with a kubeconfig, applies the objects through a Kubernetes provider built from it and renders nothing", async () => {
    const { mocks } = await runExample("gke-separate-data-plane", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
    const [cluster] = mocks.ofType("pulumi:providers:kubernetes");
    expect(cluster.name).to.equal("cluster");
    const rpc = require("@pulumi/pulumi/runtime/rpc") as { specialSecretSig: string };
    expect(JSON.stringify(cluster.inputs.kubeconfig), "kubeconfig kept secret").to.contain("kind: Config").and.contain(rpc.specialSecretSig);
    const applied = mocks.resources.filter((r) => r.type.startsWith("kubernetes:networking.gke.io/v1:"));
    expect(applied.map((r) => `${String(r.inputs.kind)} ${(r.inputs.metadata as { name: string }).name}`).sort()).to.deep.equal([
      "BGPLoadBalancer default",
      "BGPPeer bgppeer1",
      "NetworkGatewayGroup default",
    ]);
    for (const resource of applied) expect(resource.provider, resource.name).to.match(/^urn:pulumi:.*::pulumi:providers:kubernetes::cluster::/);
    expect(mocks.ofType("pulumi-nodejs:dynamic/bgplb:RenderedManifests")).to.deep.equal([]);
    const [check] = mocks.ofType("pulumi-nodejs:dynamic/bgplb:AppliedTopology");
    const expected = keyedObjects(renderPlain(parseManifests(exampleText("gke-separate-data-plane")).topology));
    expect(check.inputs.objects, "the whole topology is checked once").to.deep.equal(expected);
  });
});
