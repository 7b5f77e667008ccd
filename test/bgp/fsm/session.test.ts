/** Session: inbound/outbound connections, collision resolution (RFC 4271 §6.8), graceful shutdown. */
import { expect } from "chai";
import { Session, collisionWinner, type SessionAction } from "../../../sdk/bgp/fsm/session";
import { AdjRibOut } from "../../../sdk/bgp/rib/rib-out";
import { CONFIG, ZERO, peerOpen } from "./fixtures";
import { ip, ip4 } from "../../ip";

const OPEN = { type: "message", message: peerOpen() } as const;
const KEEPALIVE = { type: "message", message: { kind: "keepalive" } } as const;

/** Actions of `type` from a list. */
function only<T extends SessionAction["type"]>(actions: readonly SessionAction[], type: T): Extract<SessionAction, { type: T }>[] {
  return actions.filter((a): a is Extract<SessionAction, { type: T }> => a.type === type);
}

function notificationsSent(actions: readonly SessionAction[]): [number, number, number][] {
  return only(actions, "send").flatMap((a) =>
    a.message.kind === "notification" ? [[a.connection, a.message.code, a.message.subcode] as [number, number, number]] : [],
  );
}

/** A session (peer id 192.0.2.2) in OpenConfirm on outbound connection 1, with inbound connection 2 in OpenSent. */
function collidingSession(localBgpId: string): Session {
  const session = new Session({ config: { ...CONFIG, localBgpId }, random: ZERO });
  expect(session.handle({ type: "ManualStart" }, 0)).to.deep.include({ type: "connect", connection: 1 });
  session.handle({ type: "Tcp_CR_Acked", connection: 1 }, 0);
  session.handle({ ...OPEN, connection: 1 }, 0);
  expect(session.handle({ type: "TcpConnectionConfirmed" }, 0)[0]).to.deep.equal({ type: "acceptConnection", connection: 2 });
  expect(session.connections()).to.deep.equal([
    { connection: 1, direction: "outbound", state: "OpenConfirm" },
    { connection: 2, direction: "inbound", state: "OpenSent" },
  ]);
  return session;
}

