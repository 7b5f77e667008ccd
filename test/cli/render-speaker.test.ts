import { expect } from "chai";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { speakerDeploymentObjects } from "../../sdk/deployment";
import { bgplb, scratchDirectory } from "./helpers";

const DIGEST = `sha256:${"12".repeat(32)}`;
const IMAGE = `registry.example/platform/bgplb-speaker:0.1.0@${DIGEST}`;

describe("bgplb render --speaker", () => {
  const scratch = scratchDirectory();
  after(() => scratch.remove());

  it("prints the deployment objects in apply order, each equal to what the builder makes, byte-identical run to run", async () => {
    const first = await bgplb("render", "--speaker", "--cluster-namespace", "cluster-edge", "--image", IMAGE, "--create-namespace", "--namespace", "bgplb");
    expect(first.code, first.stderr).to.equal(0);
    const documents = parseAllDocuments(first.stdout).map((d) => d.toJSON() as Record<string, unknown>);
    const built = speakerDeploymentObjects({
      clusterNamespace: "cluster-edge",
      namespace: "bgplb",
      createNamespace: true,
      image: { registry: "registry.example", repository: "platform/bgplb-speaker", tag: "0.1.0", digest: DIGEST },
    });
    expect(documents).to.deep.equal(built);
    expect(documents.map((d) => d["kind"])).to.deep.equal(built.map((o) => o["kind"]));
    const second = await bgplb("render", "--speaker", "--cluster-namespace", "cluster-edge", "--image", IMAGE, "--create-namespace", "--namespace", "bgplb");
    expect(second.stdout).to.equal(first.stdout);
  });

  it("takes the digest and tag from the image layout bgplb image build wrote", async () => {
    const layout = join(scratch.path, "layout");
    mkdirSync(layout);
    scratch.write(
      "layout/index.json",
      JSON.stringify({ schemaVersion: 2, manifests: [{ digest: DIGEST, annotations: { "org.opencontainers.image.ref.name": "0.1.0" } }] }),
    );
    const run = await bgplb(
      "render",
      "--speaker",
      "--cluster-namespace",
      "cluster-edge",
      "--image",
      "registry.example/platform/bgplb-speaker",
      "--image-layout",
      layout,
      "--workload",
      "sidecar",
    );
    expect(run.code, run.stderr).to.equal(0);
    expect((parse(run.stdout) as { image: string }).image).to.equal(IMAGE);
  });

  it("--workload static-pod renders a Pod instead of the DaemonSet; --out writes one file per object", async () => {
    const out = join(scratch.path, "out");
    const run = await bgplb(
      "render",
      "--speaker",
      "--cluster-namespace",
      "cluster-edge",
      "--image",
      IMAGE,
      "--workload",
      "static-pod",
      "--no-crds",
      "--out",
      out,
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(readdirSync(out).sort()).to.deep.equal([
      "clusterrole.rbac.authorization.k8s.io__bgplb-speaker.yaml",
      "clusterrolebinding.rbac.authorization.k8s.io__bgplb-speaker.yaml",
      "pod_kube-system_bgplb-speaker.yaml",
      "role.rbac.authorization.k8s.io_cluster-edge_bgplb-speaker.yaml",
      "role.rbac.authorization.k8s.io_kube-system_bgplb-speaker.yaml",
      "rolebinding.rbac.authorization.k8s.io_cluster-edge_bgplb-speaker.yaml",
      "rolebinding.rbac.authorization.k8s.io_kube-system_bgplb-speaker.yaml",
      "serviceaccount_kube-system_bgplb-speaker.yaml",
    ]);
    expect((parse(readFileSync(join(out, "pod_kube-system_bgplb-speaker.yaml"), "utf8")) as { spec: { hostNetwork: boolean } }).spec.hostNetwork).to.equal(
      true,
    );
  });

  it("--mode metallb prints the MetalLB-mode objects the builder makes (Role in --namespace, DaemonSet with --mode metallb, no CRDs)", async () => {
    const run = await bgplb("render", "--speaker", "--mode", "metallb", "--namespace", "lb-system", "--image", IMAGE);
    expect(run.code, run.stderr).to.equal(0);
    const documents = parseAllDocuments(run.stdout).map((d) => d.toJSON() as Record<string, unknown>);
    expect(documents).to.deep.equal(
      speakerDeploymentObjects({
        mode: "metallb",
        namespace: "lb-system",
        image: { registry: "registry.example", repository: "platform/bgplb-speaker", tag: "0.1.0", digest: DIGEST },
      }),
    );
    expect(documents.map((d) => d["kind"])).to.deep.equal(["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "DaemonSet"]);
    const daemonSet = documents.at(-1) as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
    expect(daemonSet.spec.template.spec.containers[0]?.args.slice(0, 5)).to.deep.equal(["speaker", "--mode", "metallb", "--namespace", "lb-system"]);
  });

  for (const [args, message] of [
    [["--image", IMAGE], "--speaker needs --cluster-namespace NS"],
    [["--cluster-namespace", "cluster-edge"], "--speaker needs --image"],
    [["--cluster-namespace", "cluster-edge", "--image", "platform/bgplb:0.1.0"], "--image: the image is not pinned by a digest"],
    [["--cluster-namespace", "Cluster", "--image", IMAGE], '--cluster-namespace: "Cluster" is not a DNS-1123 label'],
    [["--cluster-namespace", "cluster-edge", "--image", IMAGE, "--health-port", "http"], '--health-port: "http" is not a whole number'],
    [["--cluster-namespace", "cluster-edge", "--image", IMAGE, "--health-port", "0"], "--health-port: 0 is not a whole number from 1 to 65535"],
    [["--cluster-namespace", "cluster-edge", "--image", IMAGE, "--workload", "deployment"], '--workload: "deployment" is not daemonset, static-pod or sidecar'],
    [["--cluster-namespace", "cluster-edge", "--image", IMAGE, "--node-selector", "role"], '--node-selector: "role" is not KEY=VALUE'],
    [["--cluster-namespace", "cluster-edge", "--image", "x/y", "--image-layout", "/nonexistent-layout"], "/nonexistent-layout/index.json"],
    [["topology.yaml", "--cluster-namespace", "cluster-edge", "--image", IMAGE], "--speaker renders no input files"],
    [["--mode", "bgp", "--image", IMAGE], '--mode: "bgp" is not gke or metallb'],
    [["--mode", "metallb", "--cluster-namespace", "cluster-edge", "--image", IMAGE], "--cluster-namespace does not apply to --mode metallb"],
    [["--mode", "metallb", "--workload", "static-pod", "--image", IMAGE], '--workload: "static-pod" does not apply to the MetalLB mode'],
    [["--mode", "metallb", "--namespace", "MetalLB", "--image", IMAGE], '--namespace: "MetalLB" is not a DNS-1123 label'],
  ] as const) {
    it(`refuses --speaker ${args.join(" ")} with exit 2: ${message}`, async () => {
      const run = await bgplb("render", "--speaker", ...args);
      expect(run.code).to.equal(2);
      expect(run.stdout).to.equal("");
      expect(run.stderr).to.contain(message);
    });
  }

  it("a speaker option without --speaker is refused with exit 2, naming the option", async () => {
    const run = await bgplb("render", "--image=platform/bgplb", "topology.yaml");
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("--image is an option of --speaker");
  });
});
