/**
 * The MetalLB-mode speaker of one node (`bgplb speaker --mode metallb`):
 * watches MetalLB's BGPPeer, IPAddressPool, BGPAdvertisement, BFDProfile
 * and Community objects and Secrets in the MetalLB namespace, and Nodes,
 * Namespaces, Services and EndpointSlices; on every change plans with
 * {@link planMetallbNode} and carries the plan out: one BGP session per
 * selected BGPPeer through the speaker's PeerDriver (TCP MD5 from
 * `password` or the `passwordSecret` Secret, BFD from the `bfdProfile`),
 * the planned routes on each. One speaker (the holder of the allocator
 * Lease) assigns Service addresses from the IPAddressPools with the IPAM
 * the GKE mode uses, and writes them to the Services' status.
 *
 * A configuration that fails validation is not taken: the last good one
 * stays and the error is logged (and recorded as an Event on the object).
 * Secret values are read from the watch cache when a session is built and
 * are never logged.
 */
import type { Server as HttpServer } from "node:http";
import type { KubernetesObject, V1Lease, V1Secret } from "@kubernetes/client-node";
import { DiscoveryV1Api } from "./kube-client.mjs";
import type { Topology } from "../model";
import { BfdDriver } from "../speaker/bfd-driver";
import { startHealthServer } from "../speaker/health";
import type { LogFields, Logger } from "../speaker/log";
import { SpeakerMetrics } from "../speaker/metrics";
import { PeerDriver } from "../speaker/peer";
import { nodeDevices } from "../speaker/vrf";
import { submitAllocation } from "./allocation-writes";
import { EventRecorder } from "./event-recorder";
import { reportRejectedConfiguration } from "./events";
import { BURST_BATCH_MS, ReconcileLoop } from "./reconcile-loop";
import { customPath, describeApiError, listCustom, watchCollection, type CustomCollection, type KubeClients } from "./kube";
import { LeaderLease } from "./leader-lease";
import { ALLOCATOR_ACTS_FRACTION, ALLOCATOR_LEASE, ALLOCATOR_LEASE_MIN_SECONDS, LEASE_LABEL, LEASE_LABEL_VALUE } from "./leases";
import { planMetallbAllocations } from "./metallb-addresses";
import { metallbConfigurationOf, metallbNodeOf, metallbServicesOf, serviceIdentityOf } from "./metallb-observed";
import { planMetallbNode, type MetallbSession } from "./metallb-plan";
import { metallbPeerDriverOptions } from "./metallb-session";
import { decideConfiguration, isLoadBalancerService, objectKeyText, type RawObject } from "./observed";
import { SubmittedAddresses } from "./submitted-addresses";
import { ALLOCATOR_WRITE_PACING, WriteQueue } from "./write-queue";

/** How the MetalLB-mode speaker runs. */
export interface MetallbSpeakerOptions {
  /** This node's name (`--node-name`). */
  readonly nodeName: string;
  /** MetalLB's namespace, where its objects, Secrets and the allocator Lease are. */
  readonly namespace: string;
  /** Allocator Lease duration in seconds; renewed four times per duration. */
  readonly leaseDurationSeconds: number;
  /** ConnectRetry time of peers without `connectTime`, seconds. */
  readonly connectRetrySeconds: number;
  /** Restart time (RFC 4724) offered to the peers with `enableGracefulRestart`, seconds; 0: graceful restart offered to none. */
  readonly gracefulRestartSeconds: number;
  /** `host:port` of /healthz, /readyz, /metrics. */
  readonly healthListen: string;
  readonly clients: KubeClients;
  readonly logger: Logger;
}

const METALLB_GROUP = "metallb.io";

interface RunningSession {
  readonly driver: PeerDriver;
  /** What the driver was built from; a change rebuilds it. Holds the password: never logged. */
  readonly identity: string;
  session: MetallbSession;
}

