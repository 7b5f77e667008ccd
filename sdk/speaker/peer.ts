/**
 * One BGP peer driven over real sockets and timers: the I/O half around
 * the sans-IO {@link Session} (FSMs and collision resolution). It executes
 * the session's actions (connect, accept, send, close, timers) and the
 * Adj-RIB-Out's changes (packed into UPDATEs by the codec), and turns
 * socket events, timer expiries and framed messages into session events.
 *
 * Every way into a driver (a socket event, a timer, a call from the
 * speaker) is guarded: an exception from a decoder, an encoder or a handler
 * ends this one session, never the process. The driver logs it with the
 * peer and the state, stops the session with NOTIFICATION Cease where one
 * can still be sent, and the session restarts after its normal backoff.
 * Should the session fail again while doing so, the driver drops its
 * connections and timers, builds a fresh session and starts it after the
 * backoff.
 */
import { Socket } from "node:net";
import { monitorEventLoopDelay, performance, type IntervalHistogram } from "node:perf_hooks";
import { setImmediate as nextTurn } from "node:timers/promises";
import {
  AdjRibOut,
  backoffMs,
  DEFAULT_BACKOFF,
  DEFAULT_CODEC_CONTEXT,
  DEFAULT_JITTER,
  describeNotification,
  encodeMessage,
  isInternalPeer,
  endOfRib,
  endOfRibFamily,
  familyName,
  MessageFramer,
  packUpdates,
  Session,
  UpdatePacker,
  type BgpMessage,
  type ChangeSink,
  type CodecContext,
  type ConnectionId,
  type FamilyName,
  type FsmState,
  type MpNextHop,
  type OriginatedRoute,
  type PathAttributes,
  type PeerConfig as FsmPeerConfig,
  type Prefix,
  type RibOutChanges,
  type SessionAction,
  type SessionEvent,
  type UpdateDiagnostic,
} from "../bgp";
import { formatIpValue, parseIpValue, type IpValue } from "../net";
import { errorFields, type LogFields, type Logger, type LogLevel } from "./log";
import { countUpdateError, type PeerMetrics } from "./metrics";
import { connectSessionSocket } from "./session-socket";

/** What a peer driver is built from. */
export interface PeerDriverOptions {
  readonly peerIP: string;
  readonly peerPort: number;
  readonly localIP: string;
  /** TCP MD5 password (RFC 2385) for the connections to this peer; never logged. */
  readonly password?: string;
  /**
   * TTL (IPv4) or hop limit (IPv6) of the packets of the connections we
   * open, 1..255: 1 keeps a single-hop eBGP session from crossing a router.
   * @default the system's
   */
  readonly ttl?: number;
  /**
   * The VRF device the connections are bound to (`SO_BINDTODEVICE`): the
   * session runs in that VRF. @default none: the default VRF
   */
  readonly vrf?: string;
  /** The FSM configuration of the peer. */
  readonly fsm: FsmPeerConfig;
  readonly logger: Logger;
  readonly metrics: PeerMetrics;
}

/** How long a closing connection may take to flush before it is destroyed. */
const CLOSE_GRACE_MS = 2_000;

/**
 * The Cease subcode sent when a defect stops a session: none of RFC 4486's
 * reasons applies, so none is given (as for the codec's own internal error).
 */
const INTERNAL_ERROR_CEASE = 0;

/** Cease subcode "BFD Down" (RFC 9384), sent when BFD finds the path to the peer down. */
const BFD_DOWN_CEASE = 10;

function prefixText(p: Prefix): string {
  return `${formatIpValue(p.address)}/${p.length}${p.pathId ? `#${p.pathId}` : ""}`;
}

/** The value of a socket address ("::ffff:192.0.2.1" → 192.0.2.1), or undefined when there is none. */
function socketAddress(address: string | undefined): IpValue | undefined {
  return address === undefined ? undefined : parseIpValue(address.replace(/^::ffff:/i, ""));
}

/** Distinct next hops as text for a log line, or undefined when there are none. */
function nextHopsText(nextHops: Iterable<IpValue>): string | undefined {
  return [...new Set(nextHops)].map(formatIpValue).join(" ") || undefined;
}

