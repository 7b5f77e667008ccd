/**
 * Path attribute decoding (RFC 4271 §4.3/§5, RFC 4760, RFC 6793, RFC 1997,
 * RFC 8092) with RFC 7606 error handling: every problem becomes a session
 * reset, a treat-as-withdraw or an attribute discard, never an exception.
 * AS 0 is refused as RFC 7607 says; next hops are refused where FRR and
 * GoBGP refuse them (0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/3, ::, ::1,
 * ff00::/8, the session's own address).
 */
import { formatIpValue, readIpv6Value } from "../../net/octets";
import { CHECKED, decoded, refused } from "./errors";
import {
  AS_TRANS,
  Afi,
  AsPathSegmentType,
  AttributeFlag,
  AttributeType,
  ErrorCode,
  UpdateErrorSubcode,
  type Aggregator,
  type AsPathSegment,
  type CodecContext,
  type Decoded,
  type IpValue,
  type Ipv6Value,
  type LargeCommunity,
  type MpNextHop,
  type PathAttributes,
  type Prefix,
  type UnknownAttribute,
  type UpdateDiagnostic,
  type UpdateErrorAction,
} from "../messages";
import { familyName } from "../families";
import { readPrefixes } from "./nlri";
import { readU16, readU32 } from "./wire";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Decoded attributes plus the RFC 7606 problems tolerated on the way. */
export interface DecodedAttributes {
  readonly attributes: PathAttributes;
  readonly diagnostics: readonly UpdateDiagnostic[];
}

const OPTIONAL_TRANSITIVE = AttributeFlag.Optional | AttributeFlag.Transitive;

/** Diagnostics kept per UPDATE; a hostile message could otherwise produce thousands of log lines. */
const MAX_DIAGNOSTICS = 32;

/** Expected Optional and Transitive bits, and the RFC 7606 action when they are wrong. */
const KNOWN: ReadonlyMap<number, { readonly flags: number; readonly action: UpdateErrorAction | "session-reset"; readonly name: string }> = new Map([
  [AttributeType.Origin, { flags: AttributeFlag.Transitive, action: "treat-as-withdraw", name: "ORIGIN" }],
  [AttributeType.AsPath, { flags: AttributeFlag.Transitive, action: "treat-as-withdraw", name: "AS_PATH" }],
  [AttributeType.NextHop, { flags: AttributeFlag.Transitive, action: "treat-as-withdraw", name: "NEXT_HOP" }],
  [AttributeType.MultiExitDisc, { flags: AttributeFlag.Optional, action: "treat-as-withdraw", name: "MULTI_EXIT_DISC" }],
  [AttributeType.LocalPref, { flags: AttributeFlag.Transitive, action: "treat-as-withdraw", name: "LOCAL_PREF" }],
  [AttributeType.AtomicAggregate, { flags: AttributeFlag.Transitive, action: "attribute-discard", name: "ATOMIC_AGGREGATE" }],
  [AttributeType.Aggregator, { flags: OPTIONAL_TRANSITIVE, action: "attribute-discard", name: "AGGREGATOR" }],
  [AttributeType.Communities, { flags: OPTIONAL_TRANSITIVE, action: "treat-as-withdraw", name: "COMMUNITIES" }],
  [AttributeType.OriginatorId, { flags: AttributeFlag.Optional, action: "treat-as-withdraw", name: "ORIGINATOR_ID" }],
  [AttributeType.ClusterList, { flags: AttributeFlag.Optional, action: "treat-as-withdraw", name: "CLUSTER_LIST" }],
  [AttributeType.MpReachNlri, { flags: AttributeFlag.Optional, action: "session-reset", name: "MP_REACH_NLRI" }],
  [AttributeType.MpUnreachNlri, { flags: AttributeFlag.Optional, action: "session-reset", name: "MP_UNREACH_NLRI" }],
  [AttributeType.As4Path, { flags: OPTIONAL_TRANSITIVE, action: "attribute-discard", name: "AS4_PATH" }],
  [AttributeType.ExtendedCommunities, { flags: OPTIONAL_TRANSITIVE, action: "treat-as-withdraw", name: "EXTENDED_COMMUNITIES" }],
  [AttributeType.As4Aggregator, { flags: OPTIONAL_TRANSITIVE, action: "attribute-discard", name: "AS4_AGGREGATOR" }],
  [AttributeType.Ipv6ExtendedCommunities, { flags: OPTIONAL_TRANSITIVE, action: "treat-as-withdraw", name: "IPV6_EXTENDED_COMMUNITIES" }],
  [AttributeType.LargeCommunities, { flags: OPTIONAL_TRANSITIVE, action: "treat-as-withdraw", name: "LARGE_COMMUNITY" }],
]);