interface RunningBfd {
  readonly driver: BfdDriver;
  readonly identity: string;
}

/** The BFD driver a session's BFD runs in: one per VRF and local address. */
function bfdKey(session: MetallbSession): string {
  return `${session.vrf ?? ""}|${session.sourceAddress}`;
}

/** The MetalLB-mode speaker of one node. */
export class MetallbSpeaker {
  private readonly metrics = new SpeakerMetrics();
  private readonly informers: ReturnType<typeof watchCollection<KubernetesObject>>[] = [];
  private readonly sessions = new Map<string, RunningSession>();
  private readonly bfd = new Map<string, RunningBfd>();
  private readonly stopping = new Set<Promise<void>>();
  private readonly events: EventRecorder;
  /** Warnings already logged for a condition that lasts (a missing Secret, BFD that cannot start), so each is logged once until it clears. */
  private readonly warned = new Set<string>();
  private readonly leader: LeaderLease;
  /** Service addresses written and not yet shown by the watch: planned as the Services' current ones (no address handed out twice meanwhile). */
  private readonly submitted = new SubmittedAddresses();
  /** The allocator's writes: Service addresses first, then their Events; only while it holds the allocator Lease. */
  private readonly writes: WriteQueue;
  private readonly loop: ReconcileLoop;
  private configObjects: ReturnType<typeof watchCollection<KubernetesObject>>[] = [];
  private services!: ReturnType<typeof watchCollection<KubernetesObject>>;
  private nodes!: ReturnType<typeof watchCollection<KubernetesObject>>;
  private slices!: ReturnType<typeof watchCollection<KubernetesObject>>;
  private namespaces!: ReturnType<typeof watchCollection<KubernetesObject>>;
  private secrets!: ReturnType<typeof watchCollection<V1Secret>>;
  private leases!: ReturnType<typeof watchCollection<V1Lease>>;
  private configuration: Topology | undefined;
  private rejected = "";
  private reported = "";
  private health: HttpServer | undefined;
  private tick: NodeJS.Timeout | undefined;

  constructor(private readonly options: MetallbSpeakerOptions) {
    this.leader = new LeaderLease({
      coordination: options.clients.coordination,
      namespace: options.namespace,
      name: ALLOCATOR_LEASE,
      identity: options.nodeName,
      durationSeconds: Math.max(options.leaseDurationSeconds, ALLOCATOR_LEASE_MIN_SECONDS),
    });
    this.events = new EventRecorder(options.clients.core, options.nodeName, options.logger);
    this.loop = new ReconcileLoop(() => this.reconcile(), {
      batchMs: BURST_BATCH_MS,
      failed: (error) => options.logger.log("error", "reconcile failed", { error: error.message }),
    });
    this.writes = new WriteQueue({
      ...ALLOCATOR_WRITE_PACING,
      failed: (what, error) => options.logger.log("warn", "API write failed; retrying on the next reconcile", { object: what, error: describeApiError(error) }),
      mayWrite: () => {
        const acting = this.leader.acting(Date.now(), ALLOCATOR_ACTS_FRACTION);
        // what was submitted and not written is planned again from the Services by whoever leads next
        if (!acting) this.submitted.clear();
        return acting;
      },
    });
  }

