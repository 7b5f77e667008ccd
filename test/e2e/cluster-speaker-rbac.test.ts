/**
 * The speaker's RBAC is complete and minimal, shown on the real API server
 * (RBAC authorization) of the cluster-speaker lab. The speakers run as the
 * ServiceAccount `bgplb render --speaker` makes. Each experiment restarts
 * all three speakers after making every kind of API call necessary: the
 * bgplb Leases are deleted (so they are created again), a stale BGPSession
 * of a node that does not exist and a stale BGPAdvertisedRoute are put in
 * kube-system (so the allocator deletes them), and a LoadBalancer Service
 * is created (address, Event, BGPAdvertisedRoute). With the rendered grants
 * the whole job is done and no call is refused; with any one verb of any
 * one rule taken away, a speaker logs the API server refusing exactly that
 * verb on that resource.
 */
import { expect } from "chai";
import { SPEAKER_API_GRANTS, speakerAccessObjects, type ApiGrant } from "../../sdk/deployment";
import { GKE_STATUS_NAMESPACE } from "../../sdk/model";
import { ThrowawayCluster } from "./harness/cluster";
import { clusterTools, requireTools } from "./harness/tools";
import {
  CLUSTER_NAMESPACE,
  ClusterLab,
  NODES,
  SPEAKER_ACCOUNT,
  refusedCalls,
  speakerLogEntries,
  startClusterLab,
  type SpeakerLogEntry,
} from "./cluster-speaker-lab";
import { waitFor } from "../interop/harness/wait";

/** The labels `bgplb render --speaker` puts on the RBAC objects (replaced objects keep them). */
const LABELS = {
  "app.kubernetes.io/name": "bgplb-speaker",
  "app.kubernetes.io/instance": "bgplb-speaker",
  "app.kubernetes.io/component": "speaker",
  "app.kubernetes.io/part-of": "bgplb",
};

/** The collection path a grant's resource is listed and watched on. */
function isCollectionPath(path: unknown, grant: ApiGrant): boolean {
  // any version of the group: the speaker reads ClusterCIDRConfig at v1alpha1, the other kinds at v1
  const prefix = grant.apiGroup === "" ? "/api/v1" : `/apis/${grant.apiGroup}/[^/]+`;
  const namespace = grant.scope === "cluster" ? "" : `/namespaces/${grant.scope === "clusterNamespace" ? CLUSTER_NAMESPACE : GKE_STATUS_NAMESPACE}`;
  return typeof path === "string" && new RegExp(`^${prefix.replace(/\./g, "\\.")}${namespace}/${grant.resource}$`).test(path);
}

/**
 * True when a log entry reports the API server refusing `verb` on the
 * grant's resource: its Forbidden message names verb, resource and group;
 * a refused watch answers 403 without a body, so it is recognised by the
 * collection path the informer watches.
 */
function refuses(entry: SpeakerLogEntry, grant: ApiGrant, verb: string): boolean {
  const text = JSON.stringify(entry);
  if (verb === "watch") return entry.msg === "watch failed; retrying" && isCollectionPath(entry["path"], grant) && entry["error"] === "HTTP 403: Forbidden";
  return text.includes(JSON.stringify(`cannot ${verb} resource "${grant.resource}" in API group "${grant.apiGroup}"`).slice(1, -1));
}

