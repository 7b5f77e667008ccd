/**
 * The BGP finite state machine of RFC 4271 §8.2.2 for one connection, as
 * an explicit (state, event) → handler table. Sans-IO: `handle(event, now)`
 * returns the actions to perform; time and randomness are injected.
 *
 * Deliberate departures from the RFC text, each for robustness:
 * - Passive mode never initiates a connection, so no ConnectRetryTimer runs
 *   in Active after a passive start (RFC: it runs and then connects).
 * - Every drop to Idle caused by the peer or the network (not a manual
 *   stop) increments ConnectRetryCounter, including a failed connect in
 *   Connect, and, when `automaticRestart` is on, starts the IdleHoldTimer
 *   with the exponential backoff; its expiry restarts the peer as it was
 *   last started. The counter resets on Established.
 * - The connection failing in OpenSent (the peer closed it before its OPEN,
 *   as GoBGP does during its own idle hold) is such a drop too, so a
 *   flapping peer meets the doubling backoff (RFC: back to Active, retry
 *   after ConnectRetryTime without counting). Active is therefore only
 *   entered by a passive start.
 * - ManualStop in Idle cancels a pending automatic restart.
 * - An inbound connection (TcpConnectionConfirmed) in Idle while an
 *   automatic restart is pending (IdleHoldTimer running) is accepted: the
 *   restart happens at once on that connection (OPEN sent, OpenSent),
 *   keeping ConnectRetryCounter. RFC 4271 §8.2.2 refuses every connection
 *   in Idle, which leaves a peer that only dials us (or whose listener
 *   comes up later) unanswered until our own next attempt; GoBGP and BIRD
 *   accept it too. Without a pending restart (never started, stopped,
 *   `automaticRestart` off) Idle still refuses.
 * - A NOTIFICATION received in OpenSent is not answered with an FSM error
 *   (the peer has already closed); header/OPEN errors found by the codec
 *   in Established are reported with the codec's NOTIFICATION, not FSM error.
 * - A second OPEN on the same connection (OpenConfirm, Established) is an
 *   FSM error; collisions between two connections are the session's job.
 * - Expiry events for timers that are not running are stale and ignored.
 * - DelayOpen and SendNOTIFICATIONwithoutOPEN are not implemented.
 */
import { administrativeShutdown, collisionCease, fsmError, holdTimerExpired, notification, notificationFor } from "./notifications";
import { resolvePeerConfig, type PeerConfig, type ResolvedPeerConfig } from "./config";
import { buildOpen, checkOpen } from "./open-check";
import { familyName } from "../families";
import { VENDOR_STATE_NAMES, type DownReason, type FsmAction, type FsmEvent, type FsmEventType, type FsmState, type NegotiatedSession } from "./types";
import { ErrorCode, type BgpMessage, type NotificationMessage } from "../messages";
import { backoffMs, jittered, TimerSet, type Random, type TimerName } from "./timers";

/** What an {@link Fsm} is built from. */
export interface FsmOptions {
  /** The peer's configuration. */
  readonly config: PeerConfig;
  /** Uniform random numbers in [0, 1) for timer jitter (the daemon passes `Math.random`). */
  readonly random: Random;
}

/** How a drop to Idle treats ConnectRetryCounter and the automatic restart. */
type Drop = "manual" | "count" | "keep";

type Handler = (m: Machine, event: FsmEvent) => void;
type StateTable = Readonly<Partial<Record<FsmEventType, Handler>>> & { readonly otherwise: Handler };

const TIMER_OF_EVENT: Readonly<Partial<Record<FsmEventType, TimerName>>> = {
  ConnectRetryTimer_Expires: "ConnectRetryTimer",
  HoldTimer_Expires: "HoldTimer",
  KeepaliveTimer_Expires: "KeepaliveTimer",
  IdleHoldTimer_Expires: "IdleHoldTimer",
};

const EXPIRY_OF_TIMER: Readonly<Record<TimerName, FsmEvent>> = {
  ConnectRetryTimer: { type: "ConnectRetryTimer_Expires" },
  HoldTimer: { type: "HoldTimer_Expires" },
  KeepaliveTimer: { type: "KeepaliveTimer_Expires" },
  IdleHoldTimer: { type: "IdleHoldTimer_Expires" },
};

