/**
 * Single-hop BFD (RFC 5881) over real UDP sockets and timers: the I/O half
 * around the sans-IO {@link BfdSession}. One socket bound to the local
 * address on port 3784 receives the Control packets of every session; each
 * session sends from its own socket, bound to a source port in
 * 49152–65535, with TTL / hop limit 255.
 *
 * The receive-side GTSM check (RFC 5881 §5: only TTL 255 accepted) is made
 * by the kernel: on Linux the receive socket carries a BPF filter that drops
 * every datagram with a lower TTL / hop limit ({@link bindWithMinTtl}), as
 * node:dgram cannot report a datagram's TTL. On other systems that check is
 * not made. Either way a packet is accepted only from the configured peer's
 * address (for a known Your Discriminator as well).
 *
 * Echo packets (IPv4 sessions with `echoIntervalMs`) go through one
 * {@link BfdEchoPort} per driver; an IPv6 session runs without Echo (as
 * MetalLB, which supports it for IPv4 only), with a warning.
 *
 * In a VRF (`vrf`), every Control socket is bound to the VRF device
 * (`SO_BINDTODEVICE`) before its bind: a socket outside the VRF would send
 * by the default routing table and, with Linux's default
 * `udp_l3mdev_accept` 0, never receive what arrives in the VRF. Echo needs
 * nothing more: its packet socket works below IP routing, on the interface
 * that carries the local address, which is the one enslaved to the VRF.
 *
 * Every way in (a datagram, a timer, a call) is guarded: an exception is
 * logged and ends nothing but that one step.
 */
import { randomInt } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import {
  BFD_CONTROL_PORT,
  BFD_SINGLE_HOP_TTL,
  BFD_SOURCE_PORT_MAX,
  BFD_SOURCE_PORT_MIN,
  BfdSession,
  decodeControlPacket,
  diagnosticName,
  encodeControlPacket,
  type BfdAction,
  type BfdEvent,
  type BfdSessionConfig,
  type BfdState,
} from "../bfd";
import { BFD_DEFAULTS } from "../model/defaults";
import type { BFDProfileSpec } from "../model/metallb/bfd-profile";
import { ipFamily, normalizeIp } from "../net";
import { errorFields, type LogFields, type Logger, type LogLevel } from "./log";
import { BfdEchoPort } from "./bfd-echo";
import { bindUdpInVrf, bindWithMinTtl } from "./min-ttl";

/** The timers and role of one peer's session (a BFDProfile's single-hop part), in milliseconds. */
export type BfdPeerTimers = Omit<BfdSessionConfig, "localDiscriminator">;

/**
 * The single-hop session timers of a MetalLB BFDProfile spec, with
 * MetalLB's defaults (300 ms × 3, active); with `echoMode`, the Echo
 * function at `echoInterval` (50 ms by default). `minimumTtl` does not
 * apply: single hop always uses TTL 255.
 * Ranges are the validator's business (`sdk/validate`); the session checks its own.
 */
export function bfdProfileTimers(spec: BFDProfileSpec): BfdPeerTimers {
  return {
    desiredMinTxMs: spec.transmitInterval ?? BFD_DEFAULTS.transmitInterval,
    requiredMinRxMs: spec.receiveInterval ?? BFD_DEFAULTS.receiveInterval,
    detectMultiplier: spec.detectMultiplier ?? BFD_DEFAULTS.detectMultiplier,
    passive: spec.passiveMode ?? BFD_DEFAULTS.passiveMode,
    ...(spec.echoMode === true ? { echoIntervalMs: spec.echoInterval ?? BFD_DEFAULTS.echoInterval } : {}),
  };
}

/** A state change of one peer's BFD session. */
export interface BfdStateChange {
  readonly peerIP: string;
  readonly from: BfdState;
  readonly to: BfdState;
  /** Our diagnostic for the change, as text ("Control Detection Time Expired"). */
  readonly diagnostic: string;
  /**
   * True for a failure of the path: the session left Up for Down, and not
   * because the peer signalled AdminDown (RFC 5882 §3.2). A BGP session
   * over this path goes down at once.
   */
  readonly pathDown: boolean;
}

/** What a {@link BfdDriver} is built from. */
export interface BfdDriverOptions {
  /** The address the sessions run from (IPv4 or IPv6). */
  readonly localIP: string;
  /** The VRF device the sessions run in. @default none: the default VRF */
  readonly vrf?: string;
  readonly logger: Logger;
}

/** How often returned Echo packets are read, at most, ms (a fifth of the shortest Echo interval, at least 2 ms). */
const ECHO_POLL_MAX_MS = 10;

/** How often a random source port is tried before giving up (others may hold some). */
const SOURCE_PORT_ATTEMPTS = 16;

interface PeerEntry {
  readonly peerIP: string;
  readonly session: BfdSession;
  readonly listeners: Set<(change: BfdStateChange) => void>;
  sender: Socket | undefined;
  timer: NodeJS.Timeout | undefined;
  /** The Echo interval configured for the session (IPv4 only). */
  readonly echoIntervalMs: number | undefined;
}

