/**
 * The in-cluster speaker: watches the cluster's objects, and on every change
 * (and on a short tick that renews its Leases) plans with the pure planners
 * of this folder and carries the plan out: Leases, floating IPs on the
 * interface, BGP sessions through the speaker's PeerDriver, Service
 * addresses (when it is the allocator leader) and status objects.
 *
 * While the API server is away the informers keep their last state and the
 * speaker keeps its sessions, routes and floating IPs: no other speaker can
 * take a Lease then either.
 */
import type { Server as HttpServer } from "node:http";
import { request as httpsRequest } from "node:https";
import type { KubernetesObject, V1Lease } from "@kubernetes/client-node";
import { Gauge } from "prom-client";
import type { FamilyName, OriginatedRoute } from "../bgp";
import { GKE_STATUS_NAMESPACE, type Topology } from "../model";
import { formatIpValue, ipValue, parseIp } from "../net";
import { startHealthServer } from "../speaker/health";
import type { Logger } from "../speaker/log";
import { SpeakerMetrics } from "../speaker/metrics";
import { PeerDriver } from "../speaker/peer";
import { clusterAddressPools } from "./address-pools";
import { submitAllocation } from "./allocation-writes";
import { EventRecorder } from "./event-recorder";
import { reportRejectedConfiguration } from "./events";
import { BURST_BATCH_MS, ReconcileLoop } from "./reconcile-loop";
import { assignFloatingIps } from "./floating-ips";
import { addressesInPools, planServiceAddresses } from "./ipam";
import {
  applyCustom,
  applyServiceStatus,
  customPath,
  deleteCustom,
  describeApiError,
  listCustom,
  watchCollection,
  type CustomCollection,
  type KubeClients,
} from "./kube";
import {
  ALLOCATOR_ACTS_FRACTION,
  ALLOCATOR_LEASE,
  ALLOCATOR_LEASE_MIN_SECONDS,
  LEASE_LABEL,
  LEASE_LABEL_VALUE,
  floatingIpLeaseName,
  speakerLeaseName,
} from "./leases";
import { NodeLeases } from "./node-leases";
import { loadBalancerNodes, sessionRoutes } from "./next-hops";
import type { NodeHost } from "./node-host";
import { decideConfiguration, isLoadBalancerService, nodeViewOf, objectKeyText, serviceIngressIPs, servicesToClear, type RawObject } from "./observed";
import { planControlPlaneSessions, planServiceSessions, selectServicePeers, type ServiceSession } from "./sessions";
import {
  advertisedRouteName,
  advertisedRouteObjectName,
  bgpAdvertisedRouteObject,
  bgpSessionObject,
  serviceStatusBody,
  serviceStatusWriteState,
} from "./status";
import { SubmittedAddresses } from "./submitted-addresses";
import { nodeEssentials, serviceEssentials, statusObjectEssentials } from "./trim";
import { ALLOCATOR_WRITE_PACING, SETTLE_MS, WriteQueue } from "./write-queue";

/** How the speaker runs. */
export interface ClusterSpeakerOptions {
  /** This node's name (`--node-name`). */
  readonly nodeName: string;
  /** The namespace of the Cluster and the BGP objects, `cluster-<name>`. */
  readonly clusterNamespace: string;
  /** Node subnets: a floating IP goes to a node in its subnet. */
  readonly nodeSubnets: readonly string[];
  /** Lease duration in seconds; Leases are renewed four times per duration. */
  readonly leaseDurationSeconds: number;
  /** The routers' BGP port. @default 179 */
  readonly peerPort: number;
  /** BGP hold time proposed, seconds. */
  readonly holdTimeSeconds: number;
  /** BGP ConnectRetry time, seconds. */
  readonly connectRetrySeconds: number;
  /** `host:port` of /healthz, /readyz, /metrics. */
  readonly healthListen: string;
  /** URL of the local kube-apiserver's /readyz (control-plane nodes advertise the control-plane VIP only while it answers 200). */
  readonly controlPlaneReadyz?: string;
  readonly clients: KubeClients;
  readonly host: NodeHost;
  readonly logger: Logger;
}

const GKE_GROUP = "networking.gke.io";
const FAMILIES: FamilyName[] = ["ipv4-unicast", "ipv6-unicast"];
/** A reconcile running longer than this is reported with the step it is at. */
const SLOW_RECONCILE_MS = 5_000;
/** At most one log line per this long about failing API writes. */
const API_FAILURE_LOG_MS = 10_000;
/** BGPSession writes of one node in flight at once. */
const OWN_WRITE_CONCURRENCY = 4;
/**
 * Plans of the allocator are at least this many times their own duration
 * apart (and at least {@link BURST_BATCH_MS}): planning 5,000 Services takes
 * tens of milliseconds, and in a burst every reconcile (each Lease renewal,
 * each tick) saw new inputs and planned again — 8 plans a second.
 */
