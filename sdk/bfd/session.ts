/**
 * One BFD session in asynchronous mode (RFC 5880 §6.8), sans-IO: feed it
 * events with the current time (`handle(event, now)`), execute the actions
 * it returns in order, and call it again with a `timer` event at
 * {@link BfdSession.deadline}. It reads no clock and opens no socket;
 * randomness (jitter) is injected.
 *
 * What it implements:
 * - the state machine Down / Init / Up / AdminDown of §6.2 and §6.8.6;
 * - Detection Time (§6.8.4): the remote Detect Mult × the larger of our
 *   Required Min RX Interval and the remote Desired Min TX Interval; its
 *   expiry takes Init or Up down with diagnostic 1 and forgets the remote
 *   discriminator (§6.8.1);
 * - transmission (§6.8.7): at the larger of our Desired Min TX Interval
 *   and the remote Required Min RX Interval, less 0–25 % jitter (10–25 %
 *   with Detect Mult 1); Desired Min TX at least 1 s while not Up (§6.8.3);
 *   nothing to a peer that asks for none (Required Min RX 0); a packet at
 *   once on every state change, and a Final at once for every Poll;
 * - the Poll Sequence (§6.5, §6.8.3) for every change of our intervals
 *   while Up, including the switch from 1 s to the configured interval on
 *   reaching Up: a larger TX interval and a smaller RX interval take
 *   effect only when the peer answers with Final;
 * - the passive role (§6.1): no packet until the peer's first one (and
 *   none again after its discriminator is forgotten);
 * - the single-hop checks that need the session (RFC 5881 §5, §6.8.6):
 *   TTL / hop limit 255 when the driver knows it, Your Discriminator ours
 *   or zero, no authentication section (none is configured).
 *
 * - the Echo function (§6.4, §6.8.9), when `echoIntervalMs` is set: we
 *   advertise it as Required Min Echo RX Interval (the node's kernel loops
 *   the peer's echo packets back by forwarding them); while Up and the peer
 *   advertises a non-zero one, we ask the driver to send an Echo packet
 *   every max(ours, theirs) and take the session down with diagnostic 2
 *   (Echo Function Failed) when none came back for Detect Mult of them.
 *
 * Not implemented: demand mode (we never set D and ignore the peer's),
 * authentication, and slowing the Control packets while Echo runs (§6.8.3
 * allows it; they keep the configured rate).
 */
import { jittered, type Random } from "../bgp";
import { BFD_SINGLE_HOP_TTL, Diagnostic, type BfdState, type ControlPacket } from "./packet";

/** The timers and role of a session; times in milliseconds. */
export interface BfdSessionConfig {
  /** My Discriminator: non-zero, unique among the local sessions (the driver allocates it). */
  readonly localDiscriminator: number;
  /** Desired Min TX Interval once Up, ms (1..60000). */
  readonly desiredMinTxMs: number;
  /** Required Min RX Interval, ms (1..60000). */
  readonly requiredMinRxMs: number;
  /** Detect Mult, 1..255. */
  readonly detectMultiplier: number;
  /** Passive role: send nothing until the peer has sent a packet. */
  readonly passive: boolean;
  /** Echo function: our echo transmit interval and the Required Min Echo RX Interval we advertise, ms (1..60000). @default no echo */
  readonly echoIntervalMs?: number;
}

/** Desired Min TX Interval while the session is not Up (RFC 5880 §6.8.3: at least one second). */
export const SLOW_TX_INTERVAL_US = 1_000_000;

const MAX_INTERVAL_MS = 60_000;

/** Checks the ranges of a session configuration; a RangeError names the field and the value. */
export function checkBfdSessionConfig(config: BfdSessionConfig): BfdSessionConfig {
  checkInteger("localDiscriminator", config.localDiscriminator, 1, 0xffffffff);
  checkInteger("desiredMinTxMs", config.desiredMinTxMs, 1, MAX_INTERVAL_MS);
  checkInteger("requiredMinRxMs", config.requiredMinRxMs, 1, MAX_INTERVAL_MS);
  checkInteger("detectMultiplier", config.detectMultiplier, 1, 255);
  if (config.echoIntervalMs !== undefined) checkInteger("echoIntervalMs", config.echoIntervalMs, 1, MAX_INTERVAL_MS);
  return config;
}

