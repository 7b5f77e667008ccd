/**
 * Address math for bgplb: IPv4/IPv6 addresses, CIDRs, inclusive ranges,
 * containment, overlap and normalization, on one parser (`octets.ts`) that
 * the BGP codec also uses for its wire octets; values are bigints so the
 * same code serves both families.
 */
export { AddressError, AddressErrorCode } from "./errors";
export { formatIpv4, parseIpv4, parseIpv6, readIpv4, readIpv6, writeIpv4, writeIpv6, formatIpValue, parseIpValue } from "./octets";
export type { IpValue, Ipv4Value, Ipv6Value } from "./octets";
export { IpAddress, IpFamily, familyBits, formatIp, ipFamily, ipValue, isIp, maxAddressValue, normalizeIp, parseIp, sameIp } from "./address";
export {
  AddressBlock,
  AddressRange,
  AddressSpan,
  Cidr,
  addressSpan,
  makeCidr,
  normalizeAddressBlock,
  parseAddressBlock,
  parseCidr,
  parseRange,
  spanSize,
} from "./block";
export { Overlap, blockPrefixLengths, findOverlaps, isWithin, spanContains, spansOverlap, subnetOf, toCidrs } from "./ops";