const ALLOCATE_SPACING_FACTOR = 4;
/** The allocator leader plans again at least this often even when nothing it reads changed (a status write it skipped as just written, then overwritten by someone else). */
const ALLOCATE_REFRESH_MS = 2 * SETTLE_MS;
/** How often a BGPSession's status is re-reported when nothing changed. */
const STATUS_REPORT_MS = 30_000;
/**
 * A BGPSession whose state did not change reports new routes at most this
 * often: in a burst of 1,000 Services each session rewrote its growing list
 * of routes hundreds of times, as many writes as the Services' own.
 */
const ROUTES_REPORT_MS = 5_000;
/** The local kube-apiserver's /readyz is asked at most this often (reconciles come many times a second in a burst). */
const READYZ_PROBE_MS = 1_000;

interface RunningSession {
  readonly key: string;
  readonly driver: PeerDriver;
  session: ServiceSession | undefined;
  routes: string[];
  /** What its routes were planned from (see {@link ClusterSpeaker.syncSessions}); `routesVersion` is bumped when they changed. */
  routesKey: string;
  routesVersion: number;
  reported: string;
  /** The session name and state of the last report. */
  reportedState: string;
  reportedAt: number;
}

/** The speaker controller of one node. */
export class ClusterSpeaker {
  private readonly metrics = new SpeakerMetrics();
  private readonly collections: Record<"clusters" | "cidrConfigs" | "nggs" | "balancers" | "peers", CustomCollection>;
  private readonly informers: ReturnType<typeof watchCollection<KubernetesObject>>[] = [];
  private readonly leaseBook: NodeLeases;
  private readonly held = new Set<string>();
  private readonly configured = new Set<string>();
  private readonly sessions = new Map<string, RunningSession>();
  private readonly cpSessions = new Map<string, PeerDriver>();
  private readonly stopping = new Map<PeerDriver, Promise<void>>();
  private readonly written = new Map<string, string>();
  private readonly events: EventRecorder;
  private readonly loop: ReconcileLoop;
  /** The allocator's writes: Service addresses first, then BGPAdvertisedRoutes and Events; only while it may act as the allocator. */
  private readonly writes = new WriteQueue({
    ...ALLOCATOR_WRITE_PACING,
    failed: (what, error) => {
      this.statusInputs++;
      this.apiFailed(what, error);
    },
    mayWrite: () => this.mayAllocate(),
  });
  /** Service addresses submitted and not yet shown by the watch: planned as the Services' current ones. */
  private readonly submitted = new SubmittedAddresses();
  /** This node's own status writes (its BGPSessions), apart from the leader's so a burst of Service writes does not delay them. */
  private readonly ownWrites = new WriteQueue({ concurrency: OWN_WRITE_CONCURRENCY, failed: (what, error) => this.apiFailed(what, error) });
  /** Bumped by every Service event. */
  private serviceChanges = 0;
  /** The VIPs to announce and what they were read from: read again only when a Service or the pools changed. */
  private announced = { key: "", vips: [] as string[] };
  /** Bumped by every change the allocation depends on (Services, status objects, failed writes). */
  private statusInputs = 0;
  /** What the last allocation was planned from, and when: an unchanged one is not planned again for {@link ALLOCATE_REFRESH_MS}. */
  private allocated = { inputs: "", at: 0, spacingMs: 0 };
  private apiFailures = 0;
  private apiFailureLoggedAt = 0;
  private configuration: Topology | undefined;
  private rejected = "";
  private leader = false;
  private controlPlaneReady = false;
  private readyzProbedAt = -Infinity;
  private health: HttpServer | undefined;
  private tick: NodeJS.Timeout | undefined;
  private renewal: NodeJS.Timeout | undefined;
  private renewing = false;
  private lastReconcileMs = 0;
  /** What the running reconcile is doing, for the slow-reconcile warning. */
  private step = "";
  private services!: ReturnType<typeof watchCollection<KubernetesObject>>;
  private nodes!: ReturnType<typeof watchCollection<KubernetesObject>>;
  private leases!: ReturnType<typeof watchCollection<V1Lease>>;
  private configObjects: ReturnType<typeof watchCollection<KubernetesObject>>[] = [];
  private advertisedRoutes!: ReturnType<typeof watchCollection<KubernetesObject>>;
  private bgpSessions!: ReturnType<typeof watchCollection<KubernetesObject>>;

