/**
 * Table-driven tests of RFC 4271 §8.2.2: for every state, every event, the
 * exact actions and the next state.
 */
import { expect } from "chai";
import type { FsmEvent, FsmEventType, FsmState } from "../../../sdk/bgp/fsm/types";
import type { BgpMessage, NotificationMessage, OpenMessage } from "../../../sdk/bgp/messages";
import type { TimerName } from "../../../sdk/bgp/fsm/timers";
import { CONFIG, change, fsmIn, notif, peerOpen, sessionError, start, stop } from "./fixtures";
import { ip4 } from "../../ip";

const OUR_OPEN: OpenMessage = {
  kind: "open",
  version: 4,
  myAsn: 64512,
  holdTime: 90,
  bgpId: ip4("192.0.2.1"),
  capabilities: [{ kind: "multiprotocol", afi: 1, safi: 1 }, { kind: "routeRefresh" }, { kind: "fourOctetAs", asn: 64512 }],
};

const NEGOTIATED = {
  peerAsn: 64513,
  peerBgpId: ip4("192.0.2.2"),
  internal: false,
  holdTimeSeconds: 90,
  keepaliveMs: 30000,
  families: ["ipv4-unicast"],
  peerRouteRefresh: true,
  codec: { peerType: "external", fourOctetAs: true, addPath: {}, extendedNextHop: false },
  peerOpen: peerOpen(),
};

const CR = start("ConnectRetryTimer", 22500);
const HOLD_LARGE = start("HoldTimer", 240000);
const HOLD = start("HoldTimer", 90000);
const KA = start("KeepaliveTimer", 22500);
const IDLE_HOLD = start("IdleHoldTimer", 750);
const CLOSE = { type: "closeConnection" };
const send = (message: BgpMessage) => ({ type: "send", message });
const KEEPALIVE = send({ kind: "keepalive" });

const HEADER_ERR = sessionError(1, 2, "length 5000 > 4096");
const OPEN_ERR = sessionError(2, 4, "unsupported optional parameter 9");
const UPDATE_ERR = sessionError(3, 1, "malformed attribute list");
const CEASE_FROM_PEER = notif(6, 2);
const VERSION_ERR = notif(2, 1, [0, 4]);

/** One sample of every event. */
const EVENT: Readonly<Record<FsmEventType, FsmEvent>> = {
  ManualStart: { type: "ManualStart" },
  ManualStop: { type: "ManualStop" },
  AutomaticStart: { type: "AutomaticStart" },
  ManualStart_with_PassiveTcpEstablishment: { type: "ManualStart_with_PassiveTcpEstablishment" },
  AutomaticStart_with_PassiveTcpEstablishment: { type: "AutomaticStart_with_PassiveTcpEstablishment" },
  AutomaticStop: { type: "AutomaticStop", subcode: 1 },
  ConnectRetryTimer_Expires: { type: "ConnectRetryTimer_Expires" },
  HoldTimer_Expires: { type: "HoldTimer_Expires" },
  KeepaliveTimer_Expires: { type: "KeepaliveTimer_Expires" },
  IdleHoldTimer_Expires: { type: "IdleHoldTimer_Expires" },
  Tcp_CR_Acked: { type: "Tcp_CR_Acked" },
  TcpConnectionConfirmed: { type: "TcpConnectionConfirmed" },
  TcpConnectionFails: { type: "TcpConnectionFails" },
  BGPOpen: { type: "BGPOpen", message: peerOpen() },
  BGPHeaderErr: { type: "BGPHeaderErr", error: HEADER_ERR },
  BGPOpenMsgErr: { type: "BGPOpenMsgErr", error: OPEN_ERR },
  OpenCollisionDump: { type: "OpenCollisionDump" },
  NotifMsgVerErr: { type: "NotifMsgVerErr", message: VERSION_ERR },
  NotifMsg: { type: "NotifMsg", message: CEASE_FROM_PEER },
  KeepAliveMsg: { type: "KeepAliveMsg" },
  UpdateMsg: { type: "UpdateMsg", message: { kind: "update", withdrawn: [], attributes: {}, nlri: [] } },
  UpdateMsgErr: { type: "UpdateMsgErr", error: UPDATE_ERR },
  RouteRefreshMsg: { type: "RouteRefreshMsg", message: { kind: "routeRefresh", afi: 1, safi: 1 } },
};

