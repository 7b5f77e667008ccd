import { parseCommandArgs } from "./args";
import type { Command, CommandIo } from "./command";
import { UsageError } from "./command";
import { keepRunningOnClosedOutput } from "./run";
import type { CoreV1Api } from "@kubernetes/client-node";
import type { NodeView } from "../cluster/floating-ips";
import { nodeViewOf } from "../cluster/observed";
import { METALLB_NAMESPACE } from "../model";
import { parseCidr } from "../net";
import { parseListenAddress } from "../speaker/config";
import type { Logger } from "../speaker/log";

/** Restart time offered to peers with `enableGracefulRestart`, seconds: FRR's default, which MetalLB's FRR mode keeps. */
const DEFAULT_GRACEFUL_RESTART_SECONDS = 120;

const USAGE = `Usage: bgplb speaker --cluster-namespace cluster-NAME [options]
       bgplb speaker --mode metallb [--namespace metallb-system] [options]

Runs the cluster's BGP load balancer on one node (one process per node):
reads the Cluster, NetworkGatewayGroup, BGPLoadBalancer and BGPPeer objects
of the cluster namespace and every LoadBalancer Service; assigns Service
addresses from spec.loadBalancer.addressPools (one leader, elected with a
Lease); holds the floating IPs the plan gives this node (one Lease each),
adding them to the interface with gratuitous ARP; opens the BGP sessions
sourced from them and advertises every Service VIP with the load-balancer
nodes as next hops; writes BGPSession and BGPAdvertisedRoute objects in
kube-system and Events on Services. A Cluster, NetworkGatewayGroup or
BGPPeer that fails validation is not applied: the last good configuration
stays and an Event names the rule, the field and the value.

With --mode metallb it serves MetalLB's objects instead: the BGPPeer,
IPAddressPool, BGPAdvertisement, BFDProfile and Community objects of the
MetalLB namespace. Each node opens one session per BGPPeer whose
nodeSelectors select it (TCP MD5 from password or passwordSecret, BFD from
bfdProfile) and advertises, per BGPAdvertisement, the addresses of the
Services of its pools with itself as next hop (communities, aggregation,
LOCAL_PREF to iBGP peers; externalTrafficPolicy Local only from nodes with
a ready endpoint). The holder of the allocator Lease assigns Service
addresses from the IPAddressPools.

Options:
  --mode gke|metallb        which objects to serve (default gke)
  --namespace NS            metallb mode: MetalLB's namespace (default
                            metallb-system)
  --graceful-restart-time SECONDS  metallb mode: the restart time offered
                            (RFC 4724) to BGPPeers with
                            enableGracefulRestart (default 120, as FRR;
                            0: offered to none)
  --node-name NAME          this node (default: $NODE_NAME)
  --kubeconfig FILE         kubeconfig (default: in-cluster service account)
  --cluster-namespace NS    namespace of the Cluster and BGP objects
  --interface IFACE         where floating IPs go (default: the interface
                            carrying the node's InternalIP)
  --node-subnet CIDR        a node subnet; repeat for several (default: the
                            subnet of the node's InternalIP on its interface)
  --lease-duration SECONDS  Lease duration (default 2); a floating IP moves
                            about this long after its holder dies (the
                            allocator's Lease lasts at least 15 s)
  --peer-port PORT          the routers' BGP port (default 179)
  --hold-time SECONDS       BGP hold time proposed (default 30)
  --connect-retry SECONDS   BGP ConnectRetry time (default 5)
  --health-listen H:P       /healthz, /readyz, /metrics (default 127.0.0.1:8080)
  --control-plane-readyz URL  the local kube-apiserver's /readyz: a control-
                            plane node advertises the control-plane VIP only
                            while it answers 200 (default: always)
  --debug-log               also log every BGP message

Signals: SIGTERM/SIGINT withdraw every route, close the sessions, remove the
floating IPs, release the Leases and exit 0.`;

/**
 * This node's Node object, read again every 2 s while the API server does
 * not answer (a speaker restarted during an API outage waits, it does not
 * exit); undefined once `stopped` says a stop signal came meanwhile.
 */
