import { expect } from "chai";
import fc from "fast-check";
import {
  decodeMessage,
  endOfRib,
  packUpdates,
  UpdatePacker,
  type AdvertisedRoute,
  type CodecContext,
  type PathAttributes,
  type Prefix,
  type UpdateMessage,
} from "../../../sdk/bgp";
import { hex, MARKER, toHex } from "./hex";
import { ip, ip4 } from "../../ip";

const NEW: CodecContext = { fourOctetAs: true, addPath: {}, extendedNextHop: false };
const ATTRS: PathAttributes = { origin: 0, asPath: [{ type: 2, asns: [65000] }], communities: [0xfde80001] };

function decodeAll(messages: Uint8Array[], context: CodecContext): UpdateMessage[] {
  return messages.map((bytes) => {
    expect(bytes.length).to.be.at.most(4096);
    const result = decodeMessage(bytes, context);
    if (!result.ok) throw new Error(result.error.reason);
    expect(result.diagnostics).to.deep.equal([]);
    if (result.message.kind !== "update") throw new Error("not an UPDATE");
    return result.message;
  });
}

/** 10.0.0.0 + i. */
function ipv4Host(i: number): number {
  return (0x0a000000 + (i & 0xffffff)) >>> 0;
}

function v4Routes(count: number, attributes: PathAttributes = ATTRS, nextHop = "192.0.2.1"): AdvertisedRoute[] {
  return Array.from({ length: count }, (_, i) => ({
    family: "ipv4-unicast" as const,
    prefix: { address: ipv4Host(i), length: 32 },
    nextHop: { global: ip(nextHop) },
    attributes,
  }));
}

