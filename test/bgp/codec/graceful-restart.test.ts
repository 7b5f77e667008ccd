/**
 * Graceful restart on the wire (RFC 4724): the capability as hand-annotated
 * byte vectors, End-of-RIB recognition, and the capability in the OPEN we
 * send (Restart State and Forwarding State only until the first Established).
 */
import { expect } from "chai";
import {
  decodeMessage,
  encodeMessage,
  endOfRib,
  endOfRibFamily,
  type BgpMessage,
  type CodecContext,
  type OpenMessage,
  type UpdateMessage,
} from "../../../sdk/bgp";
import { Fsm } from "../../../sdk/bgp/fsm/fsm";
import { resolvePeerConfig } from "../../../sdk/bgp/fsm/config";
import { buildOpen } from "../../../sdk/bgp/fsm/open-check";
import { CONFIG, peerOpen, ZERO } from "../fsm/fixtures";
import { hex, MARKER, toHex, update } from "./hex";
import { ip4 } from "../../ip";

const CONTEXT: CodecContext = { fourOctetAs: true, addPath: {}, extendedNextHop: false };

function decoded(bytes: Uint8Array): BgpMessage {
  const result = decodeMessage(bytes, CONTEXT);
  if (!result.ok) throw new Error(`decode failed: ${result.error.reason}`);
  expect(result.diagnostics).to.deep.equal([]);
  return result.message;
}

function decodedUpdate(bytes: Uint8Array): UpdateMessage {
  const message = decoded(bytes);
  if (message.kind !== "update") throw new Error(`expected an UPDATE, got ${message.kind}`);
  return message;
}

describe("bgp codec: Graceful Restart capability (RFC 4724 §3)", () => {
  const restarted = hex(`
    ${MARKER}
    002b              # length 43 = 19 header + 10 fixed + 14 optional parameters
    01                # OPEN
    04 fde8 005a      # version 4, AS 65000, hold time 90
    c0000201          # BGP identifier 192.0.2.1
    0e                # optional parameters length 14
    02 0c             # capabilities, length 12
    40 0a             # Graceful Restart (code 64), length 10
    8078              # Restart Flags 0x8 (R), Restart Time 0x078 = 120 s
    0001 01 80        # AFI 1 IPv4, SAFI 1 unicast, flags 0x80 (F: forwarding state preserved)
    0002 01 00        # AFI 2 IPv6, SAFI 1 unicast, no flags
  `);
  const restartedOpen: OpenMessage = {
    kind: "open",
    version: 4,
    myAsn: 65000,
    holdTime: 90,
    bgpId: ip4("192.0.2.1"),
    capabilities: [
      {
        kind: "gracefulRestart",
        flags: 0x8,
        restartTimeSeconds: 120,
        families: [
          { afi: 1, safi: 1, flags: 0x80 },
          { afi: 2, safi: 1, flags: 0 },
        ],
      },
    ],
  };

  it("decodes R bit, restart time and per-family F bits, and encodes them back octet for octet", () => {
    expect(decoded(restarted)).to.deep.equal(restartedOpen);
    expect(toHex(encodeMessage(restartedOpen, CONTEXT))).to.equal(toHex(restarted));
  });

  it("keeps the N bit (RFC 8538) and a 4095 s restart time; ignores octets after the last whole family", () => {
    const bytes = hex(`${MARKER} 0024 01 04 fde8 005a c0000201 07 02 05  40 03 4fff 00  # N bit, 4095 s, one stray octet`);
    expect(decoded(bytes)).to.deep.equal({ ...restartedOpen, capabilities: [{ kind: "gracefulRestart", flags: 0x4, restartTimeSeconds: 4095, families: [] }] });
  });

  it("refuses a capability shorter than its 2-octet flags and time with an OPEN error naming it", () => {
    const result = decodeMessage(hex(`${MARKER} 0022 01 04 fde8 005a c0000201 05 02 03  40 01 80`), CONTEXT);
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect([result.error.code, result.error.subcode]).to.deep.equal([2, 0]);
    expect(result.error.reason).to.equal("Graceful Restart capability length 1, expected at least 2");
  });

  it("refuses to encode flags over 4 bits or a restart time over 4095 s", () => {
    const bad = (capability: Record<string, unknown>): OpenMessage => ({
      ...restartedOpen,
      capabilities: [{ ...restartedOpen.capabilities[0], ...capability }],
    });
    expect(() => encodeMessage(bad({ restartTimeSeconds: 4096 }), CONTEXT)).to.throw(RangeError, "gracefulRestart.restartTimeSeconds: 4096 is not 0..4095");
    expect(() => encodeMessage(bad({ flags: 16 }), CONTEXT)).to.throw(RangeError, "gracefulRestart.flags: 16 does not fit in 4 bits");
  });
});