/** The BFD sessions of one local address (see the module comment). */
export class BfdDriver {
  private readonly peers = new Map<string, PeerEntry>();
  private readonly byDiscriminator = new Map<number, PeerEntry>();
  private receiver: Socket | undefined;
  private echo: BfdEchoPort | undefined;
  /** Datagrams handed to the kernel but not yet confirmed sent; stop() waits for them (the AdminDown packets). */
  private readonly sending = new Set<Promise<void>>();
  private readonly family: "udp4" | "udp6";

  constructor(private readonly options: BfdDriverOptions) {
    this.family = ipFamily(options.localIP) === 6 ? "udp6" : "udp4";
  }

  /**
   * Adds a session to `peerIP` with `timers`; it starts sending (unless
   * passive) once the driver is started.
   * @throws RangeError for timers out of range, a peer added twice or of the other address family.
   */
  addPeer(peerIP: string, timers: BfdPeerTimers): void {
    const address = normalizeIp(peerIP);
    if (this.peers.has(address)) throw new RangeError(`BFD peer ${address} is already configured`);
    if ((ipFamily(address) === 6) !== (this.family === "udp6"))
      throw new RangeError(`BFD peer ${address} is not of the family of the local address ${this.options.localIP}`);
    let localDiscriminator: number;
    do localDiscriminator = randomInt(1, 2 ** 32 - 1);
    while (this.byDiscriminator.has(localDiscriminator));
    let config: BfdSessionConfig = { ...timers, localDiscriminator };
    if (config.echoIntervalMs !== undefined && this.family === "udp6") {
      const { echoIntervalMs: _echo, ...asynchronous } = config;
      config = asynchronous;
      this.log("warn", "BFD Echo is IPv4 only; this session runs without it", { peer: address });
    }
    const session = new BfdSession({ config, random: Math.random }, Date.now());
    const entry: PeerEntry = { peerIP: address, session, listeners: new Set(), sender: undefined, timer: undefined, echoIntervalMs: config.echoIntervalMs };
    this.peers.set(address, entry);
    this.byDiscriminator.set(localDiscriminator, entry);
  }

  /**
   * Calls `listener` on every state change of the session to `peerIP`
   * (a BGP peer driver takes its session down on `pathDown`). Returns the
   * function that unsubscribes.
   * @throws RangeError when there is no session to `peerIP`.
   */
  subscribe(peerIP: string, listener: (change: BfdStateChange) => void): () => void {
    const entry = this.peers.get(normalizeIp(peerIP));
    if (!entry) throw new RangeError(`no BFD session to ${peerIP}`);
    entry.listeners.add(listener);
    return () => entry.listeners.delete(listener);
  }

  /** The state of the session to `peerIP`, or undefined when there is none. */
  state(peerIP: string): BfdState | undefined {
    return this.peers.get(normalizeIp(peerIP))?.session.state;
  }

  /**
   * Binds the receive socket (port 3784 on the local address) and one
   * sending socket per session, then starts the sessions.
   * @throws Error naming the address when a socket cannot be bound.
   */
  async start(): Promise<void> {
    this.receiver = process.platform === "linux" ? await this.bindGtsm() : await this.bind(BFD_CONTROL_PORT);
    this.receiver.on("message", (bytes, remote) => this.guard("receive", () => this.receive(bytes, remote.address)));
    this.receiver.on("error", (err) => this.log("warn", "BFD receive socket error", { error: err.message }));
    const echoIntervals = [...this.peers.values()].flatMap((e) => (e.echoIntervalMs === undefined ? [] : [e.echoIntervalMs]));
    if (echoIntervals.length > 0) {
      const pollMs = Math.max(2, Math.min(ECHO_POLL_MAX_MS, Math.floor(Math.min(...echoIntervals) / 5)));
      this.echo = BfdEchoPort.open(
        this.options.localIP,
        randomInt(BFD_SOURCE_PORT_MIN, BFD_SOURCE_PORT_MAX + 1),
        pollMs,
        (discriminator) =>
          this.guard("echo", () => {
            const entry = this.byDiscriminator.get(discriminator);
            if (entry) this.feed(entry, { type: "echo" });
          }),
        this.options.vrf,
      );
    }
    for (const entry of this.peers.values()) {
      entry.sender = await this.bindSourcePort();
      entry.sender.setTTL(BFD_SINGLE_HOP_TTL);
      entry.sender.on("error", (err) => this.log("debug", "BFD send error", { peer: entry.peerIP, error: err.message }));
      this.feed(entry, { type: "start" });
    }
    this.log("info", "BFD started", { local: this.options.localIP, peers: [...this.peers.keys()].join(",") });
  }

