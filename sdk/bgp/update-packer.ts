/**
 * Packs route changes into as few UPDATE messages as the 4096-octet limit
 * allows: routes with identical attributes and next hop share a message,
 * IPv4 routes in the NLRI field (or MP_REACH_NLRI when the next hop is
 * IPv6, RFC 8950), IPv6 routes in MP_REACH_NLRI; withdrawals in the
 * Withdrawn Routes field or MP_UNREACH_NLRI.
 */
import { beginAttribute, endAttribute, writeAttributes, writeMpReachValue } from "./attributes-encode";
import { patchLength, writeHeader } from "./header";
import {
  AttributeFlag,
  AttributeType,
  MAX_MESSAGE_LENGTH,
  MessageType,
  type CodecContext,
  type FamilyName,
  type MpNextHop,
  type PathAttributes,
  type Prefix,
} from "./messages";
import { familyCodes } from "./families";
import { prefixWireLength, writePrefix } from "./nlri";
import { ByteWriter } from "./wire";

/** A route to announce. */
export interface AdvertisedRoute {
  readonly family: FamilyName;
  /** The prefix, with a path identifier when ADD-PATH send is negotiated for the family. */
  readonly prefix: Prefix;
  /**
   * Next hop. IPv4 routes: an IPv4 address, or an IPv6 one when extended
   * next hop is negotiated. IPv6 routes: an IPv6 global address (an
   * IPv4-mapped one such as "::ffff:192.0.2.1" over an IPv4 session), plus
   * an optional link-local address.
   */
  readonly nextHop: MpNextHop;
  /** The route's other attributes; their nextHop, mpReach and mpUnreach are ignored. */
  readonly attributes: PathAttributes;
}

/** A route to withdraw. */
export interface WithdrawnRoute {
  readonly family: FamilyName;
  readonly prefix: Prefix;
}

/** The changes to send to one peer. */
export interface RouteChanges {
  readonly announce?: readonly AdvertisedRoute[];
  readonly withdraw?: readonly WithdrawnRoute[];
}

/** Octets before the path attributes: header, Withdrawn Routes Length 0, Total Path Attribute Length. */
const FIXED = 19 + 2 + 2;

interface Group {
  readonly family: FamilyName;
  /** Next hop in MP_REACH_NLRI, or undefined for classic IPv4 NLRI with NEXT_HOP in `attributes`. */
  readonly mpNextHop: MpNextHop | undefined;
  /** Encoded path attributes, MP_REACH_NLRI excluded. */
  readonly attributes: Uint8Array;
  readonly prefixes: Prefix[];
}

const writer = new ByteWriter(8192);

function isIpv6(address: string): boolean {
  return address.includes(":");
}

interface EncodedAttributes {
  readonly key: string;
  readonly bytes: Uint8Array;
}

function encodeAttributes(attributes: PathAttributes, context: CodecContext): EncodedAttributes {
  writer.reset();
  writeAttributes(writer, attributes, context, false);
  const bytes = writer.copy();
  return { key: Buffer.from(bytes).toString("latin1"), bytes };
}

function groupRoutes(routes: readonly AdvertisedRoute[], context: CodecContext): Group[] {
  const groups = new Map<string, Group>();
  const shared = new Map<PathAttributes, EncodedAttributes>();
  const withNextHop = new Map<PathAttributes, Map<string, EncodedAttributes>>();
  for (const route of routes) {
    const { family, nextHop, prefix } = route;
    const classic = family === "ipv4-unicast" && !isIpv6(nextHop.global);
    if (family === "ipv4-unicast" && !classic && !context.extendedNextHop) {
      throw new RangeError(
        `nextHop: IPv6 next hop ${nextHop.global} for IPv4 route ${prefix.address}/${prefix.length} needs the extended next hop capability`,
      );
    }
    if (family === "ipv6-unicast" && !isIpv6(nextHop.global)) {
      throw new RangeError(
        `nextHop: ${nextHop.global} for IPv6 route ${prefix.address}/${prefix.length} is not an IPv6 address (use ::ffff:a.b.c.d)`,
      );
    }
    let encoded: EncodedAttributes;
    let key: string;
    if (classic) {
      // NEXT_HOP is inside the attribute bytes, so it is part of the key.
      let byNextHop = withNextHop.get(route.attributes);
      if (byNextHop === undefined) {
        byNextHop = new Map();
        withNextHop.set(route.attributes, byNextHop);
      }
      let cached = byNextHop.get(nextHop.global);
      if (cached === undefined) {
        const attributes = { ...route.attributes, nextHop: nextHop.global, mpReach: undefined, mpUnreach: undefined };
        cached = encodeAttributes(attributes, context);
        byNextHop.set(nextHop.global, cached);
      }
      encoded = cached;
      key = `classic|${encoded.key}`;
    } else {
      let cached = shared.get(route.attributes);
      if (cached === undefined) {
        cached = encodeAttributes({ ...route.attributes, nextHop: undefined, mpReach: undefined, mpUnreach: undefined }, context);
        shared.set(route.attributes, cached);
      }
      encoded = cached;
      key = `${family}|${nextHop.global}|${nextHop.linkLocal ?? ""}|${encoded.key}`;
    }
    let group = groups.get(key);
    if (group === undefined) {
      group = { family, mpNextHop: classic ? undefined : nextHop, attributes: encoded.bytes, prefixes: [] };
      groups.set(key, group);
    }
    group.prefixes.push(prefix);
  }
  return [...groups.values()];
}

function tooBig(what: string): RangeError {
  return new RangeError(`${what}: attributes leave no room for a single prefix in a ${MAX_MESSAGE_LENGTH}-octet UPDATE`);
}

