/**
 * One leader Lease (coordination.k8s.io) held by one of many speakers: the
 * MetalLB-mode allocator, which alone writes Service addresses. Expiry is
 * judged by local observation ({@link LeaseObserver}); writes carry the
 * resourceVersion seen, so two candidates never both win. A Lease held in
 * this speaker's own name belonged to its previous process and is taken
 * over at once.
 */
import type { CoordinationV1Api, V1Lease } from "@kubernetes/client-node";
import { statusOf, writeLease } from "./kube";
import { LEASE_LABEL, LEASE_LABEL_VALUE, LeaseObserver, leaseRecord } from "./leases";

/** Where the Lease lives and who we are. */
export interface LeaderLeaseOptions {
  readonly coordination: CoordinationV1Api;
  readonly namespace: string;
  readonly name: string;
  /** This speaker's identity (its node name). */
  readonly identity: string;
  readonly durationSeconds: number;
}

/** Acquires, renews and releases one Lease; writes are made one at a time. */
export class LeaderLease {
  private readonly observer = new LeaseObserver();
  private own: V1Lease | undefined;
  /** When we last wrote the Lease (ms). */
  private writtenAt = 0;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LeaderLeaseOptions) {}

  /** Whether we hold the Lease (as of our last successful write). */
  get held(): boolean {
    return this.own !== undefined;
  }

  /**
   * Whether we may act as the leader at `now`: we hold the Lease and our last
   * successful write of it was sent less than `fraction` of its duration
   * ago, so what we start now lands before another candidate may take over.
   */
  acting(now: number, fraction: number): boolean {
    return this.own !== undefined && now - this.writtenAt < this.options.durationSeconds * 1000 * fraction;
  }

  /** Records the Lease as the watch shows it now (`undefined`: none yet). */
  observe(lease: V1Lease | undefined, now: number): void {
    if (lease) this.observer.observe(leaseRecord(lease), now);
  }

  /** Forgets observations (API server unreachable: nobody can renew, nobody expires). */
  reset(): void {
    this.observer.reset();
  }

  /**
   * Renews the Lease when we hold it (at most four times per duration, however
   * often it is called), takes it when it is free or expired; resolves to
   * whether we hold it. API errors other than a lost race are
   * thrown (and we keep what we held).
   */
  hold(observed: V1Lease | undefined, now: number): Promise<boolean> {
    return this.queue(async () => {
      const { identity, durationSeconds } = this.options;
      if (this.own && now - this.writtenAt < (durationSeconds * 1000) / 4) return true;
      if (!this.own) {
        const holder = this.observer.holder(observed && leaseRecord(observed), now);
        if (holder !== undefined && holder !== identity) return false;
      }
      try {
        this.own = await this.write(identity, this.own ?? observed);
        this.writtenAt = now;
        return true;
      } catch (error) {
        if (statusOf(error) === 409 || statusOf(error) === 404) {
          this.own = undefined;
          return false;
        }
        throw error;
      }
    });
  }

  /** Gives the Lease back (holder emptied) when we hold it, so another speaker takes over at once. */
  release(): Promise<void> {
    return this.queue(async () => {
      if (!this.own) return;
      const own = this.own;
      this.own = undefined;
      await this.write(undefined, own).catch(() => undefined);
    });
  }

  private write(holder: string | undefined, current: V1Lease | undefined): Promise<V1Lease> {
    const { coordination, namespace, name, durationSeconds } = this.options;
    return writeLease(coordination, namespace, name, { [LEASE_LABEL]: LEASE_LABEL_VALUE }, holder, durationSeconds, current);
  }

  private queue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.writes.then(work);
    this.writes = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
