/**
 * Decoder conformance on the classes of input where bgplb used to disagree
 * with FRR and GoBGP: AS 0 (RFC 7607), martian and own-address next hops
 * (RFC 4271 §6.3, in NEXT_HOP and MP_REACH_NLRI), the session-dependent
 * rules of RFC 7606 §7, extended community lengths (RFC 7606 §7.14-7.15),
 * the Partial flag (RFC 4271 §4.3), capability lengths (RFC 5492) and
 * repeated 4-octet AS capabilities (RFC 6793). Every vector is written by
 * hand from the RFC layouts, annotated octet group by octet group.
 */
import { expect } from "chai";
import { checkPeerAs, decodeMessage, encodeMessage, type CodecContext, type DecodeResult, type OpenMessage, type UpdateMessage } from "../../../sdk/bgp";
import { ip, ip4 } from "../../ip";
import { hex, message, toHex, update } from "./hex";

const OLD: CodecContext = { fourOctetAs: false, addPath: {}, extendedNextHop: false };
const EBGP: CodecContext = { fourOctetAs: true, addPath: {}, extendedNextHop: false, peerType: "external", localAddress: ip("198.51.100.1") };
const IBGP: CodecContext = { ...EBGP, peerType: "internal" };

const ORIGIN = "40 01 01 00"; // ORIGIN IGP
const AS_PATH_2 = "40 02 04 02 01 fde8"; // AS_PATH, 2-octet ASNs: AS_SEQUENCE [65000]
const AS_PATH_4 = "40 02 06 02 01 0000fde9"; // AS_PATH, 4-octet ASNs: AS_SEQUENCE [65001]
const NEXT_HOP = "40 03 04 c0000201"; // NEXT_HOP 192.0.2.1
const NLRI = "18 cb0071"; // 203.0.113.0/24
const LINK_LOCAL = "fe800000000000000000000000000001"; // fe80::1

/** What the decoder must do: reset the session, tolerate (RFC 7606) naming the attribute, or accept cleanly. */
type Expected =
  | { readonly reset: readonly [number, number] }
  | { readonly action: "treat-as-withdraw" | "attribute-discard"; readonly subcode: number; readonly attribute: string }
  | "clean";

interface Case {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly context: CodecContext;
  readonly expected: Expected;
}

const withdraw = (subcode: number, attribute: string): Expected => ({ action: "treat-as-withdraw", subcode, attribute });
const discard = (subcode: number, attribute: string): Expected => ({ action: "attribute-discard", subcode, attribute });

/** An UPDATE announcing 203.0.113.0/24 with ORIGIN, a 4-octet AS_PATH, NEXT_HOP and `extra` attributes. */
function announce(extra: string): Uint8Array {
  return update("", `${ORIGIN} ${AS_PATH_4} ${NEXT_HOP} ${extra}`, NLRI);
}

/** An UPDATE with ORIGIN, AS_PATH `asPath` and NEXT_HOP `nextHop` announcing 203.0.113.0/24. */
function withNextHop(nextHop: string, asPath = AS_PATH_2): Uint8Array {
  return update("", `${ORIGIN} ${asPath} 40 03 04 ${nextHop}`, NLRI);
}

