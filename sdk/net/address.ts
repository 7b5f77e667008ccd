import ipaddr from "ipaddr.js";
import { AddressError } from "./errors";

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

function toValue(bytes: readonly number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** Formats a numeric address value of the family as canonical text. */
export function formatIp(family: IpFamily, value: bigint): string {
  const count = family === 4 ? 4 : 16;
  const bytes = new Array<number>(count);
  let rest = value;
  for (let i = count - 1; i >= 0; i--) {
    bytes[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  const parsed = ipaddr.fromByteArray(bytes);
  return parsed instanceof ipaddr.IPv6 ? parsed.toRFC5952String() : parsed.toString();
}

/**
 * Parses one IPv4 (strict dotted quad) or IPv6 address. Zone identifiers
 * (`fe80::1%eth0`), the short IPv4 forms (`10.1`) and surrounding spaces
 * (which Go's net.ParseIP, and so MetalLB, refuses) are rejected.
 * @throws AddressError with code `invalid-address`.
 */
export function parseIp(text: string): IpAddress {
  if (typeof text !== "string") {
    throw new AddressError("invalid-address", String(text), `${JSON.stringify(text)} is not an IP address (expected a string)`);
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    const parsed = ipaddr.IPv4.parse(text);
    return { family: 4, value: toValue(parsed.toByteArray()), text: parsed.toString() };
  }
  if (!text.includes("%") && ipaddr.IPv6.isValid(text)) {
    const parsed = ipaddr.IPv6.parse(text);
    return { family: 6, value: toValue(parsed.toByteArray()), text: parsed.toRFC5952String() };
  }
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