  constructor(private readonly options: ClusterSpeakerOptions) {
    this.loop = new ReconcileLoop(() => this.reconcile(), {
      batchMs: BURST_BATCH_MS,
      failed: (error) => this.options.logger.log("error", "reconcile failed", { error: error.message }),
      slowMs: SLOW_RECONCILE_MS,
      slow: (runningMs) => this.options.logger.log("warn", "reconcile is slow", { step: this.step, runningMs }),
    });
    this.events = new EventRecorder(options.clients.core, options.nodeName, options.logger);
    const ns = options.clusterNamespace;
    this.collections = {
      clusters: { group: "baremetal.cluster.gke.io", version: "v1", plural: "clusters", namespace: ns },
      // a dual-stack Cluster is valid only with its ClusterCIDRConfig (BGPLB071)
      cidrConfigs: { group: "baremetal.cluster.gke.io", version: "v1alpha1", plural: "clustercidrconfigs", namespace: ns },
      nggs: { group: GKE_GROUP, version: "v1", plural: "networkgatewaygroups", namespace: ns },
      balancers: { group: GKE_GROUP, version: "v1", plural: "bgploadbalancers", namespace: ns },
      peers: { group: GKE_GROUP, version: "v1", plural: "bgppeers", namespace: ns },
    };
    this.leaseBook = new NodeLeases({
      coordination: options.clients.coordination,
      namespace: ns,
      identity: options.nodeName,
      durationOf: (name) => (name === ALLOCATOR_LEASE ? Math.max(options.leaseDurationSeconds, ALLOCATOR_LEASE_MIN_SECONDS) : options.leaseDurationSeconds),
      observed: (name) => this.leases?.get(name, ns),
    });
    this.registerMetrics();
  }

  /** Starts the health server, the informers and the reconcile tick. */
  async start(): Promise<void> {
    const { clients, logger } = this.options;
    const changed = (): void => this.loop.now();
    this.health = await startHealthServer(this.options.healthListen, {
      notEstablished: () => this.notReady(),
      metrics: () => this.metrics.render(),
      failed: (error) => logger.log("error", "health server error", { error: error.message }),
    }).catch((err: Error) => {
      throw new Error(`health server on ${this.options.healthListen}: ${err.message}`);
    });
    this.configObjects = Object.values(this.collections).map((c) =>
      watchCollection(clients.config, customPath(c), listCustom(clients.custom, c), changed, logger),
    );
    const statusInputChanged = (service?: KubernetesObject): void => {
      if (service) this.submitted.observe(service);
      this.serviceChanges++;
      this.statusInputs++;
      this.loop.soon();
    };
    this.services = watchCollection(
      clients.config,
      "/api/v1/services",
      () => clients.core.listServiceForAllNamespaces(),
      statusInputChanged,
      logger,
      undefined,
      undefined,
      serviceEssentials,
    );
    this.nodes = watchCollection(clients.config, "/api/v1/nodes", () => clients.core.listNode(), changed, logger, undefined, undefined, nodeEssentials);
    this.leases = watchCollection<V1Lease>(
      clients.config,
      `/apis/coordination.k8s.io/v1/namespaces/${this.options.clusterNamespace}/leases`,
      () => clients.coordination.listNamespacedLease({ namespace: this.options.clusterNamespace, labelSelector: `${LEASE_LABEL}=${LEASE_LABEL_VALUE}` }),
      () => {
        // seen when the watch delivers it, not at the next reconcile: expiry is measured from here
        this.leaseBook.observe(this.leases.list());
        changed();
      },
      logger,
      `${LEASE_LABEL}=${LEASE_LABEL_VALUE}`,
      () => this.leaseBook.reset(),
    );
    const status = (plural: string): CustomCollection => ({ group: GKE_GROUP, version: "v1", plural, namespace: GKE_STATUS_NAMESPACE });
    this.advertisedRoutes = watchCollection(
      clients.config,
      customPath(status("bgpadvertisedroutes")),
      listCustom(clients.custom, status("bgpadvertisedroutes")),
      () => this.statusInputs++,
      logger,
      undefined,
      undefined,
      statusObjectEssentials,
    );
    this.bgpSessions = watchCollection(
      clients.config,
      customPath(status("bgpsessions")),
      listCustom(clients.custom, status("bgpsessions")),
      () => this.statusInputs++,
      logger,
      undefined,
      undefined,
      statusObjectEssentials,
    );
    this.informers.push(...this.configObjects, this.services, this.nodes, this.leases, this.advertisedRoutes, this.bgpSessions);
    for (const informer of this.informers) informer.start().catch(() => undefined);
    this.tick = setInterval(() => this.loop.now(), (this.options.leaseDurationSeconds * 1000) / 4);
    this.renewal = setInterval(() => void this.renew(), (this.options.leaseDurationSeconds * 1000) / 4);
    logger.log("info", "cluster speaker started", {
      node: this.options.nodeName,
      namespace: this.options.clusterNamespace,
      nodeSubnets: [...this.options.nodeSubnets],
    });
  }

