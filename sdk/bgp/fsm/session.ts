/**
 * One BGP peer as the daemon sees it: up to two TCP connections (one we
 * opened, one the peer opened), each run by its own {@link Fsm}, and
 * connection collision resolution between them (RFC 4271 §6.8, RFC 6286
 * §2.3). Sans-IO like the FSM: `handle(event, now)` returns actions tagged
 * with connection ids. The session keeps the timers of its FSMs: the daemon
 * arms one OS timer for {@link Session.nextDeadline} and calls
 * {@link Session.onTimeout} when it runs out.
 *
 * The primary FSM is the peer's FSM proper (it connects, backs off and
 * restarts). A connection that arrives while the primary already has one
 * past Connect/Active is tracked by a secondary FSM until its OPEN arrives;
 * then the connection initiated by the speaker with the higher BGP
 * identifier survives (on equal identifiers: the higher AS number), and a
 * connection colliding with an Established one is closed. The loser gets
 * Cease / Connection Collision Resolution. When the primary loses its
 * connection while a secondary is alive, the secondary becomes the primary. An inbound
 * connection is refused while the peer already has one open (at most one
 * inbound and one outbound connection per peer).
 *
 * An inbound connection from the peer while the primary waits in Idle for
 * its automatic restart (IdleHoldTimer running, after a failure) is taken by
 * the primary, which restarts on it at once (see {@link Fsm}: a deliberate
 * departure from RFC 4271 §8.2.2, which refuses connections in Idle). So a
 * peer that only dials us, or whose listener comes up late, is not turned
 * away for the length of our reconnect backoff. A session that was never
 * started or was stopped still refuses.
 */
import { resolvePeerConfig } from "./config";
import { Fsm, type FsmOptions } from "./fsm";
import { eventForDecodeError, eventForMessage } from "./input";
import type { DownReason, FsmAction, FsmEvent, FsmState, NegotiatedSession, VendorStateName } from "./types";
import { VENDOR_STATE_NAMES } from "./types";
import type { Afi, BgpMessage, Safi, SessionError, UpdateMessage } from "../messages";
import type { TimerName } from "./timers";

/** Identifies one TCP connection of a session; allocated by the session. */
export type ConnectionId = number;

/** Who opened a connection: we (`outbound`) or the peer (`inbound`). */
export type Direction = "inbound" | "outbound";

/** What a {@link Session} is built from. */
export interface SessionOptions extends FsmOptions {
  /** Passive mode: never connect, only accept the peer's connections. @default false */
  readonly passive?: boolean;
}

/** An input to a {@link Session}. */
export type SessionEvent =
  /** Start the peer (actively, or passively when the session is passive). */
  | { readonly type: "ManualStart" }
  /** Graceful stop: withdraw all routes, Cease / Administrative Shutdown with the optional text, close. */
  | { readonly type: "ManualStop"; readonly communication?: string }
  /** The system starts the peer. */
  | { readonly type: "AutomaticStart" }
  /** The system stops the peer, sending Cease with `subcode`; it restarts after the backoff. */
  | { readonly type: "AutomaticStop"; readonly subcode: number }
  /** The outbound connection asked for by `connect` is up. */
  | { readonly type: "Tcp_CR_Acked"; readonly connection: ConnectionId }
  /** The peer connected to us. The reply starts with `acceptConnection` (with its id) or `refuseConnection`. */
  | { readonly type: "TcpConnectionConfirmed" }
  /** A connection failed, could not be opened, or the peer closed it. */
  | { readonly type: "TcpConnectionFails"; readonly connection: ConnectionId }
  /** A message was decoded on a connection. */
  | { readonly type: "message"; readonly connection: ConnectionId; readonly message: BgpMessage }
  /** The codec found an error that resets the session (it is sent as the NOTIFICATION). */
  | { readonly type: "decodeError"; readonly connection: ConnectionId; readonly error: SessionError };

