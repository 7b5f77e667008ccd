import { expect } from "chai";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { EXAMPLE_NAMES, type PlainManifest } from "../../sdk/manifest";
import { parseAllDocuments } from "yaml";
import { ThrowawayCluster, type KubeObject } from "./harness/cluster";
import { runChecked, runCommand } from "./harness/command";
import { expectStoredAsRendered, identity, resourceOf } from "./harness/objects";
import { PulumiBackend, type ProgramEdit, type StepSummary } from "./harness/pulumi";
import { clusterTools, pulumiTools, repoDir, requireTools } from "./harness/tools";

/** An edit of an example's input and the change `pulumi preview --diff` must show for it. */
interface ExpectedChange {
  readonly edit: ProgramEdit;
  /** Type token of the applied object that changes. */
  readonly type: string;
  /** The changed property path the preview reports. */
  readonly field: string;
}

/** An edit the stack must refuse before applying anything, and the rule code it is refused with. */
interface ExpectedRefusal {
  readonly edits: readonly ProgramEdit[];
  readonly code: string;
  /** What the refusal is about, for the test title. */
  readonly what: string;
}

const GKE_CLUSTER_ASN: ExpectedRefusal = {
  edits: [{ from: "localAsn: 65001", to: "localAsn: 65010" }],
  code: "BGPLB081",
  what: "a new cluster ASN (cannot change after creation)",
};

/**
 * MetalLB has no field that cannot change after creation; what only the
 * whole stack can see is a second peer with another local ASN (in the same
 * VRF as the example's peers: peers in different VRFs may differ).
 */
function metallbOtherAsn(vrf?: string): ExpectedRefusal {
  const inVrf = vrf === undefined ? "" : `, vrf: ${JSON.stringify(vrf)}`;
  return {
    edits: [
      {
        from: "const rendered = target.publish(",
        to:
          `const e2eOtherAsn = new bgplb.MetalLbPeer("e2e-other-asn", { myAsn: 64999, peerAsn: 64998, peerAddress: "10.0.99.1"${inVrf}, applyToCluster: target.applyToCluster }, target.options);\n` +
          "const rendered = ((groups) => target.publish([...groups, e2eOtherAsn.objects]))(",
      },
    ],
    code: "BGPLB108",
    what: "a second MetalLB peer with another local ASN (a cross-object rule)",
  };
}
const METALLB_OTHER_ASN = metallbOtherAsn();

const NGG = "kubernetes:networking.gke.io/v1:NetworkGatewayGroup";
const GKE_PEER = "kubernetes:networking.gke.io/v1:BGPPeer";
const METALLB_PEER = "kubernetes:metallb.io/v1beta2:BGPPeer";

const PROGRAMS: Readonly<Record<string, { change: ExpectedChange; refusal: ExpectedRefusal }>> = {
  "gke-dual-stack": { change: { edit: { from: '"10.0.2.100"', to: '"10.0.2.101"' }, type: NGG, field: "spec.floatingIPs" }, refusal: GKE_CLUSTER_ASN },
  "gke-per-rack-peers": { change: { edit: { from: '"10.0.2.100"', to: '"10.0.2.101"' }, type: NGG, field: "spec.floatingIPs" }, refusal: GKE_CLUSTER_ASN },
  "gke-separate-data-plane": { change: { edit: { from: "sessions: 2", to: "sessions: 1" }, type: GKE_PEER, field: "spec.sessions" }, refusal: GKE_CLUSTER_ASN },
  "gke-shared-peers": { change: { edit: { from: '"10.0.2.100"', to: '"10.0.2.101"' }, type: NGG, field: "spec.floatingIPs" }, refusal: GKE_CLUSTER_ASN },
  "gke-three-racks": { change: { edit: { from: '"10.0.3.101"', to: '"10.0.3.102"' }, type: NGG, field: "spec.floatingIPs" }, refusal: GKE_CLUSTER_ASN },
  "metallb-bfd": { change: { edit: { from: "peerAsn: 64501", to: "peerAsn: 64502" }, type: METALLB_PEER, field: "spec.peerASN" }, refusal: METALLB_OTHER_ASN },
  "metallb-dual-stack": {
    change: { edit: { from: 'peerAddress: "10.0.20.1"', to: 'peerAddress: "10.0.20.2"' }, type: METALLB_PEER, field: "spec.peerAddress" },
    refusal: METALLB_OTHER_ASN,
  },
  "metallb-node-selector": {
    change: { edit: { from: "peerAsn: 64501", to: "peerAsn: 64502" }, type: METALLB_PEER, field: "spec.peerASN" },
    refusal: METALLB_OTHER_ASN,
  },
  "metallb-pools-per-peer": {
    change: { edit: { from: "peerAsn: 64501", to: "peerAsn: 64502" }, type: METALLB_PEER, field: "spec.peerASN" },
    refusal: METALLB_OTHER_ASN,
  },
  "metallb-vrf": {
    change: { edit: { from: "peerAsn: 200", to: "peerAsn: 201" }, type: METALLB_PEER, field: "spec.peerASN" },
    refusal: metallbOtherAsn("ens4vrf"),
  },
};