/** Timers running in each fixture state, in the order the FSM stops them. */
const RUNNING: Readonly<Record<FsmState, readonly TimerName[]>> = {
  Idle: [],
  Connect: ["ConnectRetryTimer"],
  Active: [],
  OpenSent: ["HoldTimer"],
  OpenConfirm: ["HoldTimer", "KeepaliveTimer"],
  Established: ["HoldTimer", "KeepaliveTimer"],
};

/** Whether the fixture state has a TCP connection (or a connect in progress). */
const CONNECTED: Readonly<Record<FsmState, boolean>> = {
  Idle: false,
  Connect: true,
  Active: false,
  OpenSent: true,
  OpenConfirm: true,
  Established: true,
};

interface DownOptions {
  readonly notify?: NotificationMessage;
  /** Timer that just expired (not stopped again). */
  readonly expired?: TimerName;
  /** The connection is already gone (TcpConnectionFails). */
  readonly tcpGone?: boolean;
  readonly manual?: boolean;
}

/** Expected actions of the common "down to Idle" path from `state`. */
function down(state: FsmState, reason: object, options: DownOptions = {}): object[] {
  return [
    ...(options.notify ? [send(options.notify)] : []),
    ...RUNNING[state].filter((t) => t !== options.expired).map(stop),
    ...(CONNECTED[state] && !options.tcpGone ? [CLOSE] : []),
    ...(state === "Established" ? [{ type: "sessionDown", reason }] : []),
    change(state, "Idle", reason),
    ...(options.manual ? [] : [IDLE_HOLD]),
  ];
}

const unexpected = (type: FsmEventType) => ({ kind: "unexpectedEvent", event: type });
const fsmErr = (subcode: number) => notif(5, subcode);
const errorSent = (error: { code: number; subcode: number; reason: string }) => ({
  kind: "errorSent",
  notification: notif(error.code, error.subcode),
  detail: error.reason,
});
const received = (message: NotificationMessage) => ({ kind: "notificationReceived", notification: message });

type Row = readonly [FsmState, FsmEventType, readonly object[], FsmState];

const STARTS: readonly FsmEventType[] = [
  "ManualStart",
  "AutomaticStart",
  "ManualStart_with_PassiveTcpEstablishment",
  "AutomaticStart_with_PassiveTcpEstablishment",
];

const startsIgnored = (state: Exclude<FsmState, "Idle">): Row[] => STARTS.map((type) => [state, type, [], state] as const);

