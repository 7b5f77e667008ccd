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
import { connect as tcpConnect, type Socket } from "node:net";
import { encodeMessage } from "../bgp/codec";
import { familyName } from "../bgp/families";
import type { PeerConfig as FsmPeerConfig } from "../bgp/fsm-config";
import type { FsmState } from "../bgp/fsm-types";
import { MessageFramer } from "../bgp/framer";
import { DEFAULT_CODEC_CONTEXT, type BgpMessage, type CodecContext, type UpdateDiagnostic } from "../bgp/messages";
import { describeNotification } from "../bgp/notification";
import { AdjRibOut, type OriginatedRoute, type RibOutChanges } from "../bgp/rib-out";
import { Session, type ConnectionId, type SessionAction, type SessionEvent } from "../bgp/session";
import { backoffMs, DEFAULT_BACKOFF, DEFAULT_JITTER } from "../bgp/timers";
import { packUpdates } from "../bgp/update-packer";
import { normalizeIp } from "../net";
import { errorFields, type LogFields, type Logger, type LogLevel } from "./log";
import { countUpdateError, type PeerMetrics } from "./metrics";

/** What a peer driver is built from. */
export interface PeerDriverOptions {
  readonly peerIP: string;
  readonly peerPort: number;
  readonly localIP: string;
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

function prefixText(p: { address: string; length: number; pathId?: number }): string {
  return `${p.address}/${p.length}${p.pathId ? `#${p.pathId}` : ""}`;
}

/** The canonical text of a socket address ("::ffff:192.0.2.1" → "192.0.2.1"), or undefined when there is none. */
function socketAddress(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  try {
    return normalizeIp(address.replace(/^::ffff:/i, ""));
  } catch {
    return undefined;
  }
}

/** One peer: its session, sockets, timers and Adj-RIB-Out. */
export class PeerDriver {
  private session: Session;
  private readonly sockets = new Map<ConnectionId, Socket>();
  private readonly framers = new Map<ConnectionId, MessageFramer>();
  private readonly codecs = new Map<ConnectionId, CodecContext>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly closing = new Set<Socket>();
  private readonly rib: AdjRibOut;
  private established: ConnectionId | undefined;
  private accepting: Socket | undefined;
  /** Set while the driver reacts to an exception, so one during that reaction resets instead of recursing. */
  private recovering = false;
  /** Consecutive resets of the whole session (see {@link PeerDriver.reset}); drives their backoff. */
  private resets = 0;
  private stopped = false;