describe("cluster speaker RBAC: the rendered ServiceAccount's grants are complete and each verb is needed", function () {
  this.timeout(240_000);
  let lab: ClusterLab | undefined;
  let cluster: ThrowawayCluster | undefined;
  let failed = false;
  let round = 0;

  const kubectl = (args: readonly string[], input?: string) => cluster!.kubectlChecked(args, input);

  /** Replaces the speaker's ClusterRole and Roles with those of `grants`. */
  async function grant(grants: readonly ApiGrant[]): Promise<void> {
    const roles = speakerAccessObjects(
      { name: SPEAKER_ACCOUNT.name, namespace: SPEAKER_ACCOUNT.namespace, clusterNamespace: CLUSTER_NAMESPACE, labels: LABELS },
      grants,
    ).filter((o) => o["kind"] === "ClusterRole" || o["kind"] === "Role");
    expect(roles.map((o) => o["kind"]).sort()).to.deep.equal(["ClusterRole", "Role", "Role"]);
    for (const role of roles) await kubectl(["replace", "-f", "-"], JSON.stringify(role));
  }

  /**
   * Stops every speaker, sets up the work that needs every verb, starts
   * fresh speakers (new log files) and creates a Service.
   * @returns the new speakers' log files and the Service's name
   */
  async function restartWithWork(): Promise<{ logs: string[]; service: string; started: Date }> {
    round++;
    // killed, not stopped: the experiments are about API calls, and a graceful stop (Cease, Lease release) only costs time
    await Promise.all(
      [...lab!.speakers.values()].map(async (proc) => {
        proc.signal("SIGKILL");
        await proc.waitExit(10_000);
      }),
    );
    await kubectl(["delete", "lease", "-n", CLUSTER_NAMESPACE, "-l", "app.kubernetes.io/managed-by=bgplb-speaker"]);
    const stale = [
      {
        apiVersion: "networking.gke.io/v1",
        kind: "BGPSession",
        metadata: { name: "stale-gone", namespace: GKE_STATUS_NAMESPACE },
        spec: { floatingIP: "198.18.0.199", localASN: 65001, localIP: "198.18.0.199", nodeName: "gone", peerASN: 65002, peerIP: "198.18.0.254" },
      },
      {
        apiVersion: "networking.gke.io/v1",
        kind: "BGPAdvertisedRoute",
        metadata: { name: "default-stale", namespace: GKE_STATUS_NAMESPACE },
        spec: { prefix: "198.19.1.250/32", metric: 0, nextHops: ["198.18.0.11"] },
      },
    ];
    for (const object of stale) await kubectl(["apply", "--server-side", "-f", "-"], JSON.stringify(object));
    const started = new Date(Math.floor(Date.now() / 1000) * 1000);
    const running = NODES.map((node) => lab!.startSpeaker(node.name, lab!.speakerKubeconfig, `speaker-${node.name}-rbac-${round}`));
    const service = `rbac-${round}`;
    await kubectl(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: service, namespace: "default" },
        spec: { type: "LoadBalancer", ports: [{ port: 80 }], selector: { app: service } },
      }),
    );
    return { logs: running.map((p) => p.logFile), service, started };
  }

  before(async function () {
    if (process.getuid?.() !== 0) {
      console.log("      skipped: the lab needs root (network namespaces)");
      this.skip();
    }
    const tools = requireTools(this, clusterTools);
    ({ lab, cluster } = await startClusterLab(tools.get("kubectl")!));
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") failed = true;
  });

  after(async function () {
    if (failed && lab) console.log(`      lab logs kept in ${lab.dir}`);
    await cluster?.stop().catch(() => undefined);
    await lab?.destroy(failed);
  });

  it("RBAC: with the rendered grants the speakers do their whole job (Leases created and renewed, Service address, Event, BGPAdvertisedRoute, BGPSessions, stale status objects deleted) and no call is refused", async () => {
    const { logs, service, started } = await restartWithWork();
    const ip = await waitFor(
      `${service}'s address`,
      async () => {
        const got = JSON.parse((await kubectl(["get", "service", service, "-n", "default", "-o", "json"])).stdout) as {
          status?: { loadBalancer?: { ingress?: { ip: string }[] } };
        };
        return got.status?.loadBalancer?.ingress?.[0]?.ip;
      },
      { timeoutMs: 30_000 },
    );
    await waitFor(
      `the IPAllocated Event on ${service}`,
      async () =>
        (
          await kubectl(["get", "events", "-n", "default", "--field-selector", `involvedObject.name=${service},reason=IPAllocated`, "-o", "name"])
        ).stdout.trim() || undefined,
      { timeoutMs: 20_000 },
    );
    await waitFor(
      `BGPAdvertisedRoute default-${service}`,
      async () => ((await cluster!.kubectl(["get", "bgpadvertisedroutes", `default-${service}`, "-n", GKE_STATUS_NAMESPACE])).code === 0 ? true : undefined),
      { timeoutMs: 20_000 },
    );
    for (const name of ["bgpsessions/stale-gone", "bgpadvertisedroutes/default-stale"]) {
      await waitFor(`${name} deleted`, async () => ((await cluster!.kubectl(["get", name, "-n", GKE_STATUS_NAMESPACE])).code !== 0 ? true : undefined), {
        timeoutMs: 20_000,
      });
    }
    await waitFor(
      "4 BGPSessions reported Established by the new speakers",
      async () => {
        const list = JSON.parse((await kubectl(["get", "bgpsessions", "-n", GKE_STATUS_NAMESPACE, "-o", "json"])).stdout) as {
          items: { status?: { state?: string; lastReportTime?: string } }[];
        };
        return list.items.filter((s) => s.status?.state === "Established" && Date.parse(s.status.lastReportTime ?? "") >= started.getTime()).length === 4
          ? true
          : undefined;
      },
      { timeoutMs: 30_000 },
    );
    await waitFor(`${ip}/32 in BIRD's RIB`, async () => ((await lab!.bird.routes()).some((r) => r.prefix === `${ip}/32`) ? true : undefined), {
      timeoutMs: 20_000,
    });
    const leases = (await kubectl(["get", "leases", "-n", CLUSTER_NAMESPACE, "-o", "name"])).stdout.trim().split("\n").sort();
    expect(leases).to.include.members(["lease.coordination.k8s.io/bgplb-allocator", ...NODES.map((n) => `lease.coordination.k8s.io/bgplb-speaker-${n.name}`)]);
    // a renewal (update) has happened once every Lease's resourceVersion moved on from its creation
    const presence = async () =>
      (
        JSON.parse((await kubectl(["get", "leases", "-n", CLUSTER_NAMESPACE, "-o", "json"])).stdout) as {
          items: { metadata: { name: string; resourceVersion: string } }[];
        }
      ).items.filter((l) => l.metadata.name.startsWith("bgplb-speaker-"));
    const first = new Map((await presence()).map((l) => [l.metadata.name, l.metadata.resourceVersion]));
    await waitFor(
      "every presence Lease renewed",
      async () => ((await presence()).every((l) => first.get(l.metadata.name) !== l.metadata.resourceVersion) ? true : undefined),
      { timeoutMs: 10_000 },
    );
    for (const log of logs) {
      expect(
        speakerLogEntries(log).some((entry) => entry.msg === "cluster speaker started"),
        log,
      ).to.equal(true);
      expect(refusedCalls(log), log).to.deep.equal([]);
    }
  });

  for (const taken of SPEAKER_API_GRANTS) {
    for (const verb of taken.verbs) {
      it(`RBAC: without ${verb} on ${taken.resource}${taken.apiGroup === "" ? "" : `.${taken.apiGroup}`} (${taken.scope === "cluster" ? "ClusterRole" : `Role in ${taken.scope === "clusterNamespace" ? CLUSTER_NAMESPACE : GKE_STATUS_NAMESPACE}`}) the API server refuses a speaker call`, async () => {
        await grant(SPEAKER_API_GRANTS.map((g) => (g === taken ? { ...g, verbs: g.verbs.filter((v) => v !== verb) } : g)).filter((g) => g.verbs.length > 0));
        try {
          const { logs } = await restartWithWork();
          const refusal = await waitFor(
            `a speaker refused ${verb} ${taken.resource}`,
            async () => logs.flatMap(speakerLogEntries).find((entry) => refuses(entry, taken, verb)),
            { timeoutMs: 30_000 },
          );
          expect(refusal).to.not.equal(undefined);
        } finally {
          await grant(SPEAKER_API_GRANTS);
          await kubectl(["delete", "service", `rbac-${round}`, "-n", "default", "--ignore-not-found"]);
        }
      });
    }
  }
});
