import { IpAddress, parseIp } from "./address";
import { AddressBlock, AddressSpan, Cidr, makeCidr } from "./block";

/** True when the span holds the address (same family, inside the bounds). */
export function spanContains(span: AddressSpan, address: IpAddress | string): boolean {
  const ip = typeof address === "string" ? parseIp(address) : address;
  return ip.family === span.family && ip.value >= span.first && ip.value <= span.last;
}

/** True when two spans share at least one address. */
export function spansOverlap(a: AddressSpan, b: AddressSpan): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** True when every address of `inner` is in `outer` (a subnet, or a range inside a CIDR). */
export function isWithin(inner: AddressSpan, outer: AddressSpan): boolean {
  return inner.family === outer.family && inner.first >= outer.first && inner.last <= outer.last;
}

/** The CIDR of the given prefix length that contains the address (`10.0.1.7`, 24 → `10.0.1.0/24`). */
export function subnetOf(address: IpAddress | string, prefixLength: number): Cidr {
  const ip = typeof address === "string" ? parseIp(address) : address;
  return makeCidr(ip.family, ip.value, prefixLength);
}

/**
 * The smallest list of CIDRs that covers exactly the block, in address order.
 * A CIDR yields itself; `10.0.0.1-10.0.0.4` yields `10.0.0.1/32, 10.0.0.2/31, 10.0.0.4/32`.
 */
export function toCidrs(block: AddressBlock | AddressSpan): Cidr[] {
  if ("kind" in block && block.kind === "cidr") return [block];
  const bits = block.family === 4 ? 32 : 128;
  const result: Cidr[] = [];
  let start = block.first;
  while (start <= block.last) {
    let hostBits = 0;
    while (hostBits < bits) {
      const size = 1n << BigInt(hostBits + 1);
      if (start % size !== 0n || start + size - 1n > block.last) break;
      hostBits++;
    }
    result.push(makeCidr(block.family, start, bits - hostBits));
    start += 1n << BigInt(hostBits);
  }
  return result;
}

/** The prefix lengths of the CIDRs that cover the block exactly (see {@link toCidrs}). */
export function blockPrefixLengths(block: AddressBlock): number[] {
  return toCidrs(block).map((cidr) => cidr.prefixLength);
}

/** One overlap found by {@link findOverlaps}: `earlier` starts at or before `later`. */
export interface Overlap<T> {
  readonly earlier: T;
  readonly later: T;
}

/**
 * Finds overlapping spans in O(n log n): items are sorted by start; every item
 * that overlaps something before it is reported once, against the earlier item
 * that reaches furthest. No overlaps → empty list.
 */
export function findOverlaps<T>(items: readonly T[], spanOf: (item: T) => AddressSpan): Overlap<T>[] {
  const decorated = items.map((item) => ({ item, span: spanOf(item) }));
  decorated.sort((a, b) =>
    a.span.family !== b.span.family ? a.span.family - b.span.family : a.span.first < b.span.first ? -1 : a.span.first > b.span.first ? 1 : 0,
  );
  const overlaps: Overlap<T>[] = [];
  let reach: (typeof decorated)[number] | undefined;
  for (const current of decorated) {
    if (reach && reach.span.family === current.span.family && current.span.first <= reach.span.last) {
      overlaps.push({ earlier: reach.item, later: current.item });
    }
    if (!reach || reach.span.family !== current.span.family || current.span.last > reach.span.last) reach = current;
  }
  return overlaps;
}