  constructor(private readonly options: PeerDriverOptions) {
    this.session = this.newSession();
    this.rib = new AdjRibOut(options.fsm.localAsn);
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
   * Makes `routes` the whole set to advertise. An Established session is
   * sent the difference at once; a later one gets the set when it comes up.
   */
  advertise(routes: readonly OriginatedRoute[]): void {
    this.guard("advertise", () => {
      this.rib.replaceAll(routes);
      if (this.established !== undefined) this.sendChanges(this.established, this.rib.takeChanges());
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
    this.options.logger.log(level, msg, { topic: "Peer", peer: this.options.peerIP, ...fields });
  }

  private newSession(): Session {
    return new Session({ config: this.options.fsm, random: Math.random }, Date.now());
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
    this.options.metrics.state = "Idle";
    this.session = this.newSession();
    if (this.stopped) return;
    const delay = backoffMs(++this.resets, this.options.fsm.backoff ?? DEFAULT_BACKOFF, this.options.fsm.jitter ?? DEFAULT_JITTER, Math.random);
    this.timers.set("reset", setTimeout(() => {
      this.timers.delete("reset");
      this.start();
    }, delay));
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
      case "startTimer": {
        clearTimeout(this.timers.get(action.key));
        this.timers.set(action.key, setTimeout(() => this.guard(action.timer, () => {
          this.timers.delete(action.key);
          if (action.timer === "HoldTimer") this.log("warn", "hold timer expired", { holdTime: this.session.negotiated?.holdTimeSeconds });
          this.feed({ type: "timerExpired", key: action.key });
        }), action.durationMs));
        break;
      }
      case "stopTimer":
        clearTimeout(this.timers.get(action.key));
        this.timers.delete(action.key);
        break;
      case "withdrawAll":
        this.sendChanges(action.connection, this.rib.withdrawAll());
        break;
      case "established": {
        const localAddress = socketAddress(this.sockets.get(action.connection)?.localAddress);
        this.codecs.set(action.connection, localAddress === undefined ? action.session.codec : { ...action.session.codec, localAddress });
        this.established = action.connection;
        this.resets = 0;
        this.options.metrics.establishedTransitions++;
        const s = action.session;
        const addPathSend = s.families.filter((family) => s.codec.addPath[family]?.send === true);
        this.log("info", "session established", {
          peerAsn: s.peerAsn,
          peerBgpId: s.peerBgpId,
          holdTime: s.holdTimeSeconds,
          families: s.families.join(","),
          addPathSend: addPathSend.join(","),
        });
        this.rib.sessionUp({ families: s.families, addPathSend, extendedNextHop: s.codec.extendedNextHop });
        this.sendChanges(action.connection, this.rib.takeChanges());
        break;
      }
      case "sessionDown":
        this.rib.sessionDown();
        this.established = undefined;
        this.options.metrics.prefixesAdvertised = 0;
        this.log("info", "session down", { reason: action.reason.kind });
        break;
      case "routeRefreshRequested": {
        const family = familyName(action.afi, action.safi);
        if (family) {
          this.rib.refresh(family);
          this.sendChanges(action.connection, this.rib.takeChanges());
        }
        break;
      }
      case "updateReceived":
        this.options.metrics.updatesReceived++;
        this.log("info", "update received", {
          announced: action.message.nlri.map(prefixText).join(" ") || undefined,
          withdrawn: action.message.withdrawn.map(prefixText).join(" ") || undefined,
        });
        break;
      case "stateChange":
        this.options.metrics.state = action.to;
        this.log("info", "peer state changed", { from: action.fromName, to: action.toName, State: action.toName, reason: action.reason?.kind });
        break;
    }
  }

  /** Packs Adj-RIB-Out changes into UPDATEs with the connection's codec context and writes them. */
  private sendChanges(connection: ConnectionId, changes: RibOutChanges): void {
    this.options.metrics.prefixesAdvertised = this.rib.advertised().length;
    const socket = this.sockets.get(connection);
    if (!socket || socket.destroyed || (changes.announce.length === 0 && changes.withdraw.length === 0)) return;
    const updates = packUpdates(changes, this.codecs.get(connection) ?? DEFAULT_CODEC_CONTEXT);
    for (const update of updates) socket.write(update);
    this.options.metrics.updatesSent += updates.length;
    this.log("info", "update sent", {
      messages: updates.length,
      announced: changes.announce.map((r) => prefixText(r.prefix)).join(" ") || undefined,
      withdrawn: changes.withdraw.map((r) => prefixText(r.prefix)).join(" ") || undefined,
      nextHop: [...new Set(changes.announce.map((r) => r.nextHop.global))].join(" ") || undefined,
    });
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
    this.log("info", "connecting", { connection, port: this.options.peerPort });
    const socket = tcpConnect({ host: this.options.peerIP, port: this.options.peerPort, localAddress: this.options.localIP });
    this.attach(connection, socket, "outbound");
    socket.once("connect", () => this.guard("connected", () => {
      if (this.sockets.get(connection) === socket) this.feed({ type: "Tcp_CR_Acked", connection });
    }));
  }

  private attach(connection: ConnectionId, socket: Socket, direction: "inbound" | "outbound"): void {
    this.sockets.set(connection, socket);
    this.framers.set(connection, new MessageFramer());
    socket.setNoDelay(true);
    if (direction === "inbound") this.log("info", "inbound connection accepted", { connection });
    socket.on("data", (chunk: Buffer) => this.guard("receive", () => {
      if (this.sockets.get(connection) === socket) this.receive(connection, chunk);
    }));
    socket.on("error", (err) => this.log("debug", "socket error", { connection, error: err.message }));
    socket.once("close", () => this.guard("connection closed", () => {
      this.closing.delete(socket);
      if (this.sockets.get(connection) !== socket) return;
      this.forget(connection);
      this.feed({ type: "TcpConnectionFails", connection });
    }));
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
        this.log("info", "open received", { connection, asn: message.myAsn, holdTime: message.holdTime, bgpId: message.bgpId });
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