  /**
   * Graceful stop: every session withdraws its routes and ceases, the
   * floating IPs leave the interface, the Leases are released.
   */
  async stop(): Promise<void> {
    clearInterval(this.tick);
    await this.loop.stop();
    // the next leader writes what is still queued
    this.writes.clear();
    this.ownWrites.clear();
    await Promise.all([this.writes.idle(), this.ownWrites.idle()]);
    await Promise.all([...this.sessions.values()].map((s) => s.driver.stop("bgplb speaker shutting down")));
    await Promise.all([...this.cpSessions.values()].map((d) => d.stop("bgplb speaker shutting down")));
    await Promise.all(this.stopping.values());
    for (const fip of this.configured) await this.options.host.removeAddress(fip).catch(() => undefined);
    clearInterval(this.renewal);
    for (const name of this.leaseBook.names) await this.release(name);
    await Promise.all(this.informers.map((i) => i.stop().catch(() => undefined)));
    await new Promise<void>((resolve) => (this.health ? this.health.close(() => resolve()) : resolve()));
    this.health?.closeAllConnections();
    this.options.logger.log("info", "cluster speaker stopped");
  }

  private notReady(): string[] {
    if (!this.configuration) return ["no valid configuration yet"];
    return [...this.sessions.values()].filter((s) => s.session && s.driver.state !== "Established").map((s) => `${s.key} ${s.driver.state}`);
  }

  /** Registers the node's own metrics beside the sessions', each read from the controller's state when collected. */
  private registerMetrics(): void {
    const registers = [this.metrics.registry];
    const routesAdvertised = (): number => [...this.sessions.values()].reduce((n, s) => n + s.routes.length, 0);
    const leasesHeld = (): { floatingIps: number; allocator: number } => ({ floatingIps: this.held.size, allocator: this.leader ? 1 : 0 });
    const reconcileSeconds = (): number => this.lastReconcileMs / 1000;
    const writeStages = (): { queued: number; inFlight: number } => ({ queued: this.writes.pending, inFlight: this.writes.active });
    new Gauge({
      name: "bgplb_cluster_routes_advertised",
      help: "Service VIP routes this node advertises (summed over its sessions).",
      registers,
      collect: function (this: Gauge) {
        this.set(routesAdvertised());
      },
    });
    new Gauge({
      name: "bgplb_cluster_leases_held",
      help: "Leases this node holds, by kind.",
      labelNames: ["kind"],
      registers,
      collect: function (this: Gauge<"kind">) {
        const held = leasesHeld();
        this.set({ kind: "floating-ip" }, held.floatingIps);
        this.set({ kind: "allocator" }, held.allocator);
      },
    });
    new Gauge({
      name: "bgplb_cluster_reconcile_seconds",
      help: "Duration of the last reconcile.",
      registers,
      collect: function (this: Gauge) {
        this.set(reconcileSeconds());
      },
    });
    new Gauge({
      name: "bgplb_cluster_status_writes",
      help: "Status writes (Service status, BGPAdvertisedRoutes, Events) of the allocator leader, by stage.",
      labelNames: ["stage"],
      registers,
      collect: function (this: Gauge<"stage">) {
        const stages = writeStages();
        this.set({ stage: "queued" }, stages.queued);
        this.set({ stage: "in-flight" }, stages.inFlight);
      },
    });
  }

  /** Acquires a Lease nobody else holds ({@link NodeLeases.acquire}); false when another holder has it or the API server does not answer. */
  private async acquire(name: string): Promise<boolean> {
    try {
      return await this.leaseBook.acquire(name);
    } catch (error) {
      this.apiFailed(`Lease ${name}`, error);
      return false;
    }
  }

  /** Takes or keeps the allocator Lease and tells whether to act as the allocator ({@link NodeLeases.lead}); false when the API server does not answer. */
  private async lead(): Promise<boolean> {
    try {
      return await this.leaseBook.lead(ALLOCATOR_LEASE, ALLOCATOR_ACTS_FRACTION);
    } catch (error) {
      this.apiFailed(`Lease ${ALLOCATOR_LEASE}`, error);
      return false;
    }
  }

  /**
   * Whether the allocator's writes may start now ({@link ALLOCATOR_ACTS_FRACTION}).
   * When not, the write queue drops what it holds, and with it goes the
   * memory of the addresses submitted: planned again from the Services.
   */
  private mayAllocate(): boolean {
    const may = this.leaseBook.current(ALLOCATOR_LEASE, ALLOCATOR_ACTS_FRACTION);
    if (!may) this.submitted.clear();
    return may;
  }

  /** Gives a Lease back (its holder emptied), so the planned holder can take it at once. */
  private async release(name: string): Promise<void> {
    try {
      await this.leaseBook.release(name);
    } catch (error) {
      this.apiFailed(`Lease ${name}`, error);
    }
  }

