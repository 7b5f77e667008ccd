/**
 * Path attribute encoding. MP_REACH_NLRI and MP_UNREACH_NLRI go first
 * (RFC 7606 §5.1), the rest in type-code order. For a peer without the
 * 4-octet AS capability, AS_PATH and AGGREGATOR carry AS_TRANS and the
 * real values travel in AS4_PATH / AS4_AGGREGATOR (RFC 6793 §4.2.2).
 */
import { isIpv4Value, isIpv6Value, writeIpv6Value } from "../../net/octets";
import { distinctLargeCommunities } from "./attributes-decode";
import {
  AS_TRANS,
  Afi,
  AsPathSegmentType,
  AttributeFlag,
  AttributeType,
  type AsPathSegment,
  type CodecContext,
  type IpValue,
  type Ipv6Value,
  type MpReach,
  type MpUnreach,
  type PathAttributes,
} from "../messages";
import { familyName } from "../families";
import { notAnAddress, writePrefix } from "./nlri";
import type { ByteWriter } from "./wire";

const WELL_KNOWN = AttributeFlag.Transitive;
const OPTIONAL = AttributeFlag.Optional;
const OPTIONAL_TRANSITIVE = AttributeFlag.Optional | AttributeFlag.Transitive;

/** Type codes written from typed fields (or built from them), never from `unknown`. */
const MODELLED: ReadonlySet<number> = new Set([
  AttributeType.Origin,
  AttributeType.AsPath,
  AttributeType.NextHop,
  AttributeType.MultiExitDisc,
  AttributeType.LocalPref,
  AttributeType.AtomicAggregate,
  AttributeType.Aggregator,
  AttributeType.Communities,
  AttributeType.MpReachNlri,
  AttributeType.MpUnreachNlri,
  AttributeType.As4Path,
  AttributeType.As4Aggregator,
  AttributeType.LargeCommunities,
]);

/**
 * Starts an attribute: writes flags, type and a one-octet length and
 * returns the header offset for {@link endAttribute}.
 */
export function beginAttribute(out: ByteWriter, flags: number, type: number): number {
  const at = out.position;
  out.u8(flags & ~AttributeFlag.ExtendedLength);
  out.u8(type);
  out.u8(0);
  return at;
}

/**
 * Finishes the attribute begun at `at`: fills in the length, switching to
 * the 2-octet extended length (and moving the value) when it exceeds 255.
 */
export function endAttribute(out: ByteWriter, at: number): void {
  const valueStart = at + 3;
  const length = out.position - valueStart;
  if (length <= 255) {
    out.patchU8(at + 2, length);
    return;
  }
  if (length > 0xffff) throw new RangeError(`attribute type ${out.bytes[at + 1]}: value of ${length} octets exceeds 65535`);
  out.ensure(1);
  const bytes = out.bytes;
  bytes.copyWithin(valueStart + 1, valueStart, out.position);
  out.position += 1;
  bytes[at] |= AttributeFlag.ExtendedLength;
  out.patchU16(at + 2, length);
}

/** Appends an IPv4 address value as 4 octets; throws a RangeError naming `field` when it is not one. */
function writeIpv4Value(out: ByteWriter, value: IpValue, field: string): void {
  if (!isIpv4Value(value)) throw notAnAddress(field, value, "IPv4");
  out.ensure(4);
  const b = out.bytes;
  const at = out.position;
  b[at] = value >>> 24;
  b[at + 1] = value >>> 16;
  b[at + 2] = value >>> 8;
  b[at + 3] = value;
  out.position = at + 4;
}

/** Appends an IPv6 address value as 16 octets; throws a RangeError naming `field` when it is not one. */
function writeIpv6(out: ByteWriter, value: IpValue, field: string): void {
  if (!isIpv6Value(value)) throw notAnAddress(field, value, "IPv6");
  out.ensure(16);
  writeIpv6Value(value, out.bytes, out.position);
  out.position += 16;
}

