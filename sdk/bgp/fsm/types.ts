/**
 * The vocabulary of the BGP FSM (RFC 4271 §8): its states, the events fed
 * into it and the actions it asks its driver to perform. The FSM consumes
 * message objects (from messages.ts), never bytes.
 */
import type {
  CodecContext,
  FamilyName,
  NotificationMessage,
  OpenMessage,
  RouteRefreshMessage,
  SessionError,
  UpdateMessage,
  BgpMessage,
  Afi,
  Safi,
} from "../messages";
import type { TimerName } from "./timers";

/** The six FSM states (RFC 4271 §8.2.2). */
export type FsmState = "Idle" | "Connect" | "Active" | "OpenSent" | "OpenConfirm" | "Established";

/** Every {@link FsmState}, in protocol order. */
export const FSM_STATES: readonly FsmState[] = ["Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established"];

/** State names as the vendor's `bgpadvertiser` (GoBGP) logs them. */
export const VENDOR_STATE_NAMES = {
  Idle: "BGP_FSM_IDLE",
  Connect: "BGP_FSM_CONNECT",
  Active: "BGP_FSM_ACTIVE",
  OpenSent: "BGP_FSM_OPENSENT",
  OpenConfirm: "BGP_FSM_OPENCONFIRM",
  Established: "BGP_FSM_ESTABLISHED",
} as const satisfies Record<FsmState, string>;

/** A vendor state name, e.g. `BGP_FSM_ESTABLISHED`. */
export type VendorStateName = (typeof VENDOR_STATE_NAMES)[FsmState];

/**
 * An input to the FSM. Names follow RFC 4271 §8.1 (event numbers in the
 * comments). Timer expiries for timers that are not running are stale and
 * ignored.
 */
export type FsmEvent =
  /** Event 1: operator starts the peer; connect actively and listen. */
  | { readonly type: "ManualStart" }
  /** Event 2: operator stops the peer. In Established: withdraw all, then Cease / Administrative Shutdown. */
  | { readonly type: "ManualStop"; readonly communication?: string }
  /** Event 3: the system starts the peer; connect actively and listen. */
  | { readonly type: "AutomaticStart" }
  /** Event 4: operator starts the peer in passive mode (listen only). */
  | { readonly type: "ManualStart_with_PassiveTcpEstablishment" }
  /** Event 5: the system starts the peer in passive mode. */
  | { readonly type: "AutomaticStart_with_PassiveTcpEstablishment" }
  /** Event 8: the system stops the peer (e.g. prefix limit); `subcode` is the Cease subcode to send. */
  | { readonly type: "AutomaticStop"; readonly subcode: number }
  /** Event 9. */
  | { readonly type: "ConnectRetryTimer_Expires" }
  /** Event 10. */
  | { readonly type: "HoldTimer_Expires" }
  /** Event 11. */
  | { readonly type: "KeepaliveTimer_Expires" }
  /** Event 13: the reconnect backoff is over; restarts the peer as it was last started. */
  | { readonly type: "IdleHoldTimer_Expires" }
  /** Event 16: our outbound TCP connection is established. */
  | { readonly type: "Tcp_CR_Acked" }
  /** Event 17: an inbound TCP connection from the peer is established. */
  | { readonly type: "TcpConnectionConfirmed" }
  /** Event 18: the TCP connection failed, was refused or was closed by the peer. */
  | { readonly type: "TcpConnectionFails" }
  /** Event 19: an OPEN arrived; the FSM checks it and turns it into event 22 if it is unacceptable. */
  | { readonly type: "BGPOpen"; readonly message: OpenMessage }
  /** Event 21: the codec found a message header error. */
  | { readonly type: "BGPHeaderErr"; readonly error: SessionError }
  /** Event 22: the codec found an OPEN message error. */
  | { readonly type: "BGPOpenMsgErr"; readonly error: SessionError }
  /** Event 23: connection collision resolution chose to close this connection. */
  | { readonly type: "OpenCollisionDump" }
  /** Event 24: a NOTIFICATION with OPEN error / Unsupported Version Number arrived. */
  | { readonly type: "NotifMsgVerErr"; readonly message: NotificationMessage }
  /** Event 25: any other NOTIFICATION arrived. */
  | { readonly type: "NotifMsg"; readonly message: NotificationMessage }
  /** Event 26: a KEEPALIVE arrived. */
  | { readonly type: "KeepAliveMsg" }
  /** Event 27: an UPDATE arrived (decoded without a session-resetting error). */
  | { readonly type: "UpdateMsg"; readonly message: UpdateMessage }
  /** Event 28: the codec found an error in an UPDATE (or ROUTE-REFRESH) that resets the session. */
  | { readonly type: "UpdateMsgErr"; readonly error: SessionError }
  /** RFC 2918: a ROUTE-REFRESH arrived. Handled like an UPDATE for FSM purposes. */
  | { readonly type: "RouteRefreshMsg"; readonly message: RouteRefreshMessage };

/** The `type` of an {@link FsmEvent}. */
export type FsmEventType = FsmEvent["type"];