/** An instruction from a {@link Session} to the daemon. Execute them in the order given. */
export type SessionAction =
  /** Open a TCP connection to the peer; report Tcp_CR_Acked or TcpConnectionFails with this id. */
  | { readonly type: "connect"; readonly connection: ConnectionId }
  /** The inbound connection just reported is accepted under this id. */
  | { readonly type: "acceptConnection"; readonly connection: ConnectionId }
  /** The inbound connection just reported is refused: close it. */
  | { readonly type: "refuseConnection" }
  /** Flush queued writes, then close the connection (or abort the connect in progress). No more events for it. */
  | { readonly type: "closeConnection"; readonly connection: ConnectionId }
  /** Encode (with the connection's codec context) and write the message. */
  | { readonly type: "send"; readonly connection: ConnectionId; readonly message: BgpMessage }
  /** A timer of the session ran out (reported by `onTimeout`, before what its expiry causes; for logs). */
  | { readonly type: "timerExpired"; readonly timer: TimerName }
  /** Send withdrawals for everything advertised on the connection, before the actions that follow. */
  | { readonly type: "withdrawAll"; readonly connection: ConnectionId }
  /** The session is Established on this connection: set its codec context, send the full Adj-RIB-Out. */
  | { readonly type: "established"; readonly connection: ConnectionId; readonly session: NegotiatedSession }
  /** The session left Established: reset the Adj-RIB-Out's record of what the peer has. */
  | { readonly type: "sessionDown"; readonly reason: DownReason }
  /** The peer asked for a full re-send of one family. */
  | { readonly type: "routeRefreshRequested"; readonly connection: ConnectionId; readonly afi: Afi; readonly safi: Safi }
  /** An UPDATE arrived (not imported by bgplb; for logs and metrics). */
  | { readonly type: "updateReceived"; readonly connection: ConnectionId; readonly message: UpdateMessage }
  /** The session's state changed (log with the vendor names). */
  | {
      readonly type: "stateChange";
      readonly from: FsmState;
      readonly to: FsmState;
      readonly fromName: VendorStateName;
      readonly toName: VendorStateName;
      readonly reason?: DownReason;
    };

interface Slot {
  readonly fsm: Fsm;
  connection?: ConnectionId;
  direction?: Direction;
}

const PAST_OPEN: readonly FsmState[] = ["OpenSent", "OpenConfirm", "Established"];

/**
 * Decides which connection survives a collision (RFC 4271 §6.8, RFC 6286
 * §2.3): the one initiated by the speaker with the higher BGP identifier
 * (compared as unsigned 32-bit numbers), or on equal identifiers the one
 * initiated by the speaker with the higher AS number. Returns the direction
 * to keep, or undefined when both are equal.
 */
export function collisionWinner(localBgpId: number, localAsn: number, peerBgpId: number, peerAsn: number): Direction | undefined {
  if (localBgpId !== peerBgpId) return localBgpId > peerBgpId ? "outbound" : "inbound";
  if (localAsn !== peerAsn) return localAsn > peerAsn ? "outbound" : "inbound";
  return undefined;
}

/** One BGP peer with collision handling. See the module comment. */
export class Session {
  private readonly options: SessionOptions;
  /** Our BGP identifier as a number, for collision resolution. */
  private readonly bgpId: number;
  private primary: Slot;
  private secondary: Slot | undefined;
  /** An outbound connect left running when the primary took an inbound connection. */
  private orphan: ConnectionId | undefined;
  private nextConnection = 1;
  private out: SessionAction[] = [];
  private now = 0;
  private disposedFlag = false;

  /** Builds a session in Idle. Throws a RangeError naming the field when the config is invalid. */
  constructor(options: SessionOptions, now = 0) {
    this.options = options;
    this.bgpId = resolvePeerConfig(options.config).bgpId;
    this.now = now;
    this.primary = this.newSlot();
  }

  /** Feeds one event; returns the actions to perform, in order. Returns nothing once disposed. */
  handle(event: SessionEvent, now: number): readonly SessionAction[] {
    if (this.disposedFlag) return event.type === "TcpConnectionConfirmed" ? [{ type: "refuseConnection" }] : [];
    this.now = now;
    this.out = [];
    this.dispatch(event);
    this.settle();
    return this.out;
  }

  /** When {@link Session.onTimeout} must next be called: the earliest timer deadline of its FSMs, or undefined when none runs. */
  nextDeadline(): number | undefined {
    if (this.disposedFlag) return undefined;
    const primary = this.primary.fsm.nextDeadline();
    const secondary = this.secondary?.fsm.nextDeadline();
    if (primary === undefined || secondary === undefined) return primary ?? secondary;
    return Math.min(primary, secondary);
  }