  /**
   * Renews every Lease we hold, on its own timer so that a slow reconcile
   * never lets one lapse. A Lease someone else took (409) is dropped; the
   * next reconcile lets its floating IP go. API errors keep what we hold.
   */
  private async renew(): Promise<void> {
    // a slow API server must not pile renewals up behind each other: each would be staler than the last
    if (this.renewing) return;
    this.renewing = true;
    try {
      // side by side: with a slow API server, one round trip for all of them rather than one per Lease (each renewal is as late as the slowest)
      await Promise.all(
        this.leaseBook.names.map(async (name) => {
          try {
            const kept = await this.leaseBook.renew(name);
            if (!kept) {
              this.options.logger.log("warn", "Lease taken by another holder", { lease: name });
              this.loop.now();
            }
          } catch (error) {
            this.apiFailed(`Lease ${name}`, error);
          }
        }),
      );
    } finally {
      this.renewing = false;
    }
  }

  private async reconcile(): Promise<void> {
    const started = Date.now();
    const { nodeName, logger } = this.options;
    this.leaseBook.observe(this.leases.list());
    this.updateConfiguration();
    const topology = this.configuration;
    const cluster = topology?.clusters[0];
    if (!topology || !cluster) return;

    this.step = "presence Lease";
    await this.acquire(speakerLeaseName(nodeName));
    const nodes = this.nodes.list().map((n) => nodeViewOf(n as RawObject));
    const speakers = new Set(nodes.map((n) => n.name).filter((name) => this.leaseBook.holderOf(speakerLeaseName(name)) === name));
    const floatingIPs = topology.networkGatewayGroups[0]?.spec.floatingIPs ?? [];
    const holders = new Map<string, string>();
    for (const fip of floatingIPs) {
      const holder = this.leaseBook.holderOf(floatingIpLeaseName(fip));
      if (holder !== undefined) holders.set(fip, holder);
    }
    const plan = assignFloatingIps({ floatingIPs, nodes, nodeSubnets: this.options.nodeSubnets, holders, speakers });

    for (const fip of new Set([...plan.keys(), ...this.held])) {
      const name = floatingIpLeaseName(fip);
      this.step = `floating IP ${fip}`;
      if (this.held.has(fip) && !this.leaseBook.holds(name)) {
        await this.letGo(fip, "lost its Lease to another node");
      } else if (plan.get(fip) === nodeName) {
        if (await this.acquire(name)) this.held.add(fip);
      } else if (this.held.has(fip)) {
        await this.letGo(fip, `planned for ${plan.get(fip) ?? "no node"}`);
        await this.release(name);
      }
    }
    for (const fip of this.held) {
      if (this.configured.has(fip)) continue;
      await this.options.host.addAddress(fip);
      this.configured.add(fip);
      logger.log("info", "floating IP taken", { floatingIP: fip });
    }
    this.step = "interface addresses";
    const present = new Set(await this.options.host.addresses());
    for (const fip of floatingIPs) {
      // left behind by an earlier run of this speaker that could not clean up (SIGKILL)
      if (!this.held.has(fip) && present.has(fip)) await this.options.host.removeAddress(fip);
    }

    const actual = new Map<string, string | undefined>(floatingIPs.map((fip) => [fip, this.held.has(fip) ? nodeName : holders.get(fip)]));
    const peers = selectServicePeers(cluster, topology.bgpLoadBalancers[0], topology.gkeBgpPeers, floatingIPs.length);
    const planned = planServiceSessions(peers, actual);
    const lbNodes = loadBalancerNodes(cluster, nodes);
    // with 5,000 Services reading every VIP and planning every route on every reconcile (several a second) cost most of a core
    const vipsKey = `${this.serviceChanges}|${JSON.stringify(cluster.spec.loadBalancer.addressPools ?? [])}`;
    if (vipsKey !== this.announced.key) {
      const shown = this.services
        .list()
        .filter((s) => isLoadBalancerService(s as RawObject))
        .flatMap((s) => serviceIngressIPs(s as RawObject));
      this.announced = { key: vipsKey, vips: addressesInPools(shown, clusterAddressPools(cluster)) };
    }
    const vips = this.announced.vips;
    const routesKey = `${vipsKey}|${lbNodes.map((n) => `${n.ipv4} ${n.ipv6 ?? ""}`).join()}`;
    const mine = planned.filter((s) => s.nodeName === nodeName && this.held.has(s.floatingIP));
    this.step = "sessions";
    await this.syncSessions(mine, routesKey, (s) => sessionRoutes(vips, lbNodes, s.index, s.peer.sessions));
    this.step = "control-plane sessions";
    await this.syncControlPlane(cluster, nodes);

    this.step = "allocator";
    if (await this.lead()) {
      if (!this.leader) logger.log("info", "allocator leadership taken");
      this.leader = true;
      const ipv4Hops = lbNodes.map((n) => n.ipv4);
      const ipv6Hops = lbNodes.map((n) => n.ipv6 ?? `::ffff:${n.ipv4}`);
      // planning 5,000 Services costs tens of milliseconds: only when something it reads changed
      const inputs = `${this.statusInputs}|${JSON.stringify(cluster.spec.loadBalancer)}|${ipv4Hops.join()}|${ipv6Hops.join()}|${[...speakers].join()}`;
      const sinceLast = started - this.allocated.at;
      if (inputs !== this.allocated.inputs && sinceLast < this.allocated.spacingMs) {
        // every reconcile (Lease renewals, ticks) would plan again in a burst: once per spacing, the next one gathered
        this.loop.soon();
      } else if (inputs !== this.allocated.inputs || sinceLast >= ALLOCATE_REFRESH_MS) {
        this.allocate(topology, ipv4Hops, speakers, ipv6Hops);
        const tookMs = Date.now() - started;
        this.allocated = { inputs, at: started, spacingMs: Math.max(BURST_BATCH_MS, ALLOCATE_SPACING_FACTOR * tookMs) };
      }
    } else {
      this.allocated = { inputs: "", at: 0, spacingMs: 0 };
      if (this.leader) {
        const why = this.leaseBook.holds(ALLOCATOR_LEASE) ? "Lease not renewed recently (API writes failing)" : "Lease held by another speaker";
        logger.log("info", "allocator leadership lost; queued status writes dropped", { dropped: this.writes.pending, why });
        this.writes.clear();
        this.submitted.clear();
      }
      this.leader = false;
    }
    this.reportSessions(mine);
    this.lastReconcileMs = Date.now() - started;
  }

