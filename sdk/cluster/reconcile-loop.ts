/**
 * When a speaker reconciles: at most one reconcile runs at a time; asked
 * again while one runs, it runs once more afterwards (however often it was
 * asked). Changes that come in bursts (Services, EndpointSlices) ask
 * through {@link ReconcileLoop.soon}, which gathers them for a moment, so a
 * burst of 1,000 creates is planned in a few reconciles rather than one per
 * event (each plan covers every Service).
 */

/**
 * How long the speakers gather Service (and EndpointSlice) changes: in a
 * burst of 1,000 creates a plan per event (each over every Service) made
 * hundreds of plans and their garbage grew the heap by 200 MiB.
 */
export const BURST_BATCH_MS = 250;

/** How a {@link ReconcileLoop} runs. */
export interface ReconcileLoopOptions {
  /** How long {@link ReconcileLoop.soon} gathers changes before it asks for a reconcile. */
  readonly batchMs: number;
  /** Told of a reconcile that threw. */
  readonly failed: (error: Error) => void;
  /** Told once per reconcile that has been running longer than `slowMs` when it is asked again. */
  readonly slow?: (runningMs: number) => void;
  readonly slowMs?: number;
}

/** Runs `reconcile` one at a time, coalescing requests. */
export class ReconcileLoop {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private batch: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private slowReported = false;

  constructor(
    private readonly reconcile: () => Promise<void>,
    private readonly options: ReconcileLoopOptions,
  ) {}

  /** Reconciles now, or once more after the reconcile running. */
  now(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      const runningMs = Date.now() - this.startedAt;
      if (this.options.slow && runningMs > (this.options.slowMs ?? Infinity) && !this.slowReported) {
        this.slowReported = true;
        this.options.slow(runningMs);
      }
      return;
    }
    this.startedAt = Date.now();
    this.slowReported = false;
    this.running = this.reconcile()
      .catch((error: Error) => this.options.failed(error))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.now();
        }
      });
  }

  /** Reconciles {@link ReconcileLoopOptions.batchMs} after the first of a run of calls. */
  soon(): void {
    if (this.batch !== undefined || this.stopped) return;
    this.batch = setTimeout(() => {
      this.batch = undefined;
      this.now();
    }, this.options.batchMs);
  }

  /** No reconcile starts any more (also not one already asked for); resolves once the running one is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.batch);
    await this.running;
  }
}
