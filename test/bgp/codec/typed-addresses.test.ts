/**
 * Addresses inside the BGP code are typed values (IPv4 a number, IPv6 a
 * bigint), never text. These tests fail if text creeps back in: the
 * one formatter and parser against node's isIP and ipaddr.js, wire octets
 * of random prefixes against octets computed from the reference text, no
 * string anywhere in a decoded UPDATE but its kind, and text refused where
 * a value is expected.
 */
import { expect } from "chai";
import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { isIP } from "node:net";
import { AdjRibOut, decodeMessage, encodeMessage, packUpdates, type AdvertisedRoute, type CodecContext, type Prefix } from "../../../sdk/bgp";
import { formatIpValue, parseIpValue, type IpValue } from "../../../sdk/net";
import { messageInContext } from "./arbitraries";

const NEW: CodecContext = { fourOctetAs: true, addPath: {}, extendedNextHop: false };
const ATTRIBUTES = { origin: 0 as const, asPath: [{ type: 2 as const, asns: [65001] }] };

/** The 128-bit value of 16 octets, computed here. */
function octetsValue(bytes: readonly number[]): bigint {
  return bytes.reduce((value, b) => (value << 8n) | BigInt(b), 0n);
}

/** Reference text of an address value, by ipaddr.js (IPv4-mapped IPv6 in RFC 5952 §5 dotted form). */
function referenceText(value: IpValue): string {
  if (typeof value === "number") return ipaddr.fromByteArray([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]).toString();
  const bytes = Array.from({ length: 16 }, (_, i) => Number((value >> BigInt(8 * (15 - i))) & 0xffn));
  const address = ipaddr.fromByteArray(bytes) as ipaddr.IPv6;
  return address.isIPv4MappedAddress() ? `::ffff:${address.toIPv4Address().toString()}` : address.toRFC5952String();
}

/** The host of a URL with `address`: node's own normalization of an address, independent of sdk/net. */
function urlHost(address: string): string {
  return new URL(`http://${address.includes(":") ? `[${address}]` : address}/`).hostname;
}

const ipv4Value = fc.integer({ min: 0, max: 0xffffffff });
const ipv6Value = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => octetsValue([...b]));

/** A prefix of the family with host bits clear. */
function prefix(v6: boolean): fc.Arbitrary<Prefix> {
  return fc.record({ value: v6 ? ipv6Value : ipv4Value, length: fc.integer({ min: 0, max: v6 ? 128 : 32 }) }).map(({ value, length }) => {
    if (typeof value === "number") return { address: length === 0 ? 0 : (value & ((0xffffffff << (32 - length)) >>> 0)) >>> 0, length };
    return { address: value & ~((1n << BigInt(128 - length)) - 1n) & ((1n << 128n) - 1n), length };
  });
}

/** Every string in `value`, with the key it sits under. */
function strings(value: unknown, key = ""): [string, string][] {
  if (typeof value === "string") return [[key, value]];
  if (value === null || typeof value !== "object" || value instanceof Uint8Array) return [];
  return Object.entries(value).flatMap(([k, v]) => strings(v, Array.isArray(value) ? key : k));
}

