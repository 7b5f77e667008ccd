/** OPEN processing: hold-time negotiation, peer AS and identifier checks, capability negotiation. */
import { expect } from "chai";
import { isInternalPeer, resolvePeerConfig, type PeerConfig } from "../../../sdk/bgp/fsm/config";
import { buildOpen, checkOpen } from "../../../sdk/bgp/fsm/open-check";
import type { Capability } from "../../../sdk/bgp/messages";
import { CONFIG, fsmIn, notif, peerOpen, start, stop } from "./fixtures";
import { ip4 } from "../../ip";

const resolved = resolvePeerConfig(CONFIG);

function negotiated(open = peerOpen(), config: PeerConfig = CONFIG) {
  const check = checkOpen(resolvePeerConfig(config), open);
  if (!check.ok) throw new Error(`expected acceptance, got ${check.error.reason}`);
  return check.value;
}

function refused(open = peerOpen(), config: PeerConfig = CONFIG) {
  const check = checkOpen(resolvePeerConfig(config), open);
  if (check.ok) throw new Error("expected refusal");
  return check.error;
}

describe("bgp FSM OPEN: hold time", () => {
  const cases: readonly [number, number, number, number][] = [
    // [ours, theirs, negotiated, keepalive ms]
    [90, 180, 90, 30000],
    [90, 30, 30, 10000],
    [90, 3, 3, 1000],
    [90, 0, 0, 0],
    [0, 90, 0, 0],
    [10, 10, 10, 3333],
  ];
  for (const [ours, theirs, hold, keepalive] of cases) {
    it(`ours ${ours} s, theirs ${theirs} s → ${hold} s, keepalive ${keepalive} ms`, () => {
      const session = negotiated(peerOpen({ holdTime: theirs }), { ...CONFIG, holdTimeSeconds: ours });
      expect(session.holdTimeSeconds).to.equal(hold);
      expect(session.keepaliveMs).to.equal(keepalive);
    });
  }

  for (const theirs of [1, 2]) {
    it(`refuses a hold time of ${theirs} s with Unacceptable Hold Time`, () => {
      const fsm = fsmIn("OpenSent");
      const actions = fsm.handle({ type: "BGPOpen", message: peerOpen({ holdTime: theirs }) }, 0);
      expect(actions[0]).to.deep.equal({ type: "send", message: notif(2, 6) });
      expect(fsm.state).to.equal("Idle");
    });
  }

  it("hold time 0: OpenConfirm runs neither hold timer nor keepalive timer", () => {
    const fsm = fsmIn("OpenSent");
    expect(fsm.handle({ type: "BGPOpen", message: peerOpen({ holdTime: 0 }) }, 0)).to.deep.equal([
      { type: "send", message: { kind: "keepalive" } },
      stop("HoldTimer"),
      { type: "stateChange", from: "OpenSent", to: "OpenConfirm", fromName: "BGP_FSM_OPENSENT", toName: "BGP_FSM_OPENCONFIRM" },
    ]);
    expect(fsm.handle({ type: "KeepAliveMsg" }, 0).filter((a) => a.type === "startTimer")).to.deep.equal([]);
    expect(fsm.state).to.equal("Established");
    expect(fsm.timers.size).to.equal(0);
  });

  it("keepalive timer is a third of the negotiated hold time, jittered by the injected random", () => {
    const fsm = fsmIn("OpenSent");
    const actions = fsm.handle({ type: "BGPOpen", message: peerOpen({ holdTime: 30 }) }, 0);
    expect(actions).to.deep.include(start("KeepaliveTimer", 7500));
    expect(actions).to.deep.include(start("HoldTimer", 30000));
  });

  it("keepaliveTimeSeconds: used when below a third of the negotiated hold time (FRR `timers K H`), capped by it otherwise, 0 sends none", () => {
    // [configured keepalive, ours, theirs, keepalive ms]
    const cases: readonly [number, number, number, number][] = [
      [1, 90, 90, 1000],
      [10, 30, 90, 10000],
      [10, 90, 9, 3000],
      [0, 90, 90, 0],
      [5, 90, 0, 0],
    ];
    for (const [keepalive, ours, theirs, ms] of cases) {
      const session = negotiated(peerOpen({ holdTime: theirs }), { ...CONFIG, holdTimeSeconds: ours, keepaliveTimeSeconds: keepalive });
      expect(session.keepaliveMs, `keepalive ${keepalive}, hold ${ours}/${theirs}`).to.equal(ms);
    }
    const fsm = fsmIn("OpenSent", { ...CONFIG, keepaliveTimeSeconds: 2 });
    expect(fsm.handle({ type: "BGPOpen", message: peerOpen({ holdTime: 30 }) }, 0)).to.deep.include(start("KeepaliveTimer", 1500));
  });

  it("rejects a keepalive time above the hold time or not whole, naming the field", () => {
    expect(() => resolvePeerConfig({ ...CONFIG, holdTimeSeconds: 9, keepaliveTimeSeconds: 10 })).to.throw(RangeError, "keepaliveTimeSeconds: 10");
    expect(() => resolvePeerConfig({ ...CONFIG, keepaliveTimeSeconds: 1.5 })).to.throw(RangeError, "keepaliveTimeSeconds: 1.5");
  });

  it("rejects a configured hold time of 1 or 2 naming the field", () => {
    expect(() => resolvePeerConfig({ ...CONFIG, holdTimeSeconds: 2 })).to.throw(RangeError, "holdTimeSeconds: 2");
  });
});