function writeSegments(out: ByteWriter, segments: readonly AsPathSegment[], asnSize: 2 | 4, field: string): void {
  for (const segment of segments) {
    const asns = segment.asns;
    if (asns.length === 0) throw new RangeError(`${field}: empty segment`);
    if (asns.length > 255 && segment.type !== AsPathSegmentType.AsSequence && segment.type !== AsPathSegmentType.AsConfedSequence) {
      throw new RangeError(`${field}: a set of ${asns.length} ASNs exceeds 255`);
    }
    for (let from = 0; from < asns.length; from += 255) {
      const to = Math.min(asns.length, from + 255);
      out.u8(segment.type);
      out.u8(to - from);
      for (let i = from; i < to; i++) {
        const asn = asns[i];
        if (asnSize === 4) out.u32(asn, field);
        else out.u16(asn > 0xffff && asn <= 0xffffffff ? AS_TRANS : asn, field);
      }
    }
  }
}

/** Appends MP_REACH_NLRI; throws a RangeError for a next hop that does not fit the AFI. */
function writeMpReach(out: ByteWriter, mpReach: MpReach, context: CodecContext): void {
  const at = beginAttribute(out, OPTIONAL, AttributeType.MpReachNlri);
  writeMpReachValue(out, mpReach.afi, mpReach.safi, mpReach.nextHop.global, mpReach.nextHop.linkLocal);
  const family = familyName(mpReach.afi, mpReach.safi);
  const addPath = family !== undefined && (context.addPath[family]?.send ?? false);
  for (const prefix of mpReach.nlri) writePrefix(out, prefix, mpReach.afi, addPath, "mpReach.nlri");
  endAttribute(out, at);
}

/**
 * Appends the fixed part of an MP_REACH_NLRI value: AFI, SAFI, next hop
 * length and address(es), reserved octet. An IPv4 global next hop is only
 * allowed for AFI 1; otherwise it must be IPv6 (RFC 4760, RFC 8950).
 */
export function writeMpReachValue(out: ByteWriter, afi: number, safi: number, global: IpValue, linkLocal: Ipv6Value | undefined): void {
  out.u16(afi);
  out.u8(safi);
  const ipv4 = afi === Afi.Ipv4 && typeof global === "number";
  const length = ipv4 ? 4 : linkLocal === undefined ? 16 : 32;
  if (ipv4 && linkLocal !== undefined) throw new RangeError(`mpReach.nextHop.linkLocal: not allowed with an IPv4 next hop`);
  out.u8(length);
  if (ipv4) writeIpv4Value(out, global, "mpReach.nextHop.global");
  else {
    writeIpv6(out, global, "mpReach.nextHop.global");
    if (linkLocal !== undefined) writeIpv6(out, linkLocal, "mpReach.nextHop.linkLocal");
  }
  out.u8(0);
}

function writeMpUnreach(out: ByteWriter, mpUnreach: MpUnreach, context: CodecContext): void {
  const at = beginAttribute(out, OPTIONAL, AttributeType.MpUnreachNlri);
  out.u16(mpUnreach.afi);
  out.u8(mpUnreach.safi);
  const family = familyName(mpUnreach.afi, mpUnreach.safi);
  const addPath = family !== undefined && (context.addPath[family]?.send ?? false);
  for (const prefix of mpUnreach.withdrawn) writePrefix(out, prefix, mpUnreach.afi, addPath, "mpUnreach.withdrawn");
  endAttribute(out, at);
}

/**
 * Appends every attribute of `attributes` except MP_REACH_NLRI when
 * `includeMpReach` is false (the UPDATE packer writes its own).
 * Throws a RangeError naming the field for a value that cannot be encoded.
 */
