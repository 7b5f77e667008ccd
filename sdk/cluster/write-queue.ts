/**
 * The speaker's status writes (Service status, BGPAdvertisedRoutes, their
 * Events) as a bounded pool of concurrent API requests that coalesces by
 * object: a newer desired state of an object replaces its queued one, and
 * a state already queued, being written or just written is not queued
 * again. A failed write is reported and dropped; the next reconcile, which
 * still sees the object out of date, submits it again. Writes submitted as
 * `later` (reports, Events) start only when no other write waits, so a
 * burst of reports never delays what the data path waits for (Service
 * addresses); with a quiet time they also wait until the `first` writes
 * have been done for that long, so during a burst of Service creates the
 * API server spends itself on the creates and the addresses, and the
 * reports follow when the burst is over (each waits at most its maximum
 * wait). A queue given a `mayWrite` check drops what it holds queued once
 * the check fails (its speaker is no longer the writer).
 */

/** How long a state written successfully counts as current, while the informer catches up with the write. */
export const SETTLE_MS = 5_000;

/**
 * How the allocator leader (either mode) paces its writes: this many in
 * flight, and its reports (BGPAdvertisedRoutes, Events) only once it has
 * written no Service address for this long — in a burst of 1,000 creates
 * they doubled the API server's work while the creates and the addresses,
 * which the data path waits for, were still going on.
 */
export const ALLOCATOR_WRITE_PACING = { concurrency: 16, laterQuietMs: 1_000 } as const;

/** The settled-state memory is pruned once it holds more than this many objects (or twice what the last pruning kept). */
const PRUNE_MIN = 1_024;

interface Job {
  readonly state: string;
  readonly what: string;
  readonly write: () => Promise<void>;
  /** When it was queued (the newest submission of its key). */
  readonly since: number;
}

/** How a {@link WriteQueue} paces its writes. */
export interface WriteQueueOptions {
  /** At most this many writes in flight at once. */
  readonly concurrency: number;
  /** Told of each write that threw (what, error); the write is not retried. */
  readonly failed: (what: string, error: unknown) => void;
  /** The clock (tests give their own); default `Date.now`. */
  readonly now?: () => number;
  /** Checked before each write starts; when false, every queued write is dropped. Default: always true. */
  readonly mayWrite?: () => boolean;
  /**
   * `later` writes start only once no `first` write has been queued or in
   * flight for this long (default 0: as soon as none is).
   */
  readonly laterQuietMs?: number;
  /** A `later` write that has waited this long starts even while `first` writes go on (default 15 s). */
  readonly laterMaxWaitMs?: number;
}

/** When a write starts: `first` ahead of every `later` one. */
export type WritePriority = "first" | "later";

/** A bounded, coalescing pool of API writes keyed by object. */
export class WriteQueue {
  private readonly queued = { first: new Map<string, Job>(), later: new Map<string, Job>() };
  private readonly writing = new Map<string, string>();
  private readonly settled = new Map<string, { state: string; at: number }>();
  private readonly waiters: (() => void)[] = [];
  private pruneAt = PRUNE_MIN;
  private readonly concurrency: number;
  private readonly failed: (what: string, error: unknown) => void;
  private readonly now: () => number;
  private readonly mayWrite: () => boolean;
  private readonly laterQuietMs: number;
  private readonly laterMaxWaitMs: number;
  /** `first` writes in flight. */
  private firstWriting = 0;
  /** When the last `first` write was queued or ended. */
  private firstActiveAt = -Infinity;
  /** Wakes the pump when held `later` writes may start. */
  private laterTimer: { at: number; timer: NodeJS.Timeout } | undefined;

