/**
 * The Leases of one GKE-mode speaker: its presence Lease, the floating-IP
 * Leases it holds and the allocator Lease. Others' Leases are judged by
 * local observation ({@link LeaseObserver}); ours by our own writes. Every
 * write carries the resourceVersion last seen, so of two speakers writing
 * one Lease only one succeeds (409 Conflict for the other), and the writes
 * of one Lease go one at a time, so a renewal and a release never race on
 * one version. Writes of different Leases run side by side: a slow API
 * server delays each renewal by one round trip, not by one per Lease held.
 *
 * How long a write keeps a Lease ours is measured from when the write was
 * sent: another speaker starts its expiry clock only when it sees the
 * version, which the API server stored after we sent it, so it cannot take
 * the Lease before `sent + duration` on our clock ({@link NodeLeases.current}).
 */
import type { CoordinationV1Api, V1Lease } from "@kubernetes/client-node";
import { statusOf, writeLease } from "./kube";
import { LEASE_LABEL, LEASE_LABEL_VALUE, LeaseObserver, leaseRecord } from "./leases";

/** Where the Leases live, who we are, and how we read and write them. */
export interface NodeLeasesOptions {
  readonly coordination: CoordinationV1Api;
  readonly namespace: string;
  /** This speaker's identity: its node name. */
  readonly identity: string;
  /** The duration written into our Lease of this name, seconds. */
  readonly durationOf: (name: string) => number;
  /** The Lease of this name as the watch shows it now (undefined: none). */
  readonly observed: (name: string) => V1Lease | undefined;
  /** Milliseconds on the local clock. @default Date.now */
  readonly clock?: () => number;
}

interface OwnLease {
  /** The Lease as our last successful write returned it. */
  readonly lease: V1Lease;
  /** When that write was sent (ms, local clock). */
  readonly sentAt: number;
}

/** Acquires, renews and releases one speaker's Leases; tells who holds any of them. */
export class NodeLeases {
  private readonly observer = new LeaseObserver();
  private readonly own = new Map<string, OwnLease>();
  private readonly clock: () => number;
  /** Per Lease name, the last write queued (settled or not); an entry goes once its write settles with none queued after it. */
  private readonly writes = new Map<string, Promise<unknown>>();

  constructor(private readonly options: NodeLeasesOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Names of the Leases we hold, as of our last writes. */
  get names(): string[] {
    return [...this.own.keys()];
  }

  /** Records every Lease as the watch shows it now; expiry of others' Leases is counted from here. */
  observe(leases: Iterable<V1Lease>): void {
    const now = this.clock();
    for (const lease of leases) this.observer.observe(leaseRecord(lease), now);
  }

  /**
   * Forgets the observations, so every Lease counts as just renewed when it
   * is next seen: called while the API server cannot be reached (nobody can
   * renew then, and nobody must lose a Lease for it).
   */
  reset(): void {
    this.observer.reset();
  }

  /** Whether we hold the Lease: our last write of it succeeded and no write since failed with a conflict. */
  holds(name: string): boolean {
    return this.own.has(name);
  }

  /**
   * Whether we hold the Lease and may still act on it: our last successful
   * write was sent less than `fraction` of the Lease's duration ago. With
   * `fraction` < 1 we stop before any other speaker can take the Lease,
   * even when our renewals fail because only we cannot reach the API server.
   */
  current(name: string, fraction: number): boolean {
    const own = this.own.get(name);
    return own !== undefined && this.clock() - own.sentAt < fraction * this.options.durationOf(name) * 1000;
  }

  /** The holder of a Lease: ourselves from our own writes, others from observation; undefined when free or expired. */
  holderOf(name: string): string | undefined {
    if (this.own.has(name)) return this.options.identity;
    const lease = this.options.observed(name);
    return this.observer.holder(lease && leaseRecord(lease), this.clock());
  }

  /**
   * Takes a Lease nobody else holds; resolves to whether we hold it. A Lease
   * held in our own name is taken over at once: it belonged to this node's
   * previous speaker process (one speaker per node). API errors other than
   * a lost race (409, 404) are thrown.
   */
  async acquire(name: string): Promise<boolean> {
    if (this.own.has(name)) return true;
    const holder = this.holderOf(name);
    if (holder !== undefined && holder !== this.options.identity) return false;
    return this.write(name, this.options.identity, false);
  }

  /**
   * Leader election on one Lease: takes it when free ({@link acquire}) and
   * resolves to whether to act as its leader now, which needs the Lease held
   * and {@link current} for `fraction` of its duration. A holder whose
   * renewals fail (only it cannot reach the API server) stops acting before
   * anyone else can take the Lease: two leaders never act at once.
   */
  async lead(name: string, fraction: number): Promise<boolean> {
    return (await this.acquire(name)) && this.current(name, fraction);
  }

  /**
   * Renews a Lease we hold; false when another speaker took it meanwhile
   * (409, 404), true when renewed or released by us before the renewal's
   * turn came. API errors are thrown, and we keep what we hold.
   */
  renew(name: string): Promise<boolean> {
    return this.write(name, this.options.identity, true);
  }

  /** Gives a Lease back (holder emptied), so another speaker can take it at once; forgotten even when the write fails. */
  async release(name: string): Promise<void> {
    try {
      await this.write(name, undefined, false);
    } finally {
      this.own.delete(name);
    }
  }

  /** Writes one of our Leases (acquire, renew, or release with `undefined`), after the writes of that Lease queued before it. */
  private write(name: string, holder: string | undefined, renewal: boolean): Promise<boolean> {
    const work = async (): Promise<boolean> => {
      // a renewal queued before a release must not take the Lease back
      if (renewal && !this.own.has(name)) return true;
      if (holder === undefined && !this.own.has(name)) return true;
      // an acquisition was decided before its write waited its turn: another node may have taken the Lease since
      if (holder !== undefined && !this.own.has(name)) {
        const now = this.holderOf(name);
        if (now !== undefined && now !== holder) return false;
      }
      const { coordination, namespace, durationOf } = this.options;
      const current = this.own.get(name)?.lease ?? this.options.observed(name);
      const sentAt = this.clock();
      try {
        const written = await writeLease(coordination, namespace, name, { [LEASE_LABEL]: LEASE_LABEL_VALUE }, holder, durationOf(name), current);
        if (holder === undefined) this.own.delete(name);
        else this.own.set(name, { lease: written, sentAt });
        return true;
      } catch (error) {
        if (statusOf(error) === 409 || statusOf(error) === 404) {
          this.own.delete(name);
          return false;
        }
        throw error;
      }
    };
    const result = (this.writes.get(name) ?? Promise.resolve()).then(work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.writes.set(name, settled);
    void settled.then(() => {
      if (this.writes.get(name) === settled) this.writes.delete(name);
    });
    return result;
  }
}
