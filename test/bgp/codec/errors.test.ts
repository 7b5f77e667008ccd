/**
 * One case per error of RFC 4271 §6 and RFC 7606: the NOTIFICATION
 * code/subcode for session resets, the action and subcode otherwise.
 * Messages are assembled from annotated hex; the helpers only fill in the
 * length fields.
 */
import { expect } from "chai";
import { checkPeerAs, decodeMessage, MessageFramer, type CodecContext, type DecodeResult, type OpenMessage } from "../../../sdk/bgp";
import { hex, MARKER, message, toHex, update } from "./hex";
import { ip, ip4 } from "../../ip";

const OLD: CodecContext = { fourOctetAs: false, addPath: {}, extendedNextHop: false };
const NEW: CodecContext = { fourOctetAs: true, addPath: {}, extendedNextHop: false };

const ORIGIN = "40 01 01 00"; // ORIGIN IGP
const AS_PATH = "40 02 04 02 01 fde8"; // AS_PATH, 2-octet: AS_SEQUENCE [65000]
const NEXT_HOP = "40 03 04 c0000201"; // NEXT_HOP 192.0.2.1
const NLRI = "18 cb0071"; // 203.0.113.0/24
const V6_NEXT_HOP = "20010db8000000000000000000000001"; // 2001:db8::1
const OPEN_FIXED = "04 fde8 00b4 c0000201"; // version 4, AS 65000, hold 180, id 192.0.2.1

type Expected =
  | { readonly reset: readonly [number, number]; readonly data?: string }
  | { readonly action: "treat-as-withdraw" | "attribute-discard"; readonly subcode: number };

interface Case {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly context?: CodecContext;
  readonly expected: Expected;
}