describe("bgp FSM OPEN: dynamic peer AS (internal / external)", () => {
  const ours = (asn: number) => peerOpen({ myAsn: asn > 0xffff ? 23456 : asn }, [{ kind: "fourOctetAs", asn }]);

  it("internal accepts only our own AS and makes the session iBGP", () => {
    const session = negotiated(ours(64512), { ...CONFIG, peerAsn: "internal" });
    expect([session.peerAsn, session.internal, session.codec.peerType]).to.deep.equal([64512, true, "internal"]);
    const error = refused(ours(64513), { ...CONFIG, peerAsn: "internal" });
    expect([error.code, error.subcode]).to.deep.equal([2, 2]);
    expect(error.reason).to.contain("expected AS 64512");
  });

  it("external accepts any AS but ours (4-octet included) and refuses ours with Bad Peer AS", () => {
    for (const asn of [64513, 65535, 4200000000]) {
      const session = negotiated(ours(asn), { ...CONFIG, peerAsn: "external" });
      expect([session.peerAsn, session.internal]).to.deep.equal([asn, false]);
    }
    const error = refused(ours(64512), { ...CONFIG, peerAsn: "external" });
    expect([error.code, error.subcode]).to.deep.equal([2, 2]);
    expect(error.reason).to.contain("configured external");
    expect(refused(peerOpen({ myAsn: 23456 }, []), { ...CONFIG, peerAsn: "external" }).subcode, "AS_TRANS alone is no AS").to.equal(2);
  });

  it("isInternalPeer knows iBGP before the OPEN", () => {
    expect([
      isInternalPeer({ localAsn: 1, peerAsn: "internal" }),
      isInternalPeer({ localAsn: 1, peerAsn: "external" }),
      isInternalPeer({ localAsn: 1, peerAsn: 1 }),
    ]).to.deep.equal([true, false, true]);
  });
});