/** The longest event-loop turn a route stream takes before letting timers and other sockets run. */
const STREAM_SLICE_MS = 5;
/** A route stream waits for the socket to drain once this much is queued on it. */
const STREAM_QUEUE_BYTES = 256 * 1024;
/** Up to this many prefixes are named in the info line of a send; the rest only at debug. */
const PREFIXES_NAMED_AT_INFO = 16;

/** How often the event loop's delay is sampled while a route stream runs. */
const LOOP_DELAY_RESOLUTION_MS = 1;

/**
 * The event loop's delay while a stream ran, in milliseconds: the 99th
 * percentile and the maximum of the time between two turns of a 1 ms timer
 * (so at least 1; a keepalive due meanwhile waited that long at most), or
 * nothing when the stream ended before the first sample.
 */
function loopDelayFields(delay: IntervalHistogram): { loopDelayP99Ms?: number; loopDelayMaxMs?: number } {
  if (delay.count === 0) return {};
  const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
  return { loopDelayP99Ms: ms(delay.percentile(99)), loopDelayMaxMs: ms(delay.max) };
}

/** Resolves when `socket` can take more data or is gone. */
function writable(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off("drain", done);
      socket.off("close", done);
      resolve();
    };
    socket.on("drain", done);
    socket.on("close", done);
  });
}

/** Passes changes on to the packer, noting prefixes for the log: a few for the info line, all of a batch at debug. */
class LoggedChanges implements ChangeSink {
  announced: string[] = [];
  withdrawn: string[] = [];
  nextHops = new Set<IpValue>();

  constructor(
    private readonly packer: UpdatePacker,
    private readonly everyPrefix: boolean,
  ) {}

  announce(family: FamilyName, prefix: Prefix, nextHop: MpNextHop, attributes: PathAttributes): void {
    this.packer.announce(family, prefix, nextHop, attributes);
    if (this.everyPrefix || this.packer.announced <= PREFIXES_NAMED_AT_INFO) {
      this.announced.push(prefixText(prefix));
      this.nextHops.add(nextHop.global);
    }
  }

  withdraw(family: FamilyName, prefix: Prefix): void {
    this.packer.withdraw(family, prefix);
    if (this.everyPrefix || this.packer.withdrawn <= PREFIXES_NAMED_AT_INFO) this.withdrawn.push(prefixText(prefix));
  }

  /** The prefixes noted since the last call. */
  take(): { announced: string[]; withdrawn: string[]; nextHops: IpValue[] } {
    const taken = { announced: this.announced, withdrawn: this.withdrawn, nextHops: [...this.nextHops] };
    this.announced = [];
    this.withdrawn = [];
    this.nextHops = new Set();
    return taken;
  }
}

/** One peer: its session, sockets, timers and Adj-RIB-Out. */
export class PeerDriver {
  private session: Session;
  private readonly sockets = new Map<ConnectionId, Socket>();
  private readonly framers = new Map<ConnectionId, MessageFramer>();
  private readonly codecs = new Map<ConnectionId, CodecContext>();
  /** The OS timers: one for the session's next deadline, one for a restart after a reset. */
  private readonly timers = new Map<"session" | "reset", NodeJS.Timeout>();
  private readonly closing = new Set<Socket>();
  private readonly rib: AdjRibOut;
  private established: ConnectionId | undefined;
  private accepting: Socket | undefined;
  /** Set while the driver reacts to an exception, so one during that reaction resets instead of recursing. */
  private recovering = false;
  /** Consecutive resets of the whole session (see {@link PeerDriver.reset}); drives their backoff. */
  private resets = 0;
  private stopped = false;
  /** A route stream is running (see {@link streamRib}). */
  private streaming = false;
  /** Set on the first Established: a session built after that (see {@link PeerDriver.reset}) is no restart. */
  private everEstablished = false;
  /** The End-of-RIB markers owed on a new session once its initial table is out (see {@link sendEndOfRib}). */
  private endOfRibDue: { readonly connection: ConnectionId; readonly families: readonly FamilyName[] } | undefined;
  /** Set while a BFD Down holds the session down (see {@link PeerDriver.bfdDown}). */
  private heldByBfd = false;