  /** Starts the health server, the informers and the tick. */
  async start(): Promise<void> {
    const { clients, logger, namespace } = this.options;
    const changed = (): void => this.loop.now();
    // Services and EndpointSlices come in bursts: gathered for a moment, planned together
    const burst = (): void => this.loop.soon();
    this.health = await startHealthServer(this.options.healthListen, {
      notEstablished: () =>
        this.configuration
          ? [...this.sessions.values()].filter((s) => s.driver.state !== "Established").map((s) => `${s.session.peerName} ${s.driver.state}`)
          : ["no valid configuration yet"],
      metrics: () => this.metrics.render(),
      failed: (error) => logger.log("error", "health server error", { error: error.message }),
    }).catch((err: Error) => {
      throw new Error(`health server on ${this.options.healthListen}: ${err.message}`);
    });
    const collection = (version: string, plural: string): CustomCollection => ({ group: METALLB_GROUP, version, plural, namespace });
    this.configObjects = [
      collection("v1beta2", "bgppeers"),
      collection("v1beta1", "ipaddresspools"),
      collection("v1beta1", "bgpadvertisements"),
      collection("v1beta1", "bfdprofiles"),
      collection("v1beta1", "communities"),
    ].map((c) => watchCollection(clients.config, customPath(c), listCustom(clients.custom, c), changed, logger));
    const discovery = clients.config.makeApiClient(DiscoveryV1Api);
    this.services = watchCollection(
      clients.config,
      "/api/v1/services",
      () => clients.core.listServiceForAllNamespaces(),
      (service) => {
        if (service) this.submitted.observe(service);
        burst();
      },
      logger,
    );
    this.nodes = watchCollection(clients.config, "/api/v1/nodes", () => clients.core.listNode(), changed, logger);
    this.namespaces = watchCollection(clients.config, "/api/v1/namespaces", () => clients.core.listNamespace(), changed, logger);
    this.slices = watchCollection(
      clients.config,
      "/apis/discovery.k8s.io/v1/endpointslices",
      () => discovery.listEndpointSliceForAllNamespaces(),
      burst,
      logger,
    );
    this.secrets = watchCollection<V1Secret>(
      clients.config,
      `/api/v1/namespaces/${namespace}/secrets`,
      () => clients.core.listNamespacedSecret({ namespace }),
      changed,
      logger,
    );
    this.leases = watchCollection<V1Lease>(
      clients.config,
      `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`,
      () => clients.coordination.listNamespacedLease({ namespace, labelSelector: `${LEASE_LABEL}=${LEASE_LABEL_VALUE}` }),
      () => {
        this.leader.observe(this.leases.get(ALLOCATOR_LEASE, namespace), Date.now());
        changed();
      },
      logger,
      `${LEASE_LABEL}=${LEASE_LABEL_VALUE}`,
      () => this.leader.reset(),
    );
    this.informers.push(...this.configObjects, this.services, this.nodes, this.namespaces, this.slices, this.secrets, this.leases);
    for (const informer of this.informers) informer.start().catch(() => undefined);
    this.tick = setInterval(() => this.loop.now(), (this.options.leaseDurationSeconds * 1000) / 4);
    logger.log("info", "MetalLB-mode speaker started", { node: this.options.nodeName, namespace });
  }

  /** Graceful stop: every session withdraws its routes and ceases, BFD says AdminDown, the allocator Lease is released. */
  async stop(): Promise<void> {
    clearInterval(this.tick);
    await this.loop.stop();
    // the next leader writes what is still queued
    this.writes.clear();
    await this.writes.idle();
    await Promise.all([...this.sessions.values()].map((s) => s.driver.stop("bgplb speaker shutting down")));
    this.sessions.clear();
    await Promise.all([...this.bfd.values()].map((b) => b.driver.stop()));
    await Promise.all(this.stopping);
    await this.leader.release();
    await Promise.all(this.informers.map((i) => i.stop().catch(() => undefined)));
    await new Promise<void>((resolve) => (this.health ? this.health.close(() => resolve()) : resolve()));
    this.health?.closeAllConnections();
    this.options.logger.log("info", "MetalLB-mode speaker stopped");
  }