const ROWS: readonly Row[] = [
  // Idle
  ["Idle", "ManualStart", [CR, { type: "connect" }, change("Idle", "Connect")], "Connect"],
  ["Idle", "AutomaticStart", [CR, { type: "connect" }, change("Idle", "Connect")], "Connect"],
  ["Idle", "ManualStart_with_PassiveTcpEstablishment", [change("Idle", "Active")], "Active"],
  ["Idle", "AutomaticStart_with_PassiveTcpEstablishment", [change("Idle", "Active")], "Active"],
  ...(
    [
      "ManualStop",
      "AutomaticStop",
      "ConnectRetryTimer_Expires",
      "HoldTimer_Expires",
      "KeepaliveTimer_Expires",
      "IdleHoldTimer_Expires",
      "Tcp_CR_Acked",
      "TcpConnectionConfirmed",
      "TcpConnectionFails",
      "BGPOpen",
      "BGPHeaderErr",
      "BGPOpenMsgErr",
      "OpenCollisionDump",
      "NotifMsgVerErr",
      "NotifMsg",
      "KeepAliveMsg",
      "UpdateMsg",
      "UpdateMsgErr",
      "RouteRefreshMsg",
    ] as const
  ).map((type) => ["Idle", type, [], "Idle"] as const),

  // Connect
  ...startsIgnored("Connect"),
  ["Connect", "ManualStop", down("Connect", { kind: "manualStop" }, { manual: true }), "Idle"],
  ["Connect", "ConnectRetryTimer_Expires", [CLOSE, CR, { type: "connect" }], "Connect"],
  ["Connect", "Tcp_CR_Acked", [stop("ConnectRetryTimer"), send(OUR_OPEN), HOLD_LARGE, change("Connect", "OpenSent")], "OpenSent"],
  ["Connect", "TcpConnectionConfirmed", [stop("ConnectRetryTimer"), send(OUR_OPEN), HOLD_LARGE, change("Connect", "OpenSent")], "OpenSent"],
  ["Connect", "TcpConnectionFails", down("Connect", { kind: "tcpFailed" }, { tcpGone: true }), "Idle"],
  ["Connect", "BGPHeaderErr", down("Connect", { kind: "decodeError", detail: HEADER_ERR.reason }), "Idle"],
  ["Connect", "BGPOpenMsgErr", down("Connect", { kind: "decodeError", detail: OPEN_ERR.reason }), "Idle"],
  ["Connect", "NotifMsgVerErr", down("Connect", received(VERSION_ERR)), "Idle"],
  ["Connect", "AutomaticStop", down("Connect", { kind: "automaticStop" }), "Idle"],
  ...(["BGPOpen", "OpenCollisionDump", "NotifMsg", "KeepAliveMsg", "UpdateMsg", "UpdateMsgErr", "RouteRefreshMsg"] as const).map(
    (type) => ["Connect", type, down("Connect", unexpected(type)), "Idle"] as const,
  ),
  ...(["HoldTimer_Expires", "KeepaliveTimer_Expires", "IdleHoldTimer_Expires"] as const).map((type) => ["Connect", type, [], "Connect"] as const),

  // Active (passive start: no ConnectRetryTimer, no connection)
  ...startsIgnored("Active"),
  ["Active", "ManualStop", down("Active", { kind: "manualStop" }, { manual: true }), "Idle"],
  ["Active", "Tcp_CR_Acked", [send(OUR_OPEN), HOLD_LARGE, change("Active", "OpenSent")], "OpenSent"],
  ["Active", "TcpConnectionConfirmed", [send(OUR_OPEN), HOLD_LARGE, change("Active", "OpenSent")], "OpenSent"],
  ["Active", "TcpConnectionFails", down("Active", { kind: "tcpFailed" }), "Idle"],
  ["Active", "BGPHeaderErr", down("Active", { kind: "decodeError", detail: HEADER_ERR.reason }), "Idle"],
  ["Active", "BGPOpenMsgErr", down("Active", { kind: "decodeError", detail: OPEN_ERR.reason }), "Idle"],
  ["Active", "NotifMsgVerErr", down("Active", received(VERSION_ERR)), "Idle"],
  ["Active", "AutomaticStop", down("Active", { kind: "automaticStop" }), "Idle"],
  ...(["BGPOpen", "OpenCollisionDump", "NotifMsg", "KeepAliveMsg", "UpdateMsg", "UpdateMsgErr", "RouteRefreshMsg"] as const).map(
    (type) => ["Active", type, down("Active", unexpected(type)), "Idle"] as const,
  ),
  ...(["ConnectRetryTimer_Expires", "HoldTimer_Expires", "KeepaliveTimer_Expires", "IdleHoldTimer_Expires"] as const).map(
    (type) => ["Active", type, [], "Active"] as const,
  ),

  // OpenSent
  ...startsIgnored("OpenSent"),
  ["OpenSent", "ManualStop", down("OpenSent", { kind: "manualStop" }, { manual: true, notify: notif(6, 2) }), "Idle"],
  ["OpenSent", "AutomaticStop", down("OpenSent", { kind: "automaticStop" }, { notify: notif(6, 1) }), "Idle"],
  ["OpenSent", "HoldTimer_Expires", down("OpenSent", { kind: "holdTimerExpired" }, { notify: notif(4, 0), expired: "HoldTimer" }), "Idle"],
  ["OpenSent", "Tcp_CR_Acked", [], "OpenSent"],
  ["OpenSent", "TcpConnectionConfirmed", [], "OpenSent"],
  ["OpenSent", "TcpConnectionFails", down("OpenSent", { kind: "tcpFailed" }, { tcpGone: true }), "Idle"],
  ["OpenSent", "BGPOpen", [KEEPALIVE, KA, HOLD, change("OpenSent", "OpenConfirm")], "OpenConfirm"],
  ["OpenSent", "BGPHeaderErr", down("OpenSent", errorSent(HEADER_ERR), { notify: notif(1, 2) }), "Idle"],
  ["OpenSent", "BGPOpenMsgErr", down("OpenSent", errorSent(OPEN_ERR), { notify: notif(2, 4) }), "Idle"],
  ["OpenSent", "OpenCollisionDump", down("OpenSent", { kind: "collision" }, { notify: notif(6, 7) }), "Idle"],
  ["OpenSent", "NotifMsgVerErr", down("OpenSent", received(VERSION_ERR)), "Idle"],
  ["OpenSent", "NotifMsg", down("OpenSent", received(CEASE_FROM_PEER)), "Idle"],
  ...(["KeepAliveMsg", "UpdateMsg", "UpdateMsgErr", "RouteRefreshMsg"] as const).map(
    (type) => ["OpenSent", type, down("OpenSent", unexpected(type), { notify: fsmErr(1) }), "Idle"] as const,
  ),
  ...(["ConnectRetryTimer_Expires", "KeepaliveTimer_Expires", "IdleHoldTimer_Expires"] as const).map((type) => ["OpenSent", type, [], "OpenSent"] as const),

  // OpenConfirm
  ...startsIgnored("OpenConfirm"),
  ["OpenConfirm", "ManualStop", down("OpenConfirm", { kind: "manualStop" }, { manual: true, notify: notif(6, 2) }), "Idle"],
  ["OpenConfirm", "AutomaticStop", down("OpenConfirm", { kind: "automaticStop" }, { notify: notif(6, 1) }), "Idle"],
  ["OpenConfirm", "HoldTimer_Expires", down("OpenConfirm", { kind: "holdTimerExpired" }, { notify: notif(4, 0), expired: "HoldTimer" }), "Idle"],
  ["OpenConfirm", "KeepaliveTimer_Expires", [KEEPALIVE, KA], "OpenConfirm"],
  ["OpenConfirm", "Tcp_CR_Acked", [], "OpenConfirm"],
  ["OpenConfirm", "TcpConnectionConfirmed", [], "OpenConfirm"],
  ["OpenConfirm", "TcpConnectionFails", down("OpenConfirm", { kind: "tcpFailed" }, { tcpGone: true }), "Idle"],
  ["OpenConfirm", "NotifMsg", down("OpenConfirm", received(CEASE_FROM_PEER)), "Idle"],
  ["OpenConfirm", "NotifMsgVerErr", down("OpenConfirm", received(VERSION_ERR)), "Idle"],
  ["OpenConfirm", "BGPHeaderErr", down("OpenConfirm", errorSent(HEADER_ERR), { notify: notif(1, 2) }), "Idle"],
  ["OpenConfirm", "BGPOpenMsgErr", down("OpenConfirm", errorSent(OPEN_ERR), { notify: notif(2, 4) }), "Idle"],
  ["OpenConfirm", "OpenCollisionDump", down("OpenConfirm", { kind: "collision" }, { notify: notif(6, 7) }), "Idle"],
  ["OpenConfirm", "KeepAliveMsg", [HOLD, change("OpenConfirm", "Established"), { type: "established", session: NEGOTIATED }], "Established"],
  ...(["BGPOpen", "UpdateMsg", "UpdateMsgErr", "RouteRefreshMsg"] as const).map(
    (type) => ["OpenConfirm", type, down("OpenConfirm", unexpected(type), { notify: fsmErr(2) }), "Idle"] as const,
  ),
  ...(["ConnectRetryTimer_Expires", "IdleHoldTimer_Expires"] as const).map((type) => ["OpenConfirm", type, [], "OpenConfirm"] as const),

  // Established
  ...startsIgnored("Established"),
  ["Established", "ManualStop", [{ type: "withdrawAll" }, ...down("Established", { kind: "manualStop" }, { manual: true, notify: notif(6, 2) })], "Idle"],
  ["Established", "AutomaticStop", down("Established", { kind: "automaticStop" }, { notify: notif(6, 1) }), "Idle"],
  ["Established", "HoldTimer_Expires", down("Established", { kind: "holdTimerExpired" }, { notify: notif(4, 0), expired: "HoldTimer" }), "Idle"],
  ["Established", "KeepaliveTimer_Expires", [KEEPALIVE, KA], "Established"],
  ["Established", "Tcp_CR_Acked", [], "Established"],
  ["Established", "TcpConnectionConfirmed", [], "Established"],
  ["Established", "OpenCollisionDump", down("Established", { kind: "collision" }, { notify: notif(6, 7) }), "Idle"],
  ["Established", "NotifMsg", down("Established", received(CEASE_FROM_PEER)), "Idle"],
  ["Established", "NotifMsgVerErr", down("Established", received(VERSION_ERR)), "Idle"],
  ["Established", "TcpConnectionFails", down("Established", { kind: "tcpFailed" }, { tcpGone: true }), "Idle"],
  ["Established", "KeepAliveMsg", [HOLD], "Established"],
  ["Established", "UpdateMsg", [HOLD, { type: "updateReceived", message: { kind: "update", withdrawn: [], attributes: {}, nlri: [] } }], "Established"],
  ["Established", "RouteRefreshMsg", [HOLD, { type: "routeRefreshRequested", afi: 1, safi: 1 }], "Established"],
  ["Established", "BGPHeaderErr", down("Established", errorSent(HEADER_ERR), { notify: notif(1, 2) }), "Idle"],
  ["Established", "BGPOpenMsgErr", down("Established", errorSent(OPEN_ERR), { notify: notif(2, 4) }), "Idle"],
  ["Established", "UpdateMsgErr", down("Established", errorSent(UPDATE_ERR), { notify: notif(3, 1) }), "Idle"],
  ["Established", "BGPOpen", down("Established", unexpected("BGPOpen"), { notify: fsmErr(3) }), "Idle"],
  ...(["ConnectRetryTimer_Expires", "IdleHoldTimer_Expires"] as const).map((type) => ["Established", type, [], "Established"] as const),
];

