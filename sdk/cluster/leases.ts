/**
 * coordination.k8s.io Leases: the allocator leader, one per floating IP,
 * and one per speaker (its presence). Whether a Lease is free is judged by
 * local observation, as client-go's leader election does: a holder that has
 * not renewed (the Lease's resourceVersion has not changed) for its
 * duration, measured on our own clock since we saw that version, has lost
 * it. Clock skew between nodes therefore does not matter.
 */
import type { V1Lease } from "@kubernetes/client-node";

/** The parts of a Lease the speaker uses. */
export interface LeaseRecord {
  readonly name: string;
  /** `spec.holderIdentity`; undefined or empty when released. */
  readonly holder: string | undefined;
  /** `spec.leaseDurationSeconds`. */
  readonly durationSeconds: number;
  /** `metadata.resourceVersion`: changes on every renewal. */
  readonly resourceVersion: string;
}

/** The parts of a Lease the speaker uses, as the API returns it. */
export function leaseRecord(lease: V1Lease): LeaseRecord {
  return {
    name: lease.metadata?.name ?? "",
    holder: lease.spec?.holderIdentity || undefined,
    durationSeconds: lease.spec?.leaseDurationSeconds ?? 15,
    resourceVersion: lease.metadata?.resourceVersion ?? "",
  };
}

/** When each Lease version was first seen, on the local clock. */
export class LeaseObserver {
  private readonly seen = new Map<string, { version: string; at: number }>();

  /** Records a Lease as seen at `now` (milliseconds); a new version restarts its clock. */
  observe(lease: LeaseRecord, now: number): void {
    const previous = this.seen.get(lease.name);
    if (!previous || previous.version !== lease.resourceVersion) this.seen.set(lease.name, { version: lease.resourceVersion, at: now });
  }

  /**
   * Forgets every observation, so each Lease counts as just renewed when it
   * is next seen. Called while the API server cannot be reached: a holder
   * cannot renew then either, and must not lose its Lease for that once the
   * API server is back.
   */
  reset(): void {
    this.seen.clear();
  }

  /** Forgets a deleted Lease. */
  forget(name: string): void {
    this.seen.delete(name);
  }

  /**
   * The current holder, or undefined when the Lease is released, or its
   * holder has not renewed within its duration since we saw this version.
   */
  holder(lease: LeaseRecord | undefined, now: number): string | undefined {
    if (!lease || !lease.holder) return undefined;
    const seen = this.seen.get(lease.name);
    const since = seen && seen.version === lease.resourceVersion ? seen.at : now;
    return now - since < lease.durationSeconds * 1000 ? lease.holder : undefined;
  }
}

/** The name of the allocator-leader Lease. */
export const ALLOCATOR_LEASE = "bgplb-allocator";
/**
 * The allocator Lease lasts at least this long (either mode). Its holder
 * only assigns addresses and writes status (nothing on the data path waits
 * for it), and a short Lease was lost within seconds while its holder wrote
 * a burst of 1,000 Services' status to a busy API server, which dropped the
 * queued writes each time. The floating-IP Leases keep `--lease-duration`.
 */
export const ALLOCATOR_LEASE_MIN_SECONDS = 15;
/**
 * The allocator leader writes only while its last successful Lease write was
 * sent less than this part of the Lease's duration ago (client-go's renew
 * deadline is 10 s of a 15 s Lease): in-flight writes then land before
 * another speaker may take the Lease over.
 */
export const ALLOCATOR_ACTS_FRACTION = 2 / 3;

/** The name of the Lease of a floating IP: `bgplb-fip-10-0-1-100`. */
export function floatingIpLeaseName(floatingIP: string): string {
  return `bgplb-fip-${floatingIP.replace(/[.:]/g, "-")}`;
}

/** The name of a speaker's presence Lease: `bgplb-speaker-<node>`. */
export function speakerLeaseName(nodeName: string): string {
  return `bgplb-speaker-${nodeName}`;
}

/** The node of a presence Lease name, or undefined for other Leases. */
export function speakerOfLease(name: string): string | undefined {
  return name.startsWith("bgplb-speaker-") ? name.slice("bgplb-speaker-".length) : undefined;
}

/** The label every bgplb Lease carries, so the speaker watches only its own. */
export const LEASE_LABEL = "app.kubernetes.io/managed-by";
/** The value of {@link LEASE_LABEL}. */
export const LEASE_LABEL_VALUE = "bgplb-speaker";
