import { expect } from "chai";
import { EXAMPLE_NAMES, exampleText, hasManifestErrors, parseManifests, renderPlain, type PlainManifest } from "../../sdk/manifest";
import { ThrowawayCluster, type KubeObject } from "./harness/cluster";
import { clusterTools, requireTools } from "./harness/tools";

/** Spec fields our CRDs default, by kind: the only fields the server may add to a rendered object. */
const SERVER_DEFAULTS: Readonly<Record<string, readonly string[]>> = {
  "baremetal.cluster.gke.io/v1 Cluster": ["loadBalancer.ports.controlPlaneLBPort"],
  "metallb.io/v1beta2 BGPPeer": ["peerPort"],
  "metallb.io/v1beta1 IPAddressPool": ["autoAssign", "avoidBuggyIPs"],
  "metallb.io/v1beta1 BGPAdvertisement": ["aggregationLength", "aggregationLengthV6"],
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Paths (dot-joined, under spec) the stored value has and the rendered one
 * lacks; asserts every rendered field is stored unchanged.
 */
function addedPaths(stored: unknown, rendered: unknown, at: string): string[] {
  if (!isRecord(rendered) || !isRecord(stored)) {
    expect(stored, at).to.deep.equal(rendered);
    return [];
  }
  const added: string[] = [];
  for (const [key, value] of Object.entries(stored)) {
    const path = at === "" ? key : `${at}.${key}`;
    if (key in rendered) added.push(...addedPaths(value, rendered[key], path));
    else added.push(path);
  }
  for (const key of Object.keys(rendered)) expect(stored, `${at}: ${key} dropped by the server`).to.have.property(key);
  return added;
}

function identity(manifest: PlainManifest): { apiVersion: string; kind: string; name: string; namespace: string } {
  const metadata = manifest["metadata"] as { name: string; namespace: string };
  return { apiVersion: manifest["apiVersion"] as string, kind: manifest["kind"] as string, name: metadata.name, namespace: metadata.namespace };
}

/** `kind.group` for kubectl, from an apiVersion and kind of our CRDs. */
function resourceOf(apiVersion: string, kind: string): string {
  return `${kind.toLowerCase()}s.${apiVersion.split("/")[0]}`;
}

describe("e2e: bundled examples, rendered by bgplb, on a throwaway API server", function () {
  this.timeout(180_000);
  let cluster: ThrowawayCluster | undefined;

  before(async function () {
    const tools = requireTools(this, clusterTools);
    cluster = await ThrowawayCluster.start(tools.get("kubectl") as string);
  });

  after(async function () {
    await cluster?.stop();
  });

  for (const example of EXAMPLE_NAMES) {
    it(`${example}: the API server accepts every rendered object, stores it field by field, and deletes it`, async function () {
      const live = cluster as ThrowawayCluster;
      const parsed = parseManifests(exampleText(example));
      expect(hasManifestErrors(parsed.issues), JSON.stringify(parsed.issues)).to.equal(false);
      const manifests = renderPlain(parsed.topology);
      expect(manifests).to.not.have.length(0);

      for (const namespace of new Set(manifests.map((m) => identity(m).namespace))) {
        const exists = await live.kubectl(["get", "namespace", namespace]);
        if (exists.code !== 0) await live.kubectlChecked(["create", "namespace", namespace]);
      }
      const list = JSON.stringify({ apiVersion: "v1", kind: "List", items: manifests });
      await live.kubectlChecked(["create", "-f", "-"], list);

      for (const manifest of manifests) {
        const { apiVersion, kind, name, namespace } = identity(manifest);
        const stored: KubeObject = await live.getJson(resourceOf(apiVersion, kind), name, namespace);
        expect(stored.metadata.labels, `${kind} ${name} labels`).to.deep.equal((manifest["metadata"] as { labels?: unknown }).labels);
        const added = addedPaths(stored.spec, manifest["spec"], "");
        const allowed = SERVER_DEFAULTS[`${apiVersion} ${kind}`] ?? [];
        expect(added.filter((path) => !allowed.includes(path)), `${kind} ${name}: fields the server added`).to.deep.equal([]);
      }

      await live.kubectlChecked(["delete", "-f", "-", "--wait=true"], list);
      for (const manifest of manifests) {
        const { apiVersion, kind, name, namespace } = identity(manifest);
        const gone = await live.kubectl(["get", resourceOf(apiVersion, kind), name, "-n", namespace]);
        expect(gone.stderr, `${kind} ${name} after delete`).to.include("NotFound");
      }
    });
  }
});