describe("bgp codec: End-of-RIB recognition (RFC 4724 §2)", () => {
  it("an empty UPDATE is IPv4 unicast's End-of-RIB", () => {
    const bytes = hex(`${MARKER} 0017 02 0000 0000  # no withdrawn routes, no attributes, no NLRI`);
    expect(endOfRibFamily(decodedUpdate(bytes))).to.deep.equal({ afi: 1, safi: 1 });
    expect(toHex(endOfRib("ipv4-unicast"))).to.equal(toHex(bytes));
  });

  it("an UPDATE with only an empty MP_UNREACH_NLRI is that family's End-of-RIB", () => {
    const bytes = hex(`${MARKER} 001d 02 0000 0006  80 0f 03 0002 01  # MP_UNREACH_NLRI: AFI 2, SAFI 1, nothing withdrawn`);
    expect(endOfRibFamily(decodedUpdate(bytes))).to.deep.equal({ afi: 2, safi: 1 });
    expect(toHex(endOfRib("ipv6-unicast"))).to.equal(toHex(bytes));
  });

  it("UPDATEs that withdraw or announce something are not End-of-RIB", () => {
    const withdrawsV6 = update("", "80 0f 14 0002 01  80 20010db800ff00000000000000000010", "");
    const withdrawsV4 = update("20 c000020a", "", "");
    const announces = update("", "40 01 01 00  40 02 00  40 03 04 c0000201", "20 c000020a");
    const extraAttribute = update("", "80 0f 03 0002 01  40 01 01 00", "");
    for (const bytes of [withdrawsV6, withdrawsV4, announces]) expect(endOfRibFamily(decodedUpdate(bytes))).to.equal(undefined);
    const result = decodeMessage(extraAttribute, CONTEXT);
    expect(result.ok && result.message.kind === "update" ? endOfRibFamily(result.message) : "not decoded").to.equal(undefined);
  });
});

describe("bgp FSM OPEN: Graceful Restart capability we send", () => {
  const families = ["ipv4-unicast", "ipv6-unicast"] as const;

  it("is absent unless a restart time is configured", () => {
    expect(buildOpen(resolvePeerConfig({ ...CONFIG, families })).capabilities.map((c) => c.kind)).to.not.include("gracefulRestart");
  });

  it("after a restart carries R and, per family, F; on a first start neither", () => {
    const config = resolvePeerConfig({ ...CONFIG, families, gracefulRestartTimeSeconds: 120 });
    expect(buildOpen(config, true).capabilities.at(-1)).to.deep.equal({
      kind: "gracefulRestart",
      flags: 0x8,
      restartTimeSeconds: 120,
      families: [
        { afi: 1, safi: 1, flags: 0x80 },
        { afi: 2, safi: 1, flags: 0x80 },
      ],
    });
    expect(buildOpen(config).capabilities.at(-1)).to.deep.equal({
      kind: "gracefulRestart",
      flags: 0,
      restartTimeSeconds: 120,
      families: [
        { afi: 1, safi: 1, flags: 0 },
        { afi: 2, safi: 1, flags: 0 },
      ],
    });
  });

  it("a restarting FSM sets R in its OPENs until it first reaches Established, not after", () => {
    const fsm = new Fsm({ config: { ...CONFIG, gracefulRestartTimeSeconds: 90, restarting: true }, random: ZERO });
    const sentOpenFlags = (actions: ReturnType<Fsm["handle"]>): number[] =>
      actions.flatMap((a) =>
        a.type === "send" && a.message.kind === "open" ? a.message.capabilities.flatMap((c) => (c.kind === "gracefulRestart" ? [c.flags] : [])) : [],
      );
    fsm.handle({ type: "ManualStart" }, 0);
    expect(sentOpenFlags(fsm.handle({ type: "Tcp_CR_Acked" }, 0))).to.deep.equal([0x8]);
    fsm.handle({ type: "TcpConnectionFails" }, 0);
    fsm.handle({ type: "IdleHoldTimer_Expires" }, 10_000);
    expect(sentOpenFlags(fsm.handle({ type: "Tcp_CR_Acked" }, 10_000))).to.deep.equal([0x8]);
    fsm.handle({ type: "BGPOpen", message: peerOpen() }, 10_000);
    fsm.handle({ type: "KeepAliveMsg" }, 10_000);
    expect(fsm.state).to.equal("Established");
    fsm.handle({ type: "TcpConnectionFails" }, 20_000);
    fsm.handle({ type: "IdleHoldTimer_Expires" }, 30_000);
    expect(sentOpenFlags(fsm.handle({ type: "Tcp_CR_Acked" }, 30_000))).to.deep.equal([0]);
  });

  it("refuses a restart time over 4095 s naming the field", () => {
    expect(() => resolvePeerConfig({ ...CONFIG, gracefulRestartTimeSeconds: 4096 })).to.throw(
      RangeError,
      "peer config gracefulRestartTimeSeconds: 4096 must be a whole number of seconds from 0 (off) to 4095",
    );
  });
});
