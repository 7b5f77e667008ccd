/** A closed interval of addresses (as integers) of one family, tagged with what it came from. */
export interface Interval<T> {
  readonly start: bigint;
  readonly end: bigint;
  readonly owner: T;
}

const byStart = <T>(a: Interval<T>, b: Interval<T>): number => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0);

/**
 * Finds overlapping intervals in O(n log n): sort by start, sweep while
 * remembering the interval that reaches furthest. Each interval that overlaps
 * an earlier-starting one is reported once, paired with that furthest-reaching
 * interval, so n intervals give at most n-1 pairs.
 */
export function findOverlaps<T>(intervals: readonly Interval<T>[]): Array<readonly [Interval<T>, Interval<T>]> {
  const sorted = [...intervals].sort(byStart);
  const pairs: Array<readonly [Interval<T>, Interval<T>]> = [];
  let reach: Interval<T> | undefined;
  for (const current of sorted) {
    if (reach !== undefined && current.start <= reach.end) pairs.push([reach, current]);
    if (reach === undefined || current.end > reach.end) reach = current;
  }
  return pairs;
}

/**
 * Answers "which interval overlaps [start, end]?" in O(log n) after an
 * O(n log n) build: intervals sorted by start with a running
 * furthest-reaching interval per prefix.
 */
export class IntervalIndex<T> {
  private readonly sorted: Interval<T>[];
  private readonly furthest: Interval<T>[];

  /** Indexes the given intervals. */
  constructor(intervals: readonly Interval<T>[]) {
    this.sorted = [...intervals].sort(byStart);
    this.furthest = [];
    let reach: Interval<T> | undefined;
    for (const current of this.sorted) {
      if (reach === undefined || current.end > reach.end) reach = current;
      this.furthest.push(reach);
    }
  }

  /** An interval that shares at least one address with [start, end], or undefined. */
  overlapping(start: bigint, end: bigint): Interval<T> | undefined {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]!.start <= end) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return undefined;
    const candidate = this.furthest[lo - 1]!;
    return candidate.end >= start ? candidate : undefined;
  }

  /** An interval containing the address, or undefined. */
  containing(address: bigint): Interval<T> | undefined {
    return this.overlapping(address, address);
  }
}