const cases: Case[] = [
  // RFC 7607 §2: AS 0 in AS_PATH is a malformed AS_PATH (RFC 7606 §7.2), on any session.
  {
    name: "AS_PATH, 2-octet: AS_SEQUENCE [65000, 0]",
    bytes: update("", `${ORIGIN} 40 02 06 02 02 fde8 0000 ${NEXT_HOP}`, NLRI),
    context: OLD,
    expected: withdraw(11, "AS_PATH"),
  },
  {
    name: "AS_PATH, 4-octet: AS_SEQUENCE [65001], AS_SET [0]",
    bytes: update("", `${ORIGIN} 40 02 0c 02 01 0000fde9 01 01 00000000 ${NEXT_HOP}`, NLRI),
    context: IBGP,
    expected: withdraw(11, "AS_PATH"),
  },
  // RFC 7607 §2 sends AS4_PATH and AS4_AGGREGATOR to RFC 6793 §6: attribute discard.
  {
    name: "AS4_PATH AS_SEQUENCE [0, 65000] from a 2-octet speaker",
    bytes: update("", `${ORIGIN} 40 02 06 02 02 5ba0 fde8 ${NEXT_HOP} c0 11 0a 02 02 00000000 0000fde8`, NLRI),
    context: OLD,
    expected: discard(9, "AS4_PATH"),
  },
  {
    name: "AS4_PATH of length 0 (RFC 6793 §6: too short)",
    bytes: update("", `${ORIGIN} ${AS_PATH_2} ${NEXT_HOP} c0 11 00`, NLRI),
    context: OLD,
    expected: discard(9, "AS4_PATH"),
  },
  {
    name: "AGGREGATOR AS 0, 2-octet",
    bytes: update("", `${ORIGIN} ${AS_PATH_2} ${NEXT_HOP} c0 07 06 0000 c0000201`, NLRI),
    context: OLD,
    expected: discard(9, "AGGREGATOR"),
  },
  { name: "AGGREGATOR AS 0, 4-octet", bytes: announce("c0 07 08 00000000 c0000201"), context: EBGP, expected: discard(9, "AGGREGATOR") },
  {
    name: "AS4_AGGREGATOR AS 0 behind AGGREGATOR AS_TRANS",
    bytes: update("", `${ORIGIN} ${AS_PATH_2} ${NEXT_HOP} c0 07 06 5ba0 c0000201 c0 12 08 00000000 c0000201`, NLRI),
    context: OLD,
    expected: discard(9, "AS4_AGGREGATOR"),
  },

  // RFC 4271 §6.3: NEXT_HOP must be a valid host address that is not ours (RFC 7606 §7.3: treat-as-withdraw).
  { name: "NEXT_HOP 0.0.0.1 (0.0.0.0/8)", bytes: withNextHop("00000001"), context: OLD, expected: withdraw(8, "NEXT_HOP") },
  { name: "NEXT_HOP 127.0.0.1 (loopback)", bytes: withNextHop("7f000001"), context: OLD, expected: withdraw(8, "NEXT_HOP") },
  { name: "NEXT_HOP 127.255.255.254 (loopback)", bytes: withNextHop("7ffffffe"), context: OLD, expected: withdraw(8, "NEXT_HOP") },
  { name: "NEXT_HOP 239.255.255.255 (multicast)", bytes: withNextHop("efffffff"), context: OLD, expected: withdraw(8, "NEXT_HOP") },
  { name: "NEXT_HOP 240.0.0.1 (reserved)", bytes: withNextHop("f0000001"), context: OLD, expected: withdraw(8, "NEXT_HOP") },
  { name: "NEXT_HOP 255.255.255.255 (broadcast)", bytes: withNextHop("ffffffff"), context: OLD, expected: withdraw(8, "NEXT_HOP") },
  {
    name: "NEXT_HOP 198.51.100.1, our own address on the session",
    bytes: withNextHop("c6336401", AS_PATH_4),
    context: EBGP,
    expected: withdraw(8, "NEXT_HOP"),
  },
  { name: "NEXT_HOP 1.0.0.1", bytes: withNextHop("01000001"), context: OLD, expected: "clean" },
  { name: "NEXT_HOP 126.255.255.255", bytes: withNextHop("7effffff"), context: OLD, expected: "clean" },
  { name: "NEXT_HOP 223.255.255.255", bytes: withNextHop("dfffffff"), context: OLD, expected: "clean" },
  { name: "NEXT_HOP 198.51.100.1 when the session's address is unknown", bytes: withNextHop("c6336401"), context: OLD, expected: "clean" },

  // The same rules for the next hop inside MP_REACH_NLRI (as FRR): the UPDATE is treat-as-withdraw.
  {
    name: "MP_REACH_NLRI IPv4 unicast, next hop 127.0.0.1",
    // flags, type 14, length 13: AFI 1, SAFI 1, next hop length 4, 127.0.0.1, reserved, 203.0.113.0/24
    bytes: update("", `80 0e 0d 0001 01 04 7f000001 00 18 cb0071 ${ORIGIN} ${AS_PATH_2}`, ""),
    context: OLD,
    expected: withdraw(8, "MP_REACH_NLRI"),
  },
  {
    name: "MP_REACH_NLRI IPv6 unicast, next hop :: (16 octets)",
    // length 26: AFI 2, SAFI 1, next hop length 16, ::, reserved, 2001:db8::/32
    bytes: update("", `80 0e 1a 0002 01 10 ${"00".repeat(16)} 00 20 20010db8 ${ORIGIN} ${AS_PATH_4}`, ""),
    context: EBGP,
    expected: withdraw(8, "MP_REACH_NLRI"),
  },
  {
    name: "MP_REACH_NLRI IPv6 unicast, next hop ::1",
    bytes: update("", `80 0e 1a 0002 01 10 ${"00".repeat(15)}01 00 20 20010db8 ${ORIGIN} ${AS_PATH_4}`, ""),
    context: EBGP,
    expected: withdraw(8, "MP_REACH_NLRI"),
  },
  {
    name: "MP_REACH_NLRI IPv6 unicast, next hop ff02::1 (multicast)",
    bytes: update("", `80 0e 1a 0002 01 10 ff02${"00".repeat(13)}01 00 20 20010db8 ${ORIGIN} ${AS_PATH_4}`, ""),
    context: EBGP,
    expected: withdraw(8, "MP_REACH_NLRI"),
  },
  {
    name: "MP_REACH_NLRI IPv6 unicast, next hop ::1 then fe80::1 (32 octets)",
    // length 42: next hop length 32 = global ::1 + link-local fe80::1
    bytes: update("", `80 0e 2a 0002 01 20 ${"00".repeat(15)}01 ${LINK_LOCAL} 00 20 20010db8 ${ORIGIN} ${AS_PATH_4}`, ""),
    context: EBGP,
    expected: withdraw(8, "MP_REACH_NLRI"),
  },
  {
    name: "MP_REACH_NLRI IPv6 unicast, next hop our own 2001:db8::1",
    bytes: update("", `80 0e 1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8 ${ORIGIN} ${AS_PATH_4}`, ""),
    context: { ...EBGP, localAddress: ip("2001:db8::1") },
    expected: withdraw(8, "MP_REACH_NLRI"),
  },
  {
    name: "MP_REACH_NLRI IPv4 unicast over IPv6 next hop ff02::1 (RFC 8950)",
    // length 25: AFI 1, SAFI 1, next hop length 16, ff02::1, reserved, 203.0.113.0/24
    bytes: update("", `80 0e 19 0001 01 10 ff02${"00".repeat(13)}01 00 18 cb0071 ${ORIGIN} ${AS_PATH_4}`, ""),
    context: { ...EBGP, extendedNextHop: true },
    expected: withdraw(8, "MP_REACH_NLRI"),
  },
  {
    name: "MP_REACH_NLRI IPv6 unicast, next hop :: then fe80::1: accepted (RFC 2545 §3, as FRR)",
    bytes: update("", `80 0e 2a 0002 01 20 ${"00".repeat(16)} ${LINK_LOCAL} 00 20 20010db8 ${ORIGIN} ${AS_PATH_4}`, ""),
    context: EBGP,
    expected: "clean",
  },

  // Session-dependent rules of RFC 7606 §7.
  { name: "LOCAL_PREF 100 from an eBGP peer (§7.5)", bytes: announce("40 05 04 00000064"), context: EBGP, expected: discard(1, "LOCAL_PREF") },
  {
    name: "LOCAL_PREF of length 2 from an eBGP peer: discarded, not withdrawn",
    bytes: announce("40 05 02 0064"),
    context: EBGP,
    expected: discard(1, "LOCAL_PREF"),
  },
  { name: "LOCAL_PREF 100 from an iBGP peer", bytes: announce("40 05 04 00000064"), context: IBGP, expected: "clean" },
  { name: "LOCAL_PREF of length 2 from an iBGP peer", bytes: announce("40 05 02 0064"), context: IBGP, expected: withdraw(5, "LOCAL_PREF") },
  { name: "ORIGINATOR_ID from an eBGP peer (§7.9)", bytes: announce("80 09 04 c0000202"), context: EBGP, expected: discard(1, "ORIGINATOR_ID") },
  { name: "ORIGINATOR_ID of length 3 from an eBGP peer: discarded", bytes: announce("80 09 03 c00002"), context: EBGP, expected: discard(1, "ORIGINATOR_ID") },
  { name: "ORIGINATOR_ID 192.0.2.2 from an iBGP peer", bytes: announce("80 09 04 c0000202"), context: IBGP, expected: "clean" },
  { name: "ORIGINATOR_ID of length 3 from an iBGP peer", bytes: announce("80 09 03 c00002"), context: IBGP, expected: withdraw(5, "ORIGINATOR_ID") },
  { name: "ORIGINATOR_ID flagged transitive from an iBGP peer", bytes: announce("c0 09 04 c0000202"), context: IBGP, expected: withdraw(4, "ORIGINATOR_ID") },
  { name: "CLUSTER_LIST from an eBGP peer (§7.10)", bytes: announce("80 0a 04 c0000202"), context: EBGP, expected: discard(1, "CLUSTER_LIST") },
  { name: "CLUSTER_LIST [192.0.2.2, 192.0.2.3] from an iBGP peer", bytes: announce("80 0a 08 c0000202 c0000203"), context: IBGP, expected: "clean" },
  { name: "CLUSTER_LIST of length 6 from an iBGP peer", bytes: announce("80 0a 06 c0000202 c000"), context: IBGP, expected: withdraw(5, "CLUSTER_LIST") },
  { name: "CLUSTER_LIST of length 0 from an iBGP peer", bytes: announce("80 0a 00"), context: IBGP, expected: withdraw(5, "CLUSTER_LIST") },
  {
    name: "AS_CONFED_SEQUENCE from an eBGP peer (RFC 5065 §5, §7.2)",
    bytes: update("", `${ORIGIN} 40 02 0c 03 01 0000fde8 02 01 0000fde9 ${NEXT_HOP}`, NLRI),
    context: EBGP,
    expected: withdraw(11, "AS_PATH"),
  },
  {
    name: "AS_CONFED_SET from an eBGP peer",
    bytes: update("", `${ORIGIN} 40 02 0c 02 01 0000fde9 04 01 0000fde8 ${NEXT_HOP}`, NLRI),
    context: EBGP,
    expected: withdraw(11, "AS_PATH"),
  },
  {
    name: "AS_CONFED_SEQUENCE from an iBGP peer",
    bytes: update("", `${ORIGIN} 40 02 0c 03 01 0000fde8 02 01 0000fde9 ${NEXT_HOP}`, NLRI),
    context: IBGP,
    expected: "clean",
  },

  // RFC 7606 §7.14-7.15: extended communities of a length that is not a non-zero multiple of the entry size.
  { name: "EXTENDED_COMMUNITIES of length 7", bytes: announce("c0 10 07 0002fde8000000"), context: EBGP, expected: withdraw(9, "EXTENDED_COMMUNITIES") },
  { name: "EXTENDED_COMMUNITIES of length 0", bytes: announce("c0 10 00"), context: EBGP, expected: withdraw(9, "EXTENDED_COMMUNITIES") },
  {
    name: "EXTENDED_COMMUNITIES flagged non-transitive",
    bytes: announce("80 10 08 0002fde800000064"),
    context: EBGP,
    expected: withdraw(4, "EXTENDED_COMMUNITIES"),
  },
  {
    name: "IPv6 address specific extended community of length 19",
    bytes: announce(`c0 19 13 0002 20010db8${"00".repeat(11)}0064`),
    context: EBGP,
    expected: withdraw(9, "IPV6_EXTENDED_COMMUNITIES"),
  },
  { name: "EXTENDED_COMMUNITIES route target 65000:100", bytes: announce("c0 10 08 0002fde800000064"), context: EBGP, expected: "clean" },

  // RFC 4271 §4.3: the Partial bit is 0 on well-known and optional non-transitive attributes.
  { name: "ORIGIN with the Partial flag", bytes: update("", `60 01 01 00 ${AS_PATH_2} ${NEXT_HOP}`, NLRI), context: OLD, expected: withdraw(4, "ORIGIN") },
  { name: "MULTI_EXIT_DISC with the Partial flag", bytes: announce("a0 04 04 00000064"), context: EBGP, expected: withdraw(4, "MULTI_EXIT_DISC") },
  { name: "ATOMIC_AGGREGATE with the Partial flag", bytes: announce("60 06 00"), context: EBGP, expected: discard(4, "ATOMIC_AGGREGATE") },
  { name: "COMMUNITIES (optional transitive) with the Partial flag", bytes: announce("e0 08 04 fde80064"), context: EBGP, expected: "clean" },
  {
    name: "MP_REACH_NLRI with the Partial flag: no session reset",
    bytes: update("", `a0 0e 1a 0002 01 10 20010db8000000000000000000000002 00 20 20010db8 ${ORIGIN} ${AS_PATH_4}`, ""),
    context: EBGP,
    expected: "clean",
  },
];

