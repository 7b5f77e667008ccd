/**
 * `npm run bench -- cluster-scale [FIRST] [TOTAL] [--dist]`: the cluster-speaker lab
 * (test/e2e: real kube-apiserver, three `bgplb speaker` processes, BIRD with
 * ADD-PATH receive and FRR with ECMP), then FIRST LoadBalancer Services
 * (default 1,000) created at once, then more up to TOTAL (default 5,000).
 * For each batch: the time from the first create until every Service shows
 * its IP in `status.loadBalancer.ingress`, until BIRD holds one path per LB
 * node on both floating-IP sessions for every VIP, and until FRR has every
 * VIP from both sessions; after the last batch, the speakers' RSS. The
 * issue's goals: 1,000 Services in < 10 s, RSS with 5,000 < 150 MiB.
 * The speakers run as the image runs them (bench/speaker-entry.ts), with
 * `--dist` as the tests run them (the compiled CLI).
 * Needs root and the e2e tools (test/e2e/tools/build.sh).
 */
import { cpus, loadavg } from "node:os";
import type { V1Service } from "@kubernetes/client-node";
import { kubeClients, loadKubeConfig, watchCollection } from "../sdk/cluster/kube";
import { serviceIngressIPs, type RawObject } from "../sdk/cluster/observed";
import { GKE_STATUS_NAMESPACE } from "../sdk/model";
import { CLUSTER_NAMESPACE, FLOATING_IPS, NODES, startClusterLab } from "../test/e2e/cluster-speaker-lab";
import { clusterTools, findTools } from "../test/e2e/harness/tools";
import { runInNamespace } from "../test/interop/harness/process";
import { sleep } from "../test/interop/harness/wait";
import { cpuSecondsOf, memoryOf, speakerEntry } from "./speaker-entry";

/** The Services' namespace. */
const NAMESPACE = "scale";
/** A pool large enough for every Service: 198.19.32.0/19 holds 8,190 usable addresses. */
const SCALE_POOL = { name: "scale", addresses: ["198.19.32.0/19"] };
/** Creates in flight at once (kubectl would create one at a time and measure itself rather than the speaker). */
const CREATE_CONCURRENCY = 64;
const POLL_MS = 100;
const BATCH_TIMEOUT_MS = 300_000;
/** How long the speakers' CPU is measured once every Service is in (nothing changing). */
const IDLE_WINDOW_MS = 10_000;

