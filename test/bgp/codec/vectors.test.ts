/**
 * Hand-annotated byte vectors, written from the message layouts of
 * RFC 4271 §4, RFC 4760 §3-4, RFC 5492, RFC 6793, RFC 7911, RFC 8950,
 * RFC 9072, RFC 1997, RFC 8092, RFC 2918 and RFC 8203 — not from our
 * encoder. Each vector is decoded and compared with the expected message,
 * and (when it is the canonical encoding) the message is encoded back and
 * compared octet for octet.
 */
import { expect } from "chai";
import {
  decodeMessage,
  describeNotification,
  encodeMessage,
  MessageFramer,
  shutdownCommunication,
  type BgpMessage,
  type CodecContext,
  type NotificationMessage,
} from "../../../sdk/bgp";
import { hex, MARKER, toHex } from "./hex";
import { ip, ip4, ip6 } from "../../ip";

const OLD: CodecContext = { fourOctetAs: false, addPath: {}, extendedNextHop: false };
const NEW: CodecContext = { fourOctetAs: true, addPath: {}, extendedNextHop: false };

function decodesTo(bytes: Uint8Array, expected: BgpMessage, context: CodecContext): void {
  const result = decodeMessage(bytes, context);
  if (!result.ok) throw new Error(`decode failed: ${result.error.reason}`);
  expect(result.diagnostics).to.deep.equal([]);
  expect(result.treatAsWithdraw).to.equal(false);
  expect(result.message).to.deep.equal(expected);
}

function roundTrips(bytes: Uint8Array, expected: BgpMessage, context: CodecContext): void {
  decodesTo(bytes, expected, context);
  expect(toHex(encodeMessage(expected, context))).to.equal(toHex(bytes));
}

