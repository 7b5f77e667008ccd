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
import { eventObject, reportRejectedConfiguration } from "./events";
import { applyServiceStatus, customPath, describeApiError, listCustom, watchCollection, type CustomCollection, type KubeClients } from "./kube";
import { LeaderLease } from "./leader-lease";
import { ALLOCATOR_LEASE, LEASE_LABEL, LEASE_LABEL_VALUE } from "./leases";
import { planMetallbAllocations } from "./metallb-addresses";
import { metallbConfigurationOf, metallbNodeOf, metallbServicesOf, serviceIdentityOf } from "./metallb-observed";
import { planMetallbNode, type MetallbSession } from "./metallb-plan";
import { metallbPeerDriverOptions } from "./metallb-session";
import { decideConfiguration, isLoadBalancerService, objectKeyText, type RawObject } from "./observed";
import { serviceStatusBody } from "./status";
import { SubmittedAddresses } from "./submitted-addresses";

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
  private readonly events = new Set<string>();
  /** Warnings already logged for a condition that lasts (a missing Secret, BFD that cannot start), so each is logged once until it clears. */
  private readonly warned = new Set<string>();
  private readonly leader: LeaderLease;
  /** Service addresses written and not yet shown by the watch: planned as the Services' current ones (no address handed out twice meanwhile). */
  private readonly submitted = new SubmittedAddresses();
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
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly options: MetallbSpeakerOptions) {
    this.leader = new LeaderLease({
      coordination: options.clients.coordination,
      namespace: options.namespace,
      name: ALLOCATOR_LEASE,
      identity: options.nodeName,
      durationSeconds: options.leaseDurationSeconds,
    });
  }

  /** Starts the health server, the informers and the tick. */
  async start(): Promise<void> {
    const { clients, logger, namespace } = this.options;
    const changed = (): void => this.schedule();
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
    this.services = watchCollection(clients.config, "/api/v1/services", () => clients.core.listServiceForAllNamespaces(), changed, logger);
    this.nodes = watchCollection(clients.config, "/api/v1/nodes", () => clients.core.listNode(), changed, logger);
    this.namespaces = watchCollection(clients.config, "/api/v1/namespaces", () => clients.core.listNamespace(), changed, logger);
    this.slices = watchCollection(
      clients.config,
      "/apis/discovery.k8s.io/v1/endpointslices",
      () => discovery.listEndpointSliceForAllNamespaces(),
      changed,
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
    this.tick = setInterval(() => this.schedule(), (this.options.leaseDurationSeconds * 1000) / 4);
    logger.log("info", "MetalLB-mode speaker started", { node: this.options.nodeName, namespace });
  }

  /** Graceful stop: every session withdraws its routes and ceases, BFD says AdminDown, the allocator Lease is released. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.tick);
    await this.running;
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

  private schedule(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.reconcile()
      .catch((error: Error) => this.options.logger.log("error", "reconcile failed", { error: error.message }))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
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
    if (leading) await this.allocate(topology);
    else this.submitted.clear();

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
      this.event(object, type, reason, message),
    );
  }

  /** Allocator leader: every LoadBalancer Service's addresses from the IPAddressPools, written to its status. */
  private async allocate(topology: Topology): Promise<void> {
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
    for (const [index, service] of balanced.entries()) {
      const key = objectKeyText(service);
      const allocation = plan.get(key)!;
      for (const problem of allocation.problems) await this.event(service, "Warning", problem.reason, problem.message);
      // what the Service shows, or what we wrote while the watch does not show it yet
      if (allocation.addresses.join() === requests[index].current.join()) continue;
      this.submitted.submitted(service, allocation.addresses);
      try {
        await applyServiceStatus(this.options.clients.core, service.metadata!.namespace!, service.metadata!.name!, serviceStatusBody(allocation.addresses));
        this.submitted.landed(service, allocation.addresses);
        this.options.logger.log("info", "Service addresses assigned", {
          service: key,
          addresses: allocation.addresses.join(","),
          pools: [...new Set(allocation.pools)].join(","),
        });
        if (allocation.addresses.length > 0)
          await this.event(
            service,
            "Normal",
            "IPAllocated",
            `assigned ${allocation.addresses.join(", ")} from pool ${[...new Set(allocation.pools)].join(", ")}`,
          );
      } catch (error) {
        this.submitted.failed(service, allocation.addresses);
        this.options.logger.log("warn", "Service status write failed; retrying on the next reconcile", { service: key, error: describeApiError(error) });
      }
    }
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

  /** Records a Kubernetes Event on an object, once per distinct reason and message. */
  private async event(object: RawObject, type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
    const key = `${object.kind}/${objectKeyText(object)}|${reason}|${message}`;
    if (this.events.has(key)) return;
    const body = eventObject(object, type, reason, message, this.options.nodeName, new Date());
    try {
      await this.options.clients.core.createNamespacedEvent({ namespace: body.metadata.namespace!, body });
      this.events.add(key);
    } catch (error) {
      this.options.logger.log("warn", "event not recorded", { reason, error: describeApiError(error) });
    }
  }
}
