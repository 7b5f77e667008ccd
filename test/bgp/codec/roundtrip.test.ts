import { expect } from "chai";
import fc from "fast-check";
import { ByteWriter, decodeMessage, encodeMessage, MessageFramer, writeMessage, type BgpMessage, type CodecContext } from "../../../sdk/bgp";
import { messageInContext } from "./arbitraries";
import { ip, ip4 } from "../../ip";

const OLD: CodecContext = { fourOctetAs: false, addPath: {}, extendedNextHop: false };
const NEW: CodecContext = { fourOctetAs: true, addPath: {}, extendedNextHop: false };

function roundTrip(message: BgpMessage, context: CodecContext): BgpMessage {
  const result = decodeMessage(encodeMessage(message, context), context);
  if (!result.ok) throw new Error(`decode failed: ${result.error.reason}`);
  expect(result.diagnostics).to.deep.equal([]);
  return result.message;
}

describe("bgp codec: round trips", () => {
  const examples: [string, BgpMessage, CodecContext][] = [
    ["KEEPALIVE", { kind: "keepalive" }, OLD],
    ["ROUTE-REFRESH", { kind: "routeRefresh", afi: 1, safi: 1 }, OLD],
    ["NOTIFICATION with data", { kind: "notification", code: 3, subcode: 4, data: Uint8Array.of(0xc0, 0x01, 0x01, 0x00) }, OLD],
    [
      "OPEN with every capability",
      {
        kind: "open",
        version: 4,
        myAsn: 64512,
        holdTime: 90,
        bgpId: ip4("203.0.113.7"),
        capabilities: [
          { kind: "multiprotocol", afi: 2, safi: 1 },
          { kind: "routeRefresh" },
          { kind: "fourOctetAs", asn: 64512 },
          { kind: "addPath", entries: [{ afi: 2, safi: 1, sendReceive: 2 }] },
          { kind: "extendedNextHop", entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }] },
          { kind: "unknown", code: 70, value: new Uint8Array(0) },
        ],
      },
      OLD,
    ],
    [
      "UPDATE with IPv6 ADD-PATH NLRI and an extended-length unknown attribute",
      {
        kind: "update",
        withdrawn: [],
        attributes: {
          mpReach: { afi: 2, safi: 1, nextHop: { global: ip("2001:db8::2") }, nlri: [{ address: ip("2001:db8:ff::"), length: 48, pathId: 7 }] },
          origin: 1,
          asPath: [{ type: 2, asns: [4200000001] }],
          unknown: [{ typeCode: 99, partial: false, value: new Uint8Array(400).fill(7) }],
        },
        nlri: [],
      },
      { ...NEW, addPath: { "ipv6-unicast": { send: true, receive: true } } },
    ],
  ];
  for (const [name, message, context] of examples) {
    it(name, () => expect(roundTrip(message, context)).to.deep.equal(message));
  }

  it("OPEN with more than 255 octets of capabilities uses RFC 9072 and comes back whole", () => {
    const capabilities = Array.from({ length: 70 }, (_, i) => ({ kind: "multiprotocol" as const, afi: i + 1, safi: 1 }));
    const message: BgpMessage = { kind: "open", version: 4, myAsn: 65000, holdTime: 3, bgpId: ip4("192.0.2.1"), capabilities };
    const bytes = encodeMessage(message);
    expect([bytes[28], bytes[29]]).to.deep.equal([255, 255]);
    expect(roundTrip(message, OLD)).to.deep.equal(message);
  });

  it("AS_SEQUENCE longer than 255 ASNs is split into segments", () => {
    const asns = Array.from({ length: 300 }, (_, i) => 65000 + i);
    const message: BgpMessage = {
      kind: "update",
      withdrawn: [],
      attributes: { origin: 0, asPath: [{ type: 2, asns }], nextHop: ip4("192.0.2.1") },
      nlri: [{ address: ip("203.0.113.0"), length: 24 }],
    };
    const decoded = roundTrip(message, NEW);
    expect(decoded.kind === "update" ? decoded.attributes.asPath : undefined).to.deep.equal([
      { type: 2, asns: asns.slice(0, 255) },
      { type: 2, asns: asns.slice(255) },
    ]);
  });

  it("clears host bits and drops path identifiers not negotiated for the direction", () => {
    const message: BgpMessage = {
      kind: "update",
      withdrawn: [{ address: ip("198.51.100.77"), length: 24, pathId: 3 }],
      attributes: {},
      nlri: [],
    };
    const decoded = roundTrip(message, OLD);
    expect(decoded.kind === "update" ? decoded.withdrawn : undefined).to.deep.equal([{ address: ip("198.51.100.0"), length: 24 }]);
  });

  it("encoder names the field of a value it cannot encode", () => {
    const bad: BgpMessage = { kind: "update", withdrawn: [], attributes: { nextHop: 2 ** 32 }, nlri: [] };
    expect(() => encodeMessage(bad)).to.throw(RangeError, "nextHop: 4294967296 is not an IPv4 address value");
    const cases: [BgpMessage, RegExp][] = [
      [{ kind: "open", version: 4, myAsn: 70000, holdTime: 90, bgpId: ip4("192.0.2.1"), capabilities: [] }, /^open\.myAsn: 70000 /],
      [{ kind: "notification", code: 256, subcode: 0, data: new Uint8Array(0) }, /^notification\.code: 256 /],
      [{ kind: "routeRefresh", afi: 1, safi: 1.5 }, /^routeRefresh\.safi: 1\.5 /],
      [{ kind: "update", withdrawn: [], attributes: { med: -1 }, nlri: [] }, /^med: -1 /],
      [{ kind: "update", withdrawn: [], attributes: { asPath: [{ type: 2, asns: [2 ** 32] }] }, nlri: [] }, /^asPath: 4294967296 /],
      [{ kind: "update", withdrawn: [], attributes: {}, nlri: [{ address: ip("192.0.2.0"), length: 33 }] }, /^nlri: prefix length 33 /],
      [
        { kind: "update", withdrawn: [], attributes: { unknown: [{ typeCode: 8, partial: false, value: new Uint8Array(4) }] }, nlri: [] },
        /^unknown\.typeCode: 8 /,
      ],
    ];
    for (const [message, pattern] of cases) expect(() => encodeMessage(message, OLD)).to.throw(RangeError, pattern);
    const long: BgpMessage = { kind: "update", withdrawn: [], attributes: { communities: new Array(1100).fill(1) }, nlri: [] };
    expect(() => encodeMessage(long)).to.throw(RangeError, /exceeds the 4096-octet limit/);
  });

  it("writeMessage batches messages and leaves nothing behind when one fails", () => {
    const out = new ByteWriter(16);
    writeMessage(out, { kind: "keepalive" });
    expect(() => writeMessage(out, { kind: "update", withdrawn: [], attributes: { localPref: 2 ** 32 }, nlri: [] })).to.throw(RangeError, /^localPref: /);
    writeMessage(out, { kind: "routeRefresh", afi: 2, safi: 1 });
    const framer = new MessageFramer();
    framer.push(out.copy());
    expect([framer.next(), framer.next(), framer.next()].map((r) => (r?.ok ? r.message.kind : r))).to.deep.equal(["keepalive", "routeRefresh", undefined]);
  });

  it("property: decode(encode(m)) = m for generated messages and contexts", () => {
    fc.assert(
      fc.property(messageInContext, ({ context, message }) => {
        expect(roundTrip(message, context)).to.deep.equal(message);
      }),
      { numRuns: 400 },
    );
  });

  it("property: the framer yields the same messages however the stream is cut", () => {
    fc.assert(
      fc.property(
        fc.array(messageInContext, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 20 }),
        (items, cuts) => {
          const frames = items.map(({ context, message }) => encodeMessage(message, context));
          const stream = Buffer.concat(frames);
          const framer = new MessageFramer();
          const out: Uint8Array[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const size = cuts[i % cuts.length];
            framer.push(stream.subarray(at, at + size));
            at += size;
            for (let f = framer.nextFrame(); f !== undefined; f = framer.nextFrame()) {
              if (!f.ok) throw new Error(f.error.reason);
              out.push(f.value);
            }
          }
          expect(out.map((f) => Buffer.from(f).toString("hex"))).to.deep.equal(frames.map((f) => Buffer.from(f).toString("hex")));
        },
      ),
      { numRuns: 100 },
    );
  });
});