function checkInteger(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${field}: ${value} is not an integer in ${min}..${max}`);
}

/** What a {@link BfdSession} is built from. */
export interface BfdSessionOptions {
  readonly config: BfdSessionConfig;
  /** Uniform random numbers in [0, 1) for the transmit jitter (the daemon passes `Math.random`). */
  readonly random: Random;
}

/** An input to a {@link BfdSession}. */
export type BfdEvent =
  /** Begin: send (unless passive) and receive. */
  | { readonly type: "start" }
  /** A decoded Control packet from the peer; `ttl` is its IP TTL / hop limit when the driver could read it. */
  | { readonly type: "packet"; readonly packet: ControlPacket; readonly ttl?: number }
  /** The time given by {@link BfdSession.deadline} has come. */
  | { readonly type: "timer" }
  /** Take the session administratively down (diagnostic 7); the peer is told AdminDown. */
  | { readonly type: "adminDown" }
  /** Leave AdminDown for Down. */
  | { readonly type: "adminUp" }
  /** New intervals; while Up they are agreed with a Poll Sequence. */
  | { readonly type: "setIntervals"; readonly desiredMinTxMs: number; readonly requiredMinRxMs: number }
  /** One of our Echo packets came back (the driver matched its discriminator). */
  | { readonly type: "echo" };

/** An instruction from a {@link BfdSession}. Execute them in the order given. */
export type BfdAction =
  /** Encode and send this Control packet to the peer. */
  | { readonly type: "send"; readonly packet: ControlPacket }
  /**
   * The session state changed. `diagnostic` is our new Diag; `remoteAdminDown`
   * is true when the peer took the session down administratively, which a
   * client must not treat as a path failure (RFC 5882 §3.2).
   */
  | { readonly type: "stateChange"; readonly from: BfdState; readonly to: BfdState; readonly diagnostic: number; readonly remoteAdminDown: boolean }
  /** A received packet was discarded (for logs and counters). */
  | { readonly type: "discarded"; readonly reason: string }
  /** Send one Echo packet (§6.4): to ourselves through the peer, which forwards it back. */
  | { readonly type: "sendEcho"; readonly sequence: number };

/** The values a Poll Sequence asks the peer to confirm. */
interface PolledIntervals {
  readonly txUs: number;
  readonly rxUs: number;
}

/** One BFD session (see the module comment). */
export class BfdSession {
  private config: BfdSessionConfig;
  private readonly random: Random;
  private sessionState: BfdState = "Down";
  private remoteState: BfdState = "Down";
  private remoteDiscriminator = 0;
  private localDiagnostic: number = Diagnostic.None;
  /** bfd.DesiredMinTxInterval, as advertised. */
  private desiredTxUs = SLOW_TX_INTERVAL_US;
  /** The TX interval in use: lags {@link desiredTxUs} while a larger value waits for Final. */
  private activeTxUs = SLOW_TX_INTERVAL_US;
  /** bfd.RequiredMinRxInterval, as advertised. */
  private requiredRxUs: number;
  /** The RX interval the Detection Time uses: lags {@link requiredRxUs} while a smaller value waits for Final. */
  private activeRxUs: number;
  private remoteMinRxUs = 1;
  private remoteDesiredTxUs = 0;
  private remoteDetectMult = 0;
  private polling: PolledIntervals | undefined;
  private started = false;
  private nextTransmitAt: number | undefined;
  private detectionAt: number | undefined;
  /** bfd.RemoteMinEchoRxInterval-like: the peer's Required Min Echo RX Interval, µs (0: it loops none). */
  private remoteEchoRxUs = 0;
  private echoSequence = 0;
  private nextEchoAt: number | undefined;
  private echoDetectionAt: number | undefined;
  /** Set when a periodic packet is due at the end of the current event (state change, new Poll). */
  private transmitDue = false;
  private actions: BfdAction[] = [];
  private now: number;

  constructor(options: BfdSessionOptions, now: number) {
    this.config = checkBfdSessionConfig(options.config);
    this.random = options.random;
    this.requiredRxUs = this.config.requiredMinRxMs * 1000;
    this.activeRxUs = this.requiredRxUs;
    this.now = now;
  }

  /** bfd.LocalDiscr. */
  get localDiscriminator(): number {
    return this.config.localDiscriminator;
  }

  /** bfd.SessionState. */
  get state(): BfdState {
    return this.sessionState;
  }

  /** bfd.RemoteSessionState: the state in the peer's last packet (Down before any). */
  get remoteSessionState(): BfdState {
    return this.remoteState;
  }

  /** bfd.LocalDiag: the reason of the last state change. */
  get diagnostic(): number {
    return this.localDiagnostic;
  }

  /** bfd.RemoteDiscr: the peer's discriminator, 0 while unknown. */
  get remoteDiscriminatorValue(): number {
    return this.remoteDiscriminator;
  }

  /** True while a Poll Sequence waits for the peer's Final. */
  get pollInProgress(): boolean {
    return this.polling !== undefined;
  }

  /** The Detection Time in use, ms, or undefined before the peer's first packet. */
  get detectionTimeMs(): number | undefined {
    return this.remoteDetectMult === 0 ? undefined : (this.remoteDetectMult * Math.max(this.activeRxUs, this.remoteDesiredTxUs)) / 1000;
  }

  /** The TX interval before jitter, ms. */
  get transmitIntervalMs(): number {
    return Math.max(this.activeTxUs, this.remoteMinRxUs) / 1000;
  }

  /** The Echo transmit interval in use, ms, or undefined while the Echo function is not active. */
  get echoIntervalMs(): number | undefined {
    const ours = this.config.echoIntervalMs;
    if (ours === undefined || this.remoteEchoRxUs === 0 || this.sessionState !== "Up") return undefined;
    return Math.max(ours, this.remoteEchoRxUs / 1000);
  }

  /** When to feed the next `timer` event (ms, same clock as `now`), or undefined when nothing is due. */
  get deadline(): number | undefined {
    const due = [this.nextTransmitAt, this.detectionAt, this.nextEchoAt, this.echoDetectionAt].filter((t): t is number => t !== undefined);
    return due.length === 0 ? undefined : Math.min(...due);
  }

  /** Processes one event at time `now` (ms) and returns what to do. */
  handle(event: BfdEvent, now: number): BfdAction[] {
    this.now = now;
    this.actions = [];
    this.transmitDue = false;
    switch (event.type) {
      case "start":
        if (!this.started) {
          this.started = true;
          this.transmitDue = true;
        }
        break;
      case "packet":
        this.receive(event.packet, event.ttl);
        break;
      case "timer":
        this.expire();
        break;
      case "adminDown":
        if (this.sessionState !== "AdminDown") {
          this.detectionAt = undefined;
          this.goto("AdminDown", Diagnostic.AdministrativelyDown, false);
          this.transmitDue = true;
        }
        break;
      case "adminUp":
        if (this.sessionState === "AdminDown") {
          this.goto("Down", Diagnostic.None, false);
          this.transmitDue = true;
        }
        break;
      case "echo":
        if (this.echoDetectionAt !== undefined) this.echoDetectionAt = this.now + this.config.detectMultiplier * this.echoIntervalMs!;
        break;
      case "setIntervals":
        checkInteger("desiredMinTxMs", event.desiredMinTxMs, 1, MAX_INTERVAL_MS);
        checkInteger("requiredMinRxMs", event.requiredMinRxMs, 1, MAX_INTERVAL_MS);
        this.config = { ...this.config, desiredMinTxMs: event.desiredMinTxMs, requiredMinRxMs: event.requiredMinRxMs };
        this.changeIntervals(this.desiredTxFor(this.sessionState), event.requiredMinRxMs * 1000);
        break;
    }
    if (this.transmitDue) this.transmitNow();
    this.updateEcho();
    return this.actions;
  }

  /** Starts or stops the Echo function as it becomes active or not (§6.8.9), and sends the Echo packets that are due. */
  private updateEcho(): void {
    const interval = this.echoIntervalMs;
    if (interval === undefined) {
      this.nextEchoAt = undefined;
      this.echoDetectionAt = undefined;
      return;
    }
    if (this.echoDetectionAt === undefined) {
      this.echoDetectionAt = this.now + this.config.detectMultiplier * interval;
      this.nextEchoAt = this.now;
    }
    if (this.nextEchoAt !== undefined && this.now >= this.nextEchoAt) {
      this.emit({ type: "sendEcho", sequence: (this.echoSequence = (this.echoSequence + 1) >>> 0) });
      this.nextEchoAt = this.now + interval;
    }
  }

  /** §6.8.3: the configured TX interval once Up, at least one second before. */
  private desiredTxFor(state: BfdState): number {
    const configured = this.config.desiredMinTxMs * 1000;
    return state === "Up" ? configured : Math.max(SLOW_TX_INTERVAL_US, configured);
  }

  private emit(action: BfdAction): void {
    this.actions.push(action);
  }

  /** §6.8.7: may we send at all? */
  private mayTransmit(): boolean {
    return this.started && !(this.config.passive && this.remoteDiscriminator === 0) && this.remoteMinRxUs !== 0;
  }

  private packet(final: boolean): ControlPacket {
    return {
      diagnostic: this.localDiagnostic,
      state: this.sessionState,
      poll: this.polling !== undefined && !final,
      final,
      controlPlaneIndependent: false,
      demand: false,
      detectMult: this.config.detectMultiplier,
      myDiscriminator: this.config.localDiscriminator,
      yourDiscriminator: this.remoteDiscriminator,
      desiredMinTxUs: this.desiredTxUs,
      requiredMinRxUs: this.requiredRxUs,
      requiredMinEchoRxUs: (this.config.echoIntervalMs ?? 0) * 1000,
    };
  }

  private jitteredIntervalMs(): number {
    const jitter = this.config.detectMultiplier === 1 ? { min: 0.75, max: 0.9 } : { min: 0.75, max: 1.0 };
    return Math.max(1, jittered(this.transmitIntervalMs, jitter, this.random));
  }

  /** Sends a periodic packet now (when allowed) and schedules the next one. */
  private transmitNow(): void {
    if (!this.mayTransmit()) {
      this.nextTransmitAt = undefined;
      return;
    }
    this.emit({ type: "send", packet: this.packet(false) });
    this.nextTransmitAt = this.now + this.jitteredIntervalMs();
  }

  /** After the TX interval changed: bring the next packet forward if the new interval is due sooner. */
  private rescheduleTransmit(): void {
    if (!this.mayTransmit()) {
      this.nextTransmitAt = undefined;
      return;
    }
    const next = this.now + this.jitteredIntervalMs();
    if (this.nextTransmitAt === undefined || next < this.nextTransmitAt) this.nextTransmitAt = next;
  }

  private expire(): void {
    if (this.echoDetectionAt !== undefined && this.now >= this.echoDetectionAt) {
      this.nextEchoAt = undefined;
      this.echoDetectionAt = undefined;
      this.goto("Down", Diagnostic.EchoFunctionFailed, false);
      this.transmitDue = true;
      return;
    }
    if (this.detectionAt !== undefined && this.now >= this.detectionAt) {
      this.detectionAt = undefined;
      this.remoteDiscriminator = 0;
      this.remoteState = "Down";
      this.remoteMinRxUs = 1;
      this.remoteDesiredTxUs = 0;
      this.remoteDetectMult = 0;
      this.remoteEchoRxUs = 0;
      if (this.sessionState === "Init" || this.sessionState === "Up") {
        this.goto("Down", Diagnostic.ControlDetectionTimeExpired, false);
        this.transmitDue = true;
        return;
      }
      if (!this.mayTransmit()) this.nextTransmitAt = undefined;
      else if (this.nextTransmitAt === undefined) this.transmitDue = true;
    }
    if (this.nextTransmitAt !== undefined && this.now >= this.nextTransmitAt) this.transmitNow();
  }

  /** RFC 5880 §6.8.6, after the checks {@link decodeControlPacket} made. */
  private receive(packet: ControlPacket, ttl: number | undefined): void {
    if (ttl !== undefined && ttl !== BFD_SINGLE_HOP_TTL) return this.emit({ type: "discarded", reason: `TTL ${ttl}, single-hop BFD requires 255 (GTSM)` });
    if (packet.yourDiscriminator !== 0 && packet.yourDiscriminator !== this.config.localDiscriminator) {
      return this.emit({ type: "discarded", reason: `Your Discriminator ${packet.yourDiscriminator} is not ours (${this.config.localDiscriminator})` });
    }
    if (packet.authentication) return this.emit({ type: "discarded", reason: "authentication section present, none configured" });
    if (!this.started) return this.emit({ type: "discarded", reason: "session not started" });

    const wasTransmitting = this.mayTransmit();
    const previousIntervalMs = this.transmitIntervalMs;
    this.remoteDiscriminator = packet.myDiscriminator;
    this.remoteState = packet.state;
    this.remoteMinRxUs = packet.requiredMinRxUs;
    this.remoteDesiredTxUs = packet.desiredMinTxUs;
    this.remoteDetectMult = packet.detectMult;
    this.remoteEchoRxUs = packet.requiredMinEchoRxUs;
    if (packet.final && this.polling) this.pollConfirmed(this.polling);
    if (this.sessionState === "AdminDown") {
      this.detectionAt = undefined;
      return;
    }
    this.detectionAt = this.now + this.detectionTimeMs!;

    const before = this.sessionState;
    this.transition(packet.state);
    if (packet.poll) this.emit({ type: "send", packet: this.packet(true) });
    if (!this.mayTransmit()) {
      this.nextTransmitAt = undefined;
    } else if (this.sessionState !== before || !wasTransmitting) {
      this.transmitDue = true;
    } else if (this.transmitIntervalMs !== previousIntervalMs) {
      this.rescheduleTransmit();
    }
  }

  /** The state table of §6.8.6 for a packet from the peer in state `remote`. */
  private transition(remote: BfdState): void {
    if (remote === "AdminDown") {
      if (this.sessionState !== "Down") this.goto("Down", Diagnostic.NeighborSignaledSessionDown, true);
      return;
    }
    switch (this.sessionState) {
      case "Down":
        if (remote === "Down") this.goto("Init", Diagnostic.None, false);
        else if (remote === "Init") this.goto("Up", Diagnostic.None, false);
        break;
      case "Init":
        if (remote === "Init" || remote === "Up") this.goto("Up", Diagnostic.None, false);
        break;
      case "Up":
        if (remote === "Down") this.goto("Down", Diagnostic.NeighborSignaledSessionDown, false);
        break;
    }
  }

  private goto(to: BfdState, diagnostic: number, remoteAdminDown: boolean): void {
    const from = this.sessionState;
    this.sessionState = to;
    this.localDiagnostic = diagnostic;
    this.emit({ type: "stateChange", from, to, diagnostic, remoteAdminDown });
    if (from === "Up") this.polling = undefined;
    this.changeIntervals(this.desiredTxFor(to), this.requiredRxUs);
  }

  /**
   * §6.8.3: new advertised intervals. While Up, changes that shorten what
   * the peer may expect of us (a longer TX, a shorter RX) wait for the Poll
   * Sequence; the others apply at once. While not Up everything applies at once.
   */
  private changeIntervals(txUs: number, rxUs: number): void {
    if (txUs === this.desiredTxUs && rxUs === this.requiredRxUs) return;
    this.desiredTxUs = txUs;
    this.requiredRxUs = rxUs;
    if (this.sessionState !== "Up") {
      this.activeTxUs = txUs;
      this.activeRxUs = rxUs;
      return;
    }
    this.activeTxUs = Math.min(this.activeTxUs, txUs);
    this.activeRxUs = Math.max(this.activeRxUs, rxUs);
    if (this.polling === undefined) this.startPoll();
  }

  private startPoll(): void {
    this.polling = { txUs: this.desiredTxUs, rxUs: this.requiredRxUs };
    this.transmitDue = true;
  }

  /** The peer's Final confirms `polled`; a change made since starts the next Poll Sequence. */
  private pollConfirmed(polled: PolledIntervals): void {
    this.polling = undefined;
    this.activeTxUs = Math.min(polled.txUs, this.desiredTxUs);
    this.activeRxUs = Math.max(polled.rxUs, this.requiredRxUs);
    if (polled.txUs !== this.desiredTxUs || polled.rxUs !== this.requiredRxUs) this.startPoll();
  }
}
