import { expect } from "chai";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import type { PlainManifest } from "../../sdk/manifest";
import { ThrowawayCluster } from "./harness/cluster";
import { expectStoredAsRendered } from "./harness/objects";
import { PulumiBackend, stepsOf } from "./harness/pulumi";
import { clusterTools, pulumiTools, repoDir, requireTools } from "./harness/tools";

const PEER = { resource: "bgppeers.metallb.io", name: "yaml-peer" };
const PROFILE = { resource: "bfdprofiles.metallb.io", name: "yaml-bfd" };

describe("e2e: a Pulumi YAML program using the components through provider/PulumiPlugin.yaml", function () {
  this.timeout(600_000);
  let cluster: ThrowawayCluster | undefined;
  let backend: PulumiBackend | undefined;
  let stack: Stack;
  let projectDir: string;

  before(async function () {
    const tools = requireTools(this, [...clusterTools, ...pulumiTools, "pulumi-language-yaml"]);
    cluster = await ThrowawayCluster.start(tools.get("kubectl") as string);
    await cluster.kubectlChecked(["create", "namespace", "metallb-system"]);
    backend = await PulumiBackend.create(tools);
    projectDir = path.join(backend.dir, "yaml-program");
    mkdirSync(projectDir);
    const manifest = readFileSync(path.join(repoDir, "test/e2e/fixtures/yaml-program/Pulumi.yaml"), "utf8");
    writeFileSync(path.join(projectDir, "Pulumi.yaml"), manifest.replaceAll("BGPLB_PLUGIN_DIRECTORY", path.join(repoDir, "provider")));
    stack = await backend.projectStack(projectDir);
    await stack.setConfig("kubeconfig", { value: readFileSync(cluster.kubeconfig, "utf8"), secret: true });
  });

  after(async function () {
    await cluster?.stop();
    backend?.remove();
  });

  it("pulumi up test/e2e/fixtures/yaml-program: applies the BFD profile and the peer exactly as the components render them", async function () {
    const result = await stack.up();
    expect(result.outputs["peerName"]?.value).to.equal(PEER.name);
    const [rendered] = result.outputs["objects"]?.value as PlainManifest[];
    const live = cluster as ThrowawayCluster;
    expectStoredAsRendered(await live.getJson(PEER.resource, PEER.name, "metallb-system"), rendered);
    expect((await live.getJson(PEER.resource, PEER.name, "metallb-system")).spec).to.include({
      myASN: 64500,
      peerASN: 64501,
      bfdProfile: PROFILE.name,
      holdTime: "10s",
    });
    expect((await live.getJson(PROFILE.resource, PROFILE.name, "metallb-system")).spec).to.include({
      receiveInterval: 300,
      transmitInterval: 300,
      detectMultiplier: 3,
    });
  });

  it("pulumi up test/e2e/fixtures/yaml-program: a second up reports no changes", async function () {
    const result = await stack.up({ expectNoChanges: true });
    expect(Object.keys(result.summary.resourceChanges ?? {})).to.deep.equal(["same"]);
  });

  it("pulumi up test/e2e/fixtures/yaml-program: an edited input is previewed as the in-place update of spec.holdTime", async function () {
    await stack.setConfig("holdTime", { value: "30s" });
    const events: EngineEvent[] = [];
    try {
      await stack.preview({ diff: true, onEvent: (event) => events.push(event) });
    } finally {
      await stack.removeConfig("holdTime");
    }
    const changed = stepsOf(events).filter((step) => step.op !== "same" && step.type.startsWith("kubernetes:"));
    expect(
      changed.map((step) => ({ op: step.op, type: step.type, changed: step.changed })),
      JSON.stringify(stepsOf(events)),
    ).to.deep.equal([{ op: "update", type: "kubernetes:metallb.io/v1beta2:BGPPeer", changed: ["spec.holdTime"] }]);
  });

  it("pulumi up test/e2e/fixtures/yaml-program: pulumi destroy leaves nothing behind", async function () {
    await stack.destroy();
    const live = cluster as ThrowawayCluster;
    for (const object of [PEER, PROFILE]) {
      const gone = await live.kubectl(["get", object.resource, object.name, "-n", "metallb-system"]);
      expect(gone.stderr, object.name).to.contain("NotFound");
    }
  });
});
