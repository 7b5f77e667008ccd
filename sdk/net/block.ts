import { familyBits, formatIp, IpAddress, IpFamily, maxAddressValue, parseIp } from "./address";
import { AddressError } from "./errors";

/** A CIDR block such as `10.0.0.0/24` or `2001:db8::/64`. */
export interface Cidr {
  /** Discriminator. */
  readonly kind: "cidr";
  /** 4 or 6. */
  readonly family: IpFamily;
  /** The network address (host bits cleared) as an integer. */
  readonly first: bigint;
  /** The last address of the block as an integer. */
  readonly last: bigint;
  /** The prefix length, 0–32 (IPv4) or 0–128 (IPv6). */
  readonly prefixLength: number;
  /** True when the text had host bits set (`10.0.0.1/24`); `text` shows the network. */
  readonly hostBitsSet: boolean;
  /** Canonical text: network address `/` prefix length. */
  readonly text: string;
}

/** An inclusive address range such as `10.0.0.1-10.0.0.4`. */
export interface AddressRange {
  /** Discriminator. */
  readonly kind: "range";
  /** 4 or 6 (both ends share it). */
  readonly family: IpFamily;
  /** The first address as an integer. */
  readonly first: bigint;
  /** The last address as an integer (never below `first`). */
  readonly last: bigint;
  /** Canonical text `first-last`. */
  readonly text: string;
}

/** An address-pool entry: a CIDR or a range. */
export type AddressBlock = Cidr | AddressRange;

/** Anything with a family and an inclusive integer span: blocks and addresses. */
export interface AddressSpan {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
}

/** The inclusive span of a single address. */
export function addressSpan(address: IpAddress): AddressSpan {
  return { family: address.family, first: address.value, last: address.value };
}

/** The netmask value for a prefix length of the family. */
function maskOf(family: IpFamily, prefixLength: number): bigint {
  const hostBits = BigInt(familyBits(family) - prefixLength);
  return maxAddressValue(family) ^ ((1n << hostBits) - 1n);
}

/** Builds the CIDR of the given family, start value and prefix length (host bits are cleared). */
export function makeCidr(family: IpFamily, value: bigint, prefixLength: number): Cidr {
  const mask = maskOf(family, prefixLength);
  const first = value & mask;
  const last = first | (maxAddressValue(family) ^ mask);
  return { kind: "cidr", family, first, last, prefixLength, hostBitsSet: first !== value, text: `${formatIp(family, first)}/${prefixLength}` };
}

/**
 * Parses a CIDR (`10.0.0.0/24`). Host bits may be set; the result flags them.
 * @throws AddressError `invalid-cidr` or `invalid-prefix-length`.
 */
export function parseCidr(text: string): Cidr {
  const slash = typeof text === "string" ? text.indexOf("/") : -1;
  if (slash < 0) {
    throw new AddressError("invalid-cidr", String(text), `"${text}" is not a CIDR (expected address/prefix-length, e.g. 10.0.0.0/24)`);
  }
  if (text.trim() !== text) {
    throw new AddressError("invalid-cidr", text, `"${text}" is not a CIDR: it has spaces around it, which MetalLB does not strip`);
  }
  let address: IpAddress;
  try {
    address = parseIp(text.slice(0, slash));
  } catch {
    throw new AddressError("invalid-cidr", text, `"${text}" is not a CIDR: "${text.slice(0, slash)}" is not an IP address`);
  }
  const lengthText = text.slice(slash + 1);
  const bits = familyBits(address.family);
  if (!/^\d{1,3}$/.test(lengthText) || Number(lengthText) > bits) {
    throw new AddressError("invalid-prefix-length", text, `"${text}" has prefix length "${lengthText}"; IPv${address.family} prefix lengths are 0-${bits}`);
  }
  return makeCidr(address.family, address.value, Number(lengthText));
}

/**
 * Parses an inclusive range `first-last` (both ends of one family, first ≤ last);
 * spaces around either end are allowed, as MetalLB allows them.
 * @throws AddressError `invalid-range`, `mixed-family-range` or `range-start-after-end`.
 */
export function parseRange(text: string): AddressRange {
  const parts = typeof text === "string" ? text.split("-") : [];
  if (parts.length !== 2) {
    throw new AddressError("invalid-range", String(text), `"${text}" is not a range (expected first-last, e.g. 10.0.0.1-10.0.0.4)`);
  }
  let start: IpAddress;
  let end: IpAddress;
  try {
    start = parseIp(parts[0].trim());
    end = parseIp(parts[1].trim());
  } catch (error) {
    const bad = (error as AddressError).input;
    throw new AddressError("invalid-range", text, `"${text}" is not a range: "${bad}" is not an IP address`);
  }
  if (start.family !== end.family) {
    throw new AddressError("mixed-family-range", text, `range "${text}" mixes IPv${start.family} and IPv${end.family}; both ends must be of one family`);
  }
  if (start.value > end.value) {
    throw new AddressError("range-start-after-end", text, `range "${text}" starts after it ends (${start.text} > ${end.text}); swap the ends`);
  }
  return { kind: "range", family: start.family, first: start.value, last: end.value, text: `${start.text}-${end.text}` };
}

/**
 * Parses an address-pool entry: a CIDR (`1.2.3.0/24`) or a range (`1.2.3.1-1.2.3.5`).
 * @throws AddressError naming the entry and what is wrong with it.
 */
export function parseAddressBlock(text: string): AddressBlock {
  if (typeof text === "string" && text.includes("/")) return parseCidr(text);
  if (typeof text === "string" && text.includes("-")) return parseRange(text);
  throw new AddressError("invalid-block", String(text), `"${text}" is neither a CIDR (1.2.3.0/24) nor a range (1.2.3.1-1.2.3.5)`);
}

/** The canonical text of an address-pool entry (addresses normalized, CIDR host bits cleared). */
export function normalizeAddressBlock(text: string): string {
  return parseAddressBlock(text).text;
}

/** The number of addresses in a span. */
export function spanSize(span: AddressSpan): bigint {
  return span.last - span.first + 1n;
}
