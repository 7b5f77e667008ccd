/**
 * The one IP address parser of bgplb: text to numbers and octets and back,
 * allocation-free on the parse side (the UPDATE packer runs it once per
 * prefix). {@link parseIp} builds on it for everything else.
 *
 * It accepts what Go's net.ParseIP (and so Kubernetes and MetalLB) and
 * inet_pton accept: IPv4 as a strict dotted quad (decimal, no leading
 * zeros, so "010.0.0.1" is not read as octal or decimal), IPv6 as RFC 4291
 * §2.2 text with at most 4 hex digits a group and an optional dotted-quad
 * tail; no zone identifiers, prefix lengths or surrounding spaces.
 *
 * Typed values: an IPv4 address is its 32 bits as an unsigned number
 * (`0xc0000201` for 192.0.2.1), an IPv6 address its 128 bits as an unsigned
 * bigint; {@link IpValue} is either, and its JavaScript type says which
 * family it is. The BGP message model, codec and RIB carry these values
 * (parsed once at the edge: config, CLI, cluster planners, wire octets);
 * {@link formatIpValue} is the one way back to text.
 *
 * The BGP codec imports this module itself rather than through the net
 * index: the index re-exports through getters, which cost the per-prefix
 * paths of the packer and the decoder about 10% (`npm run bench -- codec`).
 */

/** An IPv4 address as a 32-bit unsigned number, e.g. `0xc0000201` for 192.0.2.1. */
export type Ipv4Value = number;
/** An IPv6 address as a 128-bit unsigned bigint, e.g. `0x20010db8_00000000_00000000_00000001n` for 2001:db8::1. */
export type Ipv6Value = bigint;
/** An IPv4 ({@link Ipv4Value}, a number) or IPv6 ({@link Ipv6Value}, a bigint) address: `typeof` tells the family. */
export type IpValue = Ipv4Value | Ipv6Value;

/** Parses a strict dotted-quad IPv4 address into a 32-bit unsigned number, or undefined if it is not one. */
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
      if (octet === 0) return undefined;
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

const words = new Uint16Array(8);
/** Scratch for the IPv6 value conversions: 16 octets seen as two big-endian 64-bit halves. */
const v6Octets = new Uint8Array(16);
const v6View = new DataView(v6Octets.buffer);
/** The largest IPv6 address value, ffff:…:ffff. */
const MAX_IPV6 = (1n << 128n) - 1n;

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/**
 * Parses IPv6 text (RFC 4291 §2.2: full, "::"-compressed, or with a
 * dotted-quad tail) into 16 octets at `out[offset]`. Returns false, leaving
 * `out` unspecified, when the text is not an IPv6 address (zone IDs and
 * prefix lengths included).
 */
