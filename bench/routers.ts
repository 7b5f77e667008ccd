/**
 * `npm run bench -- routers [FACTOR]`: router-config (FRR), a one-node
 * failure plan and the single points of failure of the generated GKE
 * topology at FACTOR × (1,000 nodes, 200 peers, 100 floating IPs, 5,000
 * pools); --spof only up to 0.1× (it plans every single failure).
 */
import { planFailures, planPeering, routerConfigs, singlePointsOfFailure } from "../sdk/routers";
import { BASE_SIZE, gkeTopology } from "./topology";

function timed<T>(what: string, body: () => T): T {
  const started = process.hrtime.bigint();
  const result = body();
  console.log(`${what}: ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms`);
  return result;
}

/** Runs the case. */
export function routersBench([factor]: readonly string[]): void {
  const f = Number(factor ?? 1);
  const size = {
    nodes: Math.round(BASE_SIZE.nodes * f),
    peers: Math.round(BASE_SIZE.peers * f),
    floatingIps: Math.round(BASE_SIZE.floatingIps * f),
    pools: Math.round(BASE_SIZE.pools * f),
  };
  const { topology, nodeSubnets } = gkeTopology(size);
  console.log(`routers bench at ${f}x: ${JSON.stringify(size)}`);
  const peering = timed("plan the peering", () => planPeering(topology, { nodeSubnets }));
  const configs = timed("router-config --vendor frr (every router)", () => routerConfigs(topology, "frr", { nodeSubnets }));
  console.log(`  ${configs.size} routers, ${[...configs.values()].reduce((sum, text) => sum + text.length, 0)} bytes`);
  timed("plan --fail node=<a load-balancer node>", () =>
    planFailures(topology, { nodeSubnets }, [{ kind: "node", node: peering.nodes[peering.nodes.length - 1].name }]),
  );
  if (f <= 0.1) timed("plan --spof", () => singlePointsOfFailure(topology, { nodeSubnets }));
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}