function outcome(result: DecodeResult): unknown {
  if (!result.ok) return { reset: [result.error.code, result.error.subcode], reason: result.error.reason };
  return result.diagnostics.map((d) => ({ action: d.action, subcode: d.subcode, attribute: d.attributeName, type: d.attributeType }));
}

function decodedUpdate(bytes: Uint8Array, context: CodecContext): { result: DecodeResult & { ok: true }; update: UpdateMessage } {
  const result = decodeMessage(bytes, context);
  if (!result.ok || result.message.kind !== "update") throw new Error(`expected an UPDATE, got ${JSON.stringify(outcome(result))}`);
  return { result, update: result.message };
}

describe("bgp codec: conformance with FRR and GoBGP on the classes where they disagreed", () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = decodeMessage(c.bytes, c.context);
      const expected = c.expected;
      if (expected === "clean") {
        expect(outcome(result)).to.deep.equal([]);
        expect(result.ok && result.treatAsWithdraw).to.equal(false);
        return;
      }
      if ("reset" in expected) {
        expect(result.ok ? outcome(result) : [result.error.code, result.error.subcode]).to.deep.equal(expected.reset);
        return;
      }
      if (!result.ok) throw new Error(`expected ${expected.action}, got a reset: ${result.error.reason}`);
      const found = result.diagnostics.filter((d) => d.attributeName === expected.attribute);
      expect(
        found.map((d) => [d.action, d.subcode]),
        JSON.stringify(outcome(result)),
      ).to.deep.equal([[expected.action, expected.subcode]]);
      expect(found[0]?.reason).to.be.a("string").and.not.equal("");
      expect(result.treatAsWithdraw).to.equal(expected.action === "treat-as-withdraw");
    });
  }

  it("treat-as-withdraw for a bad MP_REACH_NLRI next hop still lists the routes to withdraw", () => {
    const { result, update: u } = decodedUpdate(update("", `80 0e 0d 0001 01 04 7f000001 00 18 cb0071 ${ORIGIN} ${AS_PATH_2}`, ""), OLD);
    expect(result.treatAsWithdraw).to.equal(true);
    expect(u.attributes.mpReach?.nlri).to.deep.equal([{ address: ip("203.0.113.0"), length: 24 }]);
  });

  it("a discarded AS4_PATH leaves the AS_PATH as received; a discarded AS4_AGGREGATOR leaves AGGREGATOR AS_TRANS", () => {
    const path = decodedUpdate(update("", `${ORIGIN} 40 02 06 02 02 5ba0 fde8 ${NEXT_HOP} c0 11 0a 02 02 00000000 0000fde8`, NLRI), OLD).update;
    expect(path.attributes.asPath).to.deep.equal([{ type: 2, asns: [23456, 65000] }]);
    const aggregator = decodedUpdate(update("", `${ORIGIN} ${AS_PATH_2} ${NEXT_HOP} c0 07 06 5ba0 c0000201 c0 12 08 00000000 c0000201`, NLRI), OLD).update;
    expect(aggregator.attributes.aggregator).to.deep.equal({ asn: 23456, address: ip4("192.0.2.1") });
  });

  it("LOCAL_PREF is dropped from an eBGP peer's UPDATE and kept from an iBGP peer's", () => {
    expect(decodedUpdate(announce("40 05 04 00000064"), EBGP).update.attributes.localPref).to.equal(undefined);
    expect(decodedUpdate(announce("40 05 04 00000064"), IBGP).update.attributes.localPref).to.equal(100);
  });

  it("a well-formed extended community travels on as an unknown optional transitive attribute", () => {
    expect(decodedUpdate(announce("c0 10 08 0002fde800000064"), EBGP).update.attributes.unknown).to.deep.equal([
      { typeCode: 16, partial: false, value: hex("0002fde800000064") },
    ]);
  });

  it("repeated large communities are removed silently on receipt and never sent (RFC 8092 §5)", () => {
    // LARGE_COMMUNITY, length 36: 65001:1:2, 65001:1:3, 65001:1:2 again
    const received = decodedUpdate(announce("c0 20 24 0000fde9 00000001 00000002 0000fde9 00000001 00000003 0000fde9 00000001 00000002"), EBGP);
    expect(received.result.diagnostics).to.deep.equal([]);
    const once = { globalAdmin: 65001, localData1: 1, localData2: 2 };
    const other = { globalAdmin: 65001, localData1: 1, localData2: 3 };
    expect(received.update.attributes.largeCommunities).to.deep.equal([once, other]);
    const sent = encodeMessage({ kind: "update", withdrawn: [], nlri: [], attributes: { largeCommunities: [once, once, other] } }, EBGP);
    // type 32, length 24: each value once
    expect(toHex(sent)).to.contain(toHex(hex("c0 20 18 0000fde9 00000001 00000002 0000fde9 00000001 00000003")));
  });

  it("every diagnostic that names an attribute carries its type code and name", () => {
    const { result } = decodedUpdate(update("", `${ORIGIN} 40 02 06 02 02 fde8 0000 40 03 04 7f000001 40 06 01 00`, NLRI), OLD);
    expect(result.diagnostics.map((d) => [d.attributeType, d.attributeName, d.action])).to.deep.equal([
      [2, "AS_PATH", "treat-as-withdraw"],
      [3, "NEXT_HOP", "treat-as-withdraw"],
      [6, "ATOMIC_AGGREGATE", "attribute-discard"],
    ]);
    const missing = decodedUpdate(update("", `${ORIGIN} ${NEXT_HOP}`, NLRI), OLD).result.diagnostics;
    expect(missing.map((d) => [d.attributeType, d.attributeName, d.subcode])).to.deep.equal([[2, "AS_PATH", 3]]);
  });
});