  /**
   * Handles the timers that have run out by `now` (the primary FSM's first);
   * returns the actions to perform, in order. Calling it early is harmless:
   * nothing is due, nothing happens.
   */
  onTimeout(now: number): readonly SessionAction[] {
    if (this.disposedFlag) return [];
    this.now = now;
    this.out = [];
    for (const slot of this.secondary ? [this.primary, this.secondary] : [this.primary]) this.translate(slot, slot.fsm.onTimeout(now));
    this.settle();
    return this.out;
  }

  /** Releases everything: stops all timers and closes all connections. Later events yield no actions. */
  dispose(now: number): readonly SessionAction[] {
    if (this.disposedFlag) return [];
    this.now = now;
    this.out = [];
    if (this.secondary) this.disposeSlot(this.secondary);
    this.disposeSlot(this.primary);
    this.closeOrphan();
    this.secondary = undefined;
    this.disposedFlag = true;
    return this.out;
  }

  /** The peer's state: that of the primary FSM. */
  get state(): FsmState {
    return this.primary.fsm.state;
  }

  /** The negotiated session while the primary is in OpenConfirm or Established. */
  get negotiated(): NegotiatedSession | undefined {
    return this.primary.fsm.session;
  }

  /** The connection the primary FSM uses, if any. */
  get connection(): ConnectionId | undefined {
    return this.primary.connection;
  }

  /** Consecutive failures driving the reconnect backoff. */
  get connectRetryCounter(): number {
    return this.primary.fsm.connectRetryCounter;
  }

  /** Open or pending connections with their direction and FSM state (for status and tests). */
  connections(): readonly { readonly connection: ConnectionId; readonly direction: Direction; readonly state: FsmState }[] {
    const slots = this.secondary ? [this.primary, this.secondary] : [this.primary];
    return slots.flatMap((slot) =>
      slot.connection !== undefined && slot.direction !== undefined ? [{ connection: slot.connection, direction: slot.direction, state: slot.fsm.state }] : [],
    );
  }

  /** Whether {@link Session.dispose} was called. */
  get disposed(): boolean {
    return this.disposedFlag;
  }

  private newSlot(): Slot {
    return { fsm: new Fsm(this.options, this.now) };
  }

  private dispatch(event: SessionEvent): void {
    const passive = this.options.passive ?? false;
    switch (event.type) {
      case "ManualStart":
        return this.run(this.primary, { type: passive ? "ManualStart_with_PassiveTcpEstablishment" : "ManualStart" });
      case "AutomaticStart":
        return this.run(this.primary, { type: passive ? "AutomaticStart_with_PassiveTcpEstablishment" : "AutomaticStart" });
      case "ManualStop":
      case "AutomaticStop":
        if (this.secondary) this.run(this.secondary, event);
        this.run(this.primary, event);
        return this.closeOrphan();
      case "TcpConnectionConfirmed":
        return this.inbound();
      case "Tcp_CR_Acked":
        return this.outboundUp(event.connection);
      case "TcpConnectionFails": {
        if (this.orphan === event.connection) this.orphan = undefined;
        const slot = this.slotOf(event.connection);
        if (!slot) return;
        slot.connection = undefined;
        return this.run(slot, { type: "TcpConnectionFails" });
      }
      case "message":
      case "decodeError": {
        const slot = this.slotOf(event.connection);
        if (!slot) return;
        return this.run(slot, event.type === "message" ? eventForMessage(event.message) : eventForDecodeError(event.error));
      }
    }
  }

  private inbound(): void {
    const primaryTakes = this.primary.fsm.acceptsInbound;
    const inboundExists = [this.primary, this.secondary].some((slot) => slot?.direction === "inbound" && slot.connection !== undefined);
    // Otherwise the primary is Idle (refuse) or past OPEN (a secondary takes the connection, if there is none yet).
    if (inboundExists || (!primaryTakes && (this.primary.fsm.state === "Idle" || this.secondary))) {
      this.out.push({ type: "refuseConnection" });
      return;
    }
    const connection = this.nextConnection++;
    this.out.push({ type: "acceptConnection", connection });
    if (primaryTakes) {
      if (this.primary.connection !== undefined) {
        this.closeOrphan();
        this.orphan = this.primary.connection;
      }
      this.primary.connection = connection;
      this.primary.direction = "inbound";
      return this.run(this.primary, { type: "TcpConnectionConfirmed" });
    }
    this.startSecondary(connection, "inbound", { type: "TcpConnectionConfirmed" });
  }