describe("bgp: addresses are typed values, text only at the edges", () => {
  it("property: formatIpValue writes what node's isIP accepts and ipaddr.js writes; parseIpValue reads it back to the same value", () => {
    fc.assert(
      fc.property(fc.oneof(ipv4Value, ipv6Value), (value) => {
        const text = formatIpValue(value);
        expect(isIP(text), text).to.equal(typeof value === "number" ? 4 : 6);
        expect(text).to.equal(referenceText(value));
        expect(parseIpValue(text)).to.equal(value);
      }),
      { numRuns: 2000 },
    );
  });

  it("property: parseIpValue takes what node's isIP takes in canonical form, typed by family", () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (text) => {
        const value = parseIpValue(text);
        expect(typeof value, text).to.equal(isIP(text) === 4 ? "number" : "bigint");
        expect(formatIpValue(value as IpValue)).to.equal(referenceText(value as IpValue));
        // The same address as the text given, by the WHATWG URL host serializer (ipaddr.js reads ::a.b.c.d as IPv4-mapped).
        expect(urlHost(formatIpValue(value as IpValue))).to.equal(urlHost(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("property: packed prefixes carry the octets of their reference text and decode to the same typed values", () => {
    fc.assert(
      fc.property(fc.array(prefix(false), { minLength: 1, maxLength: 50 }), fc.array(prefix(true), { minLength: 1, maxLength: 50 }), (v4, v6) => {
        const announce: AdvertisedRoute[] = [
          ...v4.map((p) => ({ family: "ipv4-unicast" as const, prefix: p, nextHop: { global: 0xc0000201 }, attributes: ATTRIBUTES })),
          ...v6.map((p) => ({
            family: "ipv6-unicast" as const,
            prefix: p,
            nextHop: { global: octetsValue(ipaddr.parse("2001:db8::1").toByteArray()) },
            attributes: ATTRIBUTES,
          })),
        ];
        const decoded = packUpdates({ announce }, NEW).map((bytes) => {
          const result = decodeMessage(bytes, NEW);
          if (!result.ok || result.message.kind !== "update") throw new Error("packer output did not decode as an UPDATE");
          return { bytes, message: result.message };
        });
        const nlri = decoded.flatMap((d) => d.message.nlri);
        const mp = decoded.flatMap((d) => d.message.attributes.mpReach?.nlri ?? []);
        expect(nlri).to.deep.equal(v4);
        expect(mp).to.deep.equal(v6);
        for (const p of nlri) expect(typeof p.address).to.equal("number");
        for (const p of mp) expect(typeof p.address).to.equal("bigint");
        // The wire octets of each prefix are those of its address written as text and parsed by ipaddr.js.
        const wire = Buffer.concat(decoded.map((d) => d.bytes)).toString("hex");
        for (const p of [...v4, ...v6]) {
          const octets = ipaddr
            .parse(referenceText(p.address))
            .toByteArray()
            .slice(0, Math.ceil(p.length / 8));
          expect(wire).to.include(Buffer.from([p.length, ...octets]).toString("hex"));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("property: a decoded UPDATE holds no text but its kind", () => {
    fc.assert(
      fc.property(messageInContext, ({ context, message }) => {
        if (message.kind !== "update") return;
        const result = decodeMessage(encodeMessage(message, context), context);
        if (!result.ok) throw new Error(result.error.reason);
        expect(strings(result.message)).to.deep.equal([["kind", "update"]]);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses text where an address value belongs: encoder, packer and Adj-RIB-Out name the field", () => {
    const text = "192.0.2.0" as unknown as number;
    expect(() => encodeMessage({ kind: "update", withdrawn: [], attributes: {}, nlri: [{ address: text, length: 24 }] })).to.throw(
      RangeError,
      'nlri: "192.0.2.0" is not an IPv4 address value',
    );
    expect(() => encodeMessage({ kind: "update", withdrawn: [], attributes: { nextHop: text }, nlri: [] })).to.throw(RangeError, "nextHop:");
    const route: AdvertisedRoute = { family: "ipv4-unicast", prefix: { address: text, length: 24 }, nextHop: { global: 0xc0000201 }, attributes: ATTRIBUTES };
    expect(() => packUpdates({ announce: [route] }, NEW)).to.throw(RangeError, "is not an IPv4 address value");
    for (const address of [0.5, -1, 2 ** 32, 1n]) {
      expect(() => packUpdates({ announce: [{ ...route, prefix: { address, length: 32 } }] }, NEW), String(address)).to.throw(
        RangeError,
        "is not an IPv4 address value",
      );
    }
    const rib = new AdjRibOut(65001);
    expect(() => rib.set({ family: "ipv4-unicast", address: text, length: 24, nextHops: [0xc0000201] })).to.throw(RangeError, 'route address: "192.0.2.0"');
    expect(() => rib.set({ family: "ipv4-unicast", address: 0xc0000200, length: 24, nextHops: ["192.0.2.1" as unknown as number] })).to.throw(
      RangeError,
      'route nextHops: "192.0.2.1" is not an IP address value',
    );
    expect(() => rib.set({ family: "ipv6-unicast", address: 0xc0000200, length: 24, nextHops: [1n] })).to.throw(RangeError, "is not an IPv6 address value");
  });
});