  constructor(options: WriteQueueOptions) {
    const { concurrency, laterQuietMs = 0, laterMaxWaitMs = 15_000 } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number ≥ 1, got ${concurrency}`);
    if (!(laterQuietMs >= 0) || !(laterMaxWaitMs >= 0))
      throw new RangeError(`laterQuietMs and laterMaxWaitMs must be ≥ 0, got ${laterQuietMs} and ${laterMaxWaitMs}`);
    this.concurrency = concurrency;
    this.failed = options.failed;
    this.now = options.now ?? Date.now;
    this.mayWrite = options.mayWrite ?? (() => true);
    this.laterQuietMs = laterQuietMs;
    this.laterMaxWaitMs = laterMaxWaitMs;
  }

  /** Writes queued and not yet started. */
  get pending(): number {
    return this.queued.first.size + this.queued.later.size;
  }

  /** Writes in flight. */
  get active(): number {
    return this.writing.size;
  }

  /**
   * Queues `write`, which brings object `key` to `state` (any text that
   * identifies the desired state). Nothing is queued when that state is
   * already queued, being written, or was written less than
   * {@link SETTLE_MS} ago; a queued write of another state for the same key
   * is replaced. A key being written with another state is written again
   * afterwards, so the last state submitted is the one that lands.
   */
  submit(key: string, state: string, what: string, write: () => Promise<void>, priority: WritePriority = "first"): void {
    const queued = this.queued.first.get(key) ?? this.queued.later.get(key);
    if ((queued?.state === state && this.queued[priority].has(key)) || this.writing.get(key) === state) return;
    const settled = this.settled.get(key);
    if (settled?.state === state && this.now() - settled.at < SETTLE_MS && !queued && !this.writing.has(key)) return;
    const now = this.now();
    if (priority === "first") this.firstActiveAt = now;
    // a newer state keeps its key's place (and wait) in the queue of its priority; a key changing priority joins the end of the other
    const kept = this.queued[priority].get(key);
    this.queued[priority === "first" ? "later" : "first"].delete(key);
    this.queued[priority].set(key, { state, what, write, since: kept?.since ?? now });
    this.pump();
  }

  /** Drops every queued write (the ones in flight finish); used when this speaker stops being the writer. */
  clear(): void {
    this.queued.first.clear();
    this.queued.later.clear();
    this.settled.clear();
    clearTimeout(this.laterTimer?.timer);
    this.laterTimer = undefined;
    this.wake();
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.pending === 0 && this.writing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private pump(): void {
    while (this.writing.size < this.concurrency && this.pending > 0) {
      if (!this.mayWrite()) {
        this.clear();
        return;
      }
      const next = this.next("first") ?? this.next("later", this.laterMayStartSince());
      if (next === undefined) return;
      const [key, job, priority] = next;
      this.queued[priority].delete(key);
      this.writing.set(key, job.state);
      void this.run(key, job, priority);
    }
  }

  /**
   * `later` writes queued at or before the returned time may start now:
   * every one once the `first` writes have been quiet for the quiet time,
   * else those that have waited the maximum wait. When some are held, a
   * timer runs the pump again when the next may start.
   */
  private laterMayStartSince(): number {
    const now = this.now();
    // with no quiet time only queued first writes hold later ones back; with one, first writes in flight too
    const busy = this.queued.first.size > 0 || (this.laterQuietMs > 0 && this.firstWriting > 0);
    const quietFrom = this.firstActiveAt + this.laterQuietMs;
    if (!busy && now >= quietFrom) return Infinity;
    const oldest = this.queued.later.values().next().value?.since;
    if (oldest === undefined) return -Infinity;
    // while first writes are in flight their end runs the pump; otherwise the end of the quiet time does
    const at = Math.min(oldest + this.laterMaxWaitMs, busy ? Infinity : quietFrom);
    if (this.laterTimer === undefined || at < this.laterTimer.at) {
      clearTimeout(this.laterTimer?.timer);
      const timer = setTimeout(
        () => {
          this.laterTimer = undefined;
          this.pump();
        },
        Math.max(0, at - now),
      );
      timer.unref();
      this.laterTimer = { at, timer };
    }
    return now - this.laterMaxWaitMs;
  }

  /** The oldest queued write of a priority whose key is not being written (at most `concurrency` keys are skipped), queued at or before `since`. */
  private next(priority: WritePriority, since = Infinity): [string, Job, WritePriority] | undefined {
    for (const [key, job] of this.queued[priority]) {
      if (job.since > since) return undefined;
      if (!this.writing.has(key)) return [key, job, priority];
    }
    return undefined;
  }

  private async run(key: string, job: Job, priority: WritePriority): Promise<void> {
    if (priority === "first") this.firstWriting++;
    try {
      await job.write();
      this.settled.set(key, { state: job.state, at: this.now() });
      if (this.settled.size > this.pruneAt) this.prune();
    } catch (error) {
      this.settled.delete(key);
      this.failed(job.what, error);
    } finally {
      if (priority === "first") {
        this.firstWriting--;
        this.firstActiveAt = this.now();
      }
      this.writing.delete(key);
      this.pump();
      this.wake();
    }
  }

  /** Forgets states written longer than {@link SETTLE_MS} ago, so the memory stays bounded by the recent writes. */
  private prune(): void {
    const now = this.now();
    for (const [key, { at }] of this.settled) if (now - at >= SETTLE_MS) this.settled.delete(key);
    this.pruneAt = Math.max(PRUNE_MIN, 2 * this.settled.size);
  }

  private wake(): void {
    if (this.pending > 0 || this.writing.size > 0) return;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