  private outboundUp(connection: ConnectionId): void {
    const slot = this.slotOf(connection);
    if (slot) return this.run(slot, { type: "Tcp_CR_Acked" });
    if (this.orphan !== connection) {
      this.out.push({ type: "closeConnection", connection });
      return;
    }
    this.orphan = undefined;
    if (PAST_OPEN.includes(this.primary.fsm.state) && this.primary.direction === "inbound" && !this.secondary) {
      return this.startSecondary(connection, "outbound", { type: "Tcp_CR_Acked" });
    }
    this.out.push({ type: "closeConnection", connection });
  }

  private startSecondary(connection: ConnectionId, direction: Direction, up: FsmEvent): void {
    const slot = this.newSlot();
    this.secondary = slot;
    this.run(slot, { type: "AutomaticStart_with_PassiveTcpEstablishment" });
    slot.connection = connection;
    slot.direction = direction;
    this.run(slot, up);
  }

  private slotOf(connection: ConnectionId): Slot | undefined {
    if (this.primary.connection === connection) return this.primary;
    if (this.secondary?.connection === connection) return this.secondary;
    return undefined;
  }

  private run(slot: Slot, event: FsmEvent): void {
    this.translate(slot, slot.fsm.handle(event, this.now));
  }

  private disposeSlot(slot: Slot): void {
    this.translate(slot, slot.fsm.dispose(this.now));
  }

  private closeOrphan(): void {
    if (this.orphan === undefined) return;
    this.out.push({ type: "closeConnection", connection: this.orphan });
    this.orphan = undefined;
  }

  private translate(slot: Slot, actions: readonly FsmAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case "connect": {
          // One outbound attempt at a time: a new connect supersedes a leftover one.
          this.closeOrphan();
          const connection = this.nextConnection++;
          slot.connection = connection;
          slot.direction = "outbound";
          this.out.push({ type: "connect", connection });
          break;
        }
        case "closeConnection":
          if (slot.connection !== undefined) this.out.push({ type: "closeConnection", connection: slot.connection });
          slot.connection = undefined;
          slot.direction = undefined;
          break;
        case "startTimer":
        case "stopTimer":
          break;
        case "timerExpired":
        case "stateChange":
          if (slot === this.primary) this.out.push(action);
          break;
        case "sessionDown":
          this.out.push(action);
          break;
        default:
          if (slot.connection !== undefined) this.out.push({ ...action, connection: slot.connection });
      }
    }
  }

  /** Applies the consequences of the last event: discard dead secondaries, promote, resolve collisions. */
  private settle(): void {
    for (;;) {
      const secondary = this.secondary;
      if (secondary && secondary.fsm.state === "Idle") {
        this.disposeSlot(secondary);
        this.secondary = undefined;
        continue;
      }
      if (secondary && !PAST_OPEN.includes(this.primary.fsm.state)) {
        this.promote(secondary);
        continue;
      }
      if (this.primary.fsm.state === "Idle") this.closeOrphan();
      if (secondary && this.resolveCollision(this.primary, secondary)) continue;
      return;
    }
  }

  /** The primary lost its connection (Idle, or back to Connect/Active) while the secondary has one: the secondary takes over. */
  private promote(secondary: Slot): void {
    const from = this.primary.fsm.state;
    this.disposeSlot(this.primary);
    this.primary = secondary;
    this.secondary = undefined;
    secondary.fsm.setRestartMode(this.options.passive ?? false);
    const to = secondary.fsm.state;
    this.out.push({ type: "stateChange", from, to, fromName: VENDOR_STATE_NAMES[from], toName: VENDOR_STATE_NAMES[to] });
  }

  /** Dumps the losing connection when both have the peer's OPEN; returns whether it did. */
  private resolveCollision(primary: Slot, secondary: Slot): boolean {
    const a = primary.fsm.state;
    const b = secondary.fsm.state;
    const opened = (s: FsmState): boolean => s === "OpenConfirm" || s === "Established";
    if (!opened(a) || !opened(b)) return false;
    let loser: Slot;
    if (a === "Established") loser = secondary;
    else if (b === "Established") loser = primary;
    else {
      const session = primary.fsm.session ?? secondary.fsm.session;
      const keep = session ? collisionWinner(this.bgpId, this.options.config.localAsn, session.peerBgpId, session.peerAsn) : undefined;
      loser = keep === undefined || primary.direction === keep ? secondary : primary;
    }
    this.run(loser, { type: "OpenCollisionDump" });
    return true;
  }
}
