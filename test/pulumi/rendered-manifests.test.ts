import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { RenderedManifests, renderedManifestsProvider } from "../../provider";
import { manifestSetSpecifier } from "../../provider/rendered-manifests";
import { keyedObjects, type ManifestSetInputs, type ManifestSetState, type PlainObject } from "../../provider/manifest-set";
import { exampleText, parseManifests, renderPlain, renderYaml } from "../../sdk/manifest";
import { installMocks, settle } from "./mocks";

const provider = renderedManifestsProvider as Required<typeof renderedManifestsProvider>;

/** The objects of a bundled example, rendered to plain data as components render them. */
function exampleObjects(name: Parameters<typeof exampleText>[0]): Record<string, PlainObject> {
  return keyedObjects(renderPlain(parseManifests(exampleText(name)).topology));
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const CLUSTER_KEY = "baremetal.cluster.gke.io/v1 Cluster cluster-bm/bm";

describe("RenderedManifests provider", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "bgplb-rendered-"));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("check accepts a valid set and fails invalid objects, plaintext passwords and an empty directory with the diagnostics", async () => {
    const objects = exampleObjects("gke-separate-data-plane");
    expect((await provider.check(undefined, { directory: root, objects })).failures).to.deep.equal([]);

    const ibgp = clone(objects);
    (ibgp[CLUSTER_KEY].spec as { loadBalancer: { bgpPeers: Record<string, unknown>[] } }).loadBalancer.bgpPeers[0].asn = 65001;
    const failures = (await provider.check(undefined, { directory: root, objects: ibgp })).failures!;
    expect(failures.map((f) => f.property)).to.include("objects");
    expect(failures.some((f) => f.reason.includes("BGPLB012 spec.loadBalancer.bgpPeers[0].asn"))).to.equal(true);

    const withPassword = exampleObjects("metallb-bfd");
    (withPassword["metallb.io/v1beta2 BGPPeer metallb-system/doc-example-peer-bfd"].spec as Record<string, unknown>).password = "md5";
    const passwordFailures = (await provider.check(undefined, { directory: root, objects: withPassword })).failures!;
    expect(passwordFailures.some((f) => f.reason.includes("spec.password") && f.reason.includes("passwordSecret"))).to.equal(true);

    expect((await provider.check(undefined, { directory: " ", objects })).failures).to.deep.include({
      property: "directory",
      reason: 'directory: " " is not a directory path',
    });

    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect((await provider.check(undefined, { directory: root, objects: unknown as unknown as Record<string, PlainObject> })).failures).to.deep.equal([]);
  });

  it("create writes exactly what bgplb render prints, atomically, and returns the seeded outputs", async () => {
    const objects = exampleObjects("gke-dual-stack");
    const result = await provider.create({ directory: root, objects });
    const written = fs.readFileSync(path.join(root, "manifests.yaml"), "utf8");
    expect(written).to.equal(renderYaml(parseManifests(exampleText("gke-dual-stack")).topology));
    expect(result.id).to.equal(path.resolve(root));
    const outs = result.outs as ManifestSetState;
    expect(outs.files).to.deep.equal({ "manifests.yaml": written });
    expect(outs.changes).to.have.length(3);
    expect(outs.changes[0]).to.match(/^\+ baremetal\.cluster\.gke\.io\/v1 Cluster cluster-bm\/bm$/);
    expect(fs.readdirSync(root)).to.deep.equal(["manifests.yaml"]);
  });

  it("diff reports no change, field changes, and changes not allowed after creation", async () => {
    const objects = exampleObjects("gke-separate-data-plane");
    const state = (await provider.create({ directory: root, objects })).outs as ManifestSetState;

    expect(await provider.diff(state.directory, state, { directory: root, objects })).to.deep.equal({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });

    const sessions = clone(objects);
    (sessions["networking.gke.io/v1 BGPPeer cluster-bm/bgppeer1"].spec as Record<string, unknown>).sessions = 1;
    expect(await provider.diff(state.directory, state, { directory: root, objects: sessions })).to.deep.equal({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });

    const asn = clone(objects);
    (asn[CLUSTER_KEY].spec as { loadBalancer: Record<string, unknown> }).loadBalancer.localASN = 65010;
    expect(await provider.diff(state.directory, state, { directory: root, objects: asn })).to.deep.equal({
      changes: true,
      replaces: ["objects"],
      deleteBeforeReplace: false,
    });

    expect((await provider.diff(state.directory, state, { directory: path.join(root, "elsewhere"), objects })).replaces).to.deep.equal(["directory"]);
  });

  it("update rewrites the set, lists each changed field, and delete removes the files", async () => {
    const objects = exampleObjects("metallb-pools-per-peer");
    const created = (await provider.create({ directory: root, objects })).outs as ManifestSetState;
    const changed = clone(objects);
    delete changed["metallb.io/v1beta1 BGPAdvertisement metallb-system/bgpadvertisement-2"];
    (changed["metallb.io/v1beta2 BGPPeer metallb-system/peer1"].spec as Record<string, unknown>).peerASN = 64502;
    const updated = (await provider.update(created.directory, created, { directory: root, objects: changed })).outs as ManifestSetState;
    expect(updated.changes).to.deep.equal([
      "~ metallb.io/v1beta2 BGPPeer metallb-system/peer1 spec.peerASN: 64501 → 64502",
      "- metallb.io/v1beta1 BGPAdvertisement metallb-system/bgpadvertisement-2",
    ]);
    const text = fs.readFileSync(path.join(root, "manifests.yaml"), "utf8");
    expect(text).to.contain("peerASN: 64502").and.not.contain("bgpadvertisement-2");

    const moved = path.join(root, "moved");
    const relocated = (await provider.update(updated.directory, updated, { directory: moved, objects: changed })).outs as ManifestSetState;
    expect(fs.existsSync(path.join(root, "manifests.yaml"))).to.equal(false);
    expect(fs.existsSync(path.join(moved, "manifests.yaml"))).to.equal(true);

    await provider.delete(relocated.directory, relocated);
    expect(fs.readdirSync(moved)).to.deep.equal([]);
  });
});