  constructor(private readonly options: PeerDriverOptions) {
    this.session = this.newSession();
    this.rib = new AdjRibOut(options.fsm.localAsn, isInternalPeer(options.fsm));
  }

  /** The peer's address. */
  get peerIP(): string {
    return this.options.peerIP;
  }

  /** The session state (of the primary FSM). */
  get state(): FsmState {
    return this.session.state;
  }

  /** Starts the peer: it connects and keeps reconnecting with backoff. */
  start(): void {
    this.guard("start", () => this.feed({ type: "ManualStart" }));
  }

  /**
   * Hands an inbound TCP connection from this peer to the session, which
   * accepts it (also while waiting in Idle for its reconnect backoff) or
   * refuses it; a refused socket is destroyed.
   */
  accept(socket: Socket): void {
    this.accepting = socket;
    try {
      this.guard("inbound connection", () => this.feed({ type: "TcpConnectionConfirmed" }));
    } finally {
      if (this.accepting === socket) socket.destroy();
      this.accepting = undefined;
    }
  }

  /**
   * BFD found the path to the peer down (RFC 5882 §4.3): the session goes
   * down at once, with Cease / BFD Down where a NOTIFICATION can still be
   * sent, and stays down (no reconnect, inbound refused) until {@link bfdUp}.
   */
  bfdDown(diagnostic: string): void {
    this.log("warn", "BFD session down: stopping the BGP session", { diagnostic, state: this.session.state });
    this.heldByBfd = true;
    this.guard("BFD down", () => {
      this.feed({ type: "AutomaticStop", subcode: BFD_DOWN_CEASE });
      this.feed({ type: "ManualStop" });
    });
  }

  /** BFD is Up again after {@link bfdDown}: the session starts again. */
  bfdUp(): void {
    if (!this.heldByBfd || this.stopped) return;
    this.heldByBfd = false;
    this.log("info", "BFD session up: starting the BGP session");
    this.start();
  }

  /**
   * Makes `routes` the whole set to advertise. An Established session is
   * sent the difference at once; a later one gets the set when it comes up.
   */
  advertise(routes: Iterable<OriginatedRoute>): void {
    this.guard("advertise", () => {
      this.rib.replaceAll(routes);
      if (this.established !== undefined) this.flushRib(this.established);
    });
  }

  /**
   * Adds `announce` to the set to advertise (replacing a route for the same
   * prefix) and removes `withdraw`; an Established session is sent the
   * difference at once. Costs in proportion to the change, not the set.
   */
  change(announce: Iterable<OriginatedRoute>, withdraw: Iterable<OriginatedRoute>): void {
    this.guard("advertise", () => {
      for (const route of withdraw) this.rib.delete(route.family, route.address, route.length);
      for (const route of announce) this.rib.set(route);
      if (this.established !== undefined) this.flushRib(this.established);
    });
  }

