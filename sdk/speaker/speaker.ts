/**
 * The speaker daemon: a listener on localIP, one {@link PeerDriver} per
 * configured peer, the advertise set, and the health/metrics server.
 */
import { createServer, type Server as TcpServer, type Socket } from "node:net";
import type { Server as HttpServer } from "node:http";
import { AdjRibOut, packUpdates, type FamilyName, type OriginatedRoute } from "../bgp";
import { formatIpValue, ipValue, parseIp, type IpValue } from "../net";
import { BfdDriver } from "./bfd-driver";
import type { SpeakerConfig } from "./config";
import { startHealthServer } from "./health";
import type { Logger } from "./log";
import { SpeakerMetrics } from "./metrics";
import { PeerDriver } from "./peer";
import { listenWithMd5 } from "./tcp-md5";
import { VipSet, type VipSetDifference } from "./vip-set";

/** Up to this many VIPs are named in an info line; larger sets are counted. */
const VIPS_NAMED_AT_INFO = 16;

/** Log fields for an advertise set: its size, and its addresses when it is small. */
function vipFields(set: VipSet): { vipCount: number; vips?: string[] } {
  return set.size <= VIPS_NAMED_AT_INFO ? { vipCount: set.size, vips: set.values().map(formatIpValue) } : { vipCount: set.size };
}

/** Text sent with Cease / Administrative Shutdown on a graceful stop (RFC 8203). */
const SHUTDOWN_COMMUNICATION = "bgplb speaker shutting down";

/**
 * The routes for VIP addresses: host routes through the configured next
 * hops (IPv6 VIPs through ipv6NextHops) with the configured communities.
 * Made as they are iterated (each pass makes new ones), so a large set
 * never has all its route objects alive at once.
 */
function vipRoutes(values: readonly IpValue[], config: SpeakerConfig): Iterable<OriginatedRoute> {
  // One list per family, parsed once: the routes share it (and the Adj-RIB-Out checks a shared list once).
  const nextHops = config.nextHops.map((text) => ipValue(parseIp(text)));
  const ipv6NextHops = config.ipv6NextHops.map((text) => ipValue(parseIp(text)));
  const { communities, largeCommunities } = config;
  return {
    *[Symbol.iterator]() {
      for (const value of values) {
        yield typeof value === "number"
          ? { family: "ipv4-unicast", address: value, length: 32, nextHops, communities, largeCommunities }
          : { family: "ipv6-unicast", address: value, length: 128, nextHops: ipv6NextHops, communities, largeCommunities };
      }
    },
  };
}

const FAMILIES: readonly FamilyName[] = ["ipv4-unicast", "ipv6-unicast"];

/**
 * One VIP of each address family in `vips`: every VIP of a family gets the
 * same attributes and the same length of prefix, so whether one fits an
 * UPDATE is whether all do.
 */
function vipPerFamily(vips: readonly IpValue[]): IpValue[] {
  const v4 = vips.find((v) => typeof v === "number");
  const v6 = vips.find((v) => typeof v === "bigint");
  return [...(v4 === undefined ? [] : [v4]), ...(v6 === undefined ? [] : [v6])];
}

/**
 * Checks that the VIP routes can be put into UPDATEs on any session, so a
 * config whose attributes do not fit (e.g. thousands of communities) is
 * refused at start or on SIGHUP instead of failing every session that comes
 * up. Packs them as for the sessions that make UPDATEs largest: with and
 * without 4-octet AS numbers (AS4_PATH), with ADD-PATH when configured.
 * One VIP per family is packed (see {@link vipPerFamily}), so the check
 * costs the same for ten VIPs as for a million.
 * @throws RangeError saying what does not fit.
 */
export function checkAdvertisable(config: SpeakerConfig, vips: readonly IpValue[]): void {
  const addPathSend = config.addPath ? FAMILIES : [];
  const routes = [...vipRoutes(vipPerFamily(vips), config)];
  for (const fourOctetAs of [true, false]) {
    const rib = new AdjRibOut(config.localASN);
    rib.replaceAll(routes);
    rib.sessionUp({ families: FAMILIES, addPathSend, extendedNextHop: false });
    const addPath = Object.fromEntries(addPathSend.map((family) => [family, { send: true, receive: false }]));
    packUpdates(rib.takeChanges(), { fourOctetAs, addPath, extendedNextHop: false });
  }
}

/** A running speaker. */
export class Speaker {
  private readonly metrics = new SpeakerMetrics();
  private readonly peers: PeerDriver[];
  /** The peers by address, for inbound connections. */
  private readonly peersByIP: ReadonlyMap<string, PeerDriver>;
  private listener: TcpServer | undefined;
  /** BFD for the peers that have it configured; undefined when none has. */
  private readonly bfd: BfdDriver | undefined;
  private health: HttpServer | undefined;
  private stopping: Promise<void> | undefined;
  /** The addresses of the VIPs advertised, as sorted values: 4 octets per IPv4 VIP. */
  private readonly advertised = new VipSet();

  constructor(
    private readonly config: SpeakerConfig,
    private readonly logger: Logger,
  ) {
    const families = [...FAMILIES];
    this.peers = config.peers.map(
      (peer) =>
        new PeerDriver({
          peerIP: peer.peerIP,
          peerPort: peer.peerPort,
          localIP: config.localIP,
          ...(peer.password === undefined ? {} : { password: peer.password }),
          fsm: {
            localAsn: config.localASN,
            peerAsn: peer.peerASN,
            localBgpId: config.routerID,
            holdTimeSeconds: config.holdTime,
            connectRetryTimeSeconds: config.connectRetryTime,
            families,
            addPathSend: config.addPath ? families : [],
            // Every start counts as a restart (no state survives one), so the first OPENs carry R and F.
            ...(peer.gracefulRestart ? { gracefulRestartTimeSeconds: config.gracefulRestartTime, restarting: true } : {}),
          },
          logger,
          metrics: this.metrics.peer(peer.peerIP),
        }),
    );
    this.peersByIP = new Map(this.peers.map((p) => [p.peerIP, p]));
    this.bfd = this.withBfd();
  }

