import { expect } from "chai";
import { EXAMPLE_NAMES, exampleText, hasManifestErrors, parseManifests, renderPlain } from "../../sdk/manifest";
import { ThrowawayCluster } from "./harness/cluster";
import { expectStoredAsRendered, identity, resourceOf } from "./harness/objects";
import { clusterTools, requireTools } from "./harness/tools";

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
        expectStoredAsRendered(await live.getJson(resourceOf(apiVersion, kind), name, namespace), manifest);
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
