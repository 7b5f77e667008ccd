/**
 * One BGP peer driven over real sockets and timers: the I/O half around
 * the sans-IO {@link Session} (FSMs and collision resolution). It executes
 * the session's actions (connect, accept, send, close, timers) and the
 * Adj-RIB-Out's changes (packed into UPDATEs by the codec), and turns
 * socket events, timer expiries and framed messages into session events.
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
import { packUpdates } from "../bgp/update-packer";
import { normalizeIp } from "../net";
import type { LogFields, Logger, LogLevel } from "./log";
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
  private readonly session: Session;
  private readonly sockets = new Map<ConnectionId, Socket>();
  private readonly framers = new Map<ConnectionId, MessageFramer>();
  private readonly codecs = new Map<ConnectionId, CodecContext>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly closing = new Set<Socket>();
  private readonly rib: AdjRibOut;
  private established: ConnectionId | undefined;
  private accepting: Socket | undefined;

  constructor(private readonly options: PeerDriverOptions) {
    this.session = new Session({ config: options.fsm, random: Math.random }, Date.now());
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
    this.feed({ type: "ManualStart" });
  }

  /**
   * Hands an inbound TCP connection from this peer to the session, which
   * accepts it (also while waiting in Idle for its reconnect backoff) or
   * refuses it; a refused socket is destroyed.
   */
  accept(socket: Socket): void {
    this.accepting = socket;
    try {
      this.feed({ type: "TcpConnectionConfirmed" });
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
    this.rib.replaceAll(routes);
    if (this.established !== undefined) this.sendChanges(this.established, this.rib.takeChanges());
  }

  /**
   * Graceful stop: withdraws every route, sends Cease / Administrative
   * Shutdown, closes; then releases everything. Resolves once the sockets
   * are closed (flushed) or destroyed.
   */
  async stop(communication: string): Promise<void> {
    this.feed({ type: "ManualStop", communication });
    this.execute(this.session.dispose(Date.now()));
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.closing].map((s) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once("close", () => resolve())))));
  }

  private log(level: LogLevel, msg: string, fields: LogFields = {}): void {
    this.options.logger.log(level, msg, { topic: "Peer", peer: this.options.peerIP, ...fields });
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
        this.timers.set(action.key, setTimeout(() => {
          this.timers.delete(action.key);
          if (action.timer === "HoldTimer") this.log("warn", "hold timer expired", { holdTime: this.session.negotiated?.holdTimeSeconds });
          this.feed({ type: "timerExpired", key: action.key });
        }, action.durationMs));
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
    socket.once("connect", () => {
      if (this.sockets.get(connection) === socket) this.feed({ type: "Tcp_CR_Acked", connection });
    });
  }

  private attach(connection: ConnectionId, socket: Socket, direction: "inbound" | "outbound"): void {
    this.sockets.set(connection, socket);
    this.framers.set(connection, new MessageFramer());
    socket.setNoDelay(true);
    if (direction === "inbound") this.log("info", "inbound connection accepted", { connection });
    socket.on("data", (chunk: Buffer) => {
      if (this.sockets.get(connection) === socket) this.receive(connection, chunk);
    });
    socket.on("error", (err) => this.log("debug", "socket error", { connection, error: err.message }));
    socket.once("close", () => {
      this.closing.delete(socket);
      if (this.sockets.get(connection) !== socket) return;
      this.forget(connection);
      this.feed({ type: "TcpConnectionFails", connection });
    });
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
