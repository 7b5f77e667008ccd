/**
 * `npm run bench -- cluster-allocator [N] [--dist]`: the GKE-mode allocator leader's
 * path alone — informer event, plan, status write — without network
 * namespaces or routers. A throwaway API server on 127.0.0.1 (test/e2e
 * tools) with the lab's topology, one `bgplb speaker` process (no Node
 * objects, so no floating IP and no session: only the allocator works),
 * then N LoadBalancer Services (default 1,000) created 64 at a time. Prints
 * the time from the first create until every Service shows an address,
 * whether an address was handed out twice, and the speaker's RSS once its
 * writes are done (its peak too) against the goal of {@link RSS_GOAL_MIB}.
 * The speaker runs as the image runs it: the CLI bundled by esbuild
 * (image/app.ts), with the image's Node.js options and the DaemonSet's
 * NODE_OPTIONS and malloc settings; `--dist` runs the compiled
 * dist/sdk/cli/main.js instead (what `npm install bgplb` runs).
 * `npm run bench -- cluster-scale` measures the whole path to the routers'
 * RIBs with three speakers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import type { V1Service } from "@kubernetes/client-node";
import { kubeClients, loadKubeConfig, watchCollection } from "../sdk/cluster/kube";
import { SPEAKER_MALLOC_ENV, SPEAKER_NODE_OPTIONS } from "../sdk/deployment";
import { serviceIngressIPs, type RawObject } from "../sdk/cluster/observed";
import { ThrowawayCluster } from "../test/e2e/harness/cluster";
import { cpuSecondsOf, memoryOf, speakerEntry } from "./speaker-entry";
import { runChecked } from "../test/e2e/harness/command";
import { clusterTools, findTools, repoDir } from "../test/e2e/harness/tools";
import { sleep } from "../test/interop/harness/wait";

const CLUSTER_NAMESPACE = "cluster-lab";
const NAMESPACE = "scale";
const SCALE_POOL = { name: "scale", addresses: ["198.19.32.0/19"] };
const CREATE_CONCURRENCY = 64;
const TIMEOUT_MS = 300_000;
/** How long the speaker is left to write BGPAdvertisedRoutes and Events before its RSS is read. */
const SETTLE_MS = 20_000;

/** The speaker's memory goal with 5,000 Services (issue 11), MiB. */
const RSS_GOAL_MIB = 150;

function describeMemory({ rss, peak }: { rss: number; peak: number }): string {
  return `${rss.toFixed(1)} MiB (peak ${peak.toFixed(1)} MiB)`;
}

