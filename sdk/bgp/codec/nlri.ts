/**
 * NLRI prefix encoding (RFC 4271 §4.3, RFC 4760 §5) with optional ADD-PATH
 * path identifiers (RFC 7911 §3).
 */
import { isIpv4Value, isIpv6Value, readIpv6Value, writeIpv6Value } from "../../net/octets";
import { CHECKED, refused } from "./errors";
import { Afi, ErrorCode, type Decoded, type IpValue, type Prefix } from "../messages";
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
  const address = prefix.address;
  if (afi === Afi.Ipv6) {
    if (!isIpv6Value(address)) throw notAnAddress(field, address, "IPv6");
    writeIpv6Value(address, ipv6Scratch, 0);
    for (let i = 0; i < octets; i++) bytes[at + i] = ipv6Scratch[i];
  } else {
    if (!isIpv4Value(address)) throw notAnAddress(field, address, "IPv4");
    for (let i = 0; i < octets; i++) bytes[at + i] = (address >>> (24 - 8 * i)) & 0xff;
  }
  if (length & 7) bytes[at + octets - 1] &= (0xff << (8 - (length & 7))) & 0xff;
  out.position += octets;
}

/** The error for a prefix address that is not a value of the family (a bigint for IPv6, a number for IPv4). */
export function notAnAddress(field: string, address: unknown, family: "IPv4" | "IPv6"): RangeError {
  const shown = typeof address === "bigint" ? `${address}n` : typeof address === "string" ? JSON.stringify(address) : String(address);
  return new RangeError(`${field}: ${shown} is not an ${family} address value (${family === "IPv4" ? "a number 0..2^32-1" : "a bigint 0..2^128-1"})`);
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
    let address: IpValue;
    if (afi === Afi.Ipv6) {
      ipv6Scratch.fill(0);
      for (let i = 0; i < octets; i++) ipv6Scratch[i] = bytes[at + i];
      if (length & 7) ipv6Scratch[octets - 1] &= (0xff << (8 - (length & 7))) & 0xff;
      address = readIpv6Value(ipv6Scratch, 0);
    } else {
      let value = 0;
      for (let i = 0; i < 4; i++) value = value * 256 + (i < octets ? bytes[at + i] : 0);
      const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
      address = (value & mask) >>> 0;
    }
    at += octets;
    into.push(pathId === undefined ? { address, length } : { address, length, pathId });
  }
  return CHECKED;
}
