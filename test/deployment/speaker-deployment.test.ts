/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- the tests walk rendered Kubernetes objects by field path through Loose; the expected values are the check. */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ImageReferenceError,
  METALLB_SPEAKER_API_GRANTS,
  SPEAKER_API_GRANTS,
  SpeakerDeploymentError,
  formatImageReference,
  layoutImage,
  parseImageReference,
  speakerDeploymentObjects,
  speakerSidecar,
} from "../../sdk/deployment";
import type { PlainManifest } from "../../sdk/manifest";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const IMAGE = { registry: "registry.example:5000", repository: "platform/bgplb-speaker", tag: "0.1.0", digest: DIGEST };

type Loose = Record<string, any>;

function byKind(objects: readonly PlainManifest[], kind: string): Loose[] {
  return objects.filter((o) => o["kind"] === kind);
}

describe("speaker deployment objects", () => {
  it("renders ServiceAccount, ClusterRole, Roles, bindings, the two status CRDs and the DaemonSet, in that order", () => {
    const objects = speakerDeploymentObjects({ clusterNamespace: "cluster-edge", image: IMAGE });
    expect(
      objects.map((o) => `${String(o["kind"])} ${String((o["metadata"] as Loose).namespace ?? "")}/${String((o["metadata"] as Loose).name)}`),
    ).to.deep.equal([
      "ServiceAccount kube-system/bgplb-speaker",
      "ClusterRole /bgplb-speaker",
      "ClusterRoleBinding /bgplb-speaker",
      "Role cluster-edge/bgplb-speaker",
      "RoleBinding cluster-edge/bgplb-speaker",
      "Role kube-system/bgplb-speaker",
      "RoleBinding kube-system/bgplb-speaker",
      "CustomResourceDefinition /bgpsessions.networking.gke.io",
      "CustomResourceDefinition /bgpadvertisedroutes.networking.gke.io",
      "DaemonSet kube-system/bgplb-speaker",
    ]);
  });

  it("grants exactly the table's verbs: cluster-wide ones in the ClusterRole, the rest in the Role of their namespace, one resource per rule", () => {
    const objects = speakerDeploymentObjects({ clusterNamespace: "cluster-edge", image: IMAGE });
    const rules = (o: Loose) => (o["rules"] as Loose[]).map((r) => `${r["apiGroups"].join()}|${r["resources"].join()}|${r["verbs"].join()}`);
    const expected = (scope: string) => SPEAKER_API_GRANTS.filter((g) => g.scope === scope).map((g) => `${g.apiGroup}|${g.resource}|${g.verbs.join()}`);
    expect(rules(byKind(objects, "ClusterRole")[0])).to.deep.equal(expected("cluster"));
    const [clusterRole, statusRole] = byKind(objects, "Role");
    expect(rules(clusterRole)).to.deep.equal(expected("clusterNamespace"));
    expect(rules(statusRole)).to.deep.equal(expected("statusNamespace"));
    expect(rules(clusterRole)).to.include("coordination.k8s.io|leases|list,watch,create,update");
    expect(rules(statusRole)).to.include("networking.gke.io|bgpsessions/status|patch");
    for (const binding of [...byKind(objects, "RoleBinding"), ...byKind(objects, "ClusterRoleBinding")]) {
      expect(binding["subjects"]).to.deep.equal([{ kind: "ServiceAccount", name: "bgplb-speaker", namespace: "kube-system" }]);
    }
    expect(byKind(objects, "RoleBinding").map((b) => b["roleRef"])).to.deep.equal([
      { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "bgplb-speaker" },
      { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "bgplb-speaker" },
    ]);
  });

  it("the heap and malloc settings go to the environment only with the default 256Mi limit: with resources of its own Node sizes the heap from the container", () => {
    const envOf = (resources?: { limits: { memory: string } }): unknown =>
      byKind(speakerDeploymentObjects({ clusterNamespace: "cluster-edge", image: IMAGE, ...(resources ? { resources } : {}) }), "DaemonSet")[0]["spec"][
        "template"
      ]["spec"]["containers"][0]["env"];
    expect(envOf()).to.deep.include.members([
      { name: "NODE_OPTIONS", value: "--max-semi-space-size=1 --max-old-space-size=160" },
      { name: "MALLOC_ARENA_MAX", value: "1" },
    ]);
    expect(envOf({ limits: { memory: "1Gi" } })).to.deep.equal([{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }]);
  });

  it("the DaemonSet runs bgplb speaker on the host network with NODE_NAME from the downward API, probes, a read-only root and only NET_ADMIN and NET_RAW, image pinned by digest", () => {
    const daemonSet = byKind(
      speakerDeploymentObjects({ clusterNamespace: "cluster-edge", image: IMAGE, leaseDurationSeconds: 3, healthPort: 9000 }),
      "DaemonSet",
    )[0];
    const pod = daemonSet["spec"]["template"]["spec"];
    expect(daemonSet["spec"]["selector"]["matchLabels"]).to.deep.equal({
      "app.kubernetes.io/name": "bgplb-speaker",
      "app.kubernetes.io/instance": "bgplb-speaker",
    });
    expect(daemonSet["spec"]["template"]["metadata"]["labels"]).to.include(daemonSet["spec"]["selector"]["matchLabels"]);
    expect(pod).to.include({
      serviceAccountName: "bgplb-speaker",
      hostNetwork: true,
      dnsPolicy: "ClusterFirstWithHostNet",
      priorityClassName: "system-node-critical",
    });
    expect(pod["nodeSelector"]).to.deep.equal({ "kubernetes.io/os": "linux" });
    expect(pod["tolerations"].map((t: Loose) => t["key"])).to.deep.equal(["node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"]);
    const [container] = pod["containers"];
    expect(container["image"]).to.equal(`registry.example:5000/platform/bgplb-speaker:0.1.0@${DIGEST}`);
    expect(container["args"]).to.deep.equal(["speaker", "--cluster-namespace", "cluster-edge", "--health-listen", "0.0.0.0:9000", "--lease-duration", "3"]);
    expect(container["env"]).to.deep.equal([
      { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
      { name: "NODE_OPTIONS", value: "--max-semi-space-size=1 --max-old-space-size=160" },
      { name: "MALLOC_ARENA_MAX", value: "1" },
      { name: "MALLOC_MMAP_THRESHOLD_", value: "131072" },
      { name: "MALLOC_TRIM_THRESHOLD_", value: "131072" },
    ]);
    expect(container["ports"]).to.deep.equal([{ name: "monitoring", containerPort: 9000, protocol: "TCP" }]);
    expect(container["livenessProbe"]["httpGet"]).to.deep.equal({ path: "/healthz", port: "monitoring" });
    expect(container["readinessProbe"]["httpGet"]).to.deep.equal({ path: "/readyz", port: "monitoring" });
    expect(container["securityContext"]).to.deep.equal({
      runAsUser: 0,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "NET_RAW"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container["resources"]).to.deep.equal({ requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } });
  });

  it("asked for, the Namespace comes first and the ServiceAccount, bindings and DaemonSet use it; placement options replace the defaults", () => {
    const objects = speakerDeploymentObjects({
      clusterNamespace: "cluster-edge",
      image: IMAGE,
      namespace: "bgplb",
      createNamespace: true,
      name: "speaker",
      nodeSelector: { "node-role.example/lb": "true" },
      tolerations: [{ operator: "Exists" }],
      statusCrds: false,
    });
    expect(objects[0]).to.deep.include({ apiVersion: "v1", kind: "Namespace" });
    expect((objects[0]["metadata"] as Loose)["name"]).to.equal("bgplb");
    expect(byKind(objects, "CustomResourceDefinition")).to.deep.equal([]);
    expect(byKind(objects, "ServiceAccount")[0]["metadata"]).to.include({ name: "speaker", namespace: "bgplb" });
    expect(byKind(objects, "ClusterRoleBinding")[0]["subjects"]).to.deep.equal([{ kind: "ServiceAccount", name: "speaker", namespace: "bgplb" }]);
    const pod = byKind(objects, "DaemonSet")[0]["spec"]["template"]["spec"];
    expect(pod["nodeSelector"]).to.deep.equal({ "node-role.example/lb": "true" });
    expect(pod["tolerations"]).to.deep.equal([{ operator: "Exists" }]);
    expect(pod["serviceAccountName"]).to.equal("speaker");
  });

  it("one Role holds every namespaced grant when the cluster namespace is kube-system", () => {
    const roles = byKind(speakerDeploymentObjects({ clusterNamespace: "kube-system", image: IMAGE }), "Role");
    expect(roles).to.have.length(1);
    expect(roles[0]["rules"]).to.have.length(SPEAKER_API_GRANTS.filter((g) => g.scope !== "cluster").length);
  });

  it("the static pod reads a kubeconfig from the node and gates the control-plane VIP on the local API server's /readyz", () => {
    const objects = speakerDeploymentObjects({
      clusterNamespace: "cluster-edge",
      image: IMAGE,
      workload: "static-pod",
      kubeconfigPath: "/etc/bgplb/speaker.conf",
    });
    expect(byKind(objects, "DaemonSet")).to.deep.equal([]);
    const pod = byKind(objects, "Pod")[0];
    expect(pod["metadata"]).to.include({ name: "bgplb-speaker", namespace: "kube-system" });
    expect(pod["spec"]).to.include({ hostNetwork: true });
    expect(pod["spec"]).to.not.have.property("serviceAccountName");
    const [container] = pod["spec"]["containers"];
    expect(container["args"]).to.deep.equal([
      "speaker",
      "--cluster-namespace",
      "cluster-edge",
      "--health-listen",
      "0.0.0.0:7473",
      "--kubeconfig",
      "/etc/bgplb/kubeconfig",
      "--control-plane-readyz",
      "https://127.0.0.1:6443/readyz",
    ]);
    expect(container["volumeMounts"]).to.deep.equal([{ name: "kubeconfig", mountPath: "/etc/bgplb/kubeconfig", readOnly: true }]);
    expect(pod["spec"]["volumes"]).to.deep.equal([{ name: "kubeconfig", hostPath: { path: "/etc/bgplb/speaker.conf", type: "File" } }]);
  });

  it("the sidecar is the DaemonSet's container", () => {
    const options = { clusterNamespace: "cluster-edge", image: IMAGE };
    expect(speakerSidecar(options)).to.deep.equal(byKind(speakerDeploymentObjects(options), "DaemonSet")[0]["spec"]["template"]["spec"]["containers"][0]);
  });

  it("refuses names and numbers that cannot be deployed, naming the field and the value", () => {
    const refused = (options: Partial<Parameters<typeof speakerDeploymentObjects>[0]>) => () =>
      speakerDeploymentObjects({ clusterNamespace: "cluster-edge", image: IMAGE, ...options });
    expect(refused({ clusterNamespace: "Cluster_Edge" })).to.throw(SpeakerDeploymentError, 'clusterNamespace: "Cluster_Edge" is not a DNS-1123 label');
    expect(refused({ namespace: "" })).to.throw(SpeakerDeploymentError, 'namespace: "" is not a DNS-1123 label');
    expect(refused({ healthPort: 70000 })).to.throw(SpeakerDeploymentError, "healthPort: 70000 is not a whole number from 1 to 65535");
    expect(refused({ leaseDurationSeconds: 0.5 })).to.throw(SpeakerDeploymentError, "leaseDurationSeconds: 0.5 is not a whole number from 1 to 3600");
    expect(refused({ workload: "deployment" as never })).to.throw(SpeakerDeploymentError, 'workload: "deployment" is not daemonset or static-pod');
  });
});

describe("speaker deployment objects, MetalLB mode", () => {
  const rules = (o: Loose) => (o["rules"] as Loose[]).map((r) => `${r["apiGroups"].join()}|${r["resources"].join()}|${r["verbs"].join()}`);

  it("renders ServiceAccount, ClusterRole, one Role in MetalLB's namespace (metallb-system by default), bindings and the DaemonSet; no status CRDs", () => {
    const objects = speakerDeploymentObjects({ mode: "metallb", image: IMAGE });
    expect(
      objects.map((o) => `${String(o["kind"])} ${String((o["metadata"] as Loose).namespace ?? "")}/${String((o["metadata"] as Loose).name)}`),
    ).to.deep.equal([
      "ServiceAccount metallb-system/bgplb-speaker",
      "ClusterRole /bgplb-speaker",
      "ClusterRoleBinding /bgplb-speaker",
      "Role metallb-system/bgplb-speaker",
      "RoleBinding metallb-system/bgplb-speaker",
      "DaemonSet metallb-system/bgplb-speaker",
    ]);
  });

  it("grants the MetalLB table: Secrets, Leases and metallb.io objects only in MetalLB's namespace, nothing of the GKE mode's", () => {
    const objects = speakerDeploymentObjects({ mode: "metallb", image: IMAGE, namespace: "lb" });
    const expected = (scope: string) => METALLB_SPEAKER_API_GRANTS.filter((g) => g.scope === scope).map((g) => `${g.apiGroup}|${g.resource}|${g.verbs.join()}`);
    const clusterRules = rules(byKind(objects, "ClusterRole")[0]);
    const [role] = byKind(objects, "Role");
    expect(clusterRules).to.deep.equal(expected("cluster"));
    expect(rules(role)).to.deep.equal(expected("metallbNamespace"));
    expect(role["metadata"]["namespace"]).to.equal("lb");
    expect(clusterRules.filter((r) => /secrets|leases|metallb\.io/.test(r))).to.deep.equal([]);
    expect(rules(role)).to.include.members(["|secrets|list,watch", "coordination.k8s.io|leases|list,watch,create,update", "metallb.io|bgppeers|list,watch"]);
    expect([...clusterRules, ...rules(role)].filter((r) => /gke\.io/.test(r))).to.deep.equal([]);
    expect(byKind(objects, "RoleBinding")[0]["subjects"]).to.deep.equal([{ kind: "ServiceAccount", name: "bgplb-speaker", namespace: "lb" }]);
  });

  it("the DaemonSet runs bgplb speaker --mode metallb --namespace NS; the sidecar is its container", () => {
    const options = { mode: "metallb", image: IMAGE, namespace: "lb", leaseDurationSeconds: 3 } as const;
    const [container] = byKind(speakerDeploymentObjects(options), "DaemonSet")[0]["spec"]["template"]["spec"]["containers"];
    expect(container["args"]).to.deep.equal(["speaker", "--mode", "metallb", "--namespace", "lb", "--health-listen", "0.0.0.0:7473", "--lease-duration", "3"]);
    expect(speakerSidecar(options)).to.deep.equal(container);
  });

  it("refuses what the MetalLB mode does not have: a cluster namespace, the static pod, the status CRDs; the GKE mode still needs its cluster namespace", () => {
    const refused = (options: Partial<Parameters<typeof speakerDeploymentObjects>[0]>) => () =>
      speakerDeploymentObjects({ mode: "metallb", image: IMAGE, ...options });
    expect(refused({ clusterNamespace: "cluster-edge" })).to.throw(
      SpeakerDeploymentError,
      'clusterNamespace: "cluster-edge" does not apply to the MetalLB mode',
    );
    expect(refused({ workload: "static-pod" })).to.throw(SpeakerDeploymentError, 'workload: "static-pod" does not apply to the MetalLB mode');
    expect(refused({ statusCrds: true })).to.throw(SpeakerDeploymentError, "statusCrds: true does not apply to the MetalLB mode");
    expect(refused({ mode: "bgp" as never })).to.throw(SpeakerDeploymentError, 'mode: "bgp" is not gke or metallb');
    expect(refused({ mode: "gke" })).to.throw(SpeakerDeploymentError, "clusterNamespace: required in the GKE mode");
  });
});

describe("speaker image reference", () => {
  it("parses registry (with port), repository, tag and digest, and formats them back", () => {
    const text = `registry.example:5000/platform/bgplb-speaker:0.1.0@${DIGEST}`;
    expect(parseImageReference(text, "--image")).to.deep.equal(IMAGE);
    expect(formatImageReference(parseImageReference(text, "--image"))).to.equal(text);
    expect(parseImageReference(`localhost/bgplb@${DIGEST}`, "--image")).to.deep.equal({ registry: "localhost", repository: "bgplb", digest: DIGEST });
    expect(parseImageReference(`platform/bgplb:1.2@${DIGEST}`, "--image")).to.deep.equal({ repository: "platform/bgplb", tag: "1.2", digest: DIGEST });
  });

  it("takes digest and tag from a fallback (the layout) only when the text has none", () => {
    expect(parseImageReference("platform/bgplb", "--image", { digest: DIGEST, tag: "0.1.0" })).to.deep.equal({
      repository: "platform/bgplb",
      tag: "0.1.0",
      digest: DIGEST,
    });
    const other = `sha256:${"cd".repeat(32)}`;
    expect(parseImageReference(`platform/bgplb:2.0@${other}`, "--image", { digest: DIGEST, tag: "0.1.0" })).to.deep.equal({
      repository: "platform/bgplb",
      tag: "2.0",
      digest: other,
    });
  });

  it("refuses an image not pinned by digest, a bad digest, an upper-case repository", () => {
    expect(() => parseImageReference("platform/bgplb:0.1.0", "--image")).to.throw(ImageReferenceError, "--image: the image is not pinned by a digest");
    expect(() => parseImageReference("platform/bgplb@sha256:abc", "--image")).to.throw(
      ImageReferenceError,
      '--image: digest "sha256:abc" is not sha256: followed by 64 lower-case hex digits',
    );
    expect(() => parseImageReference(`Platform/BGPLB@${DIGEST}`, "--image")).to.throw(
      ImageReferenceError,
      '--image: repository "Platform/BGPLB" is not a repository path',
    );
  });

  describe("OCI layout", () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "bgplb-layout-"));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("reads the manifest digest and ref name of the layout bgplb image build writes", () => {
      writeFileSync(
        join(dir, "index.json"),
        JSON.stringify({ schemaVersion: 2, manifests: [{ digest: DIGEST, annotations: { "org.opencontainers.image.ref.name": "0.1.0" } }] }),
      );
      expect(layoutImage(dir)).to.deep.equal({ digest: DIGEST, tag: "0.1.0" });
    });

    it("names the file when it is missing, not JSON, or holds no single sha256 manifest", () => {
      expect(() => layoutImage(dir)).to.throw(ImageReferenceError, join(dir, "index.json"));
      writeFileSync(join(dir, "index.json"), "{");
      expect(() => layoutImage(dir)).to.throw(ImageReferenceError, `${join(dir, "index.json")}: not JSON`);
      writeFileSync(join(dir, "index.json"), JSON.stringify({ manifests: [] }));
      expect(() => layoutImage(dir)).to.throw(ImageReferenceError, "holds 0 manifests");
      writeFileSync(join(dir, "index.json"), JSON.stringify({ manifests: [{ digest: "md5:x" }] }));
      expect(() => layoutImage(dir)).to.throw(ImageReferenceError, 'manifests[0].digest "md5:x" is not a sha256 digest');
    });
  });
});
