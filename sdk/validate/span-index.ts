import type { AddressSpan, IpFamily } from "../net";

/** An item and the address span it covers. */
export interface Spanned<T> {
  readonly span: AddressSpan;
  readonly item: T;
}

/** Items of one family sorted by start, with the furthest-reaching item of every prefix. */
interface FamilyIndex<T> {
  readonly sorted: Spanned<T>[];
  readonly furthest: Spanned<T>[];
}

function buildFamily<T>(entries: Spanned<T>[]): FamilyIndex<T> {
  entries.sort((a, b) => (a.span.first < b.span.first ? -1 : a.span.first > b.span.first ? 1 : 0));
  const furthest: Spanned<T>[] = [];
  let reach: Spanned<T> | undefined;
  for (const entry of entries) {
    if (reach === undefined || entry.span.last > reach.span.last) reach = entry;
    furthest.push(reach);
  }
  return { sorted: entries, furthest };
}

/**
 * Answers "which item overlaps this span?" in O(log n) after an O(n log n)
 * build, per address family. sdk/net finds overlaps within one list
 * (`findOverlaps`); the validator also needs many point and span lookups
 * against thousands of pool entries (VIPs, floating IPs, Service CIDRs), which
 * a scan per lookup would make quadratic.
 */
export class SpanIndex<T> {
  private readonly families: Record<IpFamily, FamilyIndex<T>>;

  /** Indexes the items. */
  constructor(entries: Iterable<Spanned<T>>) {
    const v4: Spanned<T>[] = [];
    const v6: Spanned<T>[] = [];
    for (const entry of entries) (entry.span.family === 4 ? v4 : v6).push(entry);
    this.families = { 4: buildFamily(v4), 6: buildFamily(v6) };
  }

  /** An item sharing at least one address with the span, or undefined. */
  overlapping(span: AddressSpan): Spanned<T> | undefined {
    const { sorted, furthest } = this.families[span.family];
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid].span.first <= span.last) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return undefined;
    const candidate = furthest[lo - 1];
    return candidate.span.last >= span.first ? candidate : undefined;
  }
}