const cases: Case[] = [
  // Message header errors (RFC 4271 §6.1)
  { name: "marker not all ones: connection not synchronized", bytes: hex(`${"ff".repeat(15)}fe 0013 04`), expected: { reset: [1, 1] } },
  { name: "length below 19", bytes: hex(`${MARKER} 0012 04`), expected: { reset: [1, 2], data: "0012" } },
  { name: "length above 4096", bytes: hex(`${MARKER} 1001 04`), expected: { reset: [1, 2], data: "1001" } },
  { name: "unknown message type 9", bytes: message(9, ""), expected: { reset: [1, 3], data: "09" } },
  { name: "OPEN shorter than 29", bytes: message(1, "04 fde8 00b4 c0000201"), expected: { reset: [1, 2], data: "001c" } },
  { name: "UPDATE shorter than 23", bytes: message(2, "0000"), expected: { reset: [1, 2], data: "0015" } },
  { name: "KEEPALIVE longer than 19", bytes: message(4, "00"), expected: { reset: [1, 2], data: "0014" } },
  { name: "NOTIFICATION shorter than 21", bytes: message(3, "06"), expected: { reset: [1, 2], data: "0014" } },
  { name: "ROUTE-REFRESH of the wrong length (RFC 7313 §5)", bytes: message(5, "0001 00 01 00"), expected: { reset: [7, 1] } },
  // OPEN message errors (RFC 4271 §6.2)
  { name: "OPEN version 3", bytes: message(1, "03 fde8 00b4 c0000201 00"), expected: { reset: [2, 1], data: "0004" } },
  { name: "OPEN hold time 1", bytes: message(1, "04 fde8 0001 c0000201 00"), expected: { reset: [2, 6] } },
  { name: "OPEN hold time 2", bytes: message(1, "04 fde8 0002 c0000201 00"), expected: { reset: [2, 6] } },
  { name: "OPEN BGP identifier 0.0.0.0", bytes: message(1, "04 fde8 00b4 00000000 00"), expected: { reset: [2, 3] } },
  {
    name: "OPEN optional parameter type 1 (authentication)",
    bytes: message(1, `${OPEN_FIXED} 04 01 02 abcd`),
    expected: { reset: [2, 4] },
  },
  {
    name: "OPEN optional parameters length past the message",
    bytes: message(1, `${OPEN_FIXED} 08 02 02 0200`),
    expected: { reset: [2, 0] },
  },
  {
    name: "OPEN capability length past its parameter",
    bytes: message(1, `${OPEN_FIXED} 04 02 02 4104`),
    expected: { reset: [2, 0] },
  },
  {
    name: "OPEN Multiprotocol capability of length 3",
    bytes: message(1, `${OPEN_FIXED} 07 02 05 01 03 000100`),
    expected: { reset: [2, 0] },
  },
  {
    name: "OPEN RFC 9072 extended parameters with a truncated header",
    bytes: message(1, `${OPEN_FIXED} ff ff 00`),
    expected: { reset: [2, 0] },
  },
  // UPDATE errors that still reset the session (RFC 4271 §6.3, RFC 7606 §4, §5.3, §7.11)
  { name: "withdrawn routes length past the message", bytes: message(2, "0010 0000"), expected: { reset: [3, 1] } },
  { name: "total path attribute length past the message", bytes: message(2, `0000 0020 ${ORIGIN}`), expected: { reset: [3, 1] } },
  { name: "withdrawn prefix length 33", bytes: update("21 c0000201 00", "", ""), expected: { reset: [3, 10] } },
  { name: "NLRI prefix missing its octets", bytes: update("", `${ORIGIN} ${AS_PATH} ${NEXT_HOP}`, "18 cb00"), expected: { reset: [3, 10] } },
  {
    name: "MP_REACH_NLRI twice",
    bytes: update("", `80 0e 15 0002 01 10 ${V6_NEXT_HOP} 00  80 0e 15 0002 01 10 ${V6_NEXT_HOP} 00 ${ORIGIN} ${AS_PATH}`, ""),
    expected: { reset: [3, 1] },
  },
  {
    name: "MP_UNREACH_NLRI twice",
    bytes: update("", "80 0f 03 0002 01  80 0f 03 0002 01", ""),
    expected: { reset: [3, 1] },
  },
  {
    name: "unrecognised well-known attribute type 99",
    bytes: update("", `${ORIGIN} ${AS_PATH} ${NEXT_HOP} 40 63 01 00`, NLRI),
    expected: { reset: [3, 2], data: "40630100" },
  },
  {
    name: "MP_REACH_NLRI with a 5-octet IPv6 next hop",
    bytes: update("", `80 0e 0a 0002 01 05 0000000000 00 ${ORIGIN}`, ""),
    expected: { reset: [3, 9] },
  },
  {
    name: "MP_REACH_NLRI next hop length past the attribute",
    bytes: update("", "80 0e 06 0002 01 10 0000", ""),
    expected: { reset: [3, 9] },
  },
  {
    name: "MP_REACH_NLRI with the Transitive flag set",
    bytes: update("", `c0 0e 05 0002 01 00 00 ${ORIGIN} ${AS_PATH}`, ""),
    expected: { reset: [3, 4] },
  },
  {
    name: "MP_REACH_NLRI with an IPv6 prefix length 129",
    bytes: update("", `80 0e 16 0002 01 10 20010db8000000000000000000000001 00 81 00 ${ORIGIN}`, ""),
    expected: { reset: [3, 9] },
  },
  {
    name: "MP_UNREACH_NLRI shorter than AFI+SAFI",
    bytes: update("", "80 0f 02 0002", ""),
    expected: { reset: [3, 5] },
  },
  // RFC 7606 treat-as-withdraw
  { name: "missing ORIGIN", bytes: update("", `${AS_PATH} ${NEXT_HOP}`, NLRI), expected: { action: "treat-as-withdraw", subcode: 3 } },
  { name: "missing AS_PATH", bytes: update("", `${ORIGIN} ${NEXT_HOP}`, NLRI), expected: { action: "treat-as-withdraw", subcode: 3 } },
  { name: "missing NEXT_HOP with IPv4 NLRI", bytes: update("", `${ORIGIN} ${AS_PATH}`, NLRI), expected: { action: "treat-as-withdraw", subcode: 3 } },
  { name: "ORIGIN value 3", bytes: update("", `40 01 01 03 ${AS_PATH} ${NEXT_HOP}`, NLRI), expected: { action: "treat-as-withdraw", subcode: 6 } },
  { name: "ORIGIN length 2", bytes: update("", `40 01 02 0000 ${AS_PATH} ${NEXT_HOP}`, NLRI), expected: { action: "treat-as-withdraw", subcode: 5 } },
  {
    name: "ORIGIN flagged optional (attribute flags error)",
    bytes: update("", `c0 01 01 00 ${AS_PATH} ${NEXT_HOP}`, NLRI),
    expected: { action: "treat-as-withdraw", subcode: 4 },
  },
  { name: "NEXT_HOP 0.0.0.0", bytes: update("", `${ORIGIN} ${AS_PATH} 40 03 04 00000000`, NLRI), expected: { action: "treat-as-withdraw", subcode: 8 } },
  {
    name: "NEXT_HOP multicast 224.0.0.1",
    bytes: update("", `${ORIGIN} ${AS_PATH} 40 03 04 e0000001`, NLRI),
    expected: { action: "treat-as-withdraw", subcode: 8 },
  },
  { name: "NEXT_HOP length 5", bytes: update("", `${ORIGIN} ${AS_PATH} 40 03 05 c000020100`, NLRI), expected: { action: "treat-as-withdraw", subcode: 5 } },
  {
    name: "AS_PATH segment type 5",
    bytes: update("", `${ORIGIN} 40 02 04 05 01 fde8 ${NEXT_HOP}`, NLRI),
    expected: { action: "treat-as-withdraw", subcode: 11 },
  },
  {
    name: "AS_PATH segment of length 0",
    bytes: update("", `${ORIGIN} 40 02 02 02 00 ${NEXT_HOP}`, NLRI),
    expected: { action: "treat-as-withdraw", subcode: 11 },
  },
  {
    name: "AS_PATH segment overrun",
    bytes: update("", `${ORIGIN} 40 02 04 02 02 fde8 ${NEXT_HOP}`, NLRI),
    expected: { action: "treat-as-withdraw", subcode: 11 },
  },
  {
    name: "AS_PATH one stray octet",
    bytes: update("", `${ORIGIN} 40 02 05 02 01 fde8 02 ${NEXT_HOP}`, NLRI),
    expected: { action: "treat-as-withdraw", subcode: 11 },
  },
  {
    name: "AS_PATH of 2-octet ASNs read on a 4-octet session",
    bytes: update("", `${ORIGIN} 40 02 06 02 02 fde8 fde9 ${NEXT_HOP}`, NLRI),
    context: NEW,
    expected: { action: "treat-as-withdraw", subcode: 11 },
  },
  {
    name: "MULTI_EXIT_DISC length 3",
    bytes: update("", `${ORIGIN} ${AS_PATH} ${NEXT_HOP} 80 04 03 000064`, NLRI),
    expected: { action: "treat-as-withdraw", subcode: 5 },
  },
  {
    name: "LOCAL_PREF length 2",
    bytes: update("", `${ORIGIN} ${AS_PATH} ${NEXT_HOP} 40 05 02 0064`, NLRI),
    expected: { action: "treat-as-withdraw", subcode: 5 },
  },
  {
    name: "COMMUNITIES length 5",
    bytes: update("", `${ORIGIN} ${AS_PATH} ${NEXT_HOP} c0 08 05 fde9006400`, NLRI),
    expected: { action: "treat-as-withdraw", subcode: 9 },
  },
  {
    name: "LARGE_COMMUNITY length 8",
    bytes: update("", `${ORIGIN} ${AS_PATH} ${NEXT_HOP} c0 20 08 0000fde900000001`, NLRI),
    expected: { action: "treat-as-withdraw", subcode: 9 },
  },
  {
    name: "attribute length overruns the attribute list (RFC 7606 §4)",
    bytes: update("", `${ORIGIN} ${AS_PATH} ${NEXT_HOP} c0 08 08 fde90064`, NLRI),
    expected: { action: "treat-as-withdraw", subcode: 5 },
  },
  {
    name: "two octets left where an attribute header should be (RFC 7606 §4)",
    bytes: update("", `${ORIGIN} ${AS_PATH} ${NEXT_HOP} c0 08`, NLRI),
    expected: { action: "treat-as-withdraw", subcode: 1 },
  },
  // RFC 7606 attribute discard
  {
    name: "NEXT_HOP 0.0.0.0 in an UPDATE whose routes are all in MP_REACH_NLRI",
    bytes: update("", `80 0e 15 0002 01 10 ${V6_NEXT_HOP} 00 ${ORIGIN} ${AS_PATH} 40 03 04 00000000`, ""),
    expected: { action: "attribute-discard", subcode: 8 },
  },
  {
    name: "ATOMIC_AGGREGATE length 1",
    bytes: update("", `${ORIGIN} ${AS_PATH} ${NEXT_HOP} 40 06 01 00`, NLRI),
    expected: { action: "attribute-discard", subcode: 5 },
  },
  {
    name: "AGGREGATOR length 7",
    bytes: update("", `${ORIGIN} ${AS_PATH} ${NEXT_HOP} c0 07 07 fde8c000020100`, NLRI),
    expected: { action: "attribute-discard", subcode: 5 },
  },
  {
    name: "AGGREGATOR flagged well-known",
    bytes: update("", `${ORIGIN} ${AS_PATH} ${NEXT_HOP} 40 07 06 fde8c0000201`, NLRI),
    expected: { action: "attribute-discard", subcode: 4 },
  },
  {
    name: "ORIGIN twice: later copy discarded",
    bytes: update("", `${ORIGIN} 40 01 01 02 ${AS_PATH} ${NEXT_HOP}`, NLRI),
    expected: { action: "attribute-discard", subcode: 1 },
  },
  {
    name: "AS4_PATH from a 4-octet speaker",
    bytes: update("", `${ORIGIN} 40 02 06 02 01 0000fde8 ${NEXT_HOP} c0 11 06 02 01 0000fde8`, NLRI),
    context: NEW,
    expected: { action: "attribute-discard", subcode: 9 },
  },
  {
    name: "malformed AS4_PATH",
    bytes: update("", `${ORIGIN} ${AS_PATH} ${NEXT_HOP} c0 11 04 02 02 0000`, NLRI),
    expected: { action: "attribute-discard", subcode: 9 },
  },
  {
    name: "AS4_AGGREGATOR length 6",
    bytes: update("", `${ORIGIN} ${AS_PATH} ${NEXT_HOP} c0 12 06 fde8c0000201`, NLRI),
    expected: { action: "attribute-discard", subcode: 5 },
  },
  {
    name: "MP_REACH_NLRI for an unsupported family (AFI 25 L2VPN)",
    bytes: update("", `80 0e 09 0019 41 04 c0000201 00 ${ORIGIN} ${AS_PATH}`, ""),
    expected: { action: "attribute-discard", subcode: 9 },
  },
];

