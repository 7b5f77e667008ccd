import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { Speaker } from "../../components";
import { speakerDeploymentObjects } from "../../sdk/deployment";
import { installMocks, settle, valueOf, type RecordingMocks } from "./mocks";

const DIGEST = `sha256:${"34".repeat(32)}`;
const IMAGE = { registry: "registry.example", repository: "platform/bgplb-speaker", tag: "0.1.0", digest: DIGEST };

/** What the mock engine received for each Kubernetes object: type token, logical name and inputs. */
function applied(mocks: RecordingMocks): { type: string; name: string; inputs: Record<string, unknown> }[] {
  return mocks.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:")).map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
}

describe("Speaker component", () => {
  let mocks: RecordingMocks;
  beforeEach(async () => {
    mocks = await installMocks();
  });

  it("applies exactly the objects bgplb render --speaker prints, each as its Kubernetes type", async () => {
    const speaker = new Speaker("speaker", { clusterNamespace: "cluster-edge", image: IMAGE, createNamespace: true, namespace: "bgplb" });
    await settle();
    const expected = speakerDeploymentObjects({ clusterNamespace: "cluster-edge", image: IMAGE, createNamespace: true, namespace: "bgplb" });
    expect(await valueOf(speaker.objects)).to.deep.equal(expected);
    // registrations reach the engine in no fixed order: compare them by type and object identity
    const key = (type: string, object: Record<string, unknown>) => {
      const { name, namespace } = object["metadata"] as { name: string; namespace?: string };
      return `${type} ${namespace ?? ""}/${name}`;
    };
    const got = new Map(applied(mocks).map((r) => [key(r.type, r.inputs), r.inputs]));
    const typeOf = (o: Record<string, unknown>) => {
      const apiVersion = String(o["apiVersion"]);
      return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${String(o["kind"])}`;
    };
    expect([...got.keys()].sort()).to.deep.equal(expected.map((o) => key(typeOf(o), o)).sort());
    for (const object of expected) expect(got.get(key(typeOf(object), object))).to.deep.equal(object);
    expect(speaker.serviceAccountName).to.equal("bgplb-speaker");
    expect(speaker.namespace).to.equal("bgplb");
    expect(speaker.image).to.equal(`registry.example/platform/bgplb-speaker:0.1.0@${DIGEST}`);
  });

  it("waitForRollout: false marks the DaemonSet pulumi.com/skipAwait (a cluster without kubelets never rolls it out); nothing else changes", async () => {
    new Speaker("speaker", { clusterNamespace: "cluster-edge", image: IMAGE, waitForRollout: false });
    await settle();
    const daemonSet = applied(mocks).find((r) => r.type === "kubernetes:apps/v1:DaemonSet")!;
    expect((daemonSet.inputs["metadata"] as { annotations: Record<string, string> }).annotations).to.deep.equal({ "pulumi.com/skipAwait": "true" });
    const expected = speakerDeploymentObjects({ clusterNamespace: "cluster-edge", image: IMAGE }).find((o) => o["kind"] === "DaemonSet")!;
    expect({ ...daemonSet.inputs, metadata: expected["metadata"] }).to.deep.equal(expected);
  });

  it("a static pod is rendered, not applied (it is a file for the kubelet); applyToCluster: false applies nothing", async () => {
    const speaker = new Speaker("cp", { clusterNamespace: "cluster-edge", image: IMAGE, workload: "static-pod" });
    new Speaker("render-only", { clusterNamespace: "cluster-other", image: IMAGE, name: "other", applyToCluster: false });
    await settle();
    expect((await valueOf(speaker.objects)).map((o) => String(o["kind"]))).to.include("Pod");
    expect(applied(mocks).map((r) => r.type)).to.not.include("kubernetes:core/v1:Pod");
    expect(applied(mocks).some((r) => JSON.stringify(r.inputs).includes("cluster-other"))).to.equal(false);
  });

  it("mode metallb applies the MetalLB-mode objects (Role in metallb-system, DaemonSet with --mode metallb, no CRDs); the GKE mode without clusterNamespace fails naming it", async () => {
    const speaker = new Speaker("metallb", { mode: "metallb", image: IMAGE });
    await settle();
    const expected = speakerDeploymentObjects({ mode: "metallb", image: IMAGE });
    expect(await valueOf(speaker.objects)).to.deep.equal(expected);
    expect(
      applied(mocks)
        .map((r) => r.type)
        .sort(),
    ).to.deep.equal(
      expected
        .map((o) => `kubernetes:${String(o["apiVersion"]).includes("/") ? String(o["apiVersion"]) : `core/${String(o["apiVersion"])}`}:${String(o["kind"])}`)
        .sort(),
    );
    expect(applied(mocks).map((r) => r.type)).to.not.include("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition");
    expect(speaker.namespace).to.equal("metallb-system");
    expect(() => new Speaker("gke", { image: IMAGE })).to.throw(pulumi.ResourceError, "Speaker gke: clusterNamespace: required in the GKE mode");
  });

  it("an image without a digest fails the component with the field named", () => {
    expect(() => new Speaker("speaker", { clusterNamespace: "cluster-edge", image: { repository: "platform/bgplb-speaker", tag: "latest" } })).to.throw(
      pulumi.ResourceError,
      "Speaker speaker: image: the image is not pinned by a digest",
    );
    expect(() => new Speaker("speaker2", { clusterNamespace: "cluster_edge", image: IMAGE })).to.throw(
      pulumi.ResourceError,
      'Speaker speaker2: clusterNamespace: "cluster_edge" is not a DNS-1123 label',
    );
  });
});