/**
 * Attributes an external (eBGP) peer must not send; RFC 7606 §7.5, §7.9 and
 * §7.10 discard them whatever their content, before any other check.
 */
const DISCARDED_FROM_EXTERNAL: ReadonlyMap<number, string> = new Map([
  [AttributeType.LocalPref, "RFC 7606 §7.5"],
  [AttributeType.OriginatorId, "RFC 7606 §7.9"],
  [AttributeType.ClusterList, "RFC 7606 §7.10"],
]);

/**
 * `communities` without repeated values, first occurrence kept: RFC 8092 §5
 * forbids sending duplicates and has the receiver remove them silently.
 */
export function distinctLargeCommunities(communities: readonly LargeCommunity[]): LargeCommunity[] {
  const seen = new Set<string>();
  return communities.filter((c) => {
    const key = `${c.globalAdmin}:${c.localData1}:${c.localData2}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The registry name of an attribute type for logs and metrics, e.g. "AS_PATH"; "type N" for one this codec does not know. */
export function attributeName(type: number): string {
  return KNOWN.get(type)?.name ?? `type ${type}`;
}

/** Invalid Next Hop Attribute (RFC 4271 §6.3) because of `problem`. */
function invalidNextHop(problem: string): Decoded<void> {
  return refused(ErrorCode.UpdateMessage, UpdateErrorSubcode.InvalidNextHopAttribute, problem);
}

/**
 * Checks the IPv4 next hop `address`. RFC 4271 §6.3 asks for a valid host
 * address that is not the receiver's own; like GoBGP, this refuses
 * 0.0.0.0/8, 127.0.0.0/8 and 224.0.0.0/3 (multicast, and the reserved
 * 240.0.0.0/4 with the broadcast address).
 */
function checkIpv4NextHop(address: number, localAddress: IpValue | undefined): Decoded<void> {
  const first = address >>> 24;
  if (address === localAddress) return invalidNextHop(`${formatIpValue(address)} is this speaker's own address on the session`);
  if (first === 0) return invalidNextHop(`${formatIpValue(address)} is in 0.0.0.0/8, not a host address`);
  if (first === 127) return invalidNextHop(`${formatIpValue(address)} is a loopback address (127.0.0.0/8)`);
  if (first >= 224 && first < 240) return invalidNextHop(`${formatIpValue(address)} is a multicast address (224.0.0.0/4)`);
  if (first >= 240) return invalidNextHop(`${formatIpValue(address)} is in the reserved 240.0.0.0/4`);
  return CHECKED;
}

/**
 * Checks the IPv6 global next hop `address`. As FRR: the unspecified
 * address (allowed only before a link-local one, RFC 2545 §3), loopback,
 * multicast, and the session's own address are refused.
 */
function checkIpv6NextHop(address: Ipv6Value, localAddress: IpValue | undefined, linkLocalFollows: boolean): Decoded<void> {
  if (address === localAddress) return invalidNextHop(`${formatIpValue(address)} is this speaker's own address on the session`);
  if (address === 0n && !linkLocalFollows) return invalidNextHop(":: (unspecified) is not a host address");
  if (address === 1n) return invalidNextHop("::1 is the loopback address");
  if (address >> 120n === 0xffn) return invalidNextHop(`${formatIpValue(address)} is a multicast address (ff00::/8)`);
  return CHECKED;
}

/** Working state of one attribute list decode. */
class AttributeReader {
  readonly attributes: Mutable<PathAttributes> = {};
  readonly diagnostics: UpdateDiagnostic[] = [];
  treatAsWithdrawSuppressed = false;
  as4Path: AsPathSegment[] | undefined;
  as4Aggregator: Aggregator | undefined;
  private unknown: UnknownAttribute[] | undefined;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly context: CodecContext,
  ) {}

  /** Diagnostics beyond {@link MAX_DIAGNOSTICS} that were counted but not kept. */
  suppressed = 0;

  /** Records a problem RFC 7606 handles without a reset; the decode goes on. */
  note(action: UpdateErrorAction, subcode: number, reason: string, attributeType?: number): Decoded<void> {
    if (this.diagnostics.length >= MAX_DIAGNOSTICS) {
      this.suppressed++;
      if (action === "treat-as-withdraw") this.treatAsWithdrawSuppressed = true;
      return CHECKED;
    }
    this.diagnostics.push(
      attributeType === undefined ? { action, subcode, reason } : { action, subcode, attributeType, attributeName: attributeName(attributeType), reason },
    );
    return CHECKED;
  }

  /** A problem for which RFC 7606 still demands a session reset: UPDATE Message Error with `subcode`. */
  reset(subcode: number, reason: string, data?: Uint8Array): Decoded<void> {
    return refused(ErrorCode.UpdateMessage, subcode, reason, data);
  }

  /** Decodes one attribute whose header starts at `at` and value spans `[start, end)`. */
  read(type: number, flags: number, at: number, start: number, end: number): Decoded<void> {
    const known = KNOWN.get(type);
    if (known === undefined) return this.readUnknown(type, flags, at, start, end);
    const discardedBy = this.context.peerType === "external" ? DISCARDED_FROM_EXTERNAL.get(type) : undefined;
    if (discardedBy !== undefined) {
      return this.note(
        "attribute-discard",
        UpdateErrorSubcode.MalformedAttributeList,
        `${known.name} from an external (eBGP) peer is discarded (${discardedBy})`,
        type,
      );
    }
    if ((flags & OPTIONAL_TRANSITIVE) !== known.flags) {
      const reason = `${known.name} flags 0x${flags.toString(16)} have Optional/Transitive 0x${(flags & OPTIONAL_TRANSITIVE).toString(16)}, expected 0x${known.flags.toString(16)}`;
      if (known.action === "session-reset") return this.reset(UpdateErrorSubcode.AttributeFlagsError, reason, this.bytes.slice(at, end));
      return this.note(known.action, UpdateErrorSubcode.AttributeFlagsError, reason, type);
    }
    // RFC 4271 §4.3: the Partial bit is 0 on well-known and optional
    // non-transitive attributes (FRR and GoBGP check it too). RFC 7606 §3 c
    // covers only the Optional and Transitive bits, so a Partial bit alone
    // never resets the session: on MP_REACH/MP_UNREACH_NLRI it is ignored.
    if ((flags & AttributeFlag.Partial) !== 0 && known.flags !== OPTIONAL_TRANSITIVE && known.action !== "session-reset") {
      return this.note(known.action, UpdateErrorSubcode.AttributeFlagsError, `${known.name} has the Partial flag set (flags 0x${flags.toString(16)})`, type);
    }
    const length = end - start;
    const b = this.bytes;
    switch (type) {
      case AttributeType.Origin:
        if (length !== 1) return this.note("treat-as-withdraw", UpdateErrorSubcode.AttributeLengthError, `ORIGIN length ${length}, expected 1`, type);
        if (b[start] > 2) return this.note("treat-as-withdraw", UpdateErrorSubcode.InvalidOriginAttribute, `ORIGIN value ${b[start]} is not 0, 1 or 2`, type);
        this.attributes.origin = b[start] as 0 | 1 | 2;
        return CHECKED;
      case AttributeType.AsPath: {
        const read = readAsPath(b, start, end, this.context.fourOctetAs ? 4 : 2);
        if (!read.ok) return this.note("treat-as-withdraw", read.error.subcode, `AS_PATH ${read.error.reason}`, type);
        const segments = read.value;
        if (
          this.context.peerType === "external" &&
          segments.some((s) => s.type === AsPathSegmentType.AsConfedSequence || s.type === AsPathSegmentType.AsConfedSet)
        ) {
          // RFC 5065 §5 as revised by RFC 7606 §7.2: bgplb is in no confederation.
          return this.note(
            "treat-as-withdraw",
            UpdateErrorSubcode.MalformedAsPath,
            "AS_PATH from an external peer outside our confederation has an AS_CONFED segment",
            type,
          );
        }
        this.attributes.asPath = segments;
        return CHECKED;
      }
      case AttributeType.NextHop: {
        if (length !== 4) return this.note("treat-as-withdraw", UpdateErrorSubcode.AttributeLengthError, `NEXT_HOP length ${length}, expected 4`, type);
        const nextHop = readU32(b, start);
        const checked = checkIpv4NextHop(nextHop, this.context.localAddress);
        if (!checked.ok) return this.note("treat-as-withdraw", checked.error.subcode, `NEXT_HOP ${checked.error.reason}`, type);
        this.attributes.nextHop = nextHop;
        return CHECKED;
      }
      case AttributeType.MultiExitDisc:
        if (length !== 4) return this.note("treat-as-withdraw", UpdateErrorSubcode.AttributeLengthError, `MULTI_EXIT_DISC length ${length}, expected 4`, type);
        this.attributes.med = readU32(b, start);
        return CHECKED;
      case AttributeType.LocalPref:
        if (length !== 4) return this.note("treat-as-withdraw", UpdateErrorSubcode.AttributeLengthError, `LOCAL_PREF length ${length}, expected 4`, type);
        this.attributes.localPref = readU32(b, start);
        return CHECKED;
      case AttributeType.AtomicAggregate:
        if (length !== 0) return this.note("attribute-discard", UpdateErrorSubcode.AttributeLengthError, `ATOMIC_AGGREGATE length ${length}, expected 0`, type);
        this.attributes.atomicAggregate = true;
        return CHECKED;
      case AttributeType.Aggregator: {
        const expected = this.context.fourOctetAs ? 8 : 6;
        if (length !== expected)
          return this.note("attribute-discard", UpdateErrorSubcode.AttributeLengthError, `AGGREGATOR length ${length}, expected ${expected}`, type);
        const aggregator =
          expected === 8 ? { asn: readU32(b, start), address: readU32(b, start + 4) } : { asn: readU16(b, start), address: readU32(b, start + 2) };
        if (aggregator.asn === 0) return this.note("attribute-discard", UpdateErrorSubcode.OptionalAttributeError, "AGGREGATOR has AS 0 (RFC 7607)", type);
        this.attributes.aggregator = aggregator;
        return CHECKED;
      }
      case AttributeType.Communities: {
        if (length === 0 || length % 4 !== 0)
          return this.note(
            "treat-as-withdraw",
            UpdateErrorSubcode.OptionalAttributeError,
            `COMMUNITIES length ${length} is not a non-zero multiple of 4`,
            type,
          );
        const communities = new Array<number>(length / 4);
        for (let i = 0; i < communities.length; i++) communities[i] = readU32(b, start + 4 * i);
        this.attributes.communities = communities;
        return CHECKED;
      }
      case AttributeType.LargeCommunities: {
        if (length === 0 || length % 12 !== 0)
          return this.note(
            "treat-as-withdraw",
            UpdateErrorSubcode.OptionalAttributeError,
            `LARGE_COMMUNITY length ${length} is not a non-zero multiple of 12`,
            type,
          );
        const communities = new Array<LargeCommunity>(length / 12);
        for (let i = 0; i < communities.length; i++) {
          const o = start + 12 * i;
          communities[i] = { globalAdmin: readU32(b, o), localData1: readU32(b, o + 4), localData2: readU32(b, o + 8) };
        }
        this.attributes.largeCommunities = distinctLargeCommunities(communities);
        return CHECKED;
      }
      case AttributeType.As4Path: {
        if (this.context.fourOctetAs)
          return this.note("attribute-discard", UpdateErrorSubcode.OptionalAttributeError, "AS4_PATH received from a 4-octet AS speaker", type);
        if (length === 0) return this.note("attribute-discard", UpdateErrorSubcode.OptionalAttributeError, "AS4_PATH is empty (RFC 6793 §6)", type);
        const read = readAsPath(b, start, end, 4);
        if (!read.ok) return this.note("attribute-discard", UpdateErrorSubcode.OptionalAttributeError, `AS4_PATH ${read.error.reason}`, type);
        this.as4Path = read.value.filter((s) => s.type === AsPathSegmentType.AsSequence || s.type === AsPathSegmentType.AsSet);
        return CHECKED;
      }
      case AttributeType.As4Aggregator:
        if (this.context.fourOctetAs)
          return this.note("attribute-discard", UpdateErrorSubcode.OptionalAttributeError, "AS4_AGGREGATOR received from a 4-octet AS speaker", type);
        if (length !== 8) return this.note("attribute-discard", UpdateErrorSubcode.AttributeLengthError, `AS4_AGGREGATOR length ${length}, expected 8`, type);
        if (readU32(b, start) === 0)
          return this.note("attribute-discard", UpdateErrorSubcode.OptionalAttributeError, "AS4_AGGREGATOR has AS 0 (RFC 7607, RFC 6793 §6)", type);
        this.as4Aggregator = { asn: readU32(b, start), address: readU32(b, start + 4) };
        return CHECKED;
      case AttributeType.OriginatorId:
        // Validated for RFC 7606 §7.9, then dropped: bgplb reflects no routes.
        if (length !== 4) return this.note("treat-as-withdraw", UpdateErrorSubcode.AttributeLengthError, `ORIGINATOR_ID length ${length}, expected 4`, type);
        return CHECKED;
      case AttributeType.ClusterList:
        // Validated for RFC 7606 §7.10, then dropped like ORIGINATOR_ID.
        if (length === 0 || length % 4 !== 0)
          return this.note("treat-as-withdraw", UpdateErrorSubcode.AttributeLengthError, `CLUSTER_LIST length ${length} is not a non-zero multiple of 4`, type);
        return CHECKED;
      case AttributeType.ExtendedCommunities:
      case AttributeType.Ipv6ExtendedCommunities: {
        // RFC 7606 §7.14 and §7.15; then passed on like an unknown attribute.
        const size = type === AttributeType.ExtendedCommunities ? 8 : 20;
        if (length === 0 || length % size !== 0) {
          return this.note(
            "treat-as-withdraw",
            UpdateErrorSubcode.OptionalAttributeError,
            `${known.name} length ${length} is not a non-zero multiple of ${size}`,
            type,
          );
        }
        return this.readUnknown(type, flags, at, start, end);
      }
      case AttributeType.MpReachNlri:
        return this.readMpReach(at, start, end);
      case AttributeType.MpUnreachNlri:
        return this.readMpUnreach(at, start, end);
    }
    return CHECKED;
  }

  private readUnknown(type: number, flags: number, at: number, start: number, end: number): Decoded<void> {
    if ((flags & AttributeFlag.Optional) === 0) {
      return this.reset(UpdateErrorSubcode.UnrecognizedWellKnownAttribute, `well-known attribute type ${type} is not recognised`, this.bytes.slice(at, end));
    }
    if ((flags & AttributeFlag.Transitive) === 0) return CHECKED;
    this.unknown ??= [];
    this.unknown.push({ typeCode: type, partial: (flags & AttributeFlag.Partial) !== 0, value: this.bytes.slice(start, end) });
    this.attributes.unknown = this.unknown;
    return CHECKED;
  }

  private readMpReach(at: number, start: number, end: number): Decoded<void> {
    const b = this.bytes;
    const data = (): Uint8Array => b.slice(at, end);
    if (end - start < 5) return this.reset(UpdateErrorSubcode.AttributeLengthError, `MP_REACH_NLRI length ${end - start} is below 5`, data());
    const afi = readU16(b, start);
    const safi = b[start + 2];
    const family = familyName(afi, safi);
    if (family === undefined) {
      return this.note(
        "attribute-discard",
        UpdateErrorSubcode.OptionalAttributeError,
        `MP_REACH_NLRI for unsupported AFI ${afi} SAFI ${safi} ignored`,
        AttributeType.MpReachNlri,
      );
    }
    const nextHopLength = b[start + 3];
    const nextHopStart = start + 4;
    const nlriStart = nextHopStart + nextHopLength + 1;
    if (nlriStart > end) {
      return this.reset(UpdateErrorSubcode.OptionalAttributeError, `MP_REACH_NLRI next hop length ${nextHopLength} runs past the attribute`, data());
    }
    let nextHop: MpNextHop;
    let nextHopChecked: Decoded<void>;
    const local = this.context.localAddress;
    if (nextHopLength === 4 && afi === Afi.Ipv4) {
      const global = readU32(b, nextHopStart);
      nextHop = { global };
      nextHopChecked = checkIpv4NextHop(global, local);
    } else if (nextHopLength === 16) {
      const global = readIpv6Value(b, nextHopStart);
      nextHop = { global };
      nextHopChecked = checkIpv6NextHop(global, local, false);
    } else if (nextHopLength === 32) {
      const global = readIpv6Value(b, nextHopStart);
      nextHop = { global, linkLocal: readIpv6Value(b, nextHopStart + 16) };
      nextHopChecked = checkIpv6NextHop(global, local, true);
    } else {
      return this.reset(UpdateErrorSubcode.OptionalAttributeError, `MP_REACH_NLRI next hop length ${nextHopLength} is not valid for AFI ${afi}`, data());
    }
    const nlri: Prefix[] = [];
    const read = readPrefixes(b, nlriStart, end, afi, this.context.addPath[family]?.receive ?? false, nlri, {
      subcode: UpdateErrorSubcode.OptionalAttributeError,
      reasonPrefix: "MP_REACH_NLRI ",
      data,
    });
    if (!read.ok) return read;
    // The NLRI is kept so that treat-as-withdraw knows which routes to withdraw.
    this.attributes.mpReach = { afi, safi, nextHop, nlri };
    if (!nextHopChecked.ok) {
      return this.note("treat-as-withdraw", nextHopChecked.error.subcode, `MP_REACH_NLRI next hop ${nextHopChecked.error.reason}`, AttributeType.MpReachNlri);
    }
    return CHECKED;
  }

  private readMpUnreach(at: number, start: number, end: number): Decoded<void> {
    const b = this.bytes;
    if (end - start < 3) {
      return this.reset(UpdateErrorSubcode.AttributeLengthError, `MP_UNREACH_NLRI length ${end - start} is below 3`, b.slice(at, end));
    }
    const afi = readU16(b, start);
    const safi = b[start + 2];
    const family = familyName(afi, safi);
    if (family === undefined) {
      return this.note(
        "attribute-discard",
        UpdateErrorSubcode.OptionalAttributeError,
        `MP_UNREACH_NLRI for unsupported AFI ${afi} SAFI ${safi} ignored`,
        AttributeType.MpUnreachNlri,
      );
    }
    const withdrawn: Prefix[] = [];
    const read = readPrefixes(b, start + 3, end, afi, this.context.addPath[family]?.receive ?? false, withdrawn, {
      subcode: UpdateErrorSubcode.OptionalAttributeError,
      reasonPrefix: "MP_UNREACH_NLRI ",
      data: () => b.slice(at, end),
    });
    if (!read.ok) return read;
    this.attributes.mpUnreach = { afi, safi, withdrawn };
    return CHECKED;
  }
}

/** Parses AS_PATH segments of `asnSize`-octet ASNs; a malformed path (RFC 7606 §7.2) is Malformed AS_PATH. */
function readAsPath(bytes: Uint8Array, start: number, end: number, asnSize: 2 | 4): Decoded<AsPathSegment[]> {
  const malformed = (reason: string): Decoded<never> => refused(ErrorCode.UpdateMessage, UpdateErrorSubcode.MalformedAsPath, reason);
  const segments: AsPathSegment[] = [];
  let at = start;
  while (at < end) {
    if (at + 2 > end) return malformed("has a single octet left where a segment header should be");
    const type = bytes[at];
    const count = bytes[at + 1];
    if (type < AsPathSegmentType.AsSet || type > AsPathSegmentType.AsConfedSet) return malformed(`segment type ${type} is not 1..4`);
    if (count === 0) return malformed("has a segment of length 0");
    const segmentEnd = at + 2 + count * asnSize;
    if (segmentEnd > end) return malformed(`segment of ${count} ASNs runs past the attribute`);
    const asns = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      const o = at + 2 + i * asnSize;
      asns[i] = asnSize === 4 ? readU32(bytes, o) : readU16(bytes, o);
      if (asns[i] === 0) return malformed("has AS 0 (RFC 7607)");
    }
    segments.push({ type: type as AsPathSegmentType, asns });
    at = segmentEnd;
  }
  return decoded(segments);
}