/** A view of the running timers that cannot change them. */
export type ReadonlyTimerSet<Name extends string> = Pick<TimerSet<Name>, "has" | "deadline" | "names" | "size" | "nextDeadline" | "due">;

/** Mutable state of one FSM and the primitive steps its handlers are built from. */
class Machine {
  state: FsmState = "Idle";
  stateSince: number;
  connectRetryCounter = 0;
  passive = false;
  connection: "none" | "connecting" | "open" = "none";
  session: NegotiatedSession | undefined;
  readonly timers = new TimerSet<TimerName>();
  actions: FsmAction[] = [];
  now: number;
  /** Set on the first Established; ends the graceful-restart "restarting" state of our OPENs. */
  wasEstablished = false;

  constructor(
    readonly config: ResolvedPeerConfig,
    readonly random: Random,
    now: number,
  ) {
    this.now = now;
    this.stateSince = now;
  }

  emit(action: FsmAction): void {
    this.actions.push(action);
  }

  send(message: BgpMessage): void {
    this.emit({ type: "send", message });
  }

  startTimer(timer: TimerName, durationMs: number): void {
    this.timers.start(timer, this.now + durationMs);
    this.emit({ type: "startTimer", timer, durationMs });
  }

  stopTimer(timer: TimerName): void {
    if (this.timers.stop(timer)) this.emit({ type: "stopTimer", timer });
  }

  stopAllTimers(): void {
    for (const timer of this.timers.names()) this.stopTimer(timer);
  }

  startConnectRetryTimer(): void {
    this.startTimer("ConnectRetryTimer", jittered(this.config.connectRetryTimeSeconds * 1000, this.config.jitter, this.random));
  }

  startKeepaliveTimer(): void {
    const base = this.session?.keepaliveMs ?? 0;
    if (base > 0) this.startTimer("KeepaliveTimer", jittered(base, this.config.jitter, this.random));
  }

  restartHoldTimer(): void {
    const hold = this.session?.holdTimeSeconds ?? 0;
    if (hold > 0) this.startTimer("HoldTimer", hold * 1000);
  }

  connect(): void {
    this.connection = "connecting";
    this.emit({ type: "connect" });
  }

  closeConnection(): void {
    if (this.connection === "none") return;
    this.connection = "none";
    this.emit({ type: "closeConnection" });
  }

  goto(to: FsmState, reason?: DownReason): void {
    const from = this.state;
    this.state = to;
    this.stateSince = this.now;
    const change = { type: "stateChange", from, to, fromName: VENDOR_STATE_NAMES[from], toName: VENDOR_STATE_NAMES[to] } as const;
    this.emit(reason ? { ...change, reason } : change);
  }

  /** Idle/ManualStart family: begin a connection attempt (active) or wait for the peer (passive). */
  start(passive: boolean): void {
    this.passive = passive;
    this.stopTimer("IdleHoldTimer");
    if (passive) {
      this.goto("Active");
      return;
    }
    this.startConnectRetryTimer();
    this.connect();
    this.goto("Connect");
  }

  /** TCP is up (events 16, 17 in Connect/Active): send OPEN, wait for the peer's OPEN under the large hold time. */
  connectionUp(): void {
    this.stopTimer("ConnectRetryTimer");
    this.connection = "open";
    this.send(buildOpen(this.config, this.config.restarting && !this.wasEstablished));
    this.startTimer("HoldTimer", this.config.largeHoldTimeSeconds * 1000);
    this.goto("OpenSent");
  }

  /**
   * The common way down to Idle: optionally send a NOTIFICATION, release the
   * timers, drop the connection, report the session down if it was up,
   * update ConnectRetryCounter and schedule the automatic restart.
   */
  drop(reason: DownReason, drop: Drop, notify?: NotificationMessage): void {
    if (notify) this.send(notify);
    this.stopAllTimers();
    this.closeConnection();
    if (this.state === "Established") this.emit({ type: "sessionDown", reason });
    this.session = undefined;
    if (drop === "manual") this.connectRetryCounter = 0;
    if (drop === "count") this.connectRetryCounter++;
    this.goto("Idle", reason);
    if (drop !== "manual" && this.config.automaticRestart) {
      this.startTimer("IdleHoldTimer", backoffMs(this.connectRetryCounter, this.config.backoff, this.config.jitter, this.random));
    }
  }