describe("bgp codec: RFC byte vectors", () => {
  it("KEEPALIVE: header only (RFC 4271 §4.1, §4.4)", () => {
    const bytes = hex(`
      ${MARKER}  # marker: 16 octets of all ones
      0013       # length 19: header only
      04         # type 4 KEEPALIVE
    `);
    roundTrips(bytes, { kind: "keepalive" }, OLD);
  });

  it("OPEN with every modelled capability (RFC 4271 §4.2, RFC 5492)", () => {
    const bytes = hex(`
      ${MARKER}
      0045              # length 69 = 19 header + 10 fixed + 40 optional parameters
      01                # type 1 OPEN
      04                # version 4
      5ba0              # My Autonomous System 23456 = AS_TRANS (RFC 6793)
      00b4              # hold time 180 s
      c0000201          # BGP identifier 192.0.2.1
      28                # optional parameters length 40
      02 26             # parameter type 2 (capabilities), length 38
      01 04 0001 00 01  # Multiprotocol (RFC 4760 §8): AFI 1 IPv4, reserved, SAFI 1 unicast
      01 04 0002 00 01  # Multiprotocol: AFI 2 IPv6, reserved, SAFI 1 unicast
      02 00             # Route Refresh (RFC 2918), no value
      41 04 fa56ea00    # 4-octet AS (code 65, RFC 6793): AS 4200000000
      45 04 0001 01 03  # ADD-PATH (code 69, RFC 7911): AFI 1, SAFI 1, send/receive 3 = both
      05 06 0001 0001 0002  # Extended Next Hop (RFC 8950): NLRI AFI 1, NLRI SAFI 1 (2 octets), next hop AFI 2
      40 02 0078        # Graceful Restart (code 64, RFC 4724): no flags, restart time 120 s, no families
    `);
    roundTrips(
      bytes,
      {
        kind: "open",
        version: 4,
        myAsn: 23456,
        holdTime: 180,
        bgpId: ip4("192.0.2.1"),
        capabilities: [
          { kind: "multiprotocol", afi: 1, safi: 1 },
          { kind: "multiprotocol", afi: 2, safi: 1 },
          { kind: "routeRefresh" },
          { kind: "fourOctetAs", asn: 4200000000 },
          { kind: "addPath", entries: [{ afi: 1, safi: 1, sendReceive: 3 }] },
          { kind: "extendedNextHop", entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }] },
          { kind: "gracefulRestart", flags: 0, restartTimeSeconds: 120, families: [] },
        ],
      },
      OLD,
    );
  });

  it("OPEN whose ADD-PATH tuples carry Send/Receive 0 (FRR disable-addpath-rx): tuples ignored, not an error", () => {
    const bytes = hex(`
      ${MARKER}
      0029       # length 41 = 19 + 10 + 12
      01         # OPEN
      04 fde8 005a c0000201  # version 4, AS 65000, hold 90, id 192.0.2.1
      0c         # optional parameters length 12
      02 0a      # capabilities, length 10
      45 08 0001 01 00 0002 01 01  # ADD-PATH: IPv4 unicast 0 (RFC 7911 §4: ignored), IPv6 unicast 1 = receive
    `);
    decodesTo(
      bytes,
      {
        kind: "open",
        version: 4,
        myAsn: 65000,
        holdTime: 90,
        bgpId: ip4("192.0.2.1"),
        capabilities: [{ kind: "addPath", entries: [{ afi: 2, safi: 1, sendReceive: 1 }] }],
      },
      OLD,
    );
    const onlyZero = hex(`
      ${MARKER}
      0025       # length 37 = 19 + 10 + 8
      01
      04 fde8 005a c0000201
      08         # optional parameters length 8
      02 06      # capabilities, length 6
      45 04 0001 01 00  # ADD-PATH: IPv4 unicast 0 only: the capability is not understood, kept as unknown
    `);
    decodesTo(
      onlyZero,
      {
        kind: "open",
        version: 4,
        myAsn: 65000,
        holdTime: 90,
        bgpId: ip4("192.0.2.1"),
        capabilities: [{ kind: "unknown", code: 69, value: Uint8Array.of(0, 1, 1, 0) }],
      },
      OLD,
    );
  });

  it("OPEN without optional parameters", () => {
    const bytes = hex(`
      ${MARKER}
      001d       # length 29, the OPEN minimum
      01         # OPEN
      04         # version 4
      fde8       # My AS 65000
      0000       # hold time 0: no keepalives
      c6336401   # BGP identifier 198.51.100.1
      00         # no optional parameters
    `);
    roundTrips(bytes, { kind: "open", version: 4, myAsn: 65000, holdTime: 0, bgpId: ip4("198.51.100.1"), capabilities: [] }, OLD);
  });

  it("OPEN in RFC 9072 extended optional parameters form", () => {
    const bytes = hex(`
      ${MARKER}
      002b       # length 43 = 19 + 10 + 3 + 11
      01         # OPEN
      04 fde8 005a c0000201  # version 4, AS 65000, hold 90, id 192.0.2.1
      ff         # Non-Ext OP Len 255
      ff         # Non-Ext OP Type 255: extended form follows
      000b       # Extended Opt. Parm. Length 11
      02 0008    # parameter type 2 (capabilities), 2-octet length 8
      02 00      # Route Refresh
      41 04 0000fde8  # 4-octet AS 65000
    `);
    decodesTo(
      bytes,
      {
        kind: "open",
        version: 4,
        myAsn: 65000,
        holdTime: 90,
        bgpId: ip4("192.0.2.1"),
        capabilities: [{ kind: "routeRefresh" }, { kind: "fourOctetAs", asn: 65000 }],
      },
      OLD,
    );
  });

  it("IPv4 UPDATE with every classic attribute, withdrawn routes and NLRI (RFC 4271 §4.3)", () => {
    const bytes = hex(`
      ${MARKER}
      006d              # length 109
      02                # type 2 UPDATE
      0004              # withdrawn routes length 4
      18 c63364         # withdrawn 198.51.100.0/24: length 24, 3 octets
      0048              # total path attribute length 72
      40 01 01 00       # ORIGIN: flags well-known transitive, type 1, length 1, IGP
      40 02 06 02 02 fde9 fdea  # AS_PATH (2-octet ASNs): AS_SEQUENCE of 2: 65001 65002
      40 03 04 c0000201 # NEXT_HOP 192.0.2.1
      80 04 04 00000064 # MULTI_EXIT_DISC: optional non-transitive, 100
      40 05 04 000000c8 # LOCAL_PREF 200
      40 06 00          # ATOMIC_AGGREGATE, empty
      c0 07 06 fde9 c0000201    # AGGREGATOR: optional transitive, AS 65001, 192.0.2.1
      c0 08 08 fde90064 ffffff01  # COMMUNITIES (RFC 1997): 65001:100, NO_EXPORT
      c0 20 0c 0000fde9 00000001 00000002  # LARGE_COMMUNITY (RFC 8092, type 32): 65001:1:2
      18 cb0071         # NLRI 203.0.113.0/24
      20 c0000201       # NLRI 192.0.2.1/32
      00                # NLRI 0.0.0.0/0: length 0, no address octets
    `);
    roundTrips(
      bytes,
      {
        kind: "update",
        withdrawn: [{ address: ip("198.51.100.0"), length: 24 }],
        attributes: {
          origin: 0,
          asPath: [{ type: 2, asns: [65001, 65002] }],
          nextHop: ip4("192.0.2.1"),
          med: 100,
          localPref: 200,
          atomicAggregate: true,
          aggregator: { asn: 65001, address: ip4("192.0.2.1") },
          communities: [0xfde90064, 0xffffff01],
          largeCommunities: [{ globalAdmin: 65001, localData1: 1, localData2: 2 }],
        },
        nlri: [
          { address: ip("203.0.113.0"), length: 24 },
          { address: ip("192.0.2.1"), length: 32 },
          { address: ip("0.0.0.0"), length: 0 },
        ],
      },
      OLD,
    );
  });

  it("MP_REACH_NLRI: IPv6 routes with global + link-local next hop over an IPv4 session (RFC 4760 §3)", () => {
    const bytes = hex(`
      ${MARKER}
      005c              # length 92
      02                # UPDATE
      0000              # no withdrawn routes
      0045              # total path attribute length 69
      80 0e 35          # MP_REACH_NLRI: optional non-transitive, type 14, length 53
      0002 01           # AFI 2 IPv6, SAFI 1 unicast
      20                # next hop length 32: global + link-local
      20010db8000000000000000000000001  # 2001:db8::1
      fe800000000000000000000000000001  # fe80::1
      00                # reserved
      30 20010db80001   # 2001:db8:1::/48: 6 octets
      40 20010db800020000  # 2001:db8:2::/64: 8 octets
      40 01 01 00       # ORIGIN IGP
      40 02 06 02 01 0000fde8  # AS_PATH (4-octet session): AS_SEQUENCE [65000]
    `);
    roundTrips(
      bytes,
      {
        kind: "update",
        withdrawn: [],
        attributes: {
          mpReach: {
            afi: 2,
            safi: 1,
            nextHop: { global: ip("2001:db8::1"), linkLocal: ip6("fe80::1") },
            nlri: [
              { address: ip("2001:db8:1::"), length: 48 },
              { address: ip("2001:db8:2::"), length: 64 },
            ],
          },
          origin: 0,
          asPath: [{ type: 2, asns: [65000] }],
        },
        nlri: [],
      },
      NEW,
    );
  });

  it("MP_REACH_NLRI: IPv6 route with a 16-octet IPv4-mapped next hop", () => {
    const bytes = hex(`
      ${MARKER}
      003b              # length 59
      02 0000           # UPDATE, no withdrawn routes
      0024              # total path attribute length 36
      80 0e 1a          # MP_REACH_NLRI length 26
      0002 01 10        # AFI 2, SAFI 1, next hop length 16
      00000000000000000000ffffc0000201  # ::ffff:192.0.2.1 (the IPv4 session's address)
      00                # reserved
      20 20010db8       # 2001:db8::/32
      40 01 01 02       # ORIGIN INCOMPLETE
      40 02 00          # AS_PATH empty (iBGP)
    `);
    roundTrips(
      bytes,
      {
        kind: "update",
        withdrawn: [],
        attributes: {
          mpReach: { afi: 2, safi: 1, nextHop: { global: ip("::ffff:192.0.2.1") }, nlri: [{ address: ip("2001:db8::"), length: 32 }] },
          origin: 2,
          asPath: [],
        },
        nlri: [],
      },
      OLD,
    );
  });

  it("MP_REACH_NLRI: IPv4 route over an IPv6 next hop (RFC 8950)", () => {
    const bytes = hex(`
      ${MARKER}
      003a              # length 58
      02 0000 0023      # UPDATE, no withdrawn, attributes 35
      80 0e 19          # MP_REACH_NLRI length 25
      0001 01 10        # AFI 1 IPv4, SAFI 1, next hop length 16
      20010db8000000000000000000000001  # 2001:db8::1
      00                # reserved
      18 cb0071         # 203.0.113.0/24
      40 01 01 00       # ORIGIN IGP
      40 02 00          # AS_PATH empty
    `);
    roundTrips(
      bytes,
      {
        kind: "update",
        withdrawn: [],
        attributes: {
          mpReach: { afi: 1, safi: 1, nextHop: { global: ip("2001:db8::1") }, nlri: [{ address: ip("203.0.113.0"), length: 24 }] },
          origin: 0,
          asPath: [],
        },
        nlri: [],
      },
      { ...OLD, extendedNextHop: true },
    );
  });

  it("MP_UNREACH_NLRI withdrawing an IPv6 prefix (RFC 4760 §4)", () => {
    const bytes = hex(`
      ${MARKER}
      0024              # length 36
      02 0000           # UPDATE, no withdrawn routes
      000d              # total path attribute length 13
      80 0f 0a          # MP_UNREACH_NLRI: optional non-transitive, type 15, length 10
      0002 01           # AFI 2, SAFI 1
      30 20010db80001   # 2001:db8:1::/48
    `);
    roundTrips(
      bytes,
      {
        kind: "update",
        withdrawn: [],
        attributes: { mpUnreach: { afi: 2, safi: 1, withdrawn: [{ address: ip("2001:db8:1::"), length: 48 }] } },
        nlri: [],
      },
      NEW,
    );
  });

  it("ADD-PATH UPDATE: two paths for one prefix (RFC 7911 §3)", () => {
    const bytes = hex(`
      ${MARKER}
      0035              # length 53
      02 0000           # UPDATE, no withdrawn routes
      000e              # total path attribute length 14
      40 01 01 00       # ORIGIN IGP
      40 02 00          # AS_PATH empty
      40 03 04 c0000202 # NEXT_HOP 192.0.2.2
      00000001 18 cb0071  # path identifier 1, 203.0.113.0/24
      00000002 18 cb0071  # path identifier 2, 203.0.113.0/24
    `);
    const message: BgpMessage = {
      kind: "update",
      withdrawn: [],
      attributes: { origin: 0, asPath: [], nextHop: ip4("192.0.2.2") },
      nlri: [
        { address: ip("203.0.113.0"), length: 24, pathId: 1 },
        { address: ip("203.0.113.0"), length: 24, pathId: 2 },
      ],
    };
    roundTrips(bytes, message, { ...NEW, addPath: { "ipv4-unicast": { send: true, receive: true } } });
    // Receive not negotiated: the path identifier octets read as prefix
    // lengths until 0xcb = 203 > 32 — Invalid Network Field, session reset.
    const plain = decodeMessage(bytes, NEW);
    expect(plain.ok ? undefined : [plain.error.code, plain.error.subcode]).to.deep.equal([3, 10]);
  });

  it("4-octet AS_PATH with AS_SEQUENCE and AS_SET between 4-octet speakers (RFC 6793 §3)", () => {
    const bytes = hex(`
      ${MARKER}
      003d              # length 61
      02 0000 0022      # UPDATE, no withdrawn, attributes 34
      40 01 01 00       # ORIGIN IGP
      40 02 14          # AS_PATH length 20
      02 02 fa56ea00 0000fde8  # AS_SEQUENCE of 2: 4200000000 65000
      01 02 0000fde9 0000fdea  # AS_SET of 2: 65001 65002
      40 03 04 c0000201 # NEXT_HOP 192.0.2.1
      18 cb0071         # 203.0.113.0/24
    `);
    roundTrips(
      bytes,
      {
        kind: "update",
        withdrawn: [],
        attributes: {
          origin: 0,
          asPath: [
            { type: 2, asns: [4200000000, 65000] },
            { type: 1, asns: [65001, 65002] },
          ],
          nextHop: ip4("192.0.2.1"),
        },
        nlri: [{ address: ip("203.0.113.0"), length: 24 }],
      },
      NEW,
    );
  });

  it("4-octet ASNs to a 2-octet speaker: AS_TRANS in AS_PATH/AGGREGATOR, AS4_PATH/AS4_AGGREGATOR (RFC 6793 §4.2.2)", () => {
    const bytes = hex(`
      ${MARKER}
      0060              # length 96
      02 0000 0045      # UPDATE, no withdrawn, attributes 69
      40 01 01 00       # ORIGIN IGP
      40 02 0c          # AS_PATH length 12, 2-octet ASNs
      02 02 5ba0 fde8   # AS_SEQUENCE: AS_TRANS (for 4200000000), 65000
      01 02 fde9 fdea   # AS_SET: 65001 65002
      40 03 04 c0000201 # NEXT_HOP 192.0.2.1
      c0 07 06 5ba0 c0000201  # AGGREGATOR: AS_TRANS, 192.0.2.1
      c0 11 14          # AS4_PATH: optional transitive, type 17, length 20
      02 02 fa56ea00 0000fde8  # AS_SEQUENCE 4200000000 65000
      01 02 0000fde9 0000fdea  # AS_SET 65001 65002
      c0 12 08 fa56ea00 c0000201  # AS4_AGGREGATOR: type 18, AS 4200000000, 192.0.2.1
      18 cb0071         # 203.0.113.0/24
    `);
    roundTrips(
      bytes,
      {
        kind: "update",
        withdrawn: [],
        attributes: {
          origin: 0,
          asPath: [
            { type: 2, asns: [4200000000, 65000] },
            { type: 1, asns: [65001, 65002] },
          ],
          nextHop: ip4("192.0.2.1"),
          aggregator: { asn: 4200000000, address: ip4("192.0.2.1") },
        },
        nlri: [{ address: ip("203.0.113.0"), length: 24 }],
      },
      OLD,
    );
  });

  it("AS4_PATH shorter than AS_PATH: leading ASNs prepended by a 2-octet speaker are kept (RFC 6793 §4.2.3)", () => {
    const bytes = hex(`
      ${MARKER}
      003e              # length 62
      02 0000 0023      # UPDATE, no withdrawn, attributes 35
      40 01 01 00       # ORIGIN IGP
      40 02 08 02 03 fdf2 5ba0 fde8  # AS_PATH: AS_SEQUENCE 65010 AS_TRANS 65000
      c0 11 0a 02 02 fa56ea00 0000fde8  # AS4_PATH: AS_SEQUENCE 4200000000 65000
      40 03 04 c0000201 # NEXT_HOP
      18 cb0071         # 203.0.113.0/24
    `);
    decodesTo(
      bytes,
      {
        kind: "update",
        withdrawn: [],
        attributes: { origin: 0, asPath: [{ type: 2, asns: [65010, 4200000000, 65000] }], nextHop: ip4("192.0.2.1") },
        nlri: [{ address: ip("203.0.113.0"), length: 24 }],
      },
      OLD,
    );
  });

  it("ROUTE-REFRESH for IPv6 unicast (RFC 2918 §3)", () => {
    const bytes = hex(`
      ${MARKER}
      0017       # length 23
      05         # type 5 ROUTE-REFRESH
      0002       # AFI 2
      00         # reserved
      01         # SAFI 1
    `);
    roundTrips(bytes, { kind: "routeRefresh", afi: 2, safi: 1 }, OLD);
  });

  describe("NOTIFICATION (RFC 4271 §4.5, §6; RFC 4486; RFC 8203; RFC 6608)", () => {
    const cases: { name: string; body: string; code: number; subcode: number; data: string; text: string }[] = [
      { name: "connection not synchronized", body: "01 01", code: 1, subcode: 1, data: "", text: "MessageHeader/ConnectionNotSynchronized (1/1)" },
      { name: "bad message length", body: "01 02 1001", code: 1, subcode: 2, data: "1001", text: "MessageHeader/BadMessageLength (1/2) data 1001" },
      { name: "bad message type", body: "01 03 09", code: 1, subcode: 3, data: "09", text: "MessageHeader/BadMessageType (1/3) data 09" },
      { name: "unsupported version", body: "02 01 0004", code: 2, subcode: 1, data: "0004", text: "OpenMessage/UnsupportedVersionNumber (2/1) data 0004" },
      { name: "bad peer AS", body: "02 02 fde8", code: 2, subcode: 2, data: "fde8", text: "OpenMessage/BadPeerAs (2/2) data fde8" },
      { name: "bad BGP identifier", body: "02 03", code: 2, subcode: 3, data: "", text: "OpenMessage/BadBgpIdentifier (2/3)" },
      { name: "unsupported optional parameter", body: "02 04", code: 2, subcode: 4, data: "", text: "OpenMessage/UnsupportedOptionalParameter (2/4)" },
      { name: "unacceptable hold time", body: "02 06", code: 2, subcode: 6, data: "", text: "OpenMessage/UnacceptableHoldTime (2/6)" },
      { name: "unsupported capability", body: "02 07 4104", code: 2, subcode: 7, data: "4104", text: "OpenMessage/UnsupportedCapability (2/7) data 4104" },
      { name: "malformed attribute list", body: "03 01", code: 3, subcode: 1, data: "", text: "UpdateMessage/MalformedAttributeList (3/1)" },
      {
        name: "missing well-known attribute",
        body: "03 03 01",
        code: 3,
        subcode: 3,
        data: "01",
        text: "UpdateMessage/MissingWellKnownAttribute (3/3) data 01",
      },
      { name: "invalid network field", body: "03 0a", code: 3, subcode: 10, data: "", text: "UpdateMessage/InvalidNetworkField (3/10)" },
      { name: "malformed AS_PATH", body: "03 0b", code: 3, subcode: 11, data: "", text: "UpdateMessage/MalformedAsPath (3/11)" },
      { name: "hold timer expired", body: "04 00", code: 4, subcode: 0, data: "", text: "HoldTimerExpired/subcode0 (4/0)" },
      { name: "FSM error in OpenConfirm", body: "05 02", code: 5, subcode: 2, data: "", text: "FiniteStateMachine/UnexpectedMessageInOpenConfirm (5/2)" },
      { name: "Cease: maximum prefixes", body: "06 01", code: 6, subcode: 1, data: "", text: "Cease/MaximumNumberOfPrefixesReached (6/1)" },
      { name: "Cease: administrative shutdown, no communication", body: "06 02", code: 6, subcode: 2, data: "", text: "Cease/AdministrativeShutdown (6/2)" },
      {
        name: "Cease: administrative shutdown with communication",
        body: "06 02 0b 6d61696e74656e616e6365", // length 11, UTF-8 "maintenance"
        code: 6,
        subcode: 2,
        data: "0b6d61696e74656e616e6365",
        text: 'Cease/AdministrativeShutdown (6/2) "maintenance"',
      },
      { name: "Cease: peer de-configured", body: "06 03", code: 6, subcode: 3, data: "", text: "Cease/PeerDeconfigured (6/3)" },
      { name: "Cease: administrative reset", body: "06 04", code: 6, subcode: 4, data: "", text: "Cease/AdministrativeReset (6/4)" },
      { name: "Cease: connection rejected", body: "06 05", code: 6, subcode: 5, data: "", text: "Cease/ConnectionRejected (6/5)" },
      { name: "Cease: other configuration change", body: "06 06", code: 6, subcode: 6, data: "", text: "Cease/OtherConfigurationChange (6/6)" },
      { name: "Cease: connection collision resolution", body: "06 07", code: 6, subcode: 7, data: "", text: "Cease/ConnectionCollisionResolution (6/7)" },
      { name: "Cease: out of resources", body: "06 08", code: 6, subcode: 8, data: "", text: "Cease/OutOfResources (6/8)" },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const body = hex(c.body);
        const length = (19 + body.length).toString(16).padStart(4, "0");
        const bytes = hex(`${MARKER} ${length} 03 ${c.body}`); // header: marker, length, type 3 NOTIFICATION
        const message: NotificationMessage = { kind: "notification", code: c.code, subcode: c.subcode, data: hex(c.data) };
        roundTrips(bytes, message, OLD);
        expect(describeNotification(message)).to.equal(c.text);
      });
    }

    it("shutdown communication is read back, and refused when its length octet lies", () => {
      const good: NotificationMessage = { kind: "notification", code: 6, subcode: 2, data: hex("0b 6d61696e74656e616e6365") };
      expect(shutdownCommunication(good)).to.equal("maintenance");
      const lying: NotificationMessage = { kind: "notification", code: 6, subcode: 2, data: hex("0c 6d61696e74656e616e6365") };
      expect(shutdownCommunication(lying)).to.equal(undefined);
      const invalidUtf8: NotificationMessage = { kind: "notification", code: 6, subcode: 4, data: hex("02 c328") };
      expect(shutdownCommunication(invalidUtf8)).to.equal(undefined);
    });
  });

  it("framer splits a byte-at-a-time stream of the vectors back into messages", () => {
    const stream = hex(`
      ${MARKER} 0013 04                        # KEEPALIVE
      ${MARKER} 0017 05 0001 00 01             # ROUTE-REFRESH IPv4 unicast
      ${MARKER} 0015 03 06 02                  # NOTIFICATION Cease/Administrative Shutdown
    `);
    const framer = new MessageFramer();
    const kinds: string[] = [];
    for (const octet of stream) {
      framer.push(Uint8Array.of(octet));
      for (let r = framer.next(OLD); r !== undefined; r = framer.next(OLD)) {
        if (!r.ok) throw new Error(r.error.reason);
        kinds.push(r.message.kind);
      }
    }
    expect(kinds).to.deep.equal(["keepalive", "routeRefresh", "notification"]);
    expect(framer.buffered).to.equal(0);
  });
});