/** Number of ASNs a path counts for in path length comparison (RFC 4271 §9.1.2.2, RFC 6793 §4.2.3). */
function pathLength(segments: readonly AsPathSegment[]): number {
  let length = 0;
  for (const s of segments) {
    if (s.type === AsPathSegmentType.AsSequence) length += s.asns.length;
    else if (s.type === AsPathSegmentType.AsSet) length += 1;
  }
  return length;
}

/** RFC 6793 §4.2.3: rebuild the 4-octet path from AS_PATH and AS4_PATH. */
function mergeAs4Path(asPath: readonly AsPathSegment[], as4Path: readonly AsPathSegment[]): AsPathSegment[] | undefined {
  let needed = pathLength(asPath) - pathLength(as4Path);
  if (needed < 0) return undefined;
  const merged: AsPathSegment[] = [];
  for (const segment of asPath) {
    const confed = segment.type === AsPathSegmentType.AsConfedSequence || segment.type === AsPathSegmentType.AsConfedSet;
    if (confed) {
      merged.push(segment);
      continue;
    }
    if (needed === 0) break;
    if (segment.type === AsPathSegmentType.AsSet) {
      merged.push(segment);
      needed -= 1;
    } else {
      const take = Math.min(needed, segment.asns.length);
      merged.push(take === segment.asns.length ? segment : { type: segment.type, asns: segment.asns.slice(0, take) });
      needed -= take;
    }
  }
  const last = merged[merged.length - 1];
  const first = as4Path[0];
  if (
    last !== undefined &&
    first !== undefined &&
    last.type === AsPathSegmentType.AsSequence &&
    first.type === AsPathSegmentType.AsSequence &&
    last.asns.length + first.asns.length <= 255
  ) {
    merged[merged.length - 1] = { type: AsPathSegmentType.AsSequence, asns: [...last.asns, ...first.asns] };
    return merged.concat(as4Path.slice(1));
  }
  return merged.concat(as4Path);
}