describe("bgp session: collision resolution", () => {
  it("collisionWinner keeps the connection initiated by the higher BGP identifier, then the higher AS", () => {
    expect(collisionWinner(ip4("192.0.2.9"), 64512, ip4("192.0.2.2"), 64513)).to.equal("outbound");
    expect(collisionWinner(ip4("192.0.2.1"), 64512, ip4("192.0.2.2"), 64513)).to.equal("inbound");
    expect(collisionWinner(ip4("10.0.0.1"), 64512, ip4("9.255.255.255"), 64513)).to.equal("outbound");
    expect(collisionWinner(ip4("192.0.2.2"), 64514, ip4("192.0.2.2"), 64513)).to.equal("outbound");
    expect(collisionWinner(ip4("192.0.2.2"), 64512, ip4("192.0.2.2"), 64513)).to.equal("inbound");
  });

  it("our identifier is higher: the inbound connection gets Cease / Connection Collision Resolution", () => {
    const session = collidingSession("192.0.2.9");
    const actions = session.handle({ ...OPEN, connection: 2 }, 0);
    expect(notificationsSent(actions)).to.deep.equal([[2, 6, 7]]);
    expect(only(actions, "closeConnection")).to.deep.equal([{ type: "closeConnection", connection: 2 }]);
    expect(only(actions, "stateChange")).to.deep.equal([]);
    expect(session.connections()).to.deep.equal([{ connection: 1, direction: "outbound", state: "OpenConfirm" }]);
    const up = session.handle({ ...KEEPALIVE, connection: 1 }, 0);
    expect(only(up, "established").map((a) => a.connection)).to.deep.equal([1]);
  });

  it("the peer's identifier is higher: our outbound connection is dumped and the inbound one carries on", () => {
    const session = collidingSession("192.0.2.1");
    const actions = session.handle({ ...OPEN, connection: 2 }, 0);
    expect(notificationsSent(actions)).to.deep.equal([[1, 6, 7]]);
    expect(only(actions, "closeConnection")).to.deep.equal([{ type: "closeConnection", connection: 1 }]);
    expect(only(actions, "stateChange").map((a) => [a.from, a.to])).to.deep.equal([
      ["OpenConfirm", "Idle"],
      ["Idle", "OpenConfirm"],
    ]);
    // The dumped FSM's restart timer (750 ms) is gone with it: nothing reconnects behind the surviving session,
    // whose next deadline is its KEEPALIVE (30 s x 0.75).
    expect(session.nextDeadline()).to.equal(22_500);
    expect(session.onTimeout(5_000)).to.deep.equal([]);
    expect(session.connections()).to.deep.equal([{ connection: 2, direction: "inbound", state: "OpenConfirm" }]);
    const up = session.handle({ ...KEEPALIVE, connection: 2 }, 0);
    expect(only(up, "established").map((a) => a.connection)).to.deep.equal([2]);
    expect(session.state).to.equal("Established");
  });

  it("a connection colliding with an Established one is closed whatever the identifiers", () => {
    const session = new Session({ config: { ...CONFIG, localBgpId: "192.0.2.1" }, random: ZERO });
    session.handle({ type: "ManualStart" }, 0);
    session.handle({ type: "Tcp_CR_Acked", connection: 1 }, 0);
    session.handle({ ...OPEN, connection: 1 }, 0);
    session.handle({ ...KEEPALIVE, connection: 1 }, 0);
    expect(session.handle({ type: "TcpConnectionConfirmed" }, 0)[0]).to.deep.equal({ type: "acceptConnection", connection: 2 });
    const actions = session.handle({ ...OPEN, connection: 2 }, 0);
    expect(notificationsSent(actions)).to.deep.equal([[2, 6, 7]]);
    expect(session.connections()).to.deep.equal([{ connection: 1, direction: "outbound", state: "Established" }]);
  });

  it("an inbound connection while connecting is taken; the pending outbound one becomes a second connection", () => {
    const session = new Session({ config: { ...CONFIG, localBgpId: "192.0.2.9" }, random: ZERO });
    session.handle({ type: "ManualStart" }, 0);
    const accepted = session.handle({ type: "TcpConnectionConfirmed" }, 0);
    expect(accepted[0]).to.deep.equal({ type: "acceptConnection", connection: 2 });
    expect(only(accepted, "send").map((a) => [a.connection, a.message.kind])).to.deep.equal([[2, "open"]]);
    const second = session.handle({ type: "Tcp_CR_Acked", connection: 1 }, 0);
    expect(only(second, "send").map((a) => [a.connection, a.message.kind])).to.deep.equal([[1, "open"]]);
    session.handle({ ...OPEN, connection: 2 }, 0);
    const resolved = session.handle({ ...OPEN, connection: 1 }, 0);
    // Our identifier is higher: keep the connection we initiated (1).
    expect(notificationsSent(resolved)).to.deep.equal([[2, 6, 7]]);
    expect(session.connections()).to.deep.equal([{ connection: 1, direction: "outbound", state: "OpenConfirm" }]);
  });

  it("refuses inbound connections in Idle and a third connection", () => {
    const session = new Session({ config: CONFIG, random: ZERO });
    expect(session.handle({ type: "TcpConnectionConfirmed" }, 0)).to.deep.equal([{ type: "refuseConnection" }]);
    session.handle({ type: "ManualStart" }, 0);
    session.handle({ type: "Tcp_CR_Acked", connection: 1 }, 0);
    session.handle({ type: "TcpConnectionConfirmed" }, 0);
    expect(session.handle({ type: "TcpConnectionConfirmed" }, 0)).to.deep.equal([{ type: "refuseConnection" }]);
  });

  it("Idle waiting for its restart takes an inbound connection at once and proceeds to Established on it", () => {
    const session = new Session({ config: CONFIG, random: ZERO });
    session.handle({ type: "ManualStart" }, 0);
    const failed = session.handle({ type: "TcpConnectionFails", connection: 1 }, 0);
    expect(only(failed, "connect")).to.deep.equal([]);
    expect(session.nextDeadline(), "the IdleHoldTimer: 1 s backoff x 0.75").to.equal(750);
    expect(session.state).to.equal("Idle");
    const accepted = session.handle({ type: "TcpConnectionConfirmed" }, 100);
    expect(accepted[0]).to.deep.equal({ type: "acceptConnection", connection: 2 });
    expect(only(accepted, "connect")).to.deep.equal([]);
    expect(session.nextDeadline(), "the OPEN's hold timer replaced the restart").to.equal(100 + 240_000);
    expect(only(accepted, "send").map((a) => [a.connection, a.message.kind])).to.deep.equal([[2, "open"]]);
    expect(only(accepted, "stateChange").map((a) => [a.fromName, a.toName])).to.deep.equal([["BGP_FSM_IDLE", "BGP_FSM_OPENSENT"]]);
    expect(session.connectRetryCounter).to.equal(1);
    session.handle({ ...OPEN, connection: 2 }, 200);
    const up = session.handle({ ...KEEPALIVE, connection: 2 }, 300);
    expect(only(up, "established").map((a) => a.connection)).to.deep.equal([2]);
    expect(session.connections()).to.deep.equal([{ connection: 2, direction: "inbound", state: "Established" }]);
  });

  it("a stopped session refuses inbound connections although it was waiting for a restart", () => {
    const session = new Session({ config: CONFIG, random: ZERO });
    session.handle({ type: "ManualStart" }, 0);
    session.handle({ type: "TcpConnectionFails", connection: 1 }, 0);
    session.handle({ type: "ManualStop" }, 0);
    expect(session.handle({ type: "TcpConnectionConfirmed" }, 0)).to.deep.equal([{ type: "refuseConnection" }]);
  });

  it("passive sessions never connect and accept the peer", () => {
    const session = new Session({ config: CONFIG, random: ZERO, passive: true });
    const started = session.handle({ type: "ManualStart" }, 0);
    expect(only(started, "connect")).to.deep.equal([]);
    expect(session.state).to.equal("Active");
    expect(session.handle({ type: "TcpConnectionConfirmed" }, 0)[0]).to.deep.equal({ type: "acceptConnection", connection: 1 });
    expect(session.state).to.equal("OpenSent");
  });

  it("events for unknown or closed connections are ignored; a stray established socket is closed", () => {
    const session = new Session({ config: CONFIG, random: ZERO });
    session.handle({ type: "ManualStart" }, 0);
    expect(session.handle({ ...OPEN, connection: 7 }, 0)).to.deep.equal([]);
    expect(session.handle({ type: "Tcp_CR_Acked", connection: 7 }, 0)).to.deep.equal([{ type: "closeConnection", connection: 7 }]);
    expect(session.onTimeout(0), "nothing is due").to.deep.equal([]);
  });

  it("nextDeadline names the earliest timer; onTimeout fires what is due by then, and nothing earlier", () => {
    const session = new Session({ config: CONFIG, random: ZERO });
    expect(session.nextDeadline()).to.equal(undefined);
    session.handle({ type: "ManualStart" }, 0);
    expect(session.nextDeadline(), "ConnectRetryTimer: 30 s x 0.75").to.equal(22500);
    expect(session.onTimeout(22499)).to.deep.equal([]);
    const retry = session.onTimeout(22500);
    expect(retry[0]).to.deep.equal({ type: "timerExpired", timer: "ConnectRetryTimer" });
    expect(retry).to.deep.include({ type: "closeConnection", connection: 1 });
    expect(retry).to.deep.include({ type: "connect", connection: 2 });
    expect(session.nextDeadline()).to.equal(45000);
  });

  it("keeps the timers of both connections and fires each for the FSM that started it", () => {
    const session = new Session({ config: CONFIG, random: ZERO });
    session.handle({ type: "ManualStart" }, 0);
    session.handle({ type: "Tcp_CR_Acked", connection: 1 }, 0);
    session.handle({ type: "TcpConnectionConfirmed" }, 1_000);
    expect(session.nextDeadline(), "the outbound OPEN's hold timer").to.equal(240_000);
    const first = session.onTimeout(240_000);
    expect(only(first, "closeConnection")).to.deep.equal([{ type: "closeConnection", connection: 1 }]);
    expect(session.connections()).to.deep.equal([{ connection: 2, direction: "inbound", state: "OpenSent" }]);
    expect(session.nextDeadline(), "the inbound OPEN's hold timer").to.equal(241_000);
    const second = session.onTimeout(241_000);
    expect(only(second, "closeConnection")).to.deep.equal([{ type: "closeConnection", connection: 2 }]);
    expect(session.state).to.equal("Idle");
  });
});

