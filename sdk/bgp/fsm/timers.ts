/**
 * Timer model of the BGP FSM (RFC 4271 §8 and §10): the timer names, the
 * set of running timers with their deadlines, how long each runs, jitter,
 * and the reconnect backoff. Sans-IO: the caller injects randomness and the
 * current time, nothing here reads a clock.
 */

/** The FSM timers (RFC 4271 §8.1 and §10; DelayOpenTimer is not implemented). */
export type TimerName = "ConnectRetryTimer" | "HoldTimer" | "KeepaliveTimer" | "IdleHoldTimer";

/** Every {@link TimerName}, in a fixed order (for iteration and tests). */
export const TIMER_NAMES: readonly TimerName[] = ["ConnectRetryTimer", "HoldTimer", "KeepaliveTimer", "IdleHoldTimer"];

/**
 * The running timers of one state machine and their deadlines, in the
 * caller's time base (milliseconds, any monotonic origin). The owner asks
 * {@link TimerSet.nextDeadline} when to wake up and, once woken, takes the
 * timers that are due with {@link TimerSet.due}; one OS timer serves them all.
 */
export class TimerSet<Name extends string> {
  private readonly deadlines = new Map<Name, number>();

  /** (Re)starts `name` to run out at `deadline`, replacing a running one. */
  start(name: Name, deadline: number): void {
    this.deadlines.set(name, deadline);
  }

  /** Stops `name`; returns whether it was running. */
  stop(name: Name): boolean {
    return this.deadlines.delete(name);
  }

  /** Whether `name` is running. */
  has(name: Name): boolean {
    return this.deadlines.has(name);
  }

  /** When `name` runs out, or undefined when it is not running. */
  deadline(name: Name): number | undefined {
    return this.deadlines.get(name);
  }

  /** The running timers, in the order they were first started. */
  names(): Name[] {
    return [...this.deadlines.keys()];
  }

  /** How many timers run. */
  get size(): number {
    return this.deadlines.size;
  }

  /** The earliest deadline of all running timers, or undefined when none runs. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const deadline of this.deadlines.values()) if (next === undefined || deadline < next) next = deadline;
    return next;
  }

  /**
   * The timers due at `now` (deadline at or before it) with their deadlines,
   * earliest first (on equal deadlines in start order). They keep running
   * until stopped: the owner stops each as it handles its expiry, and skips
   * one that an earlier expiry stopped or restarted meanwhile.
   */
  due(now: number): { readonly name: Name; readonly deadline: number }[] {
    const due: { name: Name; deadline: number }[] = [];
    for (const [name, deadline] of this.deadlines) if (deadline <= now) due.push({ name, deadline });
    return due.sort((a, b) => a.deadline - b.deadline);
  }
}

/**
 * A source of uniformly distributed numbers in [0, 1), like `Math.random`.
 * Injected so that tests fix the jitter and the daemon supplies real randomness.
 */
export type Random = () => number;

/** Jitter range (RFC 4271 §10): each timer duration is multiplied by a factor drawn uniformly from [min, max]. */
export interface JitterRange {
  /** Smallest factor. @default 0.75 */
  readonly min: number;
  /** Largest factor. @default 1.0 */
  readonly max: number;
}

/** The RFC 4271 §10 default jitter: 0.75 to 1.0. */
export const DEFAULT_JITTER: JitterRange = { min: 0.75, max: 1.0 };

/**
 * Reconnect backoff: after the session drops to Idle because of an error,
 * the FSM waits `initialSeconds * 2^(failures - 1)` (capped at `maxSeconds`,
 * then jittered) before it starts again. The failure count is the
 * ConnectRetryCounter; it resets on Established and on a manual start/stop.
 */
export interface BackoffPolicy {
  /** Wait after the first failure, in seconds. @default 1 */
  readonly initialSeconds: number;
  /** Longest wait, in seconds. @default 120 */
  readonly maxSeconds: number;
}

/** Default backoff: 1 s doubling to 120 s. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialSeconds: 1, maxSeconds: 120 };

/**
 * Multiplies `baseMs` by a factor drawn from `jitter` using `random`, and
 * rounds to whole milliseconds. A base of 0 stays 0.
 */
export function jittered(baseMs: number, jitter: JitterRange, random: Random): number {
  const factor = jitter.min + (jitter.max - jitter.min) * random();
  return Math.round(baseMs * factor);
}

/**
 * The un-jittered backoff before restart number `failures` (1 = first
 * failure), in milliseconds: `initial * 2^(failures-1)`, capped at `max`.
 * A count of 0 or less is treated as 1.
 */
export function backoffBaseMs(failures: number, policy: BackoffPolicy): number {
  const exponent = Math.max(0, failures - 1);
  // 2^31 already exceeds any sane cap; stop doubling there to stay finite.
  const base = policy.initialSeconds * 1000 * 2 ** Math.min(exponent, 31);
  return Math.min(base, policy.maxSeconds * 1000);
}

/** The jittered IdleHoldTimer duration after `failures` consecutive failures, in milliseconds. */
export function backoffMs(failures: number, policy: BackoffPolicy, jitter: JitterRange, random: Random): number {
  return jittered(backoffBaseMs(failures, policy), jitter, random);
}

/**
 * The KeepaliveTimer period for a negotiated hold time (RFC 4271 §4.2:
 * one third of the hold time), before jitter, in milliseconds; 0 when the
 * hold time is 0 (no keepalives). A configured keepalive time is used when
 * shorter (as FRR does with `timers KEEPALIVE HOLD`); 0 sends none.
 */
export function keepaliveBaseMs(holdTimeSeconds: number, configuredSeconds?: number): number {
  const third = Math.floor((holdTimeSeconds * 1000) / 3);
  return configuredSeconds === undefined ? third : Math.min(third, configuredSeconds * 1000);
}