/** An OPEN (version 4, AS 65000, hold 180 s, identifier 192.0.2.1) with one capabilities parameter holding `capabilities`. */
function openWith(capabilities: string): Uint8Array {
  const c = hex(capabilities);
  const octet = (n: number): string => n.toString(16).padStart(2, "0");
  return message(1, `04 fde8 00b4 c0000201 ${octet(c.length + 2)} 02 ${octet(c.length)} ${toHex(c)}`);
}

function decodedOpen(bytes: Uint8Array): OpenMessage {
  const result = decodeMessage(bytes);
  if (!result.ok) throw new Error(`expected an OPEN, got a reset: ${result.error.reason}`);
  if (result.message.kind !== "open") throw new Error(`expected an OPEN, got ${result.message.kind}`);
  return result.message;
}

describe("bgp codec: capability lengths are read liberally (RFC 5492 requires no reset)", () => {
  const accepted: [string, string, OpenMessage["capabilities"]][] = [
    ["Route Refresh padded to length 2 (as FRR sees from some peers)", "02 02 0000", [{ kind: "routeRefresh" }]],
    ["Route Refresh of length 1", "02 01 00", [{ kind: "routeRefresh" }]],
    ["Multiprotocol IPv4 unicast padded to length 6", "01 06 0001 00 01 0000", [{ kind: "multiprotocol", afi: 1, safi: 1 }]],
    ["4-octet AS 65000 padded to length 6", "41 06 0000fde8 0000", [{ kind: "fourOctetAs", asn: 65000 }]],
    ["ADD-PATH IPv4 unicast receive, then 2 stray octets", "45 06 0001 01 01 0000", [{ kind: "addPath", entries: [{ afi: 1, safi: 1, sendReceive: 1 }] }]],
    ["ADD-PATH of length 0: negotiates nothing", "45 00", [{ kind: "unknown", code: 69, value: new Uint8Array(0) }]],
    [
      "Extended Next Hop IPv4/unicast over IPv6, then 1 stray octet",
      "05 07 0001 0001 0002 00",
      [{ kind: "extendedNextHop", entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }] }],
    ],
    ["Enhanced Route Refresh padded to length 2", "46 02 0000", [{ kind: "unknown", code: 70, value: hex("0000") }]],
    ["Extended Message of length 1", "06 01 00", [{ kind: "unknown", code: 6, value: hex("00") }]],
    [
      "Graceful Restart of length 3 (restart time, then 1 stray octet)",
      "40 03 0078 00",
      [{ kind: "gracefulRestart", flags: 0, restartTimeSeconds: 120, families: [] }],
    ],
  ];
  for (const [name, capabilities, expected] of accepted) {
    it(`accepts ${name}`, () => {
      expect(decodedOpen(openWith(capabilities)).capabilities).to.deep.equal(expected);
    });
  }

  for (const [name, capabilities] of [
    ["Multiprotocol of length 3", "01 03 0001 00"],
    ["4-octet AS of length 2", "41 02 fde8"],
    ["Graceful Restart of length 1", "40 01 00"],
  ] as const) {
    it(`refuses ${name}, too short to carry its value: OPEN Message Error`, () => {
      const result = decodeMessage(openWith(capabilities));
      expect(result.ok ? "accepted" : [result.error.code, result.error.subcode, toHex(result.error.data)]).to.deep.equal([
        2,
        0,
        capabilities.replace(/ /g, ""),
      ]);
    });
  }
});

