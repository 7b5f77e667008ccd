/**
 * Timer model of the BGP FSM (RFC 4271 §8 and §10): the timer names, how
 * long each runs, jitter, and the reconnect backoff. Pure functions: the
 * caller injects randomness, nothing here reads a clock.
 */

/** The FSM timers (RFC 4271 §8.1 and §10; DelayOpenTimer is not implemented). */
export type TimerName = "ConnectRetryTimer" | "HoldTimer" | "KeepaliveTimer" | "IdleHoldTimer";

/** Every {@link TimerName}, in a fixed order (for iteration and tests). */
export const TIMER_NAMES: readonly TimerName[] = ["ConnectRetryTimer", "HoldTimer", "KeepaliveTimer", "IdleHoldTimer"];

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
 * hold time is 0 (no keepalives).
 */
export function keepaliveBaseMs(holdTimeSeconds: number): number {
  return Math.floor((holdTimeSeconds * 1000) / 3);
}