describe("RenderedManifests resource", () => {
  it("registers as a dynamic resource whose serialized provider works in a fresh process", async () => {
    const mocks = await installMocks();
    const objects = Object.values(exampleObjects("gke-per-rack-peers"));
    new RenderedManifests("gitops", { directory: "unused", objects });
    await settle();
    const [registered] = mocks.ofType("pulumi-nodejs:dynamic/bgplb:RenderedManifests");
    expect(registered, mocks.resources.map((r) => r.type).join(", ")).to.not.equal(undefined);
    const inputs = registered.inputs as unknown as ManifestSetInputs & { __provider: string };
    expect(Object.keys(inputs.objects)).to.deep.equal(Object.keys(keyedObjects(objects)));
    expect(inputs).to.include.keys("__provider");
    // No module source is captured: the methods load manifest-set by path when they run.
    expect(inputs.__provider).to.not.match(/parseAllDocuments|class Reporter|function validate/);

    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "bgplb-dynamic-"));
    try {
      const script = path.join(directory, "host.js");
      fs.writeFileSync(path.join(directory, "provider.js.txt"), inputs.__provider);
      fs.writeFileSync(path.join(directory, "objects.json"), JSON.stringify(inputs.objects));
      const requireFromString = require.resolve("require-from-string", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] });
      fs.writeFileSync(
        script,
        [
          `const load = require(${JSON.stringify(requireFromString)});`,
          `const fs = require("fs");`,
          `const provider = load(fs.readFileSync(${JSON.stringify(path.join(directory, "provider.js.txt"))}, "utf8")).handler();`,
          `const objects = JSON.parse(fs.readFileSync(${JSON.stringify(path.join(directory, "objects.json"))}, "utf8"));`,
          `provider.create({ directory: ${JSON.stringify(path.join(directory, "out"))}, objects }).then((r) => console.log(JSON.stringify(r.outs.files)));`,
        ].join("\n"),
      );
      const files = JSON.parse(execFileSync(process.execPath, [script], { cwd: directory, encoding: "utf8" })) as Record<string, string>;
      expect(files["manifests.yaml"]).to.equal(renderYaml(parseManifests(exampleText("gke-per-rack-peers")).topology));
      expect(fs.readFileSync(path.join(directory, "out", "manifests.yaml"), "utf8")).to.equal(files["manifests.yaml"]);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe("RenderedManifests module location", () => {
  it("uses the package specifier when installed and the absolute path inside the repository", () => {
    expect(manifestSetSpecifier(path.join("/srv", "app", "node_modules", "bgplb", "dist", "provider"))).to.equal("bgplb/dist/provider/manifest-set");
    expect(manifestSetSpecifier(path.join("/work", "bgplb", "dist", "provider"))).to.equal(path.join("/work", "bgplb", "dist", "provider", "manifest-set"));
  });
});