describe("bgp FSM OPEN: peer AS and identifier", () => {
  it("refuses an unexpected peer AS with OPEN error / Bad Peer AS", () => {
    const error = refused(peerOpen({ myAsn: 64999 }, [{ kind: "fourOctetAs", asn: 64999 }]));
    expect([error.code, error.subcode]).to.deep.equal([2, 2]);
    expect(error.reason).to.contain("64999");
  });

  it("accepts a 4-octet peer AS announced as AS_TRANS plus the capability", () => {
    const config = { ...CONFIG, peerAsn: 4200000001 };
    const session = negotiated(peerOpen({ myAsn: 23456 }, [{ kind: "fourOctetAs", asn: 4200000001 }]), config);
    expect(session.peerAsn).to.equal(4200000001);
    expect(session.codec.fourOctetAs).to.equal(true);
  });

  it("refuses AS_TRANS without the 4-octet capability", () => {
    const error = refused(peerOpen({ myAsn: 23456 }, []), { ...CONFIG, peerAsn: 4200000001 });
    expect(error.subcode).to.equal(2);
  });

  it("accepts a 2-octet-only peer and negotiates 2-octet AS_PATH", () => {
    const session = negotiated(peerOpen({}, [{ kind: "multiprotocol", afi: 1, safi: 1 }]));
    expect(session.codec.fourOctetAs).to.equal(false);
    expect(session.peerAsn).to.equal(64513);
  });

  it("refuses BGP identifier 0.0.0.0", () => {
    expect(refused(peerOpen({ bgpId: ip4("0.0.0.0") })).subcode).to.equal(3);
  });

  it("refuses our own identifier on iBGP but accepts it on eBGP", () => {
    const ibgp = { ...CONFIG, peerAsn: 64512 };
    const open = peerOpen({ myAsn: 64512, bgpId: ip4("192.0.2.1") }, [{ kind: "fourOctetAs", asn: 64512 }]);
    expect(refused(open, ibgp).subcode).to.equal(3);
    expect(negotiated(peerOpen({ bgpId: ip4("192.0.2.1") })).peerBgpId).to.equal(ip4("192.0.2.1"));
  });

  it("marks a same-AS session internal, and tells the codec the session type", () => {
    const session = negotiated(peerOpen({ myAsn: 64512 }, [{ kind: "fourOctetAs", asn: 64512 }]), { ...CONFIG, peerAsn: 64512 });
    expect(session.internal).to.equal(true);
    expect(session.codec.peerType).to.equal("internal");
    expect(negotiated().codec.peerType).to.equal("external");
  });

  describe("repeated 4-octet AS capabilities (RFC 6793, RFC 5492)", () => {
    const expected: Capability = { kind: "fourOctetAs", asn: 64513 };
    const other: Capability = { kind: "fourOctetAs", asn: 64999 };
    for (const [name, capabilities] of [
      ["expected AS first", [expected, other]],
      ["expected AS last", [other, expected]],
    ] as const) {
      it(`refuses copies that disagree with Bad Peer AS whatever their order (${name})`, () => {
        const error = refused(peerOpen({}, capabilities));
        expect([error.code, error.subcode]).to.deep.equal([2, 2]);
        expect(error.reason).to.contain("64513").and.contain("64999");
      });
    }

    it("accepts identical copies", () => {
      const session = negotiated(peerOpen({}, [expected, { kind: "routeRefresh" }, expected]));
      expect(session.peerAsn).to.equal(64513);
      expect(session.codec.fourOctetAs).to.equal(true);
    });
  });

  it("refuses version 3 with Unsupported Version Number carrying version 4", () => {
    const error = refused(peerOpen({ version: 3 }));
    expect([error.code, error.subcode, [...error.data]]).to.deep.equal([2, 1, [0, 4]]);
  });

  it("wrong peer AS in OpenSent: NOTIFICATION Bad Peer AS, close, Idle, backoff", () => {
    const fsm = fsmIn("OpenSent");
    const actions = fsm.handle({ type: "BGPOpen", message: peerOpen({ myAsn: 65000 }, [{ kind: "fourOctetAs", asn: 65000 }]) }, 0);
    expect(actions.map((a) => a.type)).to.deep.equal(["send", "stopTimer", "closeConnection", "stateChange", "startTimer"]);
    const sent = actions[0];
    expect(sent.type === "send" && sent.message.kind === "notification" && [sent.message.code, sent.message.subcode]).to.deep.equal([2, 2]);
    expect(actions[4]).to.deep.equal(start("IdleHoldTimer", 750));
  });
});