  private async reconcile(): Promise<void> {
    this.updateConfiguration();
    const topology = this.configuration;
    if (!topology || !this.nodes.synced() || !this.services.synced() || !this.slices.synced()) return;
    const now = Date.now();
    let leading = false;
    try {
      leading = await this.leader.hold(this.leases.get(ALLOCATOR_LEASE, this.options.namespace), now);
    } catch (error) {
      this.leader.reset();
      this.options.logger.log("warn", "allocator Lease write failed; retrying every tick", { error: describeApiError(error) });
    }
    if (leading) this.allocate(topology);
    else {
      this.writes.clear();
      this.submitted.clear();
    }

    const configuration = metallbConfigurationOf(
      topology,
      this.configObjects.flatMap((i) => i.list()),
    );
    const nodes = this.nodes.list().map((n) => metallbNodeOf(n as RawObject));
    const services = metallbServicesOf(this.services.list(), this.slices.list());
    // the node's devices as they are now, read only when a peer runs in a VRF (a node has a veth per Pod)
    const devices = configuration.peers.some((p) => p.spec.vrf) ? nodeDevices() : new Map();
    const plan = planMetallbNode(configuration, nodes, services, this.options.nodeName, devices);
    const problems = plan.problems.map((p) => `${p.object}: ${p.message}`).join("\n");
    if (problems !== this.reported) {
      this.reported = problems;
      for (const p of plan.problems) this.options.logger.log("warn", "MetalLB configuration not fully applied", { object: p.object, message: p.message });
    }
    this.syncSessions(plan.sessions);
    await this.syncBfd(plan.sessions);
  }

  /** Takes the MetalLB objects when they decode and validate; otherwise keeps the last good ones and says why. */
  private updateConfiguration(): void {
    if (!this.configObjects.every((i) => i.synced())) return;
    const raws = this.configObjects.flatMap((i) => i.list()) as RawObject[];
    const decision = decideConfiguration(raws, this.configuration, []);
    this.configuration = decision.topology;
    this.rejected = reportRejectedConfiguration(this.rejected, raws, decision.errors, this.options.logger, (object, type, reason, message) =>
      this.events.record(object, type, reason, message),
    );
  }

  /**
   * Allocator leader: plans every LoadBalancer Service's addresses from the
   * IPAddressPools and submits what is out of date to the write queue
   * (Service status first, then its IPAllocated Event); the writes run
   * concurrently and do not hold up the reconcile (the sessions).
   */
  private allocate(topology: Topology): void {
    const pools = topology.ipAddressPools;
    const namespaceLabels = new Map(this.namespaces.list().map((n) => [n.metadata?.name ?? "", n.metadata?.labels ?? {}]));
    const balanced = (this.services.list() as RawObject[]).filter(isLoadBalancerService);
    this.submitted.keepOnly(new Set(balanced.map(objectKeyText)));
    const requests = balanced.map((raw) => this.submitted.request(raw));
    const plan = planMetallbAllocations(
      balanced.map((raw, index) => ({ request: requests[index], identity: serviceIdentityOf(raw) })),
      pools,
      namespaceLabels,
    );
    const writers = { writes: this.writes, submitted: this.submitted, events: this.events, core: this.options.clients.core, logger: this.options.logger };
    for (const [index, service] of balanced.entries()) submitAllocation(writers, service, requests[index], plan.get(objectKeyText(service))!);
  }

  /** The TCP MD5 password of a session, from the peer or its Secret; undefined (with a warning) when the Secret is missing. */
  private passwordOf(session: MetallbSession): { password?: string } | undefined {
    const source = session.password;
    if (source === undefined) return {};
    if ("value" in source) return { password: source.value };
    const secret = this.secrets.get(source.secret.name, source.secret.namespace);
    const encoded = secret?.data?.["password"];
    const condition = `secret|${session.peerName}`;
    if (encoded === undefined) {
      this.warnOnce(condition, "passwordSecret not found or without a password key; session not opened until it is", {
        peer: session.peerName,
        secret: `${source.secret.namespace}/${source.secret.name}`,
      });
      return undefined;
    }
    this.warned.delete(condition);
    return { password: Buffer.from(encoded, "base64").toString("utf8") };
  }

