import { AddressError } from "./errors";
import { formatIpValue, formatIpv4, parseIpv4, parseIpv6, readIpv6, readIpv6Value, type IpValue } from "./octets";

/** An IP address family: 4 for IPv4, 6 for IPv6. */
export type IpFamily = 4 | 6;

/** A parsed IP address: its family, its numeric value and its canonical text. */
export interface IpAddress {
  /** 4 or 6. */
  readonly family: IpFamily;
  /** The address as an unsigned integer (32 or 128 bits). */
  readonly value: bigint;
  /** Canonical text: dotted quad for IPv4, RFC 5952 form for IPv6. */
  readonly text: string;
}

/** Number of bits in an address of the family: 32 or 128. */
export function familyBits(family: IpFamily): 32 | 128 {
  return family === 4 ? 32 : 128;
}

/** The largest address value of the family (all ones). */
export function maxAddressValue(family: IpFamily): bigint {
  return (1n << BigInt(familyBits(family))) - 1n;
}

const octets = new Uint8Array(16);

/** The typed value of an address as the BGP code carries it: a number for IPv4, a bigint for IPv6 (see `octets.ts`). */
export function ipValue(ip: Pick<IpAddress, "family" | "value">): IpValue {
  return ip.family === 4 ? Number(ip.value & 0xffffffffn) : BigInt.asUintN(128, ip.value);
}

/** Formats a numeric address value of the family as canonical text. */
export function formatIp(family: IpFamily, value: bigint): string {
  return formatIpValue(ipValue({ family, value }));
}

/**
 * Parses one IPv4 (strict dotted quad) or IPv6 address with the parser of
 * `octets.ts`. Zone identifiers (`fe80::1%eth0`), the short IPv4 forms
 * (`10.1`), leading zeros (`010.0.0.1`) and surrounding spaces (which Go's
 * net.ParseIP, and so MetalLB, refuses) are rejected. IPv6 text is RFC 5952
 * (IPv4-mapped addresses end in a dotted quad, `::ffff:192.0.2.1`).
 * @throws AddressError with code `invalid-address`.
 */
export function parseIp(text: string): IpAddress {
  if (typeof text !== "string") {
    throw new AddressError("invalid-address", String(text), `${JSON.stringify(text)} is not an IP address (expected a string)`);
  }
  const ipv4 = parseIpv4(text);
  if (ipv4 !== undefined) return { family: 4, value: BigInt(ipv4), text: formatIpv4(ipv4) };
  if (parseIpv6(text, octets, 0)) return { family: 6, value: readIpv6Value(octets, 0), text: readIpv6(octets, 0) };
  if (text.trim() !== text && isIp(text.trim())) {
    throw new AddressError("invalid-address", text, `"${text}" is not an IP address: it has spaces around it, which MetalLB and Kubernetes do not strip`);
  }
  throw new AddressError("invalid-address", text, `"${text}" is not an IP address (expected e.g. 10.0.0.1 or 2001:db8::1)`);
}

/** True when the text is one IPv4 or IPv6 address as {@link parseIp} accepts it. */
export function isIp(text: string): boolean {
  try {
    parseIp(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The family of an address.
 * @throws AddressError when the text is not an address.
 */
export function ipFamily(text: string): IpFamily {
  return parseIp(text).family;
}

/**
 * The canonical text of an address (`2001:DB8:0::1` → `2001:db8::1`).
 * @throws AddressError when the text is not an address.
 */
export function normalizeIp(text: string): string {
  return parseIp(text).text;
}

/** True when both texts are the same address (after normalization); false if either is not an address. */
export function sameIp(a: string, b: string): boolean {
  try {
    const x = parseIp(a);
    const y = parseIp(b);
    return x.family === y.family && x.value === y.value;
  } catch {
    return false;
  }
}