describe("bgp FSM OPEN: capabilities", () => {
  it("our OPEN announces families, route refresh, 4-octet AS, ADD-PATH send and extended next hop as configured", () => {
    const config = resolvePeerConfig({
      ...CONFIG,
      localAsn: 4200000000,
      families: ["ipv4-unicast", "ipv6-unicast"],
      addPathSend: ["ipv6-unicast"],
      extendedNextHop: true,
    });
    expect(buildOpen(config)).to.deep.equal({
      kind: "open",
      version: 4,
      myAsn: 23456,
      holdTime: 90,
      bgpId: ip4("192.0.2.1"),
      capabilities: [
        { kind: "multiprotocol", afi: 1, safi: 1 },
        { kind: "multiprotocol", afi: 2, safi: 1 },
        { kind: "routeRefresh" },
        { kind: "fourOctetAs", asn: 4200000000 },
        { kind: "addPath", entries: [{ afi: 2, safi: 1, sendReceive: 2 }] },
        { kind: "extendedNextHop", entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }] },
      ],
    });
    expect(buildOpen(resolved).myAsn).to.equal(64512);
  });

  const dual: PeerConfig = { ...CONFIG, families: ["ipv4-unicast", "ipv6-unicast"], addPathSend: ["ipv4-unicast", "ipv6-unicast"], extendedNextHop: true };
  const four: Capability = { kind: "fourOctetAs", asn: 64513 };

  it("families are the intersection; a peer without multiprotocol capabilities implies IPv4 unicast", () => {
    expect(negotiated(peerOpen({}, [four, { kind: "multiprotocol", afi: 2, safi: 1 }]), dual).families).to.deep.equal(["ipv6-unicast"]);
    expect(negotiated(peerOpen({}, [four]), dual).families).to.deep.equal(["ipv4-unicast"]);
    expect(negotiated(peerOpen({}, [four, { kind: "multiprotocol", afi: 2, safi: 1 }])).families).to.deep.equal([]);
  });

  it("ADD-PATH: we send where we offered Send and the peer offered Receive or Both", () => {
    const session = negotiated(
      peerOpen({}, [
        four,
        { kind: "multiprotocol", afi: 1, safi: 1 },
        { kind: "multiprotocol", afi: 2, safi: 1 },
        {
          kind: "addPath",
          entries: [
            { afi: 1, safi: 1, sendReceive: 1 },
            { afi: 2, safi: 1, sendReceive: 2 },
          ],
        },
      ]),
      dual,
    );
    expect(session.codec.addPath).to.deep.equal({ "ipv4-unicast": { send: true, receive: false } });
    const both = negotiated(peerOpen({}, [four, { kind: "addPath", entries: [{ afi: 1, safi: 1, sendReceive: 3 }] }]), dual);
    expect(both.codec.addPath).to.deep.equal({ "ipv4-unicast": { send: true, receive: false } });
    const notOffered = negotiated(peerOpen({}, [four, { kind: "addPath", entries: [{ afi: 1, safi: 1, sendReceive: 3 }] }]));
    expect(notOffered.codec.addPath).to.deep.equal({});
  });

  it("route refresh and extended next hop need the peer's capability", () => {
    const plain = negotiated(peerOpen({}, [four]), dual);
    expect([plain.peerRouteRefresh, plain.codec.extendedNextHop]).to.deep.equal([false, false]);
    const rich = negotiated(peerOpen({}, [four, { kind: "routeRefresh" }, { kind: "extendedNextHop", entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }] }]), dual);
    expect([rich.peerRouteRefresh, rich.codec.extendedNextHop]).to.deep.equal([true, true]);
  });
});