  /** An event the state does not expect: FSM error NOTIFICATION once an OPEN was sent, then down. */
  unexpected(event: FsmEvent): void {
    const notify = this.state === "OpenSent" || this.state === "OpenConfirm" || this.state === "Established" ? fsmError(this.state) : undefined;
    this.drop({ kind: "unexpectedEvent", event: event.type }, "count", notify);
  }

  /** The peer's OPEN arrived in OpenSent: check it, then confirm or refuse. */
  openReceived(event: Extract<FsmEvent, { type: "BGPOpen" }>): void {
    const check = checkOpen(this.config, event.message);
    if (!check.ok) {
      const sent = notificationFor(check.error);
      this.drop({ kind: "errorSent", notification: sent, detail: check.error.reason }, "count", sent);
      return;
    }
    this.session = check.value;
    this.stopTimer("ConnectRetryTimer");
    this.send({ kind: "keepalive" });
    this.startKeepaliveTimer();
    if (check.value.holdTimeSeconds > 0) this.restartHoldTimer();
    else this.stopTimer("HoldTimer");
    this.goto("OpenConfirm");
  }
}

const ignore: Handler = () => {};

const manualStop: Handler = (m, event) => {
  const communication = event.type === "ManualStop" ? event.communication : undefined;
  if (m.state === "Established") m.emit({ type: "withdrawAll" });
  const notify = m.state === "OpenSent" || m.state === "OpenConfirm" || m.state === "Established" ? administrativeShutdown(communication) : undefined;
  m.drop({ kind: "manualStop" }, "manual", notify);
};

const automaticStop: Handler = (m, event) => {
  const subcode = event.type === "AutomaticStop" ? event.subcode : 0;
  const openSent = m.state === "OpenSent" || m.state === "OpenConfirm" || m.state === "Established";
  m.drop({ kind: "automaticStop" }, "count", openSent ? notification(ErrorCode.Cease, subcode) : undefined);
};

const holdExpired: Handler = (m) => m.drop({ kind: "holdTimerExpired" }, "count", holdTimerExpired());

const codecError: Handler = (m, event) => {
  if (event.type !== "BGPHeaderErr" && event.type !== "BGPOpenMsgErr" && event.type !== "UpdateMsgErr") return m.unexpected(event);
  const sent = notificationFor(event.error);
  m.drop({ kind: "errorSent", notification: sent, detail: event.error.reason }, "count", sent);
};

/** A decode error before our OPEN went out: no NOTIFICATION (SendNOTIFICATIONwithoutOPEN is off). */
const silentCodecError: Handler = (m, event) => {
  if (event.type !== "BGPHeaderErr" && event.type !== "BGPOpenMsgErr") return m.unexpected(event);
  m.drop({ kind: "decodeError", detail: event.error.reason }, "count");
};

const collisionDump: Handler = (m) => m.drop({ kind: "collision" }, "count", collisionCease());

const notificationIn =
  (drop: Drop): Handler =>
  (m, event) => {
    if (event.type === "NotifMsg" || event.type === "NotifMsgVerErr") m.drop({ kind: "notificationReceived", notification: event.message }, drop);
    else m.unexpected(event);
  };

const tcpFails: Handler = (m) => {
  m.connection = "none";
  m.drop({ kind: "tcpFailed" }, "count");
};

const sendKeepalive: Handler = (m) => {
  m.send({ kind: "keepalive" });
  m.startKeepaliveTimer();
};

/** Start events in Idle (1, 3, 4, 5): ConnectRetryCounter back to zero, then start actively or passively. */
const freshStart =
  (passive: boolean): Handler =>
  (m) => {
    m.connectRetryCounter = 0;
    m.start(passive);
  };

/** Start events (1, 3-5) are ignored in every state but Idle. */
const startsIgnored = {
  ManualStart: ignore,
  AutomaticStart: ignore,
  ManualStart_with_PassiveTcpEstablishment: ignore,
  AutomaticStart_with_PassiveTcpEstablishment: ignore,
} as const;