describe("bgp FSM transitions (RFC 4271 §8.2.2)", () => {
  for (const [state, type, actions, next] of ROWS) {
    it(`${state} + ${type} → ${next}`, () => {
      const fsm = fsmIn(state);
      expect(fsm.handle(EVENT[type], 1000)).to.deep.equal(actions);
      expect(fsm.state).to.equal(next);
    });
  }

  it("covers every (state, event) pair exactly once", () => {
    const seen = new Set(ROWS.map(([state, type]) => `${state}/${type}`));
    expect(seen.size).to.equal(ROWS.length);
    expect(ROWS.length).to.equal(6 * Object.keys(EVENT).length);
  });

  it("Idle with a pending restart: IdleHoldTimer_Expires restarts as last started, keeping the failure count", () => {
    const fsm = fsmIn("Connect");
    fsm.handle({ type: "TcpConnectionFails" }, 0);
    expect(fsm.connectRetryCounter).to.equal(1);
    expect(fsm.handle({ type: "IdleHoldTimer_Expires" }, 750)).to.deep.equal([CR, { type: "connect" }, change("Idle", "Connect")]);
    expect(fsm.connectRetryCounter).to.equal(1);
  });

  it("Idle with a pending restart: ManualStop cancels it and resets the count", () => {
    const fsm = fsmIn("Connect");
    fsm.handle({ type: "TcpConnectionFails" }, 0);
    expect(fsm.handle({ type: "ManualStop" }, 10)).to.deep.equal([stop("IdleHoldTimer")]);
    expect(fsm.connectRetryCounter).to.equal(0);
    expect(fsm.timers.size).to.equal(0);
  });

  it("Idle with a pending restart: ManualStart cancels the backoff and starts at once", () => {
    const fsm = fsmIn("Connect");
    fsm.handle({ type: "TcpConnectionFails" }, 0);
    expect(fsm.handle({ type: "ManualStart" }, 10)).to.deep.equal([stop("IdleHoldTimer"), CR, { type: "connect" }, change("Idle", "Connect")]);
    expect(fsm.connectRetryCounter).to.equal(0);
  });

  it("Idle with a pending restart: an inbound connection restarts on it at once, keeping the failure count", () => {
    const fsm = fsmIn("Connect");
    fsm.handle({ type: "TcpConnectionFails" }, 0);
    expect(fsm.acceptsInbound).to.equal(true);
    expect(fsm.handle({ type: "TcpConnectionConfirmed" }, 10)).to.deep.equal([stop("IdleHoldTimer"), send(OUR_OPEN), HOLD_LARGE, change("Idle", "OpenSent")]);
    expect(fsm.connectRetryCounter).to.equal(1);
    expect(fsm.timers.names()).to.deep.equal(["HoldTimer"]);
    expect(fsm.handle({ type: "BGPOpen", message: peerOpen() }, 20)).to.deep.include(change("OpenSent", "OpenConfirm"));
  });

  it("Idle without a pending restart refuses inbound connections: never started, stopped, or automaticRestart off", () => {
    const stopped = fsmIn("Connect");
    stopped.handle({ type: "TcpConnectionFails" }, 0);
    stopped.handle({ type: "ManualStop" }, 0);
    const noRestart = fsmIn("Connect", { ...CONFIG, automaticRestart: false });
    noRestart.handle({ type: "TcpConnectionFails" }, 0);
    for (const fsm of [fsmIn("Idle"), stopped, noRestart]) {
      expect(fsm.acceptsInbound).to.equal(false);
      expect(fsm.handle({ type: "TcpConnectionConfirmed" }, 10)).to.deep.equal([]);
      expect(fsm.state).to.equal("Idle");
    }
  });

  it("accepts inbound connections in Connect and Active only, among the other states", () => {
    const accepting = (["Connect", "Active", "OpenSent", "OpenConfirm", "Established"] as const).filter((state) => fsmIn(state).acceptsInbound);
    expect(accepting).to.deep.equal(["Connect", "Active"]);
  });

  it("a passive restart after an error stays passive", () => {
    const fsm = fsmIn("Active");
    fsm.handle({ type: "TcpConnectionConfirmed" }, 0);
    fsm.handle({ type: "NotifMsg", message: CEASE_FROM_PEER }, 0);
    expect(fsm.handle({ type: "IdleHoldTimer_Expires" }, 750)).to.deep.equal([change("Idle", "Active")]);
  });

  it("Established: ROUTE-REFRESH for a family that was not negotiated only restarts the hold timer", () => {
    const fsm = fsmIn("Established");
    expect(fsm.handle({ type: "RouteRefreshMsg", message: { kind: "routeRefresh", afi: 2, safi: 1 } }, 0)).to.deep.equal([HOLD]);
  });

  it("logs every state with the vendor's names", () => {
    const fsm = fsmIn("Idle");
    const names: string[] = [];
    for (const event of [EVENT.ManualStart, EVENT.Tcp_CR_Acked, EVENT.BGPOpen, EVENT.KeepAliveMsg, EVENT.ManualStop]) {
      for (const action of fsm.handle(event, 0)) if (action.type === "stateChange") names.push(action.toName);
    }
    expect(names).to.deep.equal(["BGP_FSM_CONNECT", "BGP_FSM_OPENSENT", "BGP_FSM_OPENCONFIRM", "BGP_FSM_ESTABLISHED", "BGP_FSM_IDLE"]);
  });
});
