/**
 * The MetalLB mode's session half without a Kubernetes API server, for the
 * interop lab: `node metallb-probe.js PLAN.json` plans the node with
 * {@link planMetallbNode} from the MetalLB objects, Nodes and Services in
 * the file and the namespace's network devices ({@link nodeDevices}), and
 * runs every planned session through the same
 * {@link metallbPeerDriverOptions} as `bgplb speaker --mode metallb`. Like
 * the speaker's reconcile, it plans again every second (with the devices
 * as they are then) and starts the sessions planned since, logging the
 * problems whenever they change. JSON log lines go to stdout until SIGTERM,
 * which stops every session.
 */
import { readFileSync } from "node:fs";
import type { MetallbConfiguration, MetallbNode, MetallbService } from "../../../sdk/cluster/metallb-plan";
import { planMetallbNode } from "../../../sdk/cluster/metallb-plan";
import { metallbPeerDriverOptions } from "../../../sdk/cluster/metallb-session";
import { jsonLogger } from "../../../sdk/speaker/json-logger";
import { SpeakerMetrics } from "../../../sdk/speaker/metrics";
import { PeerDriver } from "../../../sdk/speaker/peer";
import { nodeDevices } from "../../../sdk/speaker/vrf";

/** What the probe reads: the planner's input as JSON (sets and maps as arrays). */
export interface MetallbProbeInput {
  readonly configuration: Omit<MetallbConfiguration, "communityAliases">;
  readonly nodes: readonly MetallbNode[];
  readonly services: readonly (Omit<MetallbService, "readyNodes"> & { readonly readyNodes: readonly string[] })[];
  readonly nodeName: string;
  /** Log at debug level too (socket errors). */
  readonly debug?: boolean;
}

/** How often the probe plans again, as the speaker does on its tick. */
const REPLAN_MS = 1_000;

const input = JSON.parse(readFileSync(process.argv[2], "utf8")) as MetallbProbeInput;
const logger = jsonLogger(
  (l) => process.stdout.write(l),
  (l) => process.stdout.write(l),
  input.debug === true,
);
const metrics = new SpeakerMetrics();
const drivers = new Map<string, PeerDriver>();
let reported = "";

function reconcile(): void {
  const plan = planMetallbNode(
    { ...input.configuration, communityAliases: new Map() },
    input.nodes,
    input.services.map((s) => ({ ...s, readyNodes: new Set(s.readyNodes) })),
    input.nodeName,
    nodeDevices(),
  );
  const problems = JSON.stringify(plan.problems);
  if (problems !== reported) {
    reported = problems;
    for (const problem of plan.problems) logger.log("warn", "MetalLB configuration not fully applied", { object: problem.object, message: problem.message });
  }
  for (const session of plan.sessions) {
    if (drivers.has(session.peerName)) continue;
    const password = session.password && "value" in session.password ? session.password.value : undefined;
    const options = metallbPeerDriverOptions(session, password, { connectRetrySeconds: 1, gracefulRestartSeconds: 0 }, logger, metrics.peer(session.peerName));
    logger.log("info", "session planned", {
      peer: session.peerName,
      vrf: session.vrf,
      source: session.sourceAddress,
      ttl: session.ttl,
      families: session.families.join(","),
      internal: session.internal,
    });
    const driver = new PeerDriver(options);
    driver.advertise(session.routes);
    driver.start();
    drivers.set(session.peerName, driver);
  }
}

reconcile();
const tick = setInterval(reconcile, REPLAN_MS);
process.once("SIGTERM", () => {
  clearInterval(tick);
  void Promise.all([...drivers.values()].map((d) => d.stop("probe stopping"))).then(() => process.exit(0));
});