async function readNodeUntilAnswered(
  core: CoreV1Api,
  nodeName: string,
  logger: Logger,
  describeApiError: (error: unknown) => string,
  stopped: () => boolean,
): Promise<NodeView | undefined> {
  for (let attempt = 1; !stopped(); attempt++) {
    try {
      return nodeViewOf(await core.readNode({ name: nodeName }));
    } catch (error) {
      if (attempt === 1 || attempt % 15 === 0) {
        logger.log("warn", "cannot read this node's Node object yet (needed for the default --interface and --node-subnet); retrying every 2 s", {
          node: nodeName,
          error: describeApiError(error),
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
  return undefined;
}

function integerFlag(value: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`${flag}: '${value}' is not a whole number from ${min} to ${max}`);
  return n;
}

/** `bgplb speaker`: the in-cluster speaker of one node. */
export const speakerCommand: Command = {
  name: "speaker",
  daemon: true,
  summary: "run the cluster's BGP load balancer on this node (Service IPs, floating IPs, sessions, status)",
  usage: USAGE,
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    // Signal handling comes first: a stop during start-up (even while the API
    // server is still away) is kept and honoured once the speaker is up.
    let stopSignal: NodeJS.Signals | undefined;
    let wake: () => void = () => undefined;
    const onStop = (signal: NodeJS.Signals): void => {
      stopSignal ??= signal;
      wake();
    };
    process.on("SIGTERM", onStop);
    process.on("SIGINT", onStop);
    try {
      return await runSpeaker(
        args,
        io,
        () => stopSignal,
        (resolve) => (wake = resolve),
      );
    } finally {
      process.off("SIGTERM", onStop);
      process.off("SIGINT", onStop);
    }
  },
};

/** The speaker command once signals are handled: `stopSignal` tells whether a stop came, `onWake` registers what a stop wakes. */
async function runSpeaker(
  args: readonly string[],
  io: CommandIo,
  stopSignal: () => NodeJS.Signals | undefined,
  onWake: (wake: () => void) => void,
): Promise<number> {
  {
    const { values, positionals } = parseCommandArgs(args, {
      "node-name": { type: "string" },
      kubeconfig: { type: "string" },
      "cluster-namespace": { type: "string" },
      interface: { type: "string" },
      "node-subnet": { type: "string", multiple: true },
      "lease-duration": { type: "string" },
      "peer-port": { type: "string" },
      "hold-time": { type: "string" },
      "connect-retry": { type: "string" },
      "health-listen": { type: "string" },
      "control-plane-readyz": { type: "string" },
      "debug-log": { type: "boolean" },
      mode: { type: "string" },
      namespace: { type: "string" },
      "graceful-restart-time": { type: "string" },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} (see --help)`);
    const nodeName = values["node-name"] ?? process.env["NODE_NAME"];
    if (!nodeName) throw new UsageError("--node-name NAME is required (or set NODE_NAME)");
    const mode = values.mode ?? "gke";
    if (mode !== "gke" && mode !== "metallb") throw new UsageError(`--mode: '${mode}' is not gke or metallb`);
    const gkeOnly = ["cluster-namespace", "interface", "node-subnet", "peer-port", "hold-time", "control-plane-readyz"] as const;
    const metallbOnly = ["namespace", "graceful-restart-time"] as const;
    for (const flag of mode === "metallb" ? gkeOnly : metallbOnly) {
      if (values[flag] !== undefined)
        throw new UsageError(`--${flag} does not apply to --mode ${mode}${mode === "metallb" ? " (the BGPPeers give ports, hold times and sources)" : ""}`);
    }
    if (mode === "metallb") return runMetallbSpeaker(values, nodeName, io, stopSignal, onWake);
    const clusterNamespace = values["cluster-namespace"];
    if (!clusterNamespace) throw new UsageError("--cluster-namespace NS is required (the Cluster's namespace, cluster-<name>)");
    const subnets = (values["node-subnet"] ?? []).map((text) => {
      try {
        return parseCidr(text).text;
      } catch (error) {
        throw new UsageError(`--node-subnet: ${(error as Error).message}`);
      }
    });
    const leaseDurationSeconds = integerFlag(values["lease-duration"], "--lease-duration", 2, 1, 3600);
    const peerPort = integerFlag(values["peer-port"], "--peer-port", 179, 1, 65535);
    const holdTimeSeconds = integerFlag(values["hold-time"], "--hold-time", 30, 3, 65535);
    const connectRetrySeconds = integerFlag(values["connect-retry"], "--connect-retry", 5, 1, 65535);
    let healthListen: string;
    try {
      healthListen = parseListenAddress(values["health-listen"] ?? "127.0.0.1:8080", "--health-listen");
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    // Loaded here, not at the top: the Kubernetes client (and pino, prom-client)
    // cost every other command about a second and 80 MiB at start-up.
    const [{ jsonLogger }, { ClusterSpeaker }, { kubeClients, loadKubeConfig, describeApiError }, { interfaceOf, linuxNodeHost }, { interfaceAddresses }] =
      await Promise.all([
        import("../speaker/json-logger.js"),
        import("../cluster/controller.js"),
        import("../cluster/kube.js"),
        import("../cluster/node-host.js"),
        import("../speaker/vrf.js"),
      ]);
    const logger = jsonLogger(io.stdout, io.stderr, values["debug-log"] ?? false);
    keepRunningOnClosedOutput();
    let kubeConfig;
    let clients;
    try {
      kubeConfig = loadKubeConfig(values.kubeconfig);
      clients = kubeClients(kubeConfig);
    } catch (error) {
      throw new UsageError(
        `${values.kubeconfig === undefined ? "in-cluster configuration" : `--kubeconfig ${values.kubeconfig}`}: ${(error as Error).message}`,
      );
    }

    let interfaceName = values.interface;
    let nodeSubnets = subnets;
    if (interfaceName === undefined || nodeSubnets.length === 0) {
      // a stop while the API server keeps the Node read waiting ends that read
      onWake(() => kubeConfig.abortRequests());
      const node = await readNodeUntilAnswered(clients.core, nodeName, logger, describeApiError, () => stopSignal() !== undefined);
      if (node === undefined) return 0;
      const local = new Set(interfaceAddresses().map((a) => a.address));
      const nodeIP = node.addresses.find((a) => local.has(a));
      if (!nodeIP) {
        logger.log("error", "none of the node's InternalIPs is on a local interface; give --interface and --node-subnet", {
          node: nodeName,
          addresses: node.addresses,
        });
        return 1;
      }
      const found = await interfaceOf(nodeIP);
      interfaceName ??= found.interfaceName;
      if (nodeSubnets.length === 0) nodeSubnets = [found.subnet];
    }

    const speaker = new ClusterSpeaker({
      nodeName,
      clusterNamespace,
      nodeSubnets,
      leaseDurationSeconds,
      peerPort,
      holdTimeSeconds,
      connectRetrySeconds,
      healthListen,
      ...(values["control-plane-readyz"] === undefined ? {} : { controlPlaneReadyz: values["control-plane-readyz"] }),
      clients,
      host: linuxNodeHost(interfaceName, (error) =>
        logger.log("error", "gratuitous ARP not sent: neighbours learn the floating IP's new place only when their ARP entry expires", {
          error: error.message,
        }),
      ),
      logger,
    });
    try {
      await speaker.start();
    } catch (error) {
      logger.log("error", "speaker failed to start", { error: (error as Error).message });
      await speaker.stop();
      kubeConfig.abortRequests();
      return 1;
    }
    logger.log("info", "node network", { interface: interfaceName, nodeSubnets });
    if (stopSignal() === undefined) await new Promise<void>(onWake);
    logger.log("info", "shutting down", { signal: stopSignal() });
    try {
      await speaker.stop();
      return 0;
    } catch (error) {
      logger.log("error", "shutdown failed", { error: (error as Error).message });
      return 1;
    } finally {
      // a request still waiting on the API server (an informer's list) must not keep the stopped speaker's process alive
      kubeConfig.abortRequests();
    }
  }
}

/** `bgplb speaker --mode metallb` once the common flags are read. */
async function runMetallbSpeaker(
  values: {
    kubeconfig?: string;
    namespace?: string;
    "lease-duration"?: string;
    "connect-retry"?: string;
    "graceful-restart-time"?: string;
    "health-listen"?: string;
    "debug-log"?: boolean;
  },
  nodeName: string,
  io: CommandIo,
  stopSignal: () => NodeJS.Signals | undefined,
  onWake: (wake: () => void) => void,
): Promise<number> {
  const leaseDurationSeconds = integerFlag(values["lease-duration"], "--lease-duration", 2, 1, 3600);
  const connectRetrySeconds = integerFlag(values["connect-retry"], "--connect-retry", 5, 1, 65535);
  const gracefulRestartSeconds = integerFlag(values["graceful-restart-time"], "--graceful-restart-time", DEFAULT_GRACEFUL_RESTART_SECONDS, 0, 4095);
  let healthListen: string;
  try {
    healthListen = parseListenAddress(values["health-listen"] ?? "127.0.0.1:8080", "--health-listen");
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  keepRunningOnClosedOutput();
  // Loaded here, not at the top: the Kubernetes client and the logger cost every other command about a second at start-up.
  const [{ jsonLogger }, { MetallbSpeaker }, { kubeClients, loadKubeConfig }] = await Promise.all([
    import("../speaker/json-logger.js"),
    import("../cluster/metallb-controller.js"),
    import("../cluster/kube.js"),
  ]);
  const logger = jsonLogger(io.stdout, io.stderr, values["debug-log"] ?? false);
  let kubeConfig;
  let clients;
  try {
    kubeConfig = loadKubeConfig(values.kubeconfig);
    clients = kubeClients(kubeConfig);
  } catch (error) {
    throw new UsageError(`${values.kubeconfig === undefined ? "in-cluster configuration" : `--kubeconfig ${values.kubeconfig}`}: ${(error as Error).message}`);
  }
  const speaker = new MetallbSpeaker({
    nodeName,
    namespace: values.namespace ?? METALLB_NAMESPACE,
    leaseDurationSeconds,
    connectRetrySeconds,
    gracefulRestartSeconds,
    healthListen,
    clients,
    logger,
  });
  try {
    await speaker.start();
  } catch (error) {
    logger.log("error", "speaker failed to start", { error: (error as Error).message });
    await speaker.stop();
    kubeConfig.abortRequests();
    return 1;
  }
  if (stopSignal() === undefined) await new Promise<void>(onWake);
  logger.log("info", "shutting down", { signal: stopSignal() });
  try {
    await speaker.stop();
    return 0;
  } catch (error) {
    logger.log("error", "shutdown failed", { error: (error as Error).message });
    return 1;
  } finally {
    kubeConfig.abortRequests();
  }
}