  /**
   * Graceful stop: withdraws every route, sends Cease / Administrative
   * Shutdown, closes; then releases everything. Resolves once the sockets
   * are closed (flushed) or destroyed.
   */
  async stop(communication: string): Promise<void> {
    this.stopped = true;
    this.guard("stop", () => this.feed({ type: "ManualStop", communication }));
    this.guard("stop", () => this.execute(this.session.dispose(Date.now())));
    this.drop();
    await Promise.all([...this.closing].map((s) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once("close", () => resolve())))));
  }

  private log(level: LogLevel, msg: string, fields: LogFields = {}): void {
    // the VRF tells apart two sessions to one address in two VRFs
    const vrf = this.options.vrf;
    this.options.logger.log(level, msg, { topic: "Peer", peer: this.options.peerIP, ...(vrf === undefined ? {} : { vrf }), ...fields });
  }

  private newSession(): Session {
    const config = this.everEstablished ? { ...this.options.fsm, restarting: false } : this.options.fsm;
    return new Session({ config, random: Math.random }, Date.now());
  }

  /** Runs one entry into the driver; an exception from it ends this session only (see the module comment). */
  private guard(where: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.failed(where, error);
    }
  }

  private failed(where: string, error: unknown): void {
    this.log("error", "internal error: session stopped, restarting after backoff", { where, state: this.session.state, ...errorFields(error) });
    if (this.recovering || this.stopped) return this.reset();
    this.recovering = true;
    try {
      this.feed({ type: "AutomaticStop", subcode: INTERNAL_ERROR_CEASE });
    } catch (again) {
      this.log("error", "internal error while stopping the session: resetting it", errorFields(again));
      this.reset();
    } finally {
      this.recovering = false;
    }
  }

  /**
   * The last resort when the session cannot even be stopped: destroys its
   * connections and timers, forgets what the peer was sent, and starts a
   * fresh session after the backoff (unless the driver is stopping).
   */
  private reset(): void {
    this.drop();
    for (const socket of this.sockets.values()) socket.destroy();
    for (const connection of [...this.sockets.keys()]) this.forget(connection);
    this.rib.sessionDown();
    this.established = undefined;
    this.endOfRibDue = undefined;
    this.options.metrics.state = "Idle";
    this.session = this.newSession();
    if (this.stopped || this.heldByBfd) return; // bfdUp starts it again
    const delay = backoffMs(++this.resets, this.options.fsm.backoff ?? DEFAULT_BACKOFF, this.options.fsm.jitter ?? DEFAULT_JITTER, Math.random);
    this.timers.set(
      "reset",
      setTimeout(() => {
        this.timers.delete("reset");
        this.start();
      }, delay),
    );
  }

  /** Cancels every timer. */
  private drop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private feed(event: SessionEvent): void {
    this.execute(this.session.handle(event, Date.now()));
  }

  private execute(actions: readonly SessionAction[]): void {
    for (const action of actions) this.perform(action);
    this.armSessionTimer();
  }

  /** Arms the one OS timer the session needs: for its next deadline, or none. */
  private armSessionTimer(): void {
    clearTimeout(this.timers.get("session"));
    this.timers.delete("session");
    const deadline = this.session.nextDeadline();
    if (deadline === undefined) return;
    this.timers.set(
      "session",
      setTimeout(
        () =>
          this.guard("timer", () => {
            this.timers.delete("session");
            const holdTime = this.session.negotiated?.holdTimeSeconds;
            const actions = this.session.onTimeout(Date.now());
            if (actions.some((a) => a.type === "timerExpired" && a.timer === "HoldTimer")) this.log("warn", "hold timer expired", { holdTime });
            this.execute(actions);
          }),
        Math.max(0, deadline - Date.now()),
      ),
    );
  }

  private perform(action: SessionAction): void {
    switch (action.type) {
      case "connect":
        this.dial(action.connection);
        break;
      case "acceptConnection":
        if (this.accepting) {
          this.attach(action.connection, this.accepting, "inbound");
          this.accepting = undefined;
        }
        break;
      case "refuseConnection":
        this.log("info", "inbound connection refused", { remote: this.accepting?.remoteAddress });
        break;
      case "closeConnection":
        this.close(action.connection);
        break;
      case "send":
        this.send(action.connection, action.message);
        break;
      case "timerExpired":
        break;
      case "withdrawAll":
        this.sendChanges(action.connection, this.rib.withdrawAll());
        break;
      case "established": {
        const localAddress = socketAddress(this.sockets.get(action.connection)?.localAddress);
        this.codecs.set(action.connection, localAddress === undefined ? action.session.codec : { ...action.session.codec, localAddress });
        this.established = action.connection;
        this.everEstablished = true;
        this.resets = 0;
        this.options.metrics.establishedTransitions++;
        const s = action.session;
        const addPathSend = s.families.filter((family) => s.codec.addPath[family]?.send === true);
        this.log("info", "session established", {
          peerAsn: s.peerAsn,
          peerBgpId: formatIpValue(s.peerBgpId),
          holdTime: s.holdTimeSeconds,
          families: s.families.join(","),
          addPathSend: addPathSend.join(","),
        });
        this.rib.sessionUp({ families: s.families, addPathSend, extendedNextHop: s.codec.extendedNextHop });
        this.endOfRibDue = { connection: action.connection, families: s.families };
        this.flushRib(action.connection);
        break;
      }
      case "sessionDown":
        this.rib.sessionDown();
        this.endOfRibDue = undefined;
        this.established = undefined;
        this.options.metrics.prefixesAdvertised = 0;
        this.log("info", "session down", { reason: action.reason.kind });
        break;
      case "routeRefreshRequested": {
        const family = familyName(action.afi, action.safi);
        if (family) {
          this.rib.refresh(family);
          this.flushRib(action.connection);
        }
        break;
      }
      case "updateReceived": {
        this.options.metrics.updatesReceived++;
        const endOfRibOf = endOfRibFamily(action.message);
        if (endOfRibOf) {
          this.log("info", "end-of-RIB received", { family: familyName(endOfRibOf.afi, endOfRibOf.safi) ?? `afi ${endOfRibOf.afi} safi ${endOfRibOf.safi}` });
          break;
        }
        const { nlri, withdrawn } = action.message;
        const named = (prefixes: readonly Prefix[]): string | undefined =>
          prefixes.length > 0 && prefixes.length <= PREFIXES_NAMED_AT_INFO ? prefixes.map(prefixText).join(" ") : undefined;
        this.log("info", "update received", {
          announcedCount: nlri.length,
          withdrawnCount: withdrawn.length,
          announced: named(nlri),
          withdrawn: named(withdrawn),
        });
        const large = nlri.length > PREFIXES_NAMED_AT_INFO || withdrawn.length > PREFIXES_NAMED_AT_INFO;
        if (large && this.debugLogged) {
          this.log("debug", "update received in full", {
            announced: nlri.map(prefixText).join(" ") || undefined,
            withdrawn: withdrawn.map(prefixText).join(" ") || undefined,
          });
        }
        break;
      }
      case "stateChange":
        this.options.metrics.state = action.to;
        this.log("info", "peer state changed", { from: action.fromName, to: action.toName, State: action.toName, reason: action.reason?.kind });
        break;
    }
  }

  /** Packs Adj-RIB-Out changes into UPDATEs with the connection's codec context and writes them. */
  private sendChanges(connection: ConnectionId, changes: RibOutChanges): void {
    this.options.metrics.prefixesAdvertised = this.rib.advertisedCount;
    const socket = this.sockets.get(connection);
    if (!socket || socket.destroyed || (changes.announce.length === 0 && changes.withdraw.length === 0)) return;
    const updates = packUpdates(changes, this.codecs.get(connection) ?? DEFAULT_CODEC_CONTEXT);
    for (const update of updates) socket.write(update);
    this.options.metrics.updatesSent += updates.length;
    const all = (routes: readonly { prefix: Prefix }[]): string | undefined => routes.map((r) => prefixText(r.prefix)).join(" ") || undefined;
    const small = (routes: readonly { prefix: Prefix }[]): string | undefined => (routes.length <= PREFIXES_NAMED_AT_INFO ? all(routes) : undefined);
    this.log("info", "update sent", {
      messages: updates.length,
      announcedCount: changes.announce.length,
      withdrawnCount: changes.withdraw.length,
      announced: small(changes.announce),
      withdrawn: small(changes.withdraw),
      nextHop: nextHopsText(changes.announce.map((r) => r.nextHop.global)),
    });
    const large = changes.announce.length > PREFIXES_NAMED_AT_INFO || changes.withdraw.length > PREFIXES_NAMED_AT_INFO;
    if (large && this.debugLogged) this.log("debug", "update batch sent", { announced: all(changes.announce), withdrawn: all(changes.withdraw) });
  }

  private get debugLogged(): boolean {
    return this.options.logger.enabled?.("debug") ?? true;
  }

  /**
   * Sends the Adj-RIB-Out's pending changes on `connection` as a stream:
   * UPDATEs are written as they are packed, the stream waits while the
   * socket's buffer is full and gives the event loop back every few
   * milliseconds, so keepalives and other peers never wait for a large
   * table. Changes made meanwhile are picked up by the running stream.
   */
  private flushRib(connection: ConnectionId): void {
    if (this.streaming) return;
    this.streaming = true;
    this.streamRib(connection)
      .catch((error: unknown) => this.failed("sending updates", error))
      .finally(() => {
        this.streaming = false;
        if (this.established !== undefined && (this.rib.pending || this.endOfRibDue?.connection === this.established)) this.flushRib(this.established);
      });
  }

  private async streamRib(connection: ConnectionId): Promise<void> {
    const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
    loopDelay.enable();
    let completed: boolean;
    try {
      completed = await this.streamChanges(connection, loopDelay);
    } finally {
      loopDelay.disable();
    }
    const due = this.endOfRibDue;
    if (completed && due?.connection === connection && this.established === connection) {
      this.endOfRibDue = undefined;
      this.sendEndOfRib(connection, due.families);
    }
  }

  /**
   * Streams the pending changes, one "update sent" line per round with the
   * event loop's delay (`loopDelay`) over it; false when the connection went
   * away first.
   */
  private async streamChanges(connection: ConnectionId, loopDelay: IntervalHistogram): Promise<boolean> {
    while (this.rib.pending) {
      const socket = this.sockets.get(connection);
      if (!socket || socket.destroyed || this.established !== connection) return false;
      const packer = new UpdatePacker(this.codecs.get(connection) ?? DEFAULT_CODEC_CONTEXT);
      const debug = this.debugLogged;
      const noted = new LoggedChanges(packer, debug);
      const started = performance.now();
      loopDelay.reset();
      let turn = started;
      const write = (): boolean => {
        for (const update of packer.take()) socket.write(update);
        if (debug) {
          const batch = noted.take();
          if (batch.announced.length + batch.withdrawn.length > 0) {
            this.log("debug", "update batch sent", {
              announced: batch.announced.join(" ") || undefined,
              withdrawn: batch.withdrawn.join(" ") || undefined,
              nextHop: nextHopsText(batch.nextHops),
            });
          }
        }
        return socket.writableLength < STREAM_QUEUE_BYTES;
      };
      for (const _ of this.rib.changes(noted)) {
        if (!write()) await writable(socket);
        else if (performance.now() - turn > STREAM_SLICE_MS) await nextTurn();
        else continue;
        if (socket.destroyed || this.sockets.get(connection) !== socket) return false;
        turn = performance.now();
      }
      packer.flush();
      write();
      this.options.metrics.updatesSent += packer.messageCount;
      this.options.metrics.prefixesAdvertised = this.rib.advertisedCount;
      if (packer.messageCount === 0) continue;
      const summary = debug ? undefined : noted.take();
      const named = (list: string[] | undefined, count: number): string | undefined =>
        list && count > 0 && count <= PREFIXES_NAMED_AT_INFO ? list.join(" ") : undefined;
      this.log("info", "update sent", {
        messages: packer.messageCount,
        announcedCount: packer.announced,
        withdrawnCount: packer.withdrawn,
        announced: named(summary?.announced, packer.announced),
        withdrawn: named(summary?.withdrawn, packer.withdrawn),
        nextHop: summary && nextHopsText(summary.nextHops),
        ms: Math.round(performance.now() - started),
        ...loopDelayFields(loopDelay),
      });
    }
    return true;
  }

  /**
   * Sends the End-of-RIB marker of each family (RFC 4724 §2) after the
   * initial table, whether or not graceful restart was negotiated: a peer
   * keeping our routes from before a restart drops the stale ones on it.
   */
  private sendEndOfRib(connection: ConnectionId, families: readonly FamilyName[]): void {
    const socket = this.sockets.get(connection);
    if (!socket || socket.destroyed) return;
    for (const family of families) socket.write(endOfRib(family));
    this.options.metrics.updatesSent += families.length;
    this.log("info", "end-of-RIB sent", { families: families.join(",") });
  }

  private send(connection: ConnectionId, message: BgpMessage): void {
    const socket = this.sockets.get(connection);
    if (!socket || socket.destroyed) return;
    socket.write(encodeMessage(message, this.codecs.get(connection) ?? DEFAULT_CODEC_CONTEXT));
    if (message.kind === "notification") {
      this.options.metrics.notificationsSent++;
      this.log("warn", "notification sent", { code: message.code, subcode: message.subcode, notification: describeNotification(message) });
    } else {
      this.log("debug", `${message.kind} sent`, { connection });
    }
  }

  private dial(connection: ConnectionId): void {
    this.options.metrics.connectAttempts++;
    const { password, ttl, vrf } = this.options;
    this.log("info", "connecting", { connection, port: this.options.peerPort });
    const target = { host: this.options.peerIP, port: this.options.peerPort, localAddress: this.options.localIP };
    let socket: Socket;
    try {
      socket = connectSessionSocket(
        {
          peerIP: this.options.peerIP,
          ...(password === undefined ? {} : { password }),
          ...(ttl === undefined ? {} : { ttl }),
          ...(vrf === undefined ? {} : { vrf }),
        },
        target,
      );
    } catch (error) {
      // e.g. the VRF device is gone: this attempt fails like a refused connection and ConnectRetry tries again
      this.log("warn", "connection not opened", { connection, error: error instanceof Error ? error.message : String(error) });
      socket = new Socket();
      socket.destroy();
    }
    this.attach(connection, socket, "outbound");
    socket.once("connect", () =>
      this.guard("connected", () => {
        if (this.sockets.get(connection) === socket) this.feed({ type: "Tcp_CR_Acked", connection });
      }),
    );
  }

  private attach(connection: ConnectionId, socket: Socket, direction: "inbound" | "outbound"): void {
    this.sockets.set(connection, socket);
    this.framers.set(connection, new MessageFramer());
    socket.setNoDelay(true);
    if (direction === "inbound") this.log("info", "inbound connection accepted", { connection });
    socket.on("data", (chunk: Buffer) =>
      this.guard("receive", () => {
        if (this.sockets.get(connection) === socket) this.receive(connection, chunk);
      }),
    );
    socket.on("error", (err) => this.log("debug", "socket error", { connection, error: err.message }));
    socket.once("close", () =>
      this.guard("connection closed", () => {
        this.closing.delete(socket);
        if (this.sockets.get(connection) !== socket) return;
        this.forget(connection);
        this.feed({ type: "TcpConnectionFails", connection });
      }),
    );
  }

  private forget(connection: ConnectionId): void {
    this.sockets.delete(connection);
    this.framers.delete(connection);
    this.codecs.delete(connection);
  }

  private receive(connection: ConnectionId, chunk: Buffer): void {
    const framer = this.framers.get(connection);
    if (!framer) return;
    framer.push(chunk);
    while (this.sockets.has(connection)) {
      const result = framer.next(this.codecs.get(connection) ?? DEFAULT_CODEC_CONTEXT);
      if (!result) return;
      if (!result.ok) {
        this.log("warn", "malformed message", { connection, reason: result.error.reason });
        this.feed({ type: "decodeError", connection, error: result.error });
        return;
      }
      const message = result.message;
      for (const diagnostic of result.diagnostics) this.updateError(connection, diagnostic);
      if (message.kind === "notification") {
        this.options.metrics.notificationsReceived++;
        this.log("warn", "notification received", { connection, code: message.code, subcode: message.subcode, notification: describeNotification(message) });
      } else if (message.kind === "open") {
        this.log("info", "open received", { connection, asn: message.myAsn, holdTime: message.holdTime, bgpId: formatIpValue(message.bgpId) });
      }
      this.feed({ type: "message", connection, message });
    }
  }

  /** Logs and counts one problem of a received UPDATE that RFC 7606 handles without a session reset. */
  private updateError(connection: ConnectionId, diagnostic: UpdateDiagnostic): void {
    const attribute = diagnostic.attributeName ?? "none";
    countUpdateError(this.options.metrics, attribute, diagnostic.action);
    this.log("warn", diagnostic.action === "treat-as-withdraw" ? "update treated as withdraw" : "update attribute discarded", {
      connection,
      action: diagnostic.action,
      attribute,
      attributeType: diagnostic.attributeType,
      subcode: diagnostic.subcode,
      reason: diagnostic.reason,
    });
  }

  private close(connection: ConnectionId): void {
    const socket = this.sockets.get(connection);
    this.forget(connection);
    if (!socket || socket.destroyed) return;
    this.closing.add(socket);
    socket.end();
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  }
}
