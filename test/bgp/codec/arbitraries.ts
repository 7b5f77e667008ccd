/**
 * fast-check generators for BGP messages that survive a round trip
 * unchanged: addresses as typed values (IPv4 a number, IPv6 a bigint built
 * from random octets here, independently of the codec), host bits clear,
 * path identifiers only where the context negotiates ADD-PATH, mandatory
 * attributes present whenever there is something to reach.
 */
import fc from "fast-check";
import type {
  AsPathSegment,
  BgpMessage,
  Capability,
  CodecContext,
  FamilyName,
  OpenMessage,
  PathAttributes,
  Prefix,
  UnknownAttribute,
  UpdateMessage,
} from "../../../sdk/bgp";

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** A unicast IPv4 address value usable as NEXT_HOP or BGP identifier: 1.0.0.0-223.255.255.255 without 127.0.0.0/8. */
const unicastIpv4 = fc.integer({ min: 0x01000000, max: 0xdfffffff }).filter((v) => v >>> 24 !== 127);

/** The 128-bit value of 16 octets, computed here rather than by the codec. */
function octetsValue(bytes: readonly number[]): bigint {
  return bytes.reduce((value, b) => (value << 8n) | BigInt(b), 0n);
}

const ipv6Bytes = fc.uint8Array({ minLength: 16, maxLength: 16 });

/** An IPv6 address value. */
const ipv6 = ipv6Bytes.map((b) => octetsValue([...b]));

/** An IPv6 address value usable as a next hop: not ::, ::1 or multicast (ff00::/8). */
const unicastIpv6 = ipv6Bytes.filter((b) => b[0] !== 0xff && !(b.subarray(0, 15).every((x) => x === 0) && b[15] <= 1)).map((b) => octetsValue([...b]));

function ipv4Prefix(pathIds: boolean): fc.Arbitrary<Prefix> {
  return fc.record({ value: u32, length: fc.integer({ min: 0, max: 32 }), pathId: u32 }).map(({ value, length, pathId }) => {
    const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
    const address = (value & mask) >>> 0;
    return pathIds ? { address, length, pathId } : { address, length };
  });
}

function ipv6Prefix(pathIds: boolean): fc.Arbitrary<Prefix> {
  return fc.record({ bytes: ipv6Bytes, length: fc.integer({ min: 0, max: 128 }), pathId: u32 }).map(({ bytes, length, pathId }) => {
    const masked = [...bytes].map((b, i) => {
      const bits = Math.max(0, Math.min(8, length - 8 * i));
      return b & ((0xff << (8 - bits)) & 0xff);
    });
    const address = octetsValue(masked);
    return pathIds ? { address, length, pathId } : { address, length };
  });
}

/** A codec context; ADD-PATH is symmetric per family so an encode can be decoded by the same context. */
export const context: fc.Arbitrary<CodecContext> = fc
  .record({
    fourOctetAs: fc.boolean(),
    v4: fc.boolean(),
    v6: fc.boolean(),
    extendedNextHop: fc.boolean(),
    peerType: fc.constantFrom("internal" as const, "external" as const, undefined),
    // Addresses the generators below practically never produce as a next hop.
    localAddress: fc.constantFrom(0xc63364fe, (0x2001_0db8_ffffn << 80n) | 0xfen, undefined),
  })
  .map(({ fourOctetAs, v4, v6, extendedNextHop, peerType, localAddress }) => {
    const addPath: Partial<Record<FamilyName, { send: boolean; receive: boolean }>> = {};
    if (v4) addPath["ipv4-unicast"] = { send: true, receive: true };
    if (v6) addPath["ipv6-unicast"] = { send: true, receive: true };
    return {
      fourOctetAs,
      addPath,
      extendedNextHop,
      ...(peerType === undefined ? {} : { peerType }),
      ...(localAddress === undefined ? {} : { localAddress }),
    };
  });

const MODELLED_CAPABILITIES = new Set([1, 2, 5, 64, 65, 69]);

const capability: fc.Arbitrary<Capability> = fc.oneof(
  fc.record({ kind: fc.constant("multiprotocol" as const), afi: u16, safi: u8 }),
  fc.constant({ kind: "routeRefresh" as const }),
  fc.record({ kind: fc.constant("fourOctetAs" as const), asn: u32 }),
  fc.record({
    kind: fc.constant("addPath" as const),
    entries: fc.array(fc.record({ afi: u16, safi: u8, sendReceive: fc.constantFrom(1 as const, 2 as const, 3 as const) }), {
      minLength: 1,
      maxLength: 4,
    }),
  }),
  fc.record({
    kind: fc.constant("extendedNextHop" as const),
    entries: fc.array(fc.record({ afi: u16, safi: u16, nextHopAfi: u16 }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant("gracefulRestart" as const),
    flags: fc.integer({ min: 0, max: 0xf }),
    restartTimeSeconds: fc.integer({ min: 0, max: 0xfff }),
    families: fc.array(fc.record({ afi: u16, safi: u8, flags: u8 }), { maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant("unknown" as const),
    code: u8.filter((c) => !MODELLED_CAPABILITIES.has(c)),
    value: fc.uint8Array({ maxLength: 24 }),
  }),
);

/** OPEN messages, sometimes with enough capabilities to need RFC 9072's extended form. */
const open: fc.Arbitrary<OpenMessage> = fc.record({
  kind: fc.constant("open" as const),
  version: fc.constant(4),
  myAsn: u16,
  holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 0xffff })),
  bgpId: unicastIpv4,
  capabilities: fc.array(capability, { maxLength: 60 }),
});

/** AS numbers other than 0, which RFC 7607 forbids. */
const asNumber = fc.oneof(fc.integer({ min: 1, max: 0xffff }), fc.integer({ min: 1, max: 0xffffffff }));

function asPath(ctx: CodecContext): fc.Arbitrary<AsPathSegment[]> {
  // Confederation segments never travel in AS4_PATH, so they only survive between 4-octet
  // speakers, and only from a peer that is not external (RFC 7606 §7.2).
  const types = ctx.fourOctetAs && ctx.peerType !== "external" ? ([1, 2, 3, 4] as const) : ([1, 2] as const);
  const asn = asNumber;
  return fc.array(fc.record({ type: fc.constantFrom(...types), asns: fc.array(asn, { minLength: 1, maxLength: 8 }) }), { maxLength: 4 });
}

const KNOWN_ATTRIBUTES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 25, 32]);

