/**
 * `npm run bench -- cluster-allocator [N]`: the GKE-mode allocator leader's
 * path alone — informer event, plan, status write — without network
 * namespaces or routers. A throwaway API server on 127.0.0.1 (test/e2e
 * tools) with the lab's topology, one `ClusterSpeaker` in this process (no
 * Node objects, so no floating IP and no session: only the allocator
 * works), then N LoadBalancer Services (default 1,000) created 32 at a
 * time. Prints the time from the first create until every Service shows an
 * address, how many API writes the speaker made, and that no address was
 * handed out twice. `npm run bench -- cluster-scale` measures the whole
 * path to the routers' RIBs.
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import type { V1Service } from "@kubernetes/client-node";
import { ClusterSpeaker } from "../sdk/cluster/controller";
import { kubeClients, loadKubeConfig, watchCollection } from "../sdk/cluster/kube";
import { serviceIngressIPs, type RawObject } from "../sdk/cluster/observed";
import { ThrowawayCluster } from "../test/e2e/harness/cluster";
import { runChecked } from "../test/e2e/harness/command";
import { clusterTools, findTools, repoDir } from "../test/e2e/harness/tools";
import { sleep } from "../test/interop/harness/wait";

const CLUSTER_NAMESPACE = "cluster-lab";
const NAMESPACE = "scale";
const SCALE_POOL = { name: "scale", addresses: ["198.19.32.0/19"] };
const CREATE_CONCURRENCY = 32;
const TIMEOUT_MS = 300_000;

/** Runs the benchmark and prints one summary line. */
export async function clusterAllocatorBench(args: readonly string[]): Promise<void> {
  const count = Number(args[0] ?? 1_000);
  if (!Number.isInteger(count) || count < 1 || count > 8_000) throw new Error(`cluster-allocator: N must be a whole number from 1 to 8000, got ${args[0]}`);
  const { paths, missing } = findTools(clusterTools);
  if (missing.length > 0) throw new Error(`e2e tools missing (run test/e2e/tools/build.sh): ${missing.join("; ")}`);
  const cluster = await ThrowawayCluster.start(paths.get("kubectl")!, undefined, "198.18.128.0/17,2001:db8:5::/112");
  const writes: string[] = [];
  let speaker: ClusterSpeaker | undefined;
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
    // the speaker's own client, counting its writes by the method of each request
    const speakerConfig = loadKubeConfig(cluster.kubeconfig);
    const apply = speakerConfig.applySecurityAuthentication.bind(speakerConfig);
    speakerConfig.applySecurityAuthentication = async (context) => {
      if (context.getHttpMethod() !== "GET") writes.push(context.getHttpMethod());
      await apply(context);
    };
    let leading!: () => void;
    const leader = new Promise<void>((resolve) => (leading = resolve));
    speaker = new ClusterSpeaker({
      nodeName: "n1",
      clusterNamespace: CLUSTER_NAMESPACE,
      nodeSubnets: ["198.18.0.0/24"],
      leaseDurationSeconds: 2,
      peerPort: 179,
      holdTimeSeconds: 9,
      connectRetrySeconds: 5,
      healthListen: "127.0.0.1:0",
      clients: kubeClients(speakerConfig),
      host: { addAddress: async () => undefined, removeAddress: async () => undefined, addresses: async () => [] },
      logger: { log: (_level, msg) => (msg === "allocator leadership taken" ? leading() : undefined) },
    });
    await speaker.start();
    await watched.start();
    await leader;
    writes.length = 0;

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
    console.log(
      `cluster-allocator: ${count} Services created in ${createdIn.toFixed(2)} s (${CREATE_CONCURRENCY} at a time), all with an address ${allIn.toFixed(2)} s ` +
        `after the first create; speaker API writes so far ${writes.length}; addresses handed out twice: ${twice}; ` +
        `load average ${loadavg()[0].toFixed(1)}`,
    );
    if (twice > 0) process.exitCode = 1;
  } finally {
    await speaker?.stop().catch(() => undefined);
    await watched.stop().catch(() => undefined);
    config.abortRequests();
    await cluster.stop().catch(() => undefined);
  }
}