/** Every {@link FsmEventType}, in RFC 4271 event-number order. */
export const FSM_EVENT_TYPES: readonly FsmEventType[] = [
  "ManualStart",
  "ManualStop",
  "AutomaticStart",
  "ManualStart_with_PassiveTcpEstablishment",
  "AutomaticStart_with_PassiveTcpEstablishment",
  "AutomaticStop",
  "ConnectRetryTimer_Expires",
  "HoldTimer_Expires",
  "KeepaliveTimer_Expires",
  "IdleHoldTimer_Expires",
  "Tcp_CR_Acked",
  "TcpConnectionConfirmed",
  "TcpConnectionFails",
  "BGPOpen",
  "BGPHeaderErr",
  "BGPOpenMsgErr",
  "OpenCollisionDump",
  "NotifMsgVerErr",
  "NotifMsg",
  "KeepAliveMsg",
  "UpdateMsg",
  "UpdateMsgErr",
  "RouteRefreshMsg",
];

/** What was agreed in the OPEN exchange; handed to the codec, the RIB-out and status reporting. */
export interface NegotiatedSession {
  /** The peer's real AS number (from the 4-octet AS capability when present). */
  readonly peerAsn: number;
  /** The peer's BGP identifier as an unsigned 32-bit number (`formatIpv4` writes it as a dotted quad). */
  readonly peerBgpId: number;
  /** Same AS on both sides (iBGP). */
  readonly internal: boolean;
  /** Negotiated hold time in seconds: the smaller of both proposals; 0 = no keepalives, no hold timer. */
  readonly holdTimeSeconds: number;
  /** Keepalive interval before jitter in milliseconds (hold time / 3); 0 when the hold time is 0. */
  readonly keepaliveMs: number;
  /** Address families both sides announced (IPv4 unicast is implied when the peer announces none). */
  readonly families: readonly FamilyName[];
  /** The peer announced route refresh (RFC 2918): we may ask it to resend. */
  readonly peerRouteRefresh: boolean;
  /** Context the codec must use from now on (4-octet AS, ADD-PATH per family, extended next hop). */
  readonly codec: CodecContext;
  /** The peer's OPEN, as received. */
  readonly peerOpen: OpenMessage;
}

/** Why the FSM left a state for Idle; reported with transitions to Idle and with `sessionDown`. */
export type DownReason =
  | { readonly kind: "manualStop" }
  | { readonly kind: "automaticStop" }
  | { readonly kind: "holdTimerExpired" }
  | { readonly kind: "tcpFailed" }
  | { readonly kind: "collision" }
  | { readonly kind: "decodeError"; readonly detail: string }
  | { readonly kind: "notificationReceived"; readonly notification: NotificationMessage }
  | { readonly kind: "errorSent"; readonly notification: NotificationMessage; readonly detail: string }
  | { readonly kind: "unexpectedEvent"; readonly event: FsmEventType };

/** An instruction from the FSM to its driver. Execute them in the order given. */
export type FsmAction =
  /** Open a TCP connection to the peer (port 179) and report Tcp_CR_Acked or TcpConnectionFails. */
  | { readonly type: "connect" }
  /** Flush what was queued with `send`, then close the TCP connection (also: abort a connect in progress). */
  | { readonly type: "closeConnection" }
  /** Encode and write this message on the connection. */
  | { readonly type: "send"; readonly message: BgpMessage }
  /**
   * The named timer was (re)started. The FSM keeps the deadline itself
   * ({@link Fsm.nextDeadline}, {@link Fsm.onTimeout}); the action records the
   * step of RFC 4271 §8.2.2 for logs and tests.
   */
  | { readonly type: "startTimer"; readonly timer: TimerName; readonly durationMs: number }
  /** The named timer was stopped (recorded like `startTimer`). */
  | { readonly type: "stopTimer"; readonly timer: TimerName }
  /** The named timer ran out (reported by `onTimeout`, before the actions its expiry causes). */
  | { readonly type: "timerExpired"; readonly timer: TimerName }
  /** Send withdrawals for every route advertised on this session (graceful shutdown), before what follows. */
  | { readonly type: "withdrawAll" }
  /** The session reached Established: switch the codec to `session.codec`, then send the full Adj-RIB-Out. */
  | { readonly type: "established"; readonly session: NegotiatedSession }
  /** The session left Established: forget what the peer was sent; everything is re-sent on the next Established. */
  | { readonly type: "sessionDown"; readonly reason: DownReason }
  /** The peer asked for a full re-send of one family (RFC 2918). */
  | { readonly type: "routeRefreshRequested"; readonly afi: Afi; readonly safi: Safi }
  /** An UPDATE arrived in Established (bgplb does not import routes; for logs and metrics). */
  | { readonly type: "updateReceived"; readonly message: UpdateMessage }
  /** The state changed; `reason` is set when the new state is Idle. Log with the vendor names. */
  | {
      readonly type: "stateChange";
      readonly from: FsmState;
      readonly to: FsmState;
      readonly fromName: VendorStateName;
      readonly toName: VendorStateName;
      readonly reason?: DownReason;
    };

/** The `type` of an {@link FsmAction}. */
export type FsmActionType = FsmAction["type"];
