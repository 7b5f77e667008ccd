/**
 * Conversions between address strings and their wire octets, kept inside
 * the codec so it needs nothing but ipaddr.js for IPv6 text parsing.
 */
import ipaddr from "ipaddr.js";

/** Parses a dotted-quad IPv4 address into a 32-bit unsigned number, or undefined if it is not one. */
export function parseIpv4(text: string): number | undefined {
  let value = 0;
  let octet = -1;
  let dots = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (octet < 0) return undefined;
      value = value * 256 + octet;
      octet = -1;
      digits = 0;
      dots++;
      if (dots > 3) return undefined;
    } else if (c >= 0x30 && c <= 0x39) {
      digits++;
      if (digits > 3) return undefined;
      octet = (octet < 0 ? 0 : octet * 10) + (c - 0x30);
      if (octet > 255) return undefined;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || octet < 0) return undefined;
  return value * 256 + octet;
}

/** Formats a 32-bit unsigned number as a dotted-quad IPv4 address. */
export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/**
 * Writes the IPv4 address `text` as 4 octets into `out` at `offset`.
 * Throws a RangeError naming `field` when the text is not an IPv4 address.
 */
export function writeIpv4(text: string, out: Uint8Array, offset: number, field: string): void {
  const value = parseIpv4(text);
  if (value === undefined) throw new RangeError(`${field}: "${text}" is not an IPv4 address`);
  out[offset] = value >>> 24;
  out[offset + 1] = (value >>> 16) & 0xff;
  out[offset + 2] = (value >>> 8) & 0xff;
  out[offset + 3] = value & 0xff;
}

/** Reads 4 octets at `offset` as a dotted-quad IPv4 address. */
export function readIpv4(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/**
 * Writes the IPv6 address `text` as 16 octets into `out` at `offset`.
 * Throws a RangeError naming `field` when the text is not an IPv6 address.
 */
export function writeIpv6(text: string, out: Uint8Array, offset: number, field: string): void {
  if (!ipaddr.IPv6.isValid(text)) throw new RangeError(`${field}: "${text}" is not an IPv6 address`);
  const parts = ipaddr.IPv6.parse(text).parts;
  for (let i = 0; i < 8; i++) {
    out[offset + 2 * i] = parts[i] >>> 8;
    out[offset + 2 * i + 1] = parts[i] & 0xff;
  }
}

/** Reads 16 octets at `offset` as an IPv6 address in RFC 5952 text form. */
export function readIpv6(bytes: Uint8Array, offset: number): string {
  const words = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 8; i++) words[i] = (bytes[offset + 2 * i] << 8) | bytes[offset + 2 * i + 1];
  // RFC 5952 §5: IPv4-mapped addresses end in dotted-quad notation.
  if (words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0 && words[4] === 0 && words[5] === 0xffff) {
    return `::ffff:${readIpv4(bytes, offset + 12)}`;
  }
  // RFC 5952 §4.2: compress the longest run (first one on a tie) of two or more zero words.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return words.map((w) => w.toString(16)).join(":");
  const head = words.slice(0, bestStart).map((w) => w.toString(16)).join(":");
  const tail = words.slice(bestStart + bestLength).map((w) => w.toString(16)).join(":");
  return `${head}::${tail}`;
}