/** Runs the benchmark and prints one summary line. */
export async function clusterAllocatorBench(args: readonly string[]): Promise<void> {
  const dist = args.includes("--dist");
  const countArg = args.find((arg) => arg !== "--dist");
  const count = Number(countArg ?? 1_000);
  if (!Number.isInteger(count) || count < 1 || count > 8_000) throw new Error(`cluster-allocator: N must be a whole number from 1 to 8000, got ${countArg}`);
  const entry = await speakerEntry(dist, "cluster-allocator");
  const form = entry.form;
  const { paths, missing } = findTools(clusterTools);
  if (missing.length > 0) throw new Error(`e2e tools missing (run test/e2e/tools/build.sh): ${missing.join("; ")}`);
  const cluster = await ThrowawayCluster.start(paths.get("kubectl")!, undefined, "198.18.128.0/17,2001:db8:5::/112");
  let speaker: ChildProcess | undefined;
  const config = loadKubeConfig(cluster.kubeconfig);
  const clients = kubeClients(config);
  const watched = watchCollection<V1Service>(
    clients.config,
    `/api/v1/namespaces/${NAMESPACE}/services`,
    () => clients.core.listNamespacedService({ namespace: NAMESPACE }),
    () => undefined,
    { log: () => undefined },
  );
  try {
    const kubectl = cluster.kubectlChecked.bind(cluster);
    await kubectl(["create", "namespace", CLUSTER_NAMESPACE]);
    await kubectl(["create", "namespace", NAMESPACE]);
    const rendered = await runChecked(process.execPath, [
      join(repoDir, "dist/sdk/cli/main.js"),
      "render",
      join(repoDir, "test/e2e/cluster-speaker-topology.yaml"),
    ]);
    await kubectl(["apply", "-f", "-"], rendered.stdout);
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
    const args = ["speaker", "--node-name", "n1", "--kubeconfig", cluster.kubeconfig, "--cluster-namespace", CLUSTER_NAMESPACE];
    // with the heap and malloc settings the DaemonSet gives it
    speaker = spawn(
      process.execPath,
      [
        ...SPEAKER_NODE_OPTIONS.split(" "),
        ...entry.nodeOptions,
        entry.script,
        ...args,
        "--interface",
        "lo",
        "--node-subnet",
        "198.18.0.0/24",
        "--health-listen",
        "127.0.0.1:0",
      ],
      { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...SPEAKER_MALLOC_ENV } },
    );
    let leading = false;
    let lastLines = "";
    speaker.stdout!.on("data", (chunk: Buffer) => {
      lastLines = (lastLines + chunk.toString()).slice(-4_000);
      if (lastLines.includes("allocator leadership taken")) leading = true;
    });
    await watched.start();
    const deadline = Date.now() + 60_000;
    while (!leading) {
      if (Date.now() > deadline) throw new Error(`cluster-allocator: the speaker did not take the allocator Lease within 60 s:\n${lastLines}`);
      await sleep(100);
    }
    const idle = memoryOf(speaker.pid!);

    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CREATE_CONCURRENCY }, async () => {
        while (next < count) {
          const name = `svc-${next++}`;
          await clients.core.createNamespacedService({
            namespace: NAMESPACE,
            body: { metadata: { name }, spec: { type: "LoadBalancer", allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }], selector: { app: name } } },
          });
        }
      }),
    );
    const createdIn = (Date.now() - started) / 1000;
    const withIP = (): number => watched.list().filter((s) => serviceIngressIPs(s as RawObject).length > 0).length;
    while (withIP() < count) {
      if (Date.now() - started > TIMEOUT_MS)
        throw new Error(`cluster-allocator: only ${withIP()} of ${count} Services have an address after ${TIMEOUT_MS / 1000} s`);
      await sleep(50);
    }
    const allIn = (Date.now() - started) / 1000;
    const addresses = watched.list().flatMap((s) => serviceIngressIPs(s as RawObject));
    const twice = addresses.length - new Set(addresses).size;
    const load = loadavg()[0].toFixed(1);
    await sleep(SETTLE_MS);
    const settled = memoryOf(speaker.pid!);
    const cpu = cpuSecondsOf(speaker.pid!);
    console.log(
      `cluster-allocator: ${count} Services created in ${createdIn.toFixed(2)} s (${CREATE_CONCURRENCY} at a time), all with an address ${allIn.toFixed(2)} s ` +
        `after the first create; addresses handed out twice: ${twice}; load average ${load}; speaker (${form}) RSS with no Service ${describeMemory(idle)}, ` +
        `${SETTLE_MS / 1000} s after the last address ${describeMemory(settled)}, CPU ${cpu.toFixed(1)} s in all; ${count} Services: RSS ${settled.rss.toFixed(1)} MiB, ` +
        `${settled.rss <= RSS_GOAL_MIB ? "within" : "over"} the ${RSS_GOAL_MIB} MiB goal`,
    );
    if (twice > 0) process.exitCode = 1;
  } finally {
    if (speaker && speaker.exitCode === null) {
      const exited = new Promise((resolve) => speaker!.once("exit", resolve));
      speaker.kill("SIGTERM");
      await Promise.race([exited, sleep(10_000)]);
    }
    await watched.stop().catch(() => undefined);
    config.abortRequests();
    await cluster.stop().catch(() => undefined);
    entry.remove();
  }
}