/** Runs the benchmark and prints one line per batch and one for memory. */
export async function clusterScaleBench(args: readonly string[]): Promise<void> {
  const dist = args.includes("--dist");
  const counts = args.filter((arg) => arg !== "--dist");
  const first = Number(counts[0] ?? 1_000);
  const total = Number(counts[1] ?? 5_000);
  if (!Number.isInteger(first) || !Number.isInteger(total) || first < 1 || total < first || total > 8_000) {
    throw new Error(`cluster-scale: FIRST and TOTAL must be whole numbers with 1 ≤ FIRST ≤ TOTAL ≤ 8000, got ${args.join(" ")}`);
  }
  const { paths, missing } = findTools(clusterTools);
  if (missing.length > 0) throw new Error(`e2e tools missing (run test/e2e/tools/build.sh): ${missing.join("; ")}`);
  const entry = await speakerEntry(dist, "cluster-scale");
  const { lab, cluster } = await startClusterLab(paths.get("kubectl")!, entry).catch((error: Error) => {
    entry.remove();
    throw error;
  });
  let failed = false;
  const services = kubeClients(loadKubeConfig(cluster.kubeconfig));
  const quiet = { log: () => undefined };
  const watched = watchCollection<V1Service>(
    services.config,
    `/api/v1/namespaces/${NAMESPACE}/services`,
    () => services.core.listNamespacedService({ namespace: NAMESPACE }),
    () => undefined,
    quiet,
  );
  try {
    const kubectl = cluster.kubectlChecked.bind(cluster);
    await kubectl(["create", "namespace", NAMESPACE]);
    await kubectl([
      "patch",
      "clusters.baremetal.cluster.gke.io",
      "lab",
      "-n",
      CLUSTER_NAMESPACE,
      "--type",
      "json",
      "-p",
      JSON.stringify([{ op: "add", path: "/spec/loadBalancer/addressPools/-", value: SCALE_POOL }]),
    ]);
    await watched.start();
    // the speakers take the new pool from their watch within milliseconds; leave them a moment
    await sleep(2_000);

    const bird = async (): Promise<number> => {
      const out = (await runInNamespace(lab.ns("bird"), "birdc", ["-s", lab.path("bird.ctl"), "show", "route", "count"])).stdout;
      return Number(/(\d+) of \d+ routes for \d+ networks in table master4/.exec(out)?.[1] ?? 0);
    };
    const frr = async (): Promise<number> => {
      const out = (await runInNamespace(lab.ns("frr"), "vtysh", ["--vty_socket", lab.path("frr"), "-d", "bgpd", "-c", "show bgp ipv4 unicast summary json"]))
        .stdout;
      const peers = Object.values((JSON.parse(out) as { peers?: Record<string, { pfxRcd?: number }> }).peers ?? {});
      return peers.length === 0 ? 0 : Math.min(...peers.map((p) => p.pfxRcd ?? 0));
    };
    const withIP = (): number => watched.list().filter((s) => serviceIngressIPs(s as RawObject).length > 0).length;
    const birdBase = await bird();
    const frrBase = await frr();
    const pathsPerVip = NODES.length * FLOATING_IPS.length;

    const memories = (): { node: string; rss: number; peak: number }[] => NODES.map((n) => ({ node: n.name, ...memoryOf(lab.speakers.get(n.name)!.pid) }));
    const memoryLine = (): string =>
      memories()
        .map((m) => `${m.node} ${m.rss.toFixed(1)} MiB now, peak ${m.peak.toFixed(1)} MiB`)
        .join("; ");
    console.log(`cluster-scale: speakers run as the ${entry.form}; RSS before any Service: ${memoryLine()}`);
    let created = 0;
    for (const target of [...new Set([first, total])]) {
      const names = Array.from({ length: target - created }, (_, i) => `svc-${created + i}`);
      const started = Date.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: CREATE_CONCURRENCY }, async () => {
          while (next < names.length) {
            const name = names[next++];
            await services.core.createNamespacedService({
              namespace: NAMESPACE,
              body: {
                metadata: { name },
                spec: { type: "LoadBalancer", allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }], selector: { app: name } },
              },
            });
          }
        }),
      );
      const createdIn = (Date.now() - started) / 1000;
      created = target;
      const reached: Record<"ips" | "bird" | "frr", number | undefined> = { ips: undefined, bird: undefined, frr: undefined };
      while (Object.values(reached).some((t) => t === undefined)) {
        if (Date.now() - started > BATCH_TIMEOUT_MS)
          throw new Error(
            `cluster-scale: ${target} Services not done in ${BATCH_TIMEOUT_MS / 1000} s: ${withIP()} with IPs, BIRD ${(await bird()) - birdBase} paths, FRR ${(await frr()) - frrBase} prefixes per session`,
          );
        const at = (Date.now() - started) / 1000;
        if (reached.ips === undefined && withIP() === target) reached.ips = at;
        if (reached.bird === undefined && (await bird()) - birdBase >= target * pathsPerVip) reached.bird = (Date.now() - started) / 1000;
        if (reached.frr === undefined && (await frr()) - frrBase >= target) reached.frr = (Date.now() - started) / 1000;
        await sleep(POLL_MS);
      }
      console.log(
        `cluster-scale: ${target} Services (${names.length} created at once in ${createdIn.toFixed(2)} s): all IPs in status ${reached.ips!.toFixed(2)} s, ` +
          `in BIRD (${pathsPerVip} paths each) ${reached.bird!.toFixed(2)} s, in FRR (both sessions) ${reached.frr!.toFixed(2)} s after the first create; RSS ${memoryLine()}`,
      );
    }
    // the reports (BGPAdvertisedRoutes and their Events) follow the burst: wait for them before measuring
    const reportsFrom = Date.now();
    const reported = async (): Promise<number> => {
      const page = (await services.custom.listNamespacedCustomObject({
        group: "networking.gke.io",
        version: "v1",
        namespace: GKE_STATUS_NAMESPACE,
        plural: "bgpadvertisedroutes",
        limit: 1,
      })) as { items: unknown[]; metadata?: { remainingItemCount?: number } };
      return page.items.length + (page.metadata?.remainingItemCount ?? 0);
    };
    while ((await reported()) < total) {
      if (Date.now() - reportsFrom > BATCH_TIMEOUT_MS)
        throw new Error(`cluster-scale: ${total} BGPAdvertisedRoutes not written in ${BATCH_TIMEOUT_MS / 1000} s`);
      await sleep(1_000);
    }
    console.log(`cluster-scale: every BGPAdvertisedRoute written ${((Date.now() - reportsFrom) / 1000).toFixed(1)} s after the last Service was in the RIBs`);
    await sleep(5_000);
    const worst = memories().reduce((a, b) => (b.rss > a.rss ? b : a));
    // what the speakers cost when nothing changes: Lease renewals, ticks, keepalives, with every Service planned and advertised
    const cpuBefore = NODES.map((n) => cpuSecondsOf(lab.speakers.get(n.name)!.pid));
    await sleep(IDLE_WINDOW_MS);
    const idle = NODES.map((n, i) => {
      const percent = ((cpuSecondsOf(lab.speakers.get(n.name)!.pid) - cpuBefore[i]) * 100_000) / IDLE_WINDOW_MS;
      return `${n.name} ${percent.toFixed(1)} %`;
    });
    console.log(`cluster-scale: speaker CPU with ${total} Services and nothing changing, over ${IDLE_WINDOW_MS / 1000} s: ${idle.join("; ")} of a core`);
    console.log(
      `cluster-scale: machine load average ${loadavg()[0].toFixed(1)} over ${cpus().length} CPUs at the end (figures are only comparable at similar load)`,
    );
    console.log(`cluster-scale: speaker RSS with ${total} Services: max ${worst.rss.toFixed(1)} MiB (${worst.node}); ${memoryLine()} (goal < 150 MiB)`);
  } catch (error) {
    failed = true;
    console.log(`lab logs kept in ${lab.dir}`);
    throw error;
  } finally {
    await watched.stop().catch(() => undefined);
    await cluster.stop().catch(() => undefined);
    await lab.destroy(failed);
    entry.remove();
  }
}