function outcome(result: DecodeResult): unknown {
  if (!result.ok) return { reset: [result.error.code, result.error.subcode], data: toHex(result.error.data) };
  return result.diagnostics.map((d) => ({ action: d.action, subcode: d.subcode }));
}

describe("bgp codec: error handling (RFC 4271 §6, RFC 7606)", () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = decodeMessage(c.bytes, c.context ?? OLD);
      const expected = c.expected;
      if ("reset" in expected) {
        if (result.ok) throw new Error(`expected a session reset, got ${JSON.stringify(outcome(result))}`);
        expect([result.error.code, result.error.subcode]).to.deep.equal(expected.reset);
        expect(result.error.reason).to.be.a("string").and.not.equal("");
        if (expected.data !== undefined) expect(toHex(result.error.data)).to.equal(expected.data);
      } else {
        if (!result.ok) throw new Error(`expected ${expected.action}, got reset: ${result.error.reason}`);
        expect(result.diagnostics.map((d) => [d.action, d.subcode])).to.deep.include([expected.action, expected.subcode]);
        expect(result.treatAsWithdraw).to.equal(expected.action === "treat-as-withdraw");
        for (const d of result.diagnostics) expect(d.reason).to.be.a("string").and.not.equal("");
      }
    });
  }

  it("ROUTE-REFRESH length error carries the whole message as data", () => {
    const bytes = message(5, "0001 00 01 00");
    const result = decodeMessage(bytes);
    expect(result.ok ? "" : toHex(result.error.data)).to.equal(toHex(bytes));
  });

  it("the framer reports header errors and stays failed", () => {
    const framer = new MessageFramer();
    framer.push(hex(`${MARKER} 0013 04 ${"00".repeat(16)} 0013 04`));
    const first = framer.next();
    expect(first?.ok).to.equal(true);
    const second = framer.next();
    expect(second !== undefined && !second.ok ? [second.error.code, second.error.subcode] : undefined).to.deep.equal([1, 1]);
    framer.push(hex(`${MARKER} 0013 04`));
    const third = framer.next();
    expect(third !== undefined && !third.ok ? third.error.subcode : undefined).to.equal(1);
  });

  it("the framer rejects a bad length before the body arrives", () => {
    const framer = new MessageFramer();
    framer.push(hex(`${MARKER} 2000 02`));
    const result = framer.next();
    expect(result !== undefined && !result.ok ? [result.error.code, result.error.subcode, toHex(result.error.data)] : undefined).to.deep.equal([1, 2, "2000"]);
  });

  it("an attribute error in an UPDATE that only withdraws is not treat-as-withdraw", () => {
    const result = decodeMessage(update("18 cb0071", "40 01 01 09", ""), OLD);
    if (!result.ok) throw new Error(result.error.reason);
    expect(result.treatAsWithdraw).to.equal(false);
    expect(result.message.kind === "update" ? result.message.withdrawn : undefined).to.deep.equal([{ address: ip("203.0.113.0"), length: 24 }]);
  });

  it("unknown optional transitive attributes pass through with the Partial bit; non-transitive ones are dropped", () => {
    const result = decodeMessage(update("", `${ORIGIN} ${AS_PATH} ${NEXT_HOP} e0 63 02 abcd 80 64 01 ff`, NLRI), OLD);
    if (!result.ok || result.message.kind !== "update") throw new Error("expected an UPDATE");
    expect(result.diagnostics).to.deep.equal([]);
    expect(result.message.attributes.unknown).to.deep.equal([{ typeCode: 0x63, partial: true, value: hex("abcd") }]);
  });

  it("duplicate attribute keeps the first copy", () => {
    const result = decodeMessage(update("", `${ORIGIN} 40 01 01 02 ${AS_PATH} ${NEXT_HOP}`, NLRI), OLD);
    expect(result.ok && result.message.kind === "update" ? result.message.attributes.origin : undefined).to.equal(0);
  });

  describe("Bad Peer AS helper for the FSM", () => {
    const open = (myAsn: number, fourOctet?: number): OpenMessage => ({
      kind: "open",
      version: 4,
      myAsn,
      holdTime: 90,
      bgpId: ip4("192.0.2.9"),
      capabilities: fourOctet === undefined ? [] : [{ kind: "fourOctetAs", asn: fourOctet }],
    });
    it("accepts the expected ASN in either field", () => {
      expect(checkPeerAs(open(65001), 65001)).to.deep.equal({ ok: true, value: 65001 });
      expect(checkPeerAs(open(23456, 4200000000), 4200000000)).to.deep.equal({ ok: true, value: 4200000000 });
      expect(checkPeerAs(open(65001, 65001), 65001)).to.deep.equal({ ok: true, value: 65001 });
    });
    it("refuses another ASN, AS_TRANS inside the capability and a mismatched 2-octet field", () => {
      for (const [o, asn] of [
        [open(65002), 65001],
        [open(23456, 23456), 23456],
        [open(65002, 4200000000), 4200000000],
      ] as const) {
        const checked = checkPeerAs(o, asn);
        expect(checked.ok ? "accepted" : [checked.error.code, checked.error.subcode]).to.deep.equal([2, 2]);
      }
    });
  });
});