  /** One BFD session per peer with `bfd` configured; a path-down holds that peer's BGP session down until BFD is Up again. */
  private withBfd(): BfdDriver | undefined {
    const peers = this.config.peers.filter((p) => p.bfd !== undefined);
    if (peers.length === 0) return undefined;
    const bfd = new BfdDriver({ localIP: this.config.localIP, logger: this.logger });
    for (const peer of peers) {
      const driver = this.peersByIP.get(peer.peerIP);
      bfd.addPeer(peer.peerIP, peer.bfd!);
      bfd.subscribe(peer.peerIP, (change) => {
        if (change.pathDown) driver?.bfdDown(change.diagnostic);
        else if (change.to === "Up") driver?.bfdUp();
      });
    }
    return bfd;
  }

  /**
   * Starts the health server and the listener (each failure rejects with a
   * message naming the address), then every peer.
   */
  async start(vips: readonly IpValue[]): Promise<void> {
    const routes = vipRoutes(this.advertised.replace(vips).added, this.config);
    this.health = await startHealthServer(this.config.healthListen, {
      notEstablished: () => this.peers.filter((p) => p.state !== "Established").map((p) => p.peerIP),
      metrics: () => this.metrics.render(),
      failed: (error) => this.logger.log("error", "health server error", { error: error.message }),
    }).catch((err: Error) => {
      throw new Error(`health server on ${this.config.healthListen}: ${err.message}`);
    });
    if (this.config.listenPort > 0) this.listener = await this.listen();
    await this.bfd?.start();
    this.logger.log("info", "speaker started", {
      localIP: this.config.localIP,
      localASN: this.config.localASN,
      listen: this.config.listenPort > 0 ? `${this.config.localIP}:${this.config.listenPort}` : "off",
      health: this.config.healthListen,
      peers: this.config.peers.map((p) => `${p.peerIP}:${p.peerPort} AS${p.peerASN}${p.bfd ? " bfd" : ""}`),
      ...vipFields(this.advertised),
    });
    for (const peer of this.peers) {
      peer.advertise(routes);
      peer.start();
    }
  }

  /**
   * Replaces the advertise set: withdraws VIPs no longer in it, announces
   * new ones, on every Established session. Only the difference from the
   * set advertised so far reaches the peers' Adj-RIBs-Out (found by sorting
   * the new set and one pass over both). A VIP listed twice counts once.
   */
  advertise(vips: readonly IpValue[]): void {
    const difference = this.advertised.replace(vips);
    this.logger.log("info", "advertise set changed", { ...vipFields(this.advertised), added: difference.added.length, removed: difference.removed.length });
    this.send(difference);
  }

  /**
   * Adds `announce` to the advertise set and removes `withdraw` (a VIP in
   * both is removed); only VIPs that change reach the peers. Returns the
   * difference made.
   */
  change(announce: readonly IpValue[], withdraw: readonly IpValue[]): VipSetDifference {
    const difference = this.advertised.change(announce, withdraw);
    this.logger.log("info", "advertise set changed", { vipCount: this.advertised.size, added: difference.added.length, removed: difference.removed.length });
    this.send(difference);
    return difference;
  }

  /** How many VIPs are advertised. */
  get vipCount(): number {
    return this.advertised.size;
  }

  private send(difference: VipSetDifference): void {
    if (difference.added.length === 0 && difference.removed.length === 0) return;
    const announce = vipRoutes(difference.added, this.config);
    const withdraw = vipRoutes(difference.removed, this.config);
    for (const peer of this.peers) peer.change(announce, withdraw);
  }

  /** Graceful shutdown: every peer withdraws and ceases, then the servers close. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.listener?.close();
    await Promise.all(this.peers.map((p) => p.stop(SHUTDOWN_COMMUNICATION)));
    await this.bfd?.stop();
    await new Promise<void>((resolve) => (this.health ? this.health.close(() => resolve()) : resolve()));
    this.health?.closeAllConnections();
    this.logger.log("info", "speaker stopped");
  }

  private listen(): Promise<TcpServer> {
    const server = createServer((socket: Socket) => {
      const remote = socket.remoteAddress ?? "";
      let address = remote;
      try {
        address = parseIp(remote.replace(/^::ffff:/, "")).text;
      } catch {
        // left as reported
      }
      const peer = this.peersByIP.get(address);
      if (!peer) {
        this.logger.log("warn", "connection from an unknown address refused", { remote });
        socket.destroy();
        return;
      }
      peer.accept(socket);
    });
    const where = `${this.config.localIP}:${this.config.listenPort}`;
    return new Promise((resolve, reject) => {
      const refused = (err: Error): void => reject(new Error(`BGP listener on ${where}: ${err.message}`));
      const listening = (): void => {
        server.off("error", refused);
        // Once listening, an error (e.g. out of file descriptors on accept) is logged; the listener keeps running.
        server.on("error", (err) => this.logger.log("error", "BGP listener error", { listen: where, error: err.message }));
        resolve(server);
      };
      const keys = this.config.peers.flatMap((p) => (p.password === undefined ? [] : [{ address: p.peerIP, password: p.password }]));
      if (keys.length === 0) {
        server.once("error", refused);
        server.listen({ port: this.config.listenPort, host: this.config.localIP }, listening);
        return;
      }
      listenWithMd5(server, this.config.localIP, this.config.listenPort, keys).then(listening, refused);
    });
  }
}
