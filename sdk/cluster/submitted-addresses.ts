/**
 * The Service addresses the allocator leader has submitted and its watch
 * does not show yet. The IPAM plans from what the Services show, and a write
 * takes a while to come back through the watch (seconds, in a burst): a plan
 * made meanwhile would see the Service without its new address, give that
 * address to another Service (one that sorts before it, or takes its place)
 * and so hand one address out twice. The allocator therefore plans with the
 * addresses it submitted as each Service's current ones until the watch
 * shows them (the watch delivers every version in order, so it shows ours
 * before any later one), the write fails, or — should the watch have
 * skipped our version in a re-list — {@link SEEN_WITHIN_MS} after it landed.
 */
import type { AddressRequest } from "./ipam";
import { addressRequestOf, objectKeyText, serviceIngressIPs, type RawObject } from "./observed";

/** How long after a write landed the watch is expected to have shown it. */
export const SEEN_WITHIN_MS = 60_000;

interface Submitted {
  /** `metadata.uid` of the Service written: a Service deleted and made again under its name is another one. */
  readonly uid: string;
  readonly addresses: string;
  /** When the write succeeded (ms); undefined while it is queued or in flight. */
  landedAt?: number;
}

/** Submitted, not yet seen, Service addresses by `namespace/name`. */
export class SubmittedAddresses {
  private readonly entries = new Map<string, Submitted>();

  /** @param clock milliseconds (tests give their own) */
  constructor(private readonly clock: () => number = Date.now) {}

  /**
   * The IPAM's view of a Service: {@link addressRequestOf}, with the
   * addresses we submitted as its current ones until the watch shows them.
   */
  request(raw: RawObject): AddressRequest {
    const request = addressRequestOf(raw);
    const entry = this.entries.get(request.key);
    if (entry === undefined) return request;
    const seen = entry.addresses === request.current.join();
    const overdue = entry.landedAt !== undefined && this.clock() - entry.landedAt >= SEEN_WITHIN_MS;
    if (seen || overdue || entry.uid !== (raw.metadata?.uid ?? "")) {
      this.entries.delete(request.key);
      return request;
    }
    return { ...request, current: entry.addresses === "" ? [] : entry.addresses.split(",") };
  }

  /**
   * Told of every version of a Service the watch delivers, in order: one
   * showing the addresses we submitted is our write (or says the same), so
   * from then on the Service's own status is what to plan from — also when
   * a later version (another writer) replaces them before the next plan.
   */
  observe(raw: RawObject): void {
    const key = objectKeyText(raw);
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.uid === (raw.metadata?.uid ?? "") && entry.addresses === serviceIngressIPs(raw).join()) this.entries.delete(key);
  }

  /** Records a status write of `addresses` for the Service (replacing an earlier one). */
  submitted(raw: RawObject, addresses: readonly string[]): void {
    this.entries.set(objectKeyText(raw), { uid: raw.metadata?.uid ?? "", addresses: addresses.join() });
  }

  /** Records that the write of `addresses` succeeded. */
  landed(raw: RawObject, addresses: readonly string[]): void {
    const entry = this.entries.get(objectKeyText(raw));
    if (entry?.addresses === addresses.join()) entry.landedAt = this.clock();
  }

  /** Forgets a write that failed (unless one of other addresses was submitted since). */
  failed(raw: RawObject, addresses: readonly string[]): void {
    const key = objectKeyText(raw);
    if (this.entries.get(key)?.addresses === addresses.join()) this.entries.delete(key);
  }

  /** Forgets the Services not in `present` (deleted, no longer LoadBalancer), so the memory stays bounded by the Services there are. */
  keepOnly(present: ReadonlySet<string>): void {
    for (const key of this.entries.keys()) if (!present.has(key)) this.entries.delete(key);
  }

  /** Forgets everything: this speaker's queued writes were dropped (it is no longer the allocator); plans start again from the Services. */
  clear(): void {
    this.entries.clear();
  }
}
