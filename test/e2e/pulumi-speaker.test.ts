/**
 * The `Speaker` component through the real Pulumi engine and Kubernetes
 * provider: added to the gke-three-racks example program, `pulumi up`
 * creates the ServiceAccount, RBAC, the status CRDs and the DaemonSet on a
 * throwaway API server, which accepts and stores each as rendered; the
 * ServiceAccount then has exactly the access the grants table says.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { SPEAKER_API_GRANTS, speakerDeploymentObjects } from "../../sdk/deployment";
import type { PlainManifest } from "../../sdk/manifest";
import { ThrowawayCluster } from "./harness/cluster";
import { PulumiBackend } from "./harness/pulumi";
import { clusterTools, pulumiTools, repoDir, requireTools } from "./harness/tools";

const DIGEST = `sha256:${"5a".repeat(32)}`;
const IMAGE = { registry: "registry.example", repository: "platform/bgplb-speaker", tag: "0.1.0", digest: DIGEST };
const CLUSTER_NAMESPACE = "cluster-edge";
const ACCOUNT = "system:serviceaccount:kube-system:bgplb-speaker";
const STATUS_CRDS = ["bgpsessions.networking.gke.io", "bgpadvertisedroutes.networking.gke.io"];

/** Asserts every field of `rendered` is stored unchanged (the server may add defaults beside them). */
function expectContains(stored: unknown, rendered: unknown, at: string): void {
  if (Array.isArray(rendered)) {
    expect(stored, at).to.be.an("array").with.length(rendered.length);
    rendered.forEach((item, i) => expectContains((stored as unknown[])[i], item, `${at}[${i}]`));
  } else if (typeof rendered === "object" && rendered !== null) {
    expect(stored, at).to.be.an("object");
    for (const [key, value] of Object.entries(rendered)) expectContains((stored as Record<string, unknown>)[key], value, `${at}.${key}`);
  } else {
    expect(stored, at).to.equal(rendered);
  }
}

/** The kubectl resource name of a rendered object. */
function resourceName(object: PlainManifest): string {
  const group = String(object["apiVersion"]).includes("/") ? `.${String(object["apiVersion"]).split("/")[0]}` : "";
  return `${String(object["kind"]).toLowerCase()}${group}`;
}

describe("e2e: pulumi up of the Speaker component with the real engine and Kubernetes provider", function () {
  this.timeout(600_000);
  let cluster: ThrowawayCluster | undefined;
  let backend: PulumiBackend | undefined;
  let programDir: string;
  const rendered = speakerDeploymentObjects({ clusterNamespace: CLUSTER_NAMESPACE, image: IMAGE });
  const run = (op: Parameters<PulumiBackend["run"]>[2]) => backend!.run("bgplb-speaker", programDir, op);

  before(async function () {
    const tools = requireTools(this, [...clusterTools, ...pulumiTools]);
    cluster = await ThrowawayCluster.start(tools.get("kubectl") as string);
    backend = await PulumiBackend.create(tools);
    await cluster.kubectlChecked(["create", "namespace", CLUSTER_NAMESPACE]);
    // up.sh installs every CRD of sdk/crds; the component must create the status CRDs itself
    await cluster.kubectlChecked(["delete", "crd", ...STATUS_CRDS]);
    const compiled = path.join(repoDir, "dist/examples/gke-three-racks/index.js");
    programDir = backend.writeProgram("speaker", compiled, [
      {
        from: "const rendered = target.publish(",
        to:
          `const e2eSpeaker = new bgplb.Speaker("speaker", { clusterNamespace: ${JSON.stringify(CLUSTER_NAMESPACE)}, image: ${JSON.stringify(IMAGE)}, waitForRollout: false, applyToCluster: target.applyToCluster }, target.options);\n` +
          "const rendered = target.publish(",
      },
    ]);
    const stack = await backend.stack("bgplb-speaker", programDir);
    await stack.setConfig("kubeconfig", { value: readFileSync(cluster.kubeconfig, "utf8"), secret: true });
    await stack.setConfig("renderDirectory", { value: path.join(backend.dir, "rendered", "speaker") });
  });

  after(async function () {
    await cluster?.stop();
    backend?.remove();
  });

  it("pulumi up: the API server accepts the ServiceAccount, ClusterRole, Roles, bindings, status CRDs and DaemonSet and stores every rendered field", async () => {
    await run("up");
    for (const object of rendered) {
      const { name, namespace } = object["metadata"] as { name: string; namespace?: string };
      const stored = await cluster!.getJson(resourceName(object), name, namespace);
      const { metadata: _metadata, ...body } = object;
      expectContains(stored, body, `${String(object["kind"])} ${name}`);
      expect(stored.metadata.labels, `${String(object["kind"])} ${name} labels`).to.deep.equal((object["metadata"] as { labels?: unknown }).labels);
    }
    for (const crd of STATUS_CRDS) await cluster!.kubectlChecked(["wait", "--for", "condition=Established", `crd/${crd}`, "--timeout", "30s"]);
  });

  it("pulumi up: the ServiceAccount may do exactly what the grants table says, and nothing next to it", async () => {
    const canI = async (verb: string, resource: string, namespace?: string, subresource?: string) => {
      const scope = namespace === undefined ? [] : ["-n", namespace];
      const outcome = await cluster!.kubectl([
        "auth",
        "can-i",
        verb,
        resource,
        "--as",
        ACCOUNT,
        ...scope,
        ...(subresource === undefined ? [] : ["--subresource", subresource]),
      ]);
      return outcome.stdout.trim();
    };
    for (const grant of SPEAKER_API_GRANTS) {
      const [plural, subresource] = grant.resource.split("/") as [string, string | undefined];
      const resource = grant.apiGroup === "" ? plural : `${plural}.${grant.apiGroup}`;
      const namespace = grant.scope === "cluster" ? undefined : grant.scope === "clusterNamespace" ? CLUSTER_NAMESPACE : "kube-system";
      const what = `${resource}${subresource === undefined ? "" : `/${subresource}`} in ${namespace ?? "the cluster"}`;
      for (const verb of grant.verbs) expect(await canI(verb, resource, namespace, subresource), `${verb} ${what}`).to.equal("yes");
      expect(await canI("deletecollection", resource, namespace, subresource), `deletecollection ${what}`).to.equal("no");
    }
    expect(await canI("get", "secrets", "kube-system")).to.equal("no");
    expect(await canI("patch", "services", "default"), "Services themselves are only read").to.equal("no");
    expect(await canI("get", "leases.coordination.k8s.io", CLUSTER_NAMESPACE), "Leases are listed and watched, never read one by one").to.equal("no");
    expect(await canI("list", "leases.coordination.k8s.io", "kube-system"), "Leases only in the cluster namespace").to.equal("no");
    expect(await canI("patch", "bgpsessions.networking.gke.io", CLUSTER_NAMESPACE), "status objects only in kube-system").to.equal("no");
  });

  it("pulumi destroy: every speaker object is gone", async () => {
    await run("destroy");
    for (const object of rendered) {
      const { name, namespace } = object["metadata"] as { name: string; namespace?: string };
      const gone = await cluster!.kubectl(["get", resourceName(object), name, ...(namespace === undefined ? [] : ["-n", namespace])]);
      expect(gone.stderr, `${String(object["kind"])} ${name}`).to.contain("NotFound");
    }
  });
});