const unknownAttributes: fc.Arbitrary<UnknownAttribute[]> = fc.uniqueArray(
  fc.record({
    typeCode: u8.filter((t) => !KNOWN_ATTRIBUTES.has(t)),
    partial: fc.boolean(),
    value: fc.uint8Array({ maxLength: 300 }),
  }),
  { selector: (a) => a.typeCode, minLength: 1, maxLength: 3 },
);

function update(ctx: CodecContext): fc.Arbitrary<UpdateMessage> {
  const v4PathIds = ctx.addPath["ipv4-unicast"]?.send ?? false;
  const v6PathIds = ctx.addPath["ipv6-unicast"]?.send ?? false;
  const mpReach = fc.oneof(
    fc.record({
      afi: fc.constant(2),
      safi: fc.constant(1),
      nextHop: fc.record({ global: unicastIpv6, linkLocal: ipv6 }, { requiredKeys: ["global"] }),
      nlri: fc.array(ipv6Prefix(v6PathIds), { maxLength: 10 }),
    }),
    fc.record({
      afi: fc.constant(1),
      safi: fc.constant(1),
      nextHop: fc.record({ global: fc.oneof(unicastIpv6, unicastIpv4) }),
      nlri: fc.array(ipv4Prefix(v4PathIds), { maxLength: 10 }),
    }),
  );
  const attributes: fc.Arbitrary<PathAttributes> = fc.record(
    {
      origin: fc.constantFrom(0 as const, 1 as const, 2 as const),
      asPath: asPath(ctx),
      nextHop: unicastIpv4,
      med: u32,
      // RFC 7606 §7.5: discarded when it comes from an external peer.
      ...(ctx.peerType === "external" ? {} : { localPref: u32 }),
      atomicAggregate: fc.constant(true),
      aggregator: fc.record({ asn: asNumber, address: unicastIpv4 }),
      communities: fc.array(u32, { minLength: 1, maxLength: 10 }),
      // RFC 8092 §5: duplicates are never sent and are removed on receipt.
      largeCommunities: fc.uniqueArray(fc.record({ globalAdmin: u32, localData1: u32, localData2: u32 }), {
        minLength: 1,
        maxLength: 5,
        selector: (c) => `${c.globalAdmin}:${c.localData1}:${c.localData2}`,
      }),
      mpReach,
      mpUnreach: fc.record({ afi: fc.constant(2), safi: fc.constant(1), withdrawn: fc.array(ipv6Prefix(v6PathIds), { maxLength: 10 }) }),
      unknown: unknownAttributes,
    },
    { requiredKeys: [] },
  );
  return fc
    .record({
      kind: fc.constant("update" as const),
      withdrawn: fc.array(ipv4Prefix(v4PathIds), { maxLength: 20 }),
      attributes,
      nlri: fc.array(ipv4Prefix(v4PathIds), { maxLength: 20 }),
    })
    .map((m) => {
      // RFC 4271 §5: ORIGIN and AS_PATH (and NEXT_HOP for IPv4 NLRI) must be present when routes are announced.
      const reachable = m.nlri.length > 0 || m.attributes.mpReach !== undefined;
      if (!reachable) return m;
      const attributes = { origin: 0 as const, asPath: [], ...m.attributes };
      return { ...m, attributes: m.nlri.length > 0 ? { nextHop: 0xc0000201, ...attributes } : attributes };
    });
}

/** A context and a message that round-trips under it. */
export const messageInContext: fc.Arbitrary<{ context: CodecContext; message: BgpMessage }> = context.chain((ctx) =>
  fc.record({
    context: fc.constant(ctx),
    message: fc.oneof(
      open,
      update(ctx),
      fc.constant({ kind: "keepalive" as const }),
      fc.record({ kind: fc.constant("notification" as const), code: u8, subcode: u8, data: fc.uint8Array({ maxLength: 64 }) }),
      fc.record({ kind: fc.constant("routeRefresh" as const), afi: u16, safi: u8 }),
    ),
  }),
);