/** The (state, event) table of RFC 4271 §8.2.2; `otherwise` covers the RFC's "any other event". */
const TABLE: Readonly<Record<FsmState, StateTable>> = {
  Idle: {
    ManualStart: freshStart(false),
    AutomaticStart: freshStart(false),
    ManualStart_with_PassiveTcpEstablishment: freshStart(true),
    AutomaticStart_with_PassiveTcpEstablishment: freshStart(true),
    IdleHoldTimer_Expires: (m) => m.start(m.passive),
    TcpConnectionConfirmed: (m) => {
      if (!m.timers.has("IdleHoldTimer")) return;
      m.stopTimer("IdleHoldTimer");
      m.connectionUp();
    },
    ManualStop: (m) => {
      m.connectRetryCounter = 0;
      m.stopTimer("IdleHoldTimer");
    },
    otherwise: ignore,
  },
  Connect: {
    ...startsIgnored,
    ManualStop: manualStop,
    ConnectRetryTimer_Expires: (m) => {
      m.closeConnection();
      m.startConnectRetryTimer();
      m.connect();
    },
    Tcp_CR_Acked: (m) => m.connectionUp(),
    TcpConnectionConfirmed: (m) => m.connectionUp(),
    TcpConnectionFails: tcpFails,
    AutomaticStop: automaticStop,
    BGPHeaderErr: silentCodecError,
    BGPOpenMsgErr: silentCodecError,
    NotifMsgVerErr: notificationIn("count"),
    otherwise: (m, event) => m.unexpected(event),
  },
  Active: {
    ...startsIgnored,
    ManualStop: manualStop,
    Tcp_CR_Acked: (m) => m.connectionUp(),
    TcpConnectionConfirmed: (m) => m.connectionUp(),
    TcpConnectionFails: tcpFails,
    AutomaticStop: automaticStop,
    BGPHeaderErr: silentCodecError,
    BGPOpenMsgErr: silentCodecError,
    NotifMsgVerErr: notificationIn("count"),
    otherwise: (m, event) => m.unexpected(event),
  },
  OpenSent: {
    ...startsIgnored,
    ManualStop: manualStop,
    AutomaticStop: automaticStop,
    HoldTimer_Expires: holdExpired,
    Tcp_CR_Acked: ignore,
    TcpConnectionConfirmed: ignore,
    TcpConnectionFails: tcpFails,
    BGPOpen: (m, event) => {
      if (event.type === "BGPOpen") m.openReceived(event);
    },
    BGPHeaderErr: codecError,
    BGPOpenMsgErr: codecError,
    OpenCollisionDump: collisionDump,
    NotifMsgVerErr: notificationIn("keep"),
    NotifMsg: notificationIn("count"),
    otherwise: (m, event) => m.unexpected(event),
  },
  OpenConfirm: {
    ...startsIgnored,
    ManualStop: manualStop,
    AutomaticStop: automaticStop,
    HoldTimer_Expires: holdExpired,
    KeepaliveTimer_Expires: sendKeepalive,
    Tcp_CR_Acked: ignore,
    TcpConnectionConfirmed: ignore,
    TcpConnectionFails: tcpFails,
    NotifMsg: notificationIn("count"),
    NotifMsgVerErr: notificationIn("keep"),
    BGPHeaderErr: codecError,
    BGPOpenMsgErr: codecError,
    OpenCollisionDump: collisionDump,
    KeepAliveMsg: (m) => {
      m.restartHoldTimer();
      m.connectRetryCounter = 0;
      m.goto("Established");
      m.wasEstablished = true;
      if (m.session) m.emit({ type: "established", session: m.session });
    },
    otherwise: (m, event) => m.unexpected(event),
  },
  Established: {
    ...startsIgnored,
    ManualStop: manualStop,
    AutomaticStop: automaticStop,
    HoldTimer_Expires: holdExpired,
    KeepaliveTimer_Expires: sendKeepalive,
    Tcp_CR_Acked: ignore,
    TcpConnectionConfirmed: ignore,
    OpenCollisionDump: collisionDump,
    NotifMsg: notificationIn("count"),
    NotifMsgVerErr: notificationIn("count"),
    TcpConnectionFails: tcpFails,
    KeepAliveMsg: (m) => m.restartHoldTimer(),
    UpdateMsg: (m, event) => {
      m.restartHoldTimer();
      if (event.type === "UpdateMsg") m.emit({ type: "updateReceived", message: event.message });
    },
    RouteRefreshMsg: (m, event) => {
      m.restartHoldTimer();
      if (event.type !== "RouteRefreshMsg") return;
      const family = familyName(event.message.afi, event.message.safi);
      if (family && m.session?.families.includes(family)) {
        m.emit({ type: "routeRefreshRequested", afi: event.message.afi, safi: event.message.safi });
      }
    },
    BGPHeaderErr: codecError,
    BGPOpenMsgErr: codecError,
    UpdateMsgErr: codecError,
    otherwise: (m, event) => m.unexpected(event),
  },
};

