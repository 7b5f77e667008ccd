import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { MetalLbPeer, appliedTopologyProvider, stackTarget } from "../../provider";
import { UNPUBLISHED } from "../../provider/stack-target";
import { keyedObjects, type AppliedTopologyInputs, type PlainObject } from "../../provider/manifest-set";
import { exampleText, parseManifests, renderPlain } from "../../sdk/manifest";
import { formatDiagnostic, validate } from "../../sdk/validate";
import { installMocks, settle } from "./mocks";

const provider = appliedTopologyProvider as Required<typeof appliedTopologyProvider>;

function exampleObjects(name: Parameters<typeof exampleText>[0]): Record<string, PlainObject> {
  return keyedObjects(renderPlain(parseManifests(exampleText(name)).topology));
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const CLUSTER_KEY = "baremetal.cluster.gke.io/v1 Cluster cluster-bm/bm";
const PEER2_KEY = "metallb.io/v1beta2 BGPPeer metallb-system/peer2";

describe("AppliedTopology provider (apply mode's whole-stack check)", () => {
  it("check accepts a valid topology and an unknown placeholder", async () => {
    const objects = exampleObjects("gke-separate-data-plane");
    expect((await provider.check(undefined, { objects })).failures).to.deep.equal([]);
    expect((await provider.check({ objects }, { objects })).failures).to.deep.equal([]);
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9" as unknown as Record<string, PlainObject>;
    expect((await provider.check(undefined, { objects: unknown })).failures).to.deep.equal([]);
  });

  it("check refuses a cross-object error no single component sees (two MetalLB peers with different myASN, BGPLB108)", async () => {
    const objects = exampleObjects("metallb-pools-per-peer");
    (objects[PEER2_KEY].spec as Record<string, unknown>).myASN = 64510;
    const failures = (await provider.check(undefined, { objects })).failures!;
    const expected = validate(
      parseManifests(
        Object.values(objects)
          .map((o) => JSON.stringify(o))
          .join("\n---\n"),
      ).topology,
    )
      .filter((d) => d.severity === "error")
      .map((d) => ({ property: "objects", reason: formatDiagnostic(d) }));
    expect(expected.map((f) => f.reason).join("\n")).to.contain("BGPLB108");
    expect(failures).to.deep.equal(expected);
  });

  it("check refuses a change to a field that cannot change after creation with the diagnostic of bgplb validate --previous (BGPLB081)", async () => {
    const before = exampleObjects("gke-separate-data-plane");
    const after = clone(before);
    (after[CLUSTER_KEY].spec as { loadBalancer: Record<string, unknown> }).loadBalancer.localASN = 65010;
    (after["networking.gke.io/v1 BGPPeer cluster-bm/bgppeer1"].spec as Record<string, unknown>).localASN = 65010;
    const failures = (await provider.check({ objects: before }, { objects: after })).failures!;
    const parse = (objects: Record<string, PlainObject>) =>
      parseManifests(
        Object.values(objects)
          .map((o) => JSON.stringify(o))
          .join("\n---\n"),
      ).topology;
    const previousDiagnostics = validate(parse(after), { previous: parse(before) }).filter((d) => d.code === "BGPLB081");
    expect(previousDiagnostics).to.have.length(1);
    expect(failures).to.deep.equal([{ property: "objects", reason: formatDiagnostic(previousDiagnostics[0]) }]);
    expect(failures[0].reason).to.contain("BGPLB081 spec.loadBalancer.localASN");
    // The first apply has nothing to compare with: the same objects are accepted.
    expect((await provider.check(undefined, { objects: after })).failures).to.deep.equal([]);
  });

  it("diff reports an in-place change when a field changes and none otherwise; create and update keep the objects", async () => {
    const objects = exampleObjects("gke-separate-data-plane");
    const created = await provider.create({ objects });
    expect(created.outs).to.deep.equal({ objects });
    expect(await provider.diff(created.id, created.outs as AppliedTopologyInputs, { objects })).to.deep.equal({ changes: false });
    const sessions = clone(objects);
    (sessions["networking.gke.io/v1 BGPPeer cluster-bm/bgppeer1"].spec as Record<string, unknown>).sessions = 1;
    expect(await provider.diff(created.id, { objects }, { objects: sessions })).to.deep.equal({ changes: true });
    expect((await provider.update(created.id, { objects }, { objects: sessions })).outs).to.deep.equal({ objects: sessions });
  });
});

describe("stackTarget in apply mode", () => {
  it("registers one AppliedTopology with every published object, and the cluster's provider waits for it", async () => {
    const mocks = await installMocks();
    pulumi.runtime.setAllConfig({ "bgplb-test:kubeconfig": "apiVersion: v1\nkind: Config\n" });
    const target = stackTarget();
    const a = new MetalLbPeer("a", { myAsn: 64500, peerAsn: 64501, peerAddress: "10.0.0.1", applyToCluster: target.applyToCluster }, target.options);
    const b = new MetalLbPeer("b", { myAsn: 64510, peerAsn: 64501, peerAddress: "10.0.0.2", applyToCluster: target.applyToCluster }, target.options);
    expect(target.publish([a.objects, b.objects])).to.equal(undefined);
    await settle();
    const [check] = mocks.ofType("pulumi-nodejs:dynamic/bgplb:AppliedTopology");
    expect(Object.keys(check.inputs.objects as object)).to.deep.equal([
      "metallb.io/v1beta2 BGPPeer metallb-system/a",
      "metallb.io/v1beta2 BGPPeer metallb-system/b",
    ]);
    // The provider's registration waits for the check's: nothing is applied before the check passed.
    const order = mocks.resources.map((r) => r.type);
    expect(order.indexOf("pulumi-nodejs:dynamic/bgplb:AppliedTopology")).to.be.lessThan(order.indexOf("pulumi:providers:kubernetes"));
    expect(mocks.ofType("kubernetes:metallb.io/v1beta2:BGPPeer")).to.have.length(2);
    expect(() => target.publish([a.objects])).to.throw(/publish\(\) was called twice/);
    pulumi.runtime.setAllConfig({});
  });

  it("fails the program with a clear error, instead of waiting for ever, when it ends without calling publish()", async () => {
    await installMocks();
    pulumi.runtime.setAllConfig({ "bgplb-test:kubeconfig": "apiVersion: v1\nkind: Config\n" });
    try {
      let target: ReturnType<typeof stackTarget> | undefined;
      await pulumi.runtime.runInPulumiStack(async () => {
        target = stackTarget();
        new MetalLbPeer("a", { myAsn: 64500, peerAsn: 64501, peerAddress: "10.0.0.1", applyToCluster: target.applyToCluster }, target.options);
        return {};
      });
      const provider = target!.options.provider as pulumi.ProviderResource;
      const outcome = await Promise.race([
        // The output's own promise: it rejects where an apply would never run.
        (provider.urn as unknown as { promise(): Promise<string> }).promise().then(
          (urn) => `registered ${urn}`,
          (error: Error) => error.message,
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve("still waiting after 5 s"), 5000)),
      ]);
      expect(outcome).to.equal(UNPUBLISHED);
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  });
});