export function parseIpv6(text: string, out: Uint8Array, offset: number): boolean {
  const length = text.length;
  let count = 0;
  let gap = -1;
  let i = 0;
  if (length < 2) return false;
  if (text.charCodeAt(0) === 0x3a) {
    if (text.charCodeAt(1) !== 0x3a) return false;
    gap = 0;
    i = 2;
  }
  while (i < length) {
    const start = i;
    let value = 0;
    for (let d = hexDigit(text.charCodeAt(i)); d >= 0 && i < length; d = hexDigit(text.charCodeAt(i))) {
      value = value * 16 + d;
      i++;
      if (i - start > 4) return false;
    }
    if (i < length && text.charCodeAt(i) === 0x2e) {
      const tail = parseIpv4(text.slice(start));
      if (tail === undefined || count > 6) return false;
      words[count++] = tail >>> 16;
      words[count++] = tail & 0xffff;
      break;
    }
    if (i === start || count === 8) return false;
    words[count++] = value;
    if (i === length) break;
    if (text.charCodeAt(i) !== 0x3a) return false;
    i++;
    if (i === length) return false;
    if (text.charCodeAt(i) === 0x3a) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  const zeros = 8 - count;
  for (let w = 0; w < 8; w++) {
    let value: number;
    if (gap < 0 || w < gap) value = words[w];
    else if (w < gap + zeros) value = 0;
    else value = words[w - zeros];
    out[offset + 2 * w] = value >>> 8;
    out[offset + 2 * w + 1] = value & 0xff;
  }
  return true;
}

/**
 * Writes the IPv6 address `text` as 16 octets into `out` at `offset`.
 * Throws a RangeError naming `field` when the text is not an IPv6 address.
 */
export function writeIpv6(text: string, out: Uint8Array, offset: number, field: string): void {
  if (!parseIpv6(text, out, offset)) throw new RangeError(`${field}: "${text}" is not an IPv6 address`);
}

/** Reads 16 octets at `offset` as an IPv6 address in RFC 5952 text form. */
export function readIpv6(bytes: Uint8Array, offset: number): string {
  for (let i = 0; i < 8; i++) words[i] = (bytes[offset + 2 * i] << 8) | bytes[offset + 2 * i + 1];
  // RFC 5952 §5: IPv4-mapped addresses end in dotted-quad notation.
  if (words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0 && words[4] === 0 && words[5] === 0xffff) {
    return `::ffff:${readIpv4(bytes, offset + 12)}`;
  }
  // RFC 5952 §4.2: compress the longest run (first one on a tie) of two or more zero words.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
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
  if (bestStart < 0) return hexWords(0, 8);
  return `${hexWords(0, bestStart)}::${hexWords(bestStart + bestLength, 8)}`;
}

function hexWords(from: number, to: number): string {
  let text = "";
  for (let i = from; i < to; i++) text += (i > from ? ":" : "") + words[i].toString(16);
  return text;
}

/** Reads 16 octets at `offset` as an {@link Ipv6Value}. */
export function readIpv6Value(bytes: Uint8Array, offset: number): Ipv6Value {
  for (let i = 0; i < 16; i++) v6Octets[i] = bytes[offset + i];
  return (v6View.getBigUint64(0) << 64n) | v6View.getBigUint64(8);
}

/** Writes an {@link Ipv6Value} (taken modulo 2^128) as 16 octets into `out` at `offset`. */
export function writeIpv6Value(value: Ipv6Value, out: Uint8Array, offset: number): void {
  // setBigUint64 takes its value modulo 2^64: one shift is the only bigint made.
  v6View.setBigUint64(0, value >> 64n);
  v6View.setBigUint64(8, value);
  for (let i = 0; i < 16; i++) out[offset + i] = v6Octets[i];
}

/** Parses IPv6 text (as {@link parseIpv6}) into an {@link Ipv6Value}, or undefined if it is not one. */
function parseIpv6Value(text: string): Ipv6Value | undefined {
  return parseIpv6(text, v6Octets, 0) ? readIpv6Value(v6Octets, 0) : undefined;
}

/** Parses an IPv4 (as {@link parseIpv4}, a number) or IPv6 (as {@link parseIpv6}, a bigint) address, or undefined. */
export function parseIpValue(text: string): IpValue | undefined {
  return parseIpv4(text) ?? parseIpv6Value(text);
}

/** The one formatter of typed addresses: a number as a dotted quad, a bigint as RFC 5952 IPv6 text. */
export function formatIpValue(value: IpValue): string {
  if (typeof value === "number") return formatIpv4(value);
  writeIpv6Value(value, v6Octets, 0);
  return readIpv6(v6Octets, 0);
}

/** Whether `value` is an IPv4 address value: a whole number in 0..2^32-1. */
export function isIpv4Value(value: unknown): value is Ipv4Value {
  // `>>> 0` keeps exactly the whole numbers 0..2^32-1 unchanged.
  return typeof value === "number" && value >>> 0 === value;
}

/** Whether `value` is an IPv6 address value: a bigint in 0..2^128-1. */
export function isIpv6Value(value: unknown): value is Ipv6Value {
  return typeof value === "bigint" && value >= 0n && value <= MAX_IPV6;
}