/** Runs the handler of the current state for `event`. */
function dispatch(m: Machine, event: FsmEvent): void {
  const table = TABLE[m.state];
  (table[event.type] ?? table.otherwise)(m, event);
}

/**
 * One BGP FSM (RFC 4271 §8). Feed it events with {@link Fsm.handle} and
 * perform the returned actions in order. It never touches a socket or a
 * clock; `now` (milliseconds, any monotonic origin) only stamps timer
 * deadlines and state entry times. The FSM keeps its own timers: call
 * {@link Fsm.onTimeout} at {@link Fsm.nextDeadline} (or feed the
 * `<timer>_Expires` events yourself, as the tests do).
 */
export class Fsm {
  private readonly machine: Machine;
  private disposedFlag = false;

  /** Builds an FSM in Idle. Throws a RangeError naming the field when `options.config` is invalid. */
  constructor(options: FsmOptions, now = 0) {
    this.machine = new Machine(resolvePeerConfig(options.config), options.random, now);
  }

  /** Feeds one event; returns the actions to perform, in order. Returns nothing once disposed. */
  handle(event: FsmEvent, now: number): readonly FsmAction[] {
    if (this.disposedFlag) return [];
    const m = this.machine;
    m.now = now;
    m.actions = [];
    const timer = TIMER_OF_EVENT[event.type];
    if (timer !== undefined && !m.timers.stop(timer)) return [];
    dispatch(m, event);
    return m.actions;
  }

  /** When {@link Fsm.onTimeout} must next be called (the earliest timer deadline), or undefined when no timer runs. */
  nextDeadline(): number | undefined {
    return this.disposedFlag ? undefined : this.machine.timers.nextDeadline();
  }

  /**
   * Handles every timer that has run out by `now`, earliest first: for each,
   * a `timerExpired` action and then what its expiry event causes. A timer
   * that an earlier expiry stopped or restarted is not fired. Returns
   * nothing when no timer is due or once disposed.
   */
  onTimeout(now: number): readonly FsmAction[] {
    if (this.disposedFlag) return [];
    const m = this.machine;
    m.now = now;
    m.actions = [];
    for (const { name, deadline } of m.timers.due(now)) {
      if (m.timers.deadline(name) !== deadline) continue;
      m.timers.stop(name);
      m.emit({ type: "timerExpired", timer: name });
      dispatch(m, EXPIRY_OF_TIMER[name]);
    }
    return m.actions;
  }

  /** Releases the FSM: stops its timers and closes its connection. Later events yield no actions. */
  dispose(now: number): readonly FsmAction[] {
    if (this.disposedFlag) return [];
    const m = this.machine;
    m.now = now;
    m.actions = [];
    m.stopAllTimers();
    m.closeConnection();
    this.disposedFlag = true;
    return m.actions;
  }

  /** Current state. */
  get state(): FsmState {
    return this.machine.state;
  }

  /** When the current state was entered (the `now` of that event). */
  get stateSince(): number {
    return this.machine.stateSince;
  }

  /** Consecutive failures since the last Established or manual start/stop; drives the backoff. */
  get connectRetryCounter(): number {
    return this.machine.connectRetryCounter;
  }

  /** The negotiated session, from OpenConfirm until the session goes down. */
  get session(): NegotiatedSession | undefined {
    return this.machine.session;
  }

  /**
   * Whether an inbound connection is accepted in the current state: in
   * Connect and Active, and in Idle while an automatic restart is pending.
   */
  get acceptsInbound(): boolean {
    const m = this.machine;
    return m.state === "Connect" || m.state === "Active" || (m.state === "Idle" && m.timers.has("IdleHoldTimer"));
  }

  /** Whether the last start was passive (listen only); automatic restarts repeat it. */
  get passive(): boolean {
    return this.machine.passive;
  }

  /** Changes how automatic restarts start the peer: passively (listen only) or actively. */
  setRestartMode(passive: boolean): void {
    this.machine.passive = passive;
  }

  /** Running timers and their deadlines (in the `now` time base). */
  get timers(): ReadonlyTimerSet<TimerName> {
    return this.machine.timers;
  }

  /** Whether {@link Fsm.dispose} was called. */
  get disposed(): boolean {
    return this.disposedFlag;
  }
}
