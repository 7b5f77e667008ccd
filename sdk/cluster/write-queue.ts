/**
 * The speaker's status writes (Service status, BGPAdvertisedRoutes, their
 * Events) as a bounded pool of concurrent API requests that coalesces by
 * object: a newer desired state of an object replaces its queued one, and
 * a state already queued, being written or just written is not queued
 * again. A failed write is reported and dropped; the next reconcile, which
 * still sees the object out of date, submits it again. Writes submitted as
 * `later` (reports, Events) start only when no other write waits, so a
 * burst of reports never delays what the data path waits for (Service
 * addresses). A queue given a `mayWrite` check drops what it holds queued
 * once the check fails (its speaker is no longer the writer).
 */

/** How long a state written successfully counts as current, while the informer catches up with the write. */
export const SETTLE_MS = 5_000;

/** The settled-state memory is pruned once it holds more than this many objects (or twice what the last pruning kept). */
const PRUNE_MIN = 1_024;

interface Job {
  readonly state: string;
  readonly what: string;
  readonly write: () => Promise<void>;
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

  /**
   * @param concurrency at most this many writes in flight at once
   * @param failed told of each write that threw (what, error); the write is not retried
   * @param now the clock (tests give their own)
   * @param mayWrite checked before each write starts; when false, every queued write is dropped
   */
  constructor(
    private readonly concurrency: number,
    private readonly failed: (what: string, error: unknown) => void,
    private readonly now: () => number = Date.now,
    private readonly mayWrite: () => boolean = () => true,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number ≥ 1, got ${concurrency}`);
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
    this.queued.first.delete(key);
    this.queued.later.delete(key);
    this.queued[priority].set(key, { state, what, write });
    this.pump();
  }

  /** Drops every queued write (the ones in flight finish); used when this speaker stops being the writer. */
  clear(): void {
    this.queued.first.clear();
    this.queued.later.clear();
    this.settled.clear();
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
      const next = this.next("first") ?? this.next("later");
      if (next === undefined) return;
      const [key, job, priority] = next;
      this.queued[priority].delete(key);
      this.writing.set(key, job.state);
      void this.run(key, job);
    }
  }

  /** The oldest queued write of a priority whose key is not being written (at most `concurrency` keys are skipped). */
  private next(priority: WritePriority): [string, Job, WritePriority] | undefined {
    for (const [key, job] of this.queued[priority]) if (!this.writing.has(key)) return [key, job, priority];
    return undefined;
  }

  private async run(key: string, job: Job): Promise<void> {
    try {
      await job.write();
      this.settled.set(key, { state: job.state, at: this.now() });
      if (this.settled.size > this.pruneAt) this.prune();
    } catch (error) {
      this.settled.delete(key);
      this.failed(job.what, error);
    } finally {
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