  private syncSessions(planned: readonly MetallbSession[]): void {
    const names = new Set<string>();
    for (const session of planned) {
      const password = this.passwordOf(session);
      if (password === undefined) continue;
      names.add(session.peerName);
      const { routes: _routes, bfd: _bfd, password: _source, ...fields } = session;
      const identity = JSON.stringify({ ...fields, ...password });
      let running = this.sessions.get(session.peerName);
      if (running && running.identity !== identity) {
        this.retire(running.driver, "bgplb speaker: peer configuration changed");
        running = undefined;
      }
      if (!running) {
        const driver = new PeerDriver(
          metallbPeerDriverOptions(session, password.password, this.options, this.options.logger, this.metrics.peer(session.peerName)),
        );
        running = { driver, identity, session };
        this.sessions.set(session.peerName, running);
        driver.advertise(session.routes);
        driver.start();
        this.options.logger.log("info", "session planned", {
          peer: session.peerName,
          peerAddress: session.peerAddress,
          vrf: session.vrf,
          source: session.sourceAddress,
          ibgp: session.internal,
          peerAsn: session.peerASN,
          ttl: session.ttl,
          families: session.families.join(","),
          md5: password.password !== undefined,
          bfd: session.bfd !== undefined,
        });
      } else {
        running.session = session;
        running.driver.advertise(session.routes);
      }
    }
    for (const [name, running] of this.sessions) {
      if (names.has(name)) continue;
      this.sessions.delete(name);
      this.retire(running.driver, "bgplb speaker: peer no longer selects this node");
    }
  }

  /**
   * One BFD driver per VRF and local address, rebuilt when its peers or
   * their timers change; a path-down holds the BGP session of that peer
   * down until BFD is Up again.
   */
  private async syncBfd(planned: readonly MetallbSession[]): Promise<void> {
    const wanted = new Map<string, MetallbSession[]>();
    for (const session of planned) {
      // a session whose BFD was removed must not stay held down by it
      if (!session.bfd) this.sessions.get(session.peerName)?.driver.bfdUp();
      if (!session.bfd || !this.sessions.has(session.peerName)) continue;
      const key = bfdKey(session);
      wanted.set(key, [...(wanted.get(key) ?? []), session]);
    }
    for (const [key, running] of this.bfd) {
      const sessions = wanted.get(key);
      if (sessions && JSON.stringify(sessions.map((s) => [s.peerAddress, s.bfd])) === running.identity) continue;
      this.bfd.delete(key);
      await running.driver.stop();
    }
    for (const [key, sessions] of wanted) {
      if (this.bfd.has(key)) continue;
      const { sourceAddress: local, vrf } = sessions[0];
      const driver = new BfdDriver({ localIP: local, ...(vrf === undefined ? {} : { vrf }), logger: this.options.logger });
      for (const session of sessions) {
        driver.addPeer(session.peerAddress, session.bfd!);
        driver.subscribe(session.peerAddress, (change) => {
          const peer = this.sessions.get(session.peerName)?.driver;
          if (change.pathDown) peer?.bfdDown(change.diagnostic);
          else if (change.to === "Up") peer?.bfdUp();
        });
      }
      try {
        await driver.start();
        this.bfd.set(key, { driver, identity: JSON.stringify(sessions.map((s) => [s.peerAddress, s.bfd])) });
        this.warned.delete(`bfd|${key}`);
      } catch (error) {
        await driver.stop();
        this.warnOnce(`bfd|${key}`, "BFD could not start; retrying on every reconcile", { local, vrf, error: (error as Error).message });
      }
    }
  }

  private warnOnce(condition: string, msg: string, fields: LogFields): void {
    if (this.warned.has(condition)) return;
    this.warned.add(condition);
    this.options.logger.log("warn", msg, fields);
  }

  /** Stops a session without holding up the reconcile. */
  private retire(driver: PeerDriver, communication: string): void {
    const done: Promise<void> = driver.stop(communication).finally(() => this.stopping.delete(done));
    this.stopping.add(done);
  }
}