describe("bgp codec: UPDATE packer", () => {
  it("packs 1000 IPv4 /32s with one attribute set into 2 full-as-possible UPDATEs", () => {
    // Attributes: ORIGIN 4 + AS_PATH 9 + NEXT_HOP 7 + COMMUNITIES 7 = 27 octets;
    // 4096 - 23 - 27 = 4046 octets of NLRI = 809 prefixes of 5 octets.
    const messages = packUpdates({ announce: v4Routes(1000) }, NEW);
    const updates = decodeAll(messages, NEW);
    expect(updates.map((u) => u.nlri.length)).to.deep.equal([809, 191]);
    expect(messages[0].length).to.equal(23 + 27 + 809 * 5);
    expect(updates[0].attributes).to.deep.equal({ ...ATTRS, nextHop: ip4("192.0.2.1") });
    expect(updates.flatMap((u) => u.nlri.map((p) => p.address))).to.deep.equal(v4Routes(1000).map((r) => r.prefix.address));
  });

  it("packs 1000 IPv6 /128s with ADD-PATH into MP_REACH_NLRI with extended length", () => {
    const context: CodecContext = { ...NEW, addPath: { "ipv6-unicast": { send: true, receive: true } } };
    const routes: AdvertisedRoute[] = Array.from({ length: 1000 }, (_, i) => ({
      family: "ipv6-unicast",
      prefix: { address: ip(`2001:db8::${(i + 1).toString(16)}`), length: 128, pathId: i % 3 },
      nextHop: { global: ip("::ffff:192.0.2.1") },
      attributes: { origin: 0, asPath: [{ type: 2, asns: [65000] }] },
    }));
    // 4096 - 23 - ORIGIN 4 - AS_PATH 9 - MP_REACH header 4 - AFI/SAFI/NH len/NH 16/reserved 21
    // = 4035 octets = 192 prefixes of 21 octets (path id 4 + length 1 + 16).
    const updates = decodeAll(packUpdates({ announce: routes }, context), context);
    expect(updates.map((u) => u.attributes.mpReach?.nlri.length)).to.deep.equal([192, 192, 192, 192, 192, 40]);
    expect(updates[0].attributes.mpReach?.nextHop).to.deep.equal({ global: ip("::ffff:192.0.2.1") });
    expect(updates.flatMap((u) => u.attributes.mpReach?.nlri ?? [])).to.deep.equal(routes.map((r) => r.prefix));
  });

  it("withdraws 3000 IPv4 /24s in 3 UPDATEs and 2000 IPv6 /64s in 5", () => {
    const v4: Prefix[] = Array.from({ length: 3000 }, (_, i) => ({ address: ip(`10.${i >>> 8}.${i & 0xff}.0`), length: 24 }));
    const v6: Prefix[] = Array.from({ length: 2000 }, (_, i) => ({ address: ip(`2001:db8:0:${(i + 1).toString(16)}::`), length: 64 }));
    const messages = packUpdates(
      {
        withdraw: [...v4.map((prefix) => ({ family: "ipv4-unicast" as const, prefix })), ...v6.map((prefix) => ({ family: "ipv6-unicast" as const, prefix }))],
      },
      NEW,
    );
    const updates = decodeAll(messages, NEW);
    // IPv4: 4096 - 23 = 4073 octets = 1018 prefixes of 4. IPv6: 4096 - 23 - 4 - 3 = 4066 = 451 of 9.
    expect(updates.map((u) => u.withdrawn.length)).to.deep.equal([1018, 1018, 964, 0, 0, 0, 0, 0]);
    expect(updates.map((u) => u.attributes.mpUnreach?.withdrawn.length ?? 0)).to.deep.equal([0, 0, 0, 451, 451, 451, 451, 196]);
    expect(updates.flatMap((u) => u.withdrawn)).to.deep.equal(v4);
    expect(updates.flatMap((u) => u.attributes.mpUnreach?.withdrawn ?? [])).to.deep.equal(v6);
  });

  it("groups by attribute value, not object identity, and sends withdrawals first", () => {
    const a1: PathAttributes = { origin: 0, asPath: [], med: 10 };
    const a2: PathAttributes = { origin: 0, asPath: [], med: 10 };
    const b: PathAttributes = { origin: 0, asPath: [], med: 20 };
    const announce = [...v4Routes(3, a1), ...v4Routes(3, b).map((r, i) => ({ ...r, prefix: { address: ip(`10.9.9.${i}`), length: 32 } })), ...v4Routes(2, a2)];
    const messages = packUpdates({ announce, withdraw: [{ family: "ipv4-unicast", prefix: { address: ip("10.0.0.0"), length: 32 } }] }, NEW);
    const updates = decodeAll(messages, NEW);
    expect(updates.map((u) => [u.withdrawn.length, u.attributes.med, u.nlri.length])).to.deep.equal([
      [1, undefined, 0],
      [0, 10, 5],
      [0, 20, 3],
    ]);
  });

  it("separates routes by next hop", () => {
    const messages = packUpdates({ announce: [...v4Routes(2, ATTRS, "192.0.2.1"), ...v4Routes(2, ATTRS, "192.0.2.2")] }, NEW);
    expect(decodeAll(messages, NEW).map((u) => u.attributes.nextHop)).to.deep.equal([ip4("192.0.2.1"), ip4("192.0.2.2")]);
  });

  it("sends IPv4 routes with an IPv6 next hop in MP_REACH_NLRI only when extended next hop is negotiated", () => {
    const routes = v4Routes(2, ATTRS, "2001:db8::1");
    expect(() => packUpdates({ announce: routes }, NEW)).to.throw(RangeError, /needs the extended next hop capability/);
    const context = { ...NEW, extendedNextHop: true };
    const [update] = decodeAll(packUpdates({ announce: routes }, context), context);
    expect(update.nlri).to.deep.equal([]);
    expect(update.attributes.mpReach).to.deep.equal({
      afi: 1,
      safi: 1,
      nextHop: { global: ip("2001:db8::1") },
      nlri: routes.map((r) => r.prefix),
    });
  });

  it("property: every route arrives once with its attributes, and the message count is optimal", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.constantFrom(16, 20, 24, 32),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 0, maxLength: 40 }),
        (count, length, communities) => {
          const attributes: PathAttributes = { origin: 2, asPath: [{ type: 2, asns: [64512, 64513] }], ...(communities.length ? { communities } : {}) };
          const routes = Array.from({ length: count }, (_, i) => ({
            family: "ipv4-unicast" as const,
            prefix: { address: ((i + 1) << (32 - length)) >>> 0, length },
            nextHop: { global: ip("198.51.100.1") },
            attributes,
          }));
          const updates = decodeAll(packUpdates({ announce: routes }, NEW), NEW);
          const perPrefix = 1 + Math.ceil(length / 8);
          // ORIGIN 4, AS_PATH 3 + 2 + 2 * 4, NEXT_HOP 7, COMMUNITIES 3 + 4n.
          const attributeOctets = 4 + 13 + 7 + (communities.length ? 3 + 4 * communities.length : 0);
          const perMessage = Math.floor((4096 - 23 - attributeOctets) / perPrefix);
          expect(updates.length).to.equal(Math.ceil(count / perMessage));
          for (const u of updates) expect(u.attributes).to.deep.equal({ ...attributes, nextHop: ip4("198.51.100.1") });
          expect(updates.flatMap((u) => u.nlri)).to.deep.equal(routes.map((r) => r.prefix));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("End-of-RIB markers (RFC 4724 §2)", () => {
    expect(toHex(endOfRib("ipv4-unicast"))).to.equal(toHex(hex(`${MARKER} 0017 02 0000 0000  # UPDATE, no withdrawn routes, no attributes, no NLRI`)));
    expect(toHex(endOfRib("ipv6-unicast"))).to.equal(
      toHex(hex(`${MARKER} 001d 02 0000 0006 80 0f 03 0002 01  # UPDATE with an empty MP_UNREACH_NLRI for AFI 2 SAFI 1`)),
    );
  });
});