  /** Takes the API server's configuration objects when they are valid; otherwise keeps the last good one and says why. */
  private updateConfiguration(): void {
    if (!this.configObjects.every((i) => i.synced())) return;
    const raws = this.configObjects.flatMap((i) => i.list()) as RawObject[];
    const decision = decideConfiguration(raws, this.configuration, this.options.nodeSubnets);
    this.configuration = decision.topology;
    this.rejected = reportRejectedConfiguration(this.rejected, raws, decision.errors, this.options.logger, (object, type, reason, message) =>
      this.events.record(object, type, reason, message),
    );
  }

  /**
   * Starts, keeps and stops this node's service sessions; a session's routes
   * are planned again only when what they are planned from changed
   * (`routesKey`: the VIPs and LB nodes; its place among the peer's sessions).
   */
  private async syncSessions(wanted: readonly ServiceSession[], routesKey: string, routesOf: (s: ServiceSession) => OriginatedRoute[]): Promise<void> {
    const keys = new Set<string>();
    for (const s of wanted) {
      const key = `${s.floatingIP}>${s.peer.peerIP}`;
      keys.add(key);
      let running = this.sessions.get(key);
      if (running && running.session && (running.session.peer.peerASN !== s.peer.peerASN || running.session.peer.localASN !== s.peer.localASN)) {
        this.stopDriver(running.driver, "bgplb speaker: peer configuration changed");
        this.sessions.delete(key);
        running = undefined;
      }
      if (!running) {
        const driver = new PeerDriver({
          peerIP: s.peer.peerIP,
          peerPort: this.options.peerPort,
          localIP: s.floatingIP,
          fsm: {
            localAsn: s.peer.localASN,
            peerAsn: s.peer.peerASN,
            localBgpId: s.floatingIP,
            holdTimeSeconds: this.options.holdTimeSeconds,
            connectRetryTimeSeconds: this.options.connectRetrySeconds,
            families: FAMILIES,
            addPathSend: FAMILIES,
          },
          logger: this.options.logger,
          metrics: this.metrics.peer(key),
        });
        running = { key, driver, session: s, routes: [], routesKey: "", routesVersion: 0, reported: "", reportedState: "", reportedAt: 0 };
        this.sessions.set(key, running);
        const routes = routesOf(s);
        driver.advertise(routes);
        running.routes = routes.map((r) => `${formatIpValue(r.address)}/${r.length}`);
        running.routesKey = `${routesKey}|${s.index}|${s.peer.sessions}`;
        driver.start();
      } else {
        running.session = s;
        const key = `${routesKey}|${s.index}|${s.peer.sessions}`;
        if (running.routesKey !== key) {
          const routes = routesOf(s);
          running.driver.advertise(routes);
          running.routes = routes.map((r) => `${formatIpValue(r.address)}/${r.length}`);
          running.routesKey = key;
          running.routesVersion++;
        }
      }
    }
    for (const [key, running] of this.sessions) {
      if (keys.has(key)) continue;
      this.sessions.delete(key);
      this.stopDriver(running.driver, "bgplb speaker: session no longer planned on this node");
    }
  }