export function writeAttributes(out: ByteWriter, attributes: PathAttributes, context: CodecContext, includeMpReach = true): void {
  let at: number;
  if (includeMpReach && attributes.mpReach) writeMpReach(out, attributes.mpReach, context);
  if (attributes.mpUnreach) writeMpUnreach(out, attributes.mpUnreach, context);
  if (attributes.origin !== undefined) {
    if (attributes.origin < 0 || attributes.origin > 2) throw new RangeError(`origin: ${attributes.origin} is not 0, 1 or 2`);
    at = beginAttribute(out, WELL_KNOWN, AttributeType.Origin);
    out.u8(attributes.origin);
    endAttribute(out, at);
  }
  const asPath = attributes.asPath;
  let needsAs4Path = false;
  if (asPath !== undefined) {
    at = beginAttribute(out, WELL_KNOWN, AttributeType.AsPath);
    writeSegments(out, asPath, context.fourOctetAs ? 4 : 2, "asPath");
    endAttribute(out, at);
    needsAs4Path = !context.fourOctetAs && asPath.some((s) => s.asns.some((asn) => asn > 0xffff));
  }
  if (attributes.nextHop !== undefined) {
    at = beginAttribute(out, WELL_KNOWN, AttributeType.NextHop);
    writeIpv4Value(out, attributes.nextHop, "nextHop");
    endAttribute(out, at);
  }
  if (attributes.med !== undefined) {
    at = beginAttribute(out, OPTIONAL, AttributeType.MultiExitDisc);
    out.u32(attributes.med, "med");
    endAttribute(out, at);
  }
  if (attributes.localPref !== undefined) {
    at = beginAttribute(out, WELL_KNOWN, AttributeType.LocalPref);
    out.u32(attributes.localPref, "localPref");
    endAttribute(out, at);
  }
  if (attributes.atomicAggregate) endAttribute(out, beginAttribute(out, WELL_KNOWN, AttributeType.AtomicAggregate));
  const aggregator = attributes.aggregator;
  if (aggregator !== undefined) {
    at = beginAttribute(out, OPTIONAL_TRANSITIVE, AttributeType.Aggregator);
    if (context.fourOctetAs) out.u32(aggregator.asn, "aggregator.asn");
    else out.u16(aggregator.asn > 0xffff && aggregator.asn <= 0xffffffff ? AS_TRANS : aggregator.asn, "aggregator.asn");
    writeIpv4Value(out, aggregator.address, "aggregator.address");
    endAttribute(out, at);
  }
  if (attributes.communities !== undefined && attributes.communities.length > 0) {
    at = beginAttribute(out, OPTIONAL_TRANSITIVE, AttributeType.Communities);
    for (const community of attributes.communities) out.u32(community, "communities");
    endAttribute(out, at);
  }
  if (needsAs4Path && asPath !== undefined) {
    const as4Path = asPath.filter((s) => s.type === AsPathSegmentType.AsSequence || s.type === AsPathSegmentType.AsSet);
    at = beginAttribute(out, OPTIONAL_TRANSITIVE, AttributeType.As4Path);
    writeSegments(out, as4Path, 4, "asPath");
    endAttribute(out, at);
  }
  if (aggregator !== undefined && !context.fourOctetAs && aggregator.asn > 0xffff) {
    at = beginAttribute(out, OPTIONAL_TRANSITIVE, AttributeType.As4Aggregator);
    out.u32(aggregator.asn);
    writeIpv4Value(out, aggregator.address, "aggregator.address");
    endAttribute(out, at);
  }
  if (attributes.largeCommunities !== undefined && attributes.largeCommunities.length > 0) {
    at = beginAttribute(out, OPTIONAL_TRANSITIVE, AttributeType.LargeCommunities);
    for (const c of distinctLargeCommunities(attributes.largeCommunities)) {
      out.u32(c.globalAdmin, "largeCommunities.globalAdmin");
      out.u32(c.localData1, "largeCommunities.localData1");
      out.u32(c.localData2, "largeCommunities.localData2");
    }
    endAttribute(out, at);
  }
  for (const unknown of attributes.unknown ?? []) {
    if (MODELLED.has(unknown.typeCode)) {
      throw new RangeError(`unknown.typeCode: ${unknown.typeCode} is an attribute this codec models; set its own field instead`);
    }
    at = beginAttribute(out, OPTIONAL_TRANSITIVE | (unknown.partial ? AttributeFlag.Partial : 0), unknown.typeCode);
    out.append(unknown.value);
    endAttribute(out, at);
  }
}