  /** Tells every peer AdminDown, then closes the sockets and cancels the timers. */
  async stop(): Promise<void> {
    for (const entry of this.peers.values()) {
      this.feed(entry, { type: "adminDown" });
      clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    await Promise.all(this.sending);
    const sockets = [this.receiver, ...[...this.peers.values()].map((e) => e.sender)].filter((s): s is Socket => s !== undefined);
    for (const entry of this.peers.values()) entry.sender = undefined;
    this.receiver = undefined;
    this.echo?.close();
    this.echo = undefined;
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private log(level: LogLevel, msg: string, fields: LogFields): void {
    const vrf = this.options.vrf;
    this.options.logger.log(level, msg, { topic: "BFD", ...(vrf === undefined ? {} : { vrf }), ...fields });
  }

  private guard(where: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.log("error", "BFD internal error", { where, ...errorFields(error) });
    }
  }

  private async bind(port: number): Promise<Socket> {
    const { localIP, vrf } = this.options;
    if (vrf !== undefined) {
      try {
        return await bindUdpInVrf(localIP, port, vrf);
      } catch (error) {
        throw new Error(`BFD socket on ${localIP} port ${port} in VRF ${vrf}: ${(error as Error).message}`, { cause: error });
      }
    }
    return new Promise((resolve, reject) => {
      const socket = createSocket({ type: this.family });
      socket.once("error", (err) => {
        socket.close();
        reject(new Error(`BFD socket on ${this.options.localIP} port ${port}: ${err.message}`));
      });
      socket.bind({ address: this.options.localIP, port, exclusive: true }, () => {
        socket.removeAllListeners("error");
        resolve(socket);
      });
    });
  }

  /** The receive socket on port 3784, taking only TTL / hop limit 255 (GTSM). */
  private async bindGtsm(): Promise<Socket> {
    try {
      return await bindWithMinTtl(this.options.localIP, BFD_CONTROL_PORT, BFD_SINGLE_HOP_TTL, this.options.vrf);
    } catch (error) {
      const where = `${this.options.localIP} port ${BFD_CONTROL_PORT}${this.options.vrf === undefined ? "" : ` in VRF ${this.options.vrf}`}`;
      throw new Error(`BFD socket on ${where}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** RFC 5881 §4: the source port is in 49152–65535; pick one at random, retrying if taken. */
  private async bindSourcePort(): Promise<Socket> {
    let lastError: unknown;
    for (let attempt = 0; attempt < SOURCE_PORT_ATTEMPTS; attempt++) {
      try {
        return await this.bind(randomInt(BFD_SOURCE_PORT_MIN, BFD_SOURCE_PORT_MAX + 1));
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  private receive(bytes: Buffer, from: string): void {
    const result = decodeControlPacket(bytes);
    const source = normalizeIp(from.replace(/^::ffff:/i, ""));
    if (!result.ok) return this.log("debug", "BFD packet discarded", { from: source, reason: result.reason });
    const packet = result.packet;
    const entry = packet.yourDiscriminator !== 0 ? this.byDiscriminator.get(packet.yourDiscriminator) : this.peers.get(source);
    if (!entry || entry.peerIP !== source) {
      return this.log("debug", "BFD packet discarded", {
        from: source,
        reason: `no session for Your Discriminator ${packet.yourDiscriminator} from this address`,
      });
    }
    this.feed(entry, { type: "packet", packet });
  }

  private feed(entry: PeerEntry, event: BfdEvent): void {
    this.guard(event.type, () => {
      for (const action of entry.session.handle(event, Date.now())) this.perform(entry, action);
      this.schedule(entry);
    });
  }

  private schedule(entry: PeerEntry): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    const deadline = entry.session.deadline;
    if (deadline === undefined || entry.sender === undefined) return;
    entry.timer = setTimeout(() => this.feed(entry, { type: "timer" }), Math.max(0, deadline - Date.now()));
  }

  private perform(entry: PeerEntry, action: BfdAction): void {
    switch (action.type) {
      case "send": {
        const sender = entry.sender;
        if (!sender) break;
        const sent = new Promise<void>((resolve) => sender.send(encodeControlPacket(action.packet), BFD_CONTROL_PORT, entry.peerIP, () => resolve()));
        this.sending.add(sent);
        void sent.then(() => this.sending.delete(sent));
        break;
      }
      case "discarded":
        this.log("debug", "BFD packet discarded", { peer: entry.peerIP, reason: action.reason });
        break;
      case "sendEcho":
        if (this.echo && !this.echo.send(entry.peerIP, entry.session.localDiscriminator, action.sequence))
          this.log("debug", "BFD Echo not sent: the peer's MAC address is not in the ARP table", { peer: entry.peerIP });
        break;
      case "stateChange": {
        const change: BfdStateChange = {
          peerIP: entry.peerIP,
          from: action.from,
          to: action.to,
          diagnostic: diagnosticName(action.diagnostic),
          pathDown: action.from === "Up" && action.to === "Down" && !action.remoteAdminDown,
        };
        this.log(change.pathDown ? "warn" : "info", "BFD state changed", {
          peer: entry.peerIP,
          from: change.from,
          to: change.to,
          diagnostic: change.diagnostic,
          detectionTimeMs: entry.session.detectionTimeMs,
          echoIntervalMs: entry.session.echoIntervalMs,
        });
        for (const listener of entry.listeners) listener(change);
        break;
      }
    }
  }
}