describe("bgp codec: repeated 4-octet AS capabilities", () => {
  const as65000 = "41 04 0000fde8"; // 4-octet AS 65000
  const as65001 = "41 04 0000fde9"; // 4-octet AS 65001
  for (const [name, capabilities] of [
    ["65000 then 65001", `${as65000} ${as65001}`],
    ["65001 then 65000", `${as65001} ${as65000}`],
  ] as const) {
    it(`disagreeing copies (${name}) are Bad Peer AS whichever AS is expected`, () => {
      const open = decodedOpen(openWith(capabilities));
      for (const expectedAsn of [65000, 65001]) {
        const checked = checkPeerAs(open, expectedAsn);
        expect(checked.ok ? "accepted" : [checked.error.code, checked.error.subcode]).to.deep.equal([2, 2]);
      }
    });
  }

  it("AS 0 in the 4-octet AS capability or in My Autonomous System is Bad Peer AS (RFC 7607 §2)", () => {
    for (const [myAs, capability] of [
      ["0000", "41 04 00000000"],
      ["0000", "41 04 0000fde8"],
    ] as const) {
      const bytes = message(1, `04 ${myAs} 00b4 c0000201 08 02 06 ${capability}`);
      for (const expectedAsn of [0, 65000]) {
        const checked = checkPeerAs(decodedOpen(bytes), expectedAsn);
        expect(checked.ok ? "accepted" : [checked.error.code, checked.error.subcode]).to.deep.equal([2, 2]);
      }
    }
  });

  it("identical copies are accepted", () => {
    expect(checkPeerAs(decodedOpen(openWith(`${as65000} 02 00 ${as65000}`)), 65000)).to.deep.equal({ ok: true, value: 65000 });
  });
});
