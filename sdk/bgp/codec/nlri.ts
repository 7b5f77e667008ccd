/**
 * NLRI prefix encoding (RFC 4271 §4.3, RFC 4760 §5) with optional ADD-PATH
 * path identifiers (RFC 7911 §3).
 */
import { parseIpv4, formatIpv4, readIpv6, writeIpv6 } from "../../net/octets";
import { CHECKED, refused } from "./errors";
import { Afi, ErrorCode, type Decoded, type Prefix } from "../messages";
import type { ByteWriter } from "./wire";
import { readU32 } from "./wire";

/** Maximum prefix length in bits for an AFI this codec handles. */
function maxPrefixLength(afi: Afi): number {
  return afi === Afi.Ipv6 ? 128 : 32;
}

/** Octets one prefix takes on the wire. */
export function prefixWireLength(prefix: Prefix, addPath: boolean): number {
  return (addPath ? 5 : 1) + ((prefix.length + 7) >>> 3);
}

const ipv6Scratch = new Uint8Array(16);

/**
 * Appends one prefix. Host bits are cleared. Throws a RangeError naming
 * `field` when the address or length does not fit the family.
 */
export function writePrefix(out: ByteWriter, prefix: Prefix, afi: Afi, addPath: boolean, field: string): void {
  const max = maxPrefixLength(afi);
  const length = prefix.length;
  if (!Number.isInteger(length) || length < 0 || length > max) {
    throw new RangeError(`${field}: prefix length ${length} is not in 0..${max}`);
  }
  if (addPath) out.u32(prefix.pathId ?? 0);
  out.u8(length);
  const octets = (length + 7) >>> 3;
  out.ensure(octets);
  const bytes = out.bytes;
  const at = out.position;
  if (afi === Afi.Ipv6) {
    writeIpv6(prefix.address, ipv6Scratch, 0, field);
    for (let i = 0; i < octets; i++) bytes[at + i] = ipv6Scratch[i];
  } else {
    const value = parseIpv4(prefix.address);
    if (value === undefined) throw new RangeError(`${field}: "${prefix.address}" is not an IPv4 address`);
    for (let i = 0; i < octets; i++) bytes[at + i] = (value >>> (24 - 8 * i)) & 0xff;
  }
  if (length & 7) bytes[at + octets - 1] &= (0xff << (8 - (length & 7))) & 0xff;
  out.position += octets;
}

/** Where prefixes are read, for the error: its UPDATE Message Error subcode, the reason's prefix and the NOTIFICATION data. */
export interface PrefixField {
  readonly subcode: number;
  /** Put before what is wrong, e.g. "NLRI: ". */
  readonly reasonPrefix: string;
  /** The data to send; none when absent. Called only on an error. */
  readonly data?: () => Uint8Array;
}

function malformed(field: PrefixField, problem: string): Decoded<void> {
  return refused(ErrorCode.UpdateMessage, field.subcode, `${field.reasonPrefix}${problem}`, field.data?.());
}

/**
 * Reads prefixes from `bytes[start, end)` into `into`; on a malformed one,
 * the UPDATE Message Error with `field`'s subcode and data.
 */
export function readPrefixes(bytes: Uint8Array, start: number, end: number, afi: Afi, addPath: boolean, into: Prefix[], field: PrefixField): Decoded<void> {
  const max = maxPrefixLength(afi);
  let at = start;
  while (at < end) {
    let pathId: number | undefined;
    if (addPath) {
      if (at + 4 > end) return malformed(field, `path identifier at offset ${at - start} runs past the field`);
      pathId = readU32(bytes, at);
      at += 4;
    }
    if (at >= end) return malformed(field, `prefix length at offset ${at - start} runs past the field`);
    const length = bytes[at++];
    if (length > max) return malformed(field, `prefix length ${length} exceeds ${max}`);
    const octets = (length + 7) >>> 3;
    if (at + octets > end) return malformed(field, `prefix of length ${length} needs ${octets} octets, ${end - at} remain`);
    let address: string;
    if (afi === Afi.Ipv6) {
      ipv6Scratch.fill(0);
      for (let i = 0; i < octets; i++) ipv6Scratch[i] = bytes[at + i];
      if (length & 7) ipv6Scratch[octets - 1] &= (0xff << (8 - (length & 7))) & 0xff;
      address = readIpv6(ipv6Scratch, 0);
    } else {
      let value = 0;
      for (let i = 0; i < 4; i++) value = value * 256 + (i < octets ? bytes[at + i] : 0);
      const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
      address = formatIpv4((value & mask) >>> 0);
    }
    at += octets;
    into.push(pathId === undefined ? { address, length } : { address, length, pathId });
  }
  return CHECKED;
}