describe("bgp session: graceful shutdown", () => {
  it("withdraws all routes, then sends Cease / Administrative Shutdown with the text, then closes", () => {
    const session = new Session({ config: CONFIG, random: ZERO });
    const rib = new AdjRibOut(64512);
    rib.set({ family: "ipv4-unicast", address: ip("203.0.113.10"), length: 32, nextHops: [ip("192.0.2.10")] });
    session.handle({ type: "ManualStart" }, 0);
    session.handle({ type: "Tcp_CR_Acked", connection: 1 }, 0);
    session.handle({ ...OPEN, connection: 1 }, 0);
    const up = only(session.handle({ ...KEEPALIVE, connection: 1 }, 0), "established")[0];
    rib.sessionUp({ families: up.session.families, addPathSend: [], extendedNextHop: false });
    expect(rib.takeChanges().announce).to.have.length(1);

    const actions = session.handle({ type: "ManualStop", communication: "maintenance" }, 5000);
    const kinds = actions.map((a) => a.type);
    const withdraw = kinds.indexOf("withdrawAll");
    const cease = actions.findIndex((a) => a.type === "send" && a.message.kind === "notification");
    const close = kinds.indexOf("closeConnection");
    expect(withdraw).to.equal(0);
    expect(withdraw).to.be.below(cease);
    expect(cease).to.be.below(close);
    const sent = actions[cease];
    if (sent.type !== "send" || sent.message.kind !== "notification") throw new Error("unreachable");
    expect([sent.message.code, sent.message.subcode]).to.deep.equal([6, 2]);
    expect([...sent.message.data]).to.deep.equal([11, ...Buffer.from("maintenance")]);
    expect(only(actions, "sessionDown")).to.deep.equal([{ type: "sessionDown", reason: { kind: "manualStop" } }]);
    expect(session.nextDeadline(), "no restart after a manual stop").to.equal(undefined);
    expect(session.state).to.equal("Idle");

    expect(rib.withdrawAll()).to.deep.equal({
      announce: [],
      withdraw: [{ family: "ipv4-unicast", prefix: { address: ip("203.0.113.10"), length: 32 } }],
    });
    expect(rib.takeChanges()).to.deep.equal({ announce: [], withdraw: [] });
  });

  it("the shutdown communication is cut to 255 octets at a character boundary", () => {
    const session = new Session({ config: CONFIG, random: ZERO });
    session.handle({ type: "ManualStart" }, 0);
    session.handle({ type: "Tcp_CR_Acked", connection: 1 }, 0);
    const actions = session.handle({ type: "ManualStop", communication: "é".repeat(200) }, 0);
    const sent = only(actions, "send")[0];
    if (sent.message.kind !== "notification") throw new Error("expected a NOTIFICATION");
    expect(sent.message.data[0]).to.equal(254);
    expect(Buffer.from(sent.message.data.subarray(1)).toString("utf8")).to.equal("é".repeat(127));
  });

  it("dispose stops every timer and closes every connection; nothing follows", () => {
    const session = new Session({ config: CONFIG, random: ZERO });
    session.handle({ type: "ManualStart" }, 0);
    session.handle({ type: "Tcp_CR_Acked", connection: 1 }, 0);
    session.handle({ type: "TcpConnectionConfirmed" }, 0);
    expect(session.dispose(0)).to.deep.equal([
      { type: "closeConnection", connection: 2 },
      { type: "closeConnection", connection: 1 },
    ]);
    expect(session.nextDeadline()).to.equal(undefined);
    expect(session.onTimeout(1_000_000)).to.deep.equal([]);
    expect(session.handle({ ...OPEN, connection: 1 }, 0)).to.deep.equal([]);
    expect(session.handle({ type: "TcpConnectionConfirmed" }, 0)).to.deep.equal([{ type: "refuseConnection" }]);
  });
});