  /** Stops using a floating IP: its sessions end (Cease), the address leaves the interface. */
  private async letGo(fip: string, why: string): Promise<void> {
    this.held.delete(fip);
    for (const [key, running] of this.sessions) {
      if (!key.startsWith(`${fip}>`)) continue;
      this.sessions.delete(key);
      this.stopDriver(running.driver, "bgplb speaker: floating IP moved");
    }
    await this.options.host.removeAddress(fip);
    this.configured.delete(fip);
    this.options.logger.log("info", "floating IP released", { floatingIP: fip, why });
  }

  /** Stops a session without holding up the reconcile (Lease renewals must not wait for a socket to drain). */
  private stopDriver(driver: PeerDriver, communication: string): void {
    this.stopping.set(
      driver,
      driver.stop(communication).finally(() => this.stopping.delete(driver)),
    );
  }

  /** Control-plane mode: sessions from this node's own address; the control-plane VIP only while the local API server is ready. */
  private async syncControlPlane(cluster: NonNullable<Topology["clusters"][number]>, nodes: ReturnType<typeof nodeViewOf>[]): Promise<void> {
    const mine = planControlPlaneSessions(cluster, nodes).filter((s) => s.nodeName === this.options.nodeName);
    if (mine.length > 0 && this.options.controlPlaneReadyz && Date.now() - this.readyzProbedAt >= READYZ_PROBE_MS) {
      this.readyzProbedAt = Date.now();
      this.controlPlaneReady = await probeReadyz(this.options.controlPlaneReadyz);
    }
    const vip = cluster.spec.loadBalancer.vips.controlPlaneVIP;
    const keys = new Set<string>();
    for (const s of mine) {
      const key = `${s.localIP}>${s.peerIP}`;
      keys.add(key);
      let driver = this.cpSessions.get(key);
      if (!driver) {
        driver = new PeerDriver({
          peerIP: s.peerIP,
          peerPort: this.options.peerPort,
          localIP: s.localIP,
          fsm: {
            localAsn: s.localASN,
            peerAsn: s.peerASN,
            localBgpId: s.localIP,
            holdTimeSeconds: this.options.holdTimeSeconds,
            connectRetryTimeSeconds: this.options.connectRetrySeconds,
          },
          logger: this.options.logger,
          metrics: this.metrics.peer(`control-plane ${key}`),
        });
        this.cpSessions.set(key, driver);
        driver.start();
      }
      const advertise = this.controlPlaneReady || this.options.controlPlaneReadyz === undefined;
      driver.advertise(advertise ? [{ family: "ipv4-unicast", address: ipValue(parseIp(vip)), length: 32, nextHops: [ipValue(parseIp(s.localIP))] }] : []);
    }
    for (const [key, driver] of this.cpSessions) {
      if (keys.has(key)) continue;
      this.cpSessions.delete(key);
      this.stopDriver(driver, "bgplb speaker: control-plane peer removed");
    }
  }

  /**
   * Allocator leader: plans the Service addresses and submits what is out of
   * date to the write queue (Service status with its IPAllocated Event,
   * BGPAdvertisedRoutes with their Advertised/Withdrawn Events); the writes
   * run concurrently and do not hold up the reconcile.
   */
  private allocate(topology: Topology, ipv4Hops: string[], speakers: ReadonlySet<string>, ipv6Hops: string[]): void {
    const cluster = topology.clusters[0];
    const services = this.services.list() as RawObject[];
    const balanced = services.filter(isLoadBalancerService);
    const reserved = cluster.spec.loadBalancer.vips.ingressVIP ? [cluster.spec.loadBalancer.vips.ingressVIP] : [];
    this.submitted.keepOnly(new Set(balanced.map(objectKeyText)));
    const requests = balanced.map((service) => this.submitted.request(service));
    const plan = planServiceAddresses(clusterAddressPools(cluster), requests, reserved);
    const routes = new Set<string>();
    const [ipv4HopsText, ipv6HopsText] = [ipv4Hops.join(), ipv6Hops.join()];
    const { core, custom } = this.options.clients;
    const writers = { writes: this.writes, submitted: this.submitted, events: this.events, core };
    for (const [index, service] of balanced.entries()) {
      const key = objectKeyText(service);
      const allocation = plan.get(key)!;
      submitAllocation(writers, service, requests[index], allocation);
      const addresses = allocation.addresses;
      for (const [i, address] of addresses.entries()) {
        const v6 = address.includes(":");
        const hops = v6 ? ipv6Hops : ipv4Hops;
        const routeName = advertisedRouteObjectName(key, address, i);
        routes.add(routeName);
        // what the object says, in short: built and written only when it changed
        const text = `${address}|${v6 ? ipv6HopsText : ipv4HopsText}`;
        // written by us and still there (someone may have deleted it: then it is written again)
        if (this.written.get(`route/${routeName}`) === text && this.advertisedRoutes.get(routeName, GKE_STATUS_NAMESPACE)) continue;
        const body = bgpAdvertisedRouteObject(key, address, hops, i);
        this.writes.submit(
          `route/${routeName}`,
          text,
          `BGPAdvertisedRoute ${routeName}`,
          async () => {
            await applyCustom(custom, "bgpadvertisedroutes", body);
            this.written.set(`route/${routeName}`, text);
            await this.events.record(service, "Normal", "Advertised", `advertising ${address} with next hops ${hops.join(", ")}`);
          },
          "later",
        );
      }
    }
    for (const service of servicesToClear(services)) {
      const key = objectKeyText(service);
      this.writes.submit(`service/${key}`, serviceStatusWriteState(service, []), `Service ${key} status`, () =>
        applyServiceStatus(core, service.metadata!.namespace!, service.metadata!.name!, serviceStatusBody([])),
      );
    }
    const byRouteName = new Map(services.map((s) => [advertisedRouteName(objectKeyText(s)), s]));
    for (const object of this.advertisedRoutes.list()) {
      const name = object.metadata?.name ?? "";
      if (routes.has(name)) continue;
      this.written.delete(`route/${name}`);
      const service = byRouteName.get(name.replace(/-ipv[46]$/, ""));
      this.writes.submit(
        `route/${name}`,
        "deleted",
        `BGPAdvertisedRoute ${name}`,
        async () => {
          await deleteCustom(custom, GKE_GROUP, "v1", "bgpadvertisedroutes", GKE_STATUS_NAMESPACE, name);
          if (service) await this.events.record(service, "Normal", "Withdrawn", `no longer advertised (${name})`);
        },
        "later",
      );
    }
    for (const object of this.bgpSessions.list()) {
      const owner = (object as { spec?: { nodeName?: string } }).spec?.nodeName;
      const name = object.metadata?.name ?? "";
      if (owner !== undefined && !speakers.has(owner)) this.deleteSessionObject(this.writes, name);
    }
  }