describe("bgp codec: UpdatePacker (streaming)", () => {
  function concat(messages: Uint8Array[]): string {
    return messages.map((m) => Buffer.from(m).toString("hex")).join("|");
  }

  it("property: fed one change at a time and drained at any points, it sends what packUpdates sends", () => {
    const b: PathAttributes = { origin: 0, asPath: [{ type: 2, asns: [65000] }], med: 7 };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1500 }), fc.integer({ min: 0, max: 300 }), fc.array(fc.nat(2000), { maxLength: 5 }), (count, withdrawn, drains) => {
        const announce = [...v4Routes(count), ...v4Routes(count >> 1, b, "192.0.2.2")];
        const withdraw = v4Routes(withdrawn).map((r) => ({ family: r.family, prefix: r.prefix }));
        const packer = new UpdatePacker(NEW);
        const streamed: Uint8Array[] = [];
        let fed = 0;
        const drainAt = new Set(drains);
        for (const w of withdraw) packer.withdraw(w.family, w.prefix);
        packer.flush();
        for (const r of announce) {
          packer.announce(r.family, r.prefix, r.nextHop, r.attributes);
          if (drainAt.has(++fed)) streamed.push(...packer.take());
        }
        packer.flush();
        streamed.push(...packer.take());
        expect(concat(streamed)).to.equal(concat(packUpdates({ announce, withdraw }, NEW)));
        expect([packer.announced, packer.withdrawn, packer.messageCount]).to.deep.equal([announce.length, withdraw.length, streamed.length]);
      }),
      { numRuns: 40 },
    );
  });

  it("two packers used in turn (two peers streaming at once) do not disturb each other", () => {
    const routes = v4Routes(2000);
    const one = new UpdatePacker(NEW);
    const two = new UpdatePacker({ ...NEW, fourOctetAs: false });
    for (const r of routes) {
      one.announce(r.family, r.prefix, r.nextHop, r.attributes);
      two.announce(r.family, r.prefix, r.nextHop, r.attributes);
    }
    one.flush();
    two.flush();
    expect(concat(one.take())).to.equal(concat(packUpdates({ announce: routes }, NEW)));
    expect(concat(two.take())).to.equal(concat(packUpdates({ announce: routes }, { ...NEW, fourOctetAs: false })));
  });
});