const CLUSTER_KIND = "baremetal.cluster.gke.io/v1 Cluster";
const BGPLB = path.join(repoDir, "dist/sdk/cli/main.js");

/** Parses multi-document YAML into plain objects. */
function parseDocuments(text: string): PlainManifest[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJSON() as PlainManifest)
    .filter((doc) => doc !== null);
}

/** The steps of a run that change something, sorted by type and name. */
function changingSteps(steps: readonly StepSummary[]): StepSummary[] {
  return steps.filter((step) => step.op !== "same").sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));
}

describe("e2e: pulumi up of every example program with the real engine and Kubernetes provider", function () {
  this.timeout(600_000);
  let cluster: ThrowawayCluster | undefined;
  let backend: PulumiBackend | undefined;

  before(async function () {
    const tools = requireTools(this, [...clusterTools, ...pulumiTools]);
    cluster = await ThrowawayCluster.start(tools.get("kubectl") as string);
    backend = await PulumiBackend.create(tools);
    // The namespaces bmctl (cluster-<name>) and the MetalLB install create on a real cluster.
    for (const namespace of ["cluster-bm", "cluster-edge", "metallb-system"]) await cluster.kubectlChecked(["create", "namespace", namespace]);
  });

  after(async function () {
    await cluster?.stop();
    backend?.remove();
  });

  it("has an expected change and refusal for every example program", function () {
    const programs = readdirSync(path.join(repoDir, "examples")).filter((entry) => existsSync(path.join(repoDir, "examples", entry, "Pulumi.yaml")));
    expect(Object.keys(PROGRAMS).sort()).to.deep.equal(programs.sort());
  });

  for (const [name, { change, refusal }] of Object.entries(PROGRAMS)) {
    describe(`pulumi up examples/${name}`, function () {
      const compiled = path.join(repoDir, "dist/examples", name, "index.js");
      let stack: Stack;
      let renderDirectory: string;
      let programDir: string;
      /** What `bgplb render` prints for the example, as objects. */
      let rendered: PlainManifest[];
      /** The rendered objects Pulumi applies (bmctl owns the Cluster). */
      let applied: PlainManifest[];

      const live = (): ThrowawayCluster => cluster as ThrowawayCluster;
      const pulumi = (): PulumiBackend => backend as PulumiBackend;
      const run = (op: Parameters<PulumiBackend["run"]>[2], options?: Parameters<PulumiBackend["run"]>[3]) =>
        pulumi().run(`bgplb-${name}`, programDir, op, options);

      /** resourceVersion of every applied object, keyed by kind/namespace/name (absent ones are missing). */
      async function liveVersions(): Promise<Record<string, string | undefined>> {
        const versions: Record<string, string | undefined> = {};
        for (const manifest of applied) {
          const { apiVersion, kind, name: objectName, namespace } = identity(manifest);
          const got = await live().kubectl(["get", resourceOf(apiVersion, kind), objectName, "-n", namespace, "-o", "json"]);
          versions[`${kind} ${namespace}/${objectName}`] = got.code === 0 ? (JSON.parse(got.stdout) as KubeObject).metadata.resourceVersion : undefined;
        }
        return versions;
      }

      before(async function () {
        if (backend === undefined) this.skip();
        programDir = pulumi().writeProgram(name, compiled);
        renderDirectory = path.join(pulumi().dir, "rendered", name);
        stack = await pulumi().stack(`bgplb-${name}`, programDir);
        await stack.setConfig("kubeconfig", { value: readFileSync(live().kubeconfig, "utf8"), secret: true });
        await stack.setConfig("renderDirectory", { value: renderDirectory });
      });

      it(`pulumi up examples/${name}: applies every object exactly as bgplb render prints it`, async function () {
        await run("up");
        const gitops = readFileSync(path.join(renderDirectory, "manifests.yaml"), "utf8");
        if ((EXAMPLE_NAMES as readonly string[]).includes(name)) {
          const printed = await runChecked(process.execPath, [BGPLB, "render", "--example", name]);
          expect(gitops, "the GitOps file is what bgplb render prints").to.equal(printed.stdout);
        }
        rendered = parseDocuments(gitops);
        applied = rendered.filter((manifest) => `${String(manifest["apiVersion"])} ${String(manifest["kind"])}` !== CLUSTER_KIND);
        expect(applied).to.not.have.length(0);
        for (const manifest of applied) {
          const { apiVersion, kind, name: objectName, namespace } = identity(manifest);
          expectStoredAsRendered(await live().getJson(resourceOf(apiVersion, kind), objectName, namespace), manifest);
        }
      });

      it(`pulumi up examples/${name}: bgplb diff of the rendered GitOps directory against the live objects is empty`, async function () {
        const liveDir = path.join(pulumi().dir, "live", name);
        mkdirSync(liveDir, { recursive: true });
        const documents: string[] = [];
        for (const manifest of rendered) {
          const { apiVersion, kind, name: objectName, namespace } = identity(manifest);
          // bmctl owns the Cluster: it creates it from the same manifest.
          if (`${apiVersion} ${kind}` === CLUSTER_KIND) await live().kubectlChecked(["apply", "--server-side", "-f", "-"], JSON.stringify(manifest));
          documents.push((await live().kubectlChecked(["get", resourceOf(apiVersion, kind), objectName, "-n", namespace, "-o", "json"])).stdout);
        }
        writeFileSync(path.join(liveDir, "live.yaml"), documents.join("---\n"));
        const diff = await runCommand(process.execPath, [BGPLB, "diff", renderDirectory, liveDir]);
        expect({ code: diff.code, stdout: diff.stdout }, diff.stderr).to.deep.equal({
          code: 0,
          stdout: `0 added, 0 removed, 0 changed, ${rendered.length} unchanged\nNo changes.\n`,
        });
        for (const manifest of rendered) {
          const { apiVersion, kind, name: objectName, namespace } = identity(manifest);
          if (`${apiVersion} ${kind}` === CLUSTER_KIND) await live().kubectlChecked(["delete", resourceOf(apiVersion, kind), objectName, "-n", namespace]);
        }
      });

      it(`pulumi up examples/${name}: a second up reports no changes`, async function () {
        const result = await run("up", { expectNoChanges: true });
        expect(Object.keys(result.summary)).to.deep.equal(["same"]);
      });

      it(`pulumi up examples/${name}: an edited input is previewed as the in-place update of ${change.field}`, async function () {
        pulumi().writeProgram(name, compiled, [change.edit]);
        let steps: StepSummary[];
        try {
          steps = changingSteps((await run("preview", { diff: true })).steps);
        } finally {
          pulumi().writeProgram(name, compiled);
        }
        const updated = steps.filter((step) => step.type === change.type);
        expect(updated, JSON.stringify(steps)).to.have.length(1);
        expect(updated[0].op).to.equal("update");
        expect(
          updated[0].changed.some((field) => field === change.field || field.startsWith(`${change.field}[`) || field.startsWith(`${change.field}.`)),
          JSON.stringify(updated[0]),
        ).to.equal(true);
        expect(steps.map((step) => `${step.op} ${step.type}`).sort()).to.deep.equal(
          [`update ${change.type}`, "update pulumi-nodejs:dynamic/bgplb:AppliedTopology", "update pulumi-nodejs:dynamic/bgplb:RenderedManifests"].sort(),
        );
      });

      it(`pulumi up examples/${name}: ${refusal.what} is refused before anything is applied, with ${refusal.code}`, async function () {
        const before = await liveVersions();
        const gitops = readFileSync(path.join(renderDirectory, "manifests.yaml"), "utf8");
        pulumi().writeProgram(name, compiled, refusal.edits);
        try {
          const preview = await run("preview").then(
            () => "succeeded",
            (error: Error) => error.message,
          );
          expect(preview).to.contain(refusal.code);
          const up = await run("up").then(
            () => "succeeded",
            (error: Error) => error.message,
          );
          expect(up).to.contain(refusal.code);
        } finally {
          pulumi().writeProgram(name, compiled);
        }
        expect(await liveVersions(), "no object changed").to.deep.equal(before);
        expect(readFileSync(path.join(renderDirectory, "manifests.yaml"), "utf8"), "the GitOps directory is unchanged").to.equal(gitops);
        const other = await live().kubectl(["get", "bgppeers.metallb.io", "e2e-other-asn", "-n", "metallb-system"]);
        expect(other.stderr).to.contain("NotFound");
      });

      it(`pulumi up examples/${name}: pulumi refresh finds no drift`, async function () {
        const result = await run("refresh", { expectNoChanges: true });
        expect(Object.keys(result.summary)).to.deep.equal(["same"]);
      });

      it(`pulumi up examples/${name}: pulumi destroy leaves nothing behind`, async function () {
        await run("destroy");
        for (const manifest of applied) {
          const { apiVersion, kind, name: objectName, namespace } = identity(manifest);
          const gone = await live().kubectl(["get", resourceOf(apiVersion, kind), objectName, "-n", namespace]);
          expect(gone.stderr, `${kind} ${objectName} after destroy`).to.contain("NotFound");
        }
        const secrets = await live().kubectlChecked(["get", "secrets", "-A", "-o", "name"]);
        expect(secrets.stdout.trim()).to.equal("");
        expect(readdirSync(renderDirectory)).to.deep.equal([]);
      });
    });
  }
});
