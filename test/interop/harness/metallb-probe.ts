/**
 * The MetalLB mode's session half without a Kubernetes API server, for the
 * interop lab: `node metallb-probe.js PLAN.json` plans the node with
 * {@link planMetallbNode} from the MetalLB objects, Nodes and Services in
 * the file and runs every planned session through the same
 * {@link metallbPeerDriverOptions} as `bgplb speaker --mode metallb`. JSON
 * log lines go to stdout until SIGTERM, which stops every session.
 */
import { readFileSync } from "node:fs";
import type { MetallbConfiguration, MetallbNode, MetallbService } from "../../../sdk/cluster/metallb-plan";
import { planMetallbNode } from "../../../sdk/cluster/metallb-plan";
import { metallbPeerDriverOptions } from "../../../sdk/cluster/metallb-session";
import { jsonLogger } from "../../../sdk/speaker/json-logger";
import { SpeakerMetrics } from "../../../sdk/speaker/metrics";
import { PeerDriver } from "../../../sdk/speaker/peer";

/** What the probe reads: the planner's input as JSON (sets and maps as arrays). */
export interface MetallbProbeInput {
  readonly configuration: Omit<MetallbConfiguration, "communityAliases">;
  readonly nodes: readonly MetallbNode[];
  readonly services: readonly (Omit<MetallbService, "readyNodes"> & { readonly readyNodes: readonly string[] })[];
  readonly nodeName: string;
}

const input = JSON.parse(readFileSync(process.argv[2], "utf8")) as MetallbProbeInput;
const logger = jsonLogger(
  (l) => process.stdout.write(l),
  (l) => process.stdout.write(l),
);
const plan = planMetallbNode(
  { ...input.configuration, communityAliases: new Map() },
  input.nodes,
  input.services.map((s) => ({ ...s, readyNodes: new Set(s.readyNodes) })),
  input.nodeName,
);
for (const problem of plan.problems) logger.log("warn", "MetalLB configuration not fully applied", { object: problem.object, message: problem.message });
const metrics = new SpeakerMetrics();
const drivers = plan.sessions.map((session) => {
  const password = session.password && "value" in session.password ? session.password.value : undefined;
  const options = metallbPeerDriverOptions(session, password, { connectRetrySeconds: 1, gracefulRestartSeconds: 0 }, logger, metrics.peer(session.peerName));
  logger.log("info", "session planned", { peer: session.peerName, ttl: session.ttl, families: session.families.join(","), internal: session.internal });
  const driver = new PeerDriver(options);
  driver.advertise(session.routes);
  driver.start();
  return driver;
});
process.once("SIGTERM", () => void Promise.all(drivers.map((d) => d.stop("probe stopping"))).then(() => process.exit(0)));