function packClassic(group: Group, addPath: boolean, out: Uint8Array[]): void {
  const { prefixes, attributes } = group;
  let i = 0;
  while (i < prefixes.length) {
    writer.reset();
    writeHeader(writer, MessageType.Update);
    writer.u16(0);
    writer.u16(attributes.length);
    writer.append(attributes);
    const before = i;
    while (i < prefixes.length && writer.position + prefixWireLength(prefixes[i], addPath) <= MAX_MESSAGE_LENGTH) {
      writePrefix(writer, prefixes[i], 1, addPath, "prefix");
      i++;
    }
    if (i === before) throw tooBig("ipv4-unicast announcement");
    patchLength(writer, 0);
    out.push(writer.copy());
  }
}

function packMpReach(group: Group, addPath: boolean, out: Uint8Array[]): void {
  const { prefixes, attributes } = group;
  const { afi, safi } = familyCodes(group.family);
  const nextHop = group.mpNextHop as MpNextHop;
  let i = 0;
  while (i < prefixes.length) {
    writer.reset();
    writeHeader(writer, MessageType.Update);
    writer.u16(0);
    const attributesLengthAt = writer.skip(2);
    const mpAt = beginAttribute(writer, AttributeFlag.Optional, AttributeType.MpReachNlri);
    writeMpReachValue(writer, afi, safi, nextHop.global, nextHop.linkLocal);
    const before = i;
    for (; i < prefixes.length; i++) {
      const after = writer.position + prefixWireLength(prefixes[i], addPath);
      const extendedLength = after - mpAt - 3 > 255 ? 1 : 0;
      if (after + extendedLength + attributes.length > MAX_MESSAGE_LENGTH) break;
      writePrefix(writer, prefixes[i], afi, addPath, "prefix");
    }
    if (i === before) throw tooBig(`${group.family} announcement`);
    endAttribute(writer, mpAt);
    writer.append(attributes);
    writer.patchU16(attributesLengthAt, writer.position - FIXED);
    patchLength(writer, 0);
    out.push(writer.copy());
  }
}

function packWithdrawals(family: FamilyName, prefixes: readonly Prefix[], addPath: boolean, out: Uint8Array[]): void {
  const { afi, safi } = familyCodes(family);
  let i = 0;
  while (i < prefixes.length) {
    writer.reset();
    writeHeader(writer, MessageType.Update);
    if (family === "ipv4-unicast") {
      const withdrawnAt = writer.skip(2);
      while (i < prefixes.length && writer.position + prefixWireLength(prefixes[i], addPath) + 2 <= MAX_MESSAGE_LENGTH) {
        writePrefix(writer, prefixes[i], afi, addPath, "prefix");
        i++;
      }
      writer.patchU16(withdrawnAt, writer.position - withdrawnAt - 2);
      writer.u16(0);
    } else {
      writer.u16(0);
      const attributesLengthAt = writer.skip(2);
      const mpAt = beginAttribute(writer, AttributeFlag.Optional, AttributeType.MpUnreachNlri);
      writer.u16(afi);
      writer.u8(safi);
      for (; i < prefixes.length; i++) {
        const after = writer.position + prefixWireLength(prefixes[i], addPath);
        if (after + (after - mpAt - 3 > 255 ? 1 : 0) > MAX_MESSAGE_LENGTH) break;
        writePrefix(writer, prefixes[i], afi, addPath, "prefix");
      }
      endAttribute(writer, mpAt);
      writer.patchU16(attributesLengthAt, writer.position - FIXED);
    }
    patchLength(writer, 0);
    out.push(writer.copy());
  }
}

/**
 * Encodes `changes` as UPDATE messages for a peer with `context`:
 * withdrawals first (so a prefix both withdrawn and re-announced ends up
 * announced), then one run of messages per distinct (family, next hop,
 * attributes), each message filled before the next is started.
 * Throws a RangeError naming the field for a route that cannot be encoded.
 */
export function packUpdates(changes: RouteChanges, context: CodecContext): Uint8Array[] {
  const out: Uint8Array[] = [];
  const withdrawals: Record<FamilyName, Prefix[]> = { "ipv4-unicast": [], "ipv6-unicast": [] };
  for (const route of changes.withdraw ?? []) withdrawals[route.family].push(route.prefix);
  for (const family of ["ipv4-unicast", "ipv6-unicast"] as const) {
    packWithdrawals(family, withdrawals[family], context.addPath[family]?.send ?? false, out);
  }
  for (const group of groupRoutes(changes.announce ?? [], context)) {
    const addPath = context.addPath[group.family]?.send ?? false;
    if (group.mpNextHop === undefined) packClassic(group, addPath, out);
    else packMpReach(group, addPath, out);
  }
  return out;
}

/**
 * The End-of-RIB marker for a family (RFC 4724 §2): an empty UPDATE for
 * IPv4 unicast, an UPDATE with an empty MP_UNREACH_NLRI otherwise.
 */
export function endOfRib(family: FamilyName): Uint8Array {
  writer.reset();
  writeHeader(writer, MessageType.Update);
  writer.u16(0);
  if (family === "ipv4-unicast") {
    writer.u16(0);
  } else {
    const { afi, safi } = familyCodes(family);
    writer.u16(6);
    writer.u8(AttributeFlag.Optional);
    writer.u8(AttributeType.MpUnreachNlri);
    writer.u8(3);
    writer.u16(afi);
    writer.u8(safi);
  }
  patchLength(writer, 0);
  return writer.copy();
}