  /**
   * Writes the BGPSession of each of our sessions when its state or routes
   * changed, or every 30 s, and deletes our BGPSessions that are no longer
   * planned (a floating IP moved, a peer went, a session was renamed). The
   * writes go through this node's own write queue: a slow API server does
   * not hold up the reconcile, and a newer report replaces a queued one.
   */
  private reportSessions(mine: readonly ServiceSession[]): void {
    const now = Date.now();
    const names = new Set(mine.map((s) => s.name));
    for (const object of this.bgpSessions.list()) {
      const owner = (object as { spec?: { nodeName?: string } }).spec?.nodeName;
      const name = object.metadata?.name ?? "";
      if (owner === this.options.nodeName && !names.has(name)) this.deleteSessionObject(this.ownWrites, name);
    }
    for (const s of mine) {
      const running = this.sessions.get(`${s.floatingIP}>${s.peer.peerIP}`);
      if (!running) continue;
      const state = running.driver.state;
      const summary = `${s.name}|${state}|${running.routesVersion}`;
      if (summary === running.reported && now - running.reportedAt < STATUS_REPORT_MS) continue;
      // a new state at once; new routes alone at most every ROUTES_REPORT_MS (the next reconcile after that reports them)
      if (`${s.name}|${state}` === running.reportedState && now - running.reportedAt < ROUTES_REPORT_MS) continue;
      const advertised = state === "Established" ? running.routes : [];
      this.ownWrites.submit(`session/${s.name}`, summary, `BGPSession ${s.name}`, async () => {
        await applyCustom(this.options.clients.custom, "bgpsessions", bgpSessionObject(s, this.options.nodeName, state, advertised, new Date()));
        running.reported = summary;
        running.reportedState = `${s.name}|${state}`;
        running.reportedAt = now;
      });
    }
  }

  private deleteSessionObject(queue: WriteQueue, name: string): void {
    queue.submit(
      `session/${name}`,
      "deleted",
      `BGPSession ${name}`,
      () => deleteCustom(this.options.clients.custom, GKE_GROUP, "v1", "bgpsessions", GKE_STATUS_NAMESPACE, name),
      "later",
    );
  }

  /** Logs a failed API write, at most once per 10 s (an API server outage would otherwise log every tick). */
  private apiFailed(what: string, error: unknown): void {
    const now = Date.now();
    this.leaseBook.reset();
    this.apiFailures++;
    if (now - this.apiFailureLoggedAt < API_FAILURE_LOG_MS) return;
    this.apiFailureLoggedAt = now;
    this.options.logger.log("warn", "API write failed; keeping sessions, routes and floating IPs, retrying every tick", {
      object: what,
      error: describeApiError(error),
      failuresSoFar: this.apiFailures,
    });
  }
}

/** True when `url` answers 200 within 2 s (self-signed certificates accepted: it is the local API server). */
async function probeReadyz(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpsRequest(url, { rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}