/**
 * Decodes the path attributes in `bytes[start, end)`. Fails only where
 * RFC 7606 still demands a session reset.
 */
export function readAttributes(bytes: Uint8Array, start: number, end: number, context: CodecContext): Decoded<DecodedAttributes> {
  const reader = new AttributeReader(bytes, context);
  const seen = new Uint8Array(256);
  let at = start;
  while (at < end) {
    // RFC 7606 §4: an attribute that overruns the list, or a header that
    // does not fit, is treat-as-withdraw; the NLRI is still located from
    // the Total Path Attribute Length.
    if (end - at < 3) {
      reader.note(
        "treat-as-withdraw",
        UpdateErrorSubcode.MalformedAttributeList,
        `${end - at} octets left after the last attribute, too few for an attribute header`,
      );
      break;
    }
    const flags = bytes[at];
    const type = bytes[at + 1];
    const extended = (flags & AttributeFlag.ExtendedLength) !== 0;
    if (extended && end - at < 4) {
      reader.note(
        "treat-as-withdraw",
        UpdateErrorSubcode.MalformedAttributeList,
        `attribute type ${type} has an extended length header but only ${end - at} octets remain`,
        type,
      );
      break;
    }
    const length = extended ? readU16(bytes, at + 2) : bytes[at + 2];
    const valueStart = at + (extended ? 4 : 3);
    const valueEnd = valueStart + length;
    if (valueEnd > end) {
      reader.note(
        "treat-as-withdraw",
        UpdateErrorSubcode.AttributeLengthError,
        `attribute type ${type} length ${length} overruns the attribute list by ${valueEnd - end} octets`,
        type,
      );
      break;
    }
    let read: Decoded<void>;
    if (!seen[type]) {
      seen[type] = 1;
      read = reader.read(type, flags, at, valueStart, valueEnd);
    } else if (type === AttributeType.MpReachNlri || type === AttributeType.MpUnreachNlri) {
      read = reader.reset(UpdateErrorSubcode.MalformedAttributeList, `${attributeName(type)} appears more than once`);
    } else {
      read = reader.note(
        "attribute-discard",
        UpdateErrorSubcode.MalformedAttributeList,
        `${attributeName(type)} (type ${type}) appears more than once; later copies discarded`,
        type,
      );
    }
    if (!read.ok) return read;
    at = valueEnd;
  }
  const attributes = reader.attributes;
  if (reader.as4Aggregator !== undefined) {
    if (attributes.aggregator?.asn === AS_TRANS) attributes.aggregator = reader.as4Aggregator;
    else if (attributes.aggregator !== undefined) reader.as4Path = undefined;
  }
  if (reader.as4Path !== undefined && attributes.asPath !== undefined) {
    const merged = mergeAs4Path(attributes.asPath, reader.as4Path);
    if (merged === undefined) {
      reader.note("attribute-discard", UpdateErrorSubcode.OptionalAttributeError, "AS4_PATH is longer than AS_PATH; ignored", AttributeType.As4Path);
    } else {
      attributes.asPath = merged;
    }
  }
  if (reader.suppressed > 0) {
    reader.diagnostics.push({
      action: reader.treatAsWithdrawSuppressed ? "treat-as-withdraw" : "attribute-discard",
      subcode: UpdateErrorSubcode.MalformedAttributeList,
      reason: `${reader.suppressed} further attribute problems not listed`,
    });
  }
  return decoded({ attributes, diagnostics: reader.diagnostics });
}
