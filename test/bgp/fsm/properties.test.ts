/** Property tests: random event sequences against the FSM and the session, checking invariants after every step. */
import { expect } from "chai";
import fc from "fast-check";
import { Fsm } from "../../../sdk/bgp/fsm/fsm";
import { FSM_STATES, type FsmEvent, type FsmState } from "../../../sdk/bgp/fsm/types";
import { Session, type SessionAction, type SessionEvent } from "../../../sdk/bgp/fsm/session";
import type { TimerName } from "../../../sdk/bgp/fsm/timers";
import { CONFIG, PATH_TO, notif, peerOpen, sessionError } from "./fixtures";

/** Any FSM event, weighted towards the ones that make progress (start, TCP up, OPEN, KEEPALIVE). */
const fsmEvent: fc.Arbitrary<FsmEvent> = fc.oneof(
  {
    arbitrary: fc.constantFrom<FsmEvent>(
      { type: "ManualStart" },
      { type: "Tcp_CR_Acked" },
      { type: "TcpConnectionConfirmed" },
      { type: "IdleHoldTimer_Expires" },
    ),
    weight: 3,
  },
  fc.constantFrom<FsmEvent>(
    { type: "ManualStart" },
    { type: "ManualStop" },
    { type: "ManualStop", communication: "bye" },
    { type: "AutomaticStart" },
    { type: "ManualStart_with_PassiveTcpEstablishment" },
    { type: "AutomaticStart_with_PassiveTcpEstablishment" },
    { type: "AutomaticStop", subcode: 1 },
    { type: "ConnectRetryTimer_Expires" },
    { type: "HoldTimer_Expires" },
    { type: "KeepaliveTimer_Expires" },
    { type: "IdleHoldTimer_Expires" },
    { type: "Tcp_CR_Acked" },
    { type: "TcpConnectionConfirmed" },
    { type: "TcpConnectionFails" },
    { type: "BGPHeaderErr", error: sessionError(1, 2, "bad length") },
    { type: "BGPOpenMsgErr", error: sessionError(2, 4, "bad parameter") },
    { type: "OpenCollisionDump" },
    { type: "NotifMsgVerErr", message: notif(2, 1) },
    { type: "NotifMsg", message: notif(6, 2) },
    { type: "UpdateMsg", message: { kind: "update", withdrawn: [], attributes: {}, nlri: [] } },
    { type: "UpdateMsgErr", error: sessionError(3, 1, "malformed") },
    { type: "RouteRefreshMsg", message: { kind: "routeRefresh", afi: 1, safi: 1 } },
  ),
  { arbitrary: fc.constant<FsmEvent>({ type: "KeepAliveMsg" }), weight: 3 },
  { arbitrary: fc.constantFrom(0, 1, 3, 90, 180).map<FsmEvent>((holdTime) => ({ type: "BGPOpen", message: peerOpen({ holdTime }) })), weight: 3 },
  fc.constant<FsmEvent>({ type: "BGPOpen", message: peerOpen({ myAsn: 65000 }, [{ kind: "fourOctetAs", asn: 65000 }]) }),
);

const TIMER_EVENTS: Readonly<Partial<Record<FsmEvent["type"], TimerName>>> = {
  ConnectRetryTimer_Expires: "ConnectRetryTimer",
  HoldTimer_Expires: "HoldTimer",
  KeepaliveTimer_Expires: "KeepaliveTimer",
  IdleHoldTimer_Expires: "IdleHoldTimer",
};

describe("bgp FSM properties", () => {
  it("random event sequences keep timers, connections and Established consistent; nothing after dispose", () => {
    let runs = 0;
    let established = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...FSM_STATES),
        fc.array(fsmEvent, { minLength: 10, maxLength: 60 }),
        fc.array(fsmEvent, { maxLength: 5 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (from, randomEvents, afterDispose, r) => {
          // Start from any state by replaying the fixture path to it, then go random.
          const events = [...PATH_TO[from], ...randomEvents];
          let wasEstablished = false;
          runs++;
          const fsm = new Fsm({ config: CONFIG, random: () => r });
          const running = new Set<TimerName>();
          let connection: "none" | "connecting" | "open" = "none";
          let openAccepted = false;
          let now = 0;
          for (const event of events) {
            now += 100;
            const before: FsmState = fsm.state;
            const expired = TIMER_EVENTS[event.type];
            if (expired) running.delete(expired);
            if ((event.type === "Tcp_CR_Acked" || event.type === "TcpConnectionConfirmed") && (before === "Connect" || before === "Active"))
              connection = "open";
            // Idle with an automatic restart pending takes an inbound connection (a deliberate departure from RFC 4271).
            if (event.type === "TcpConnectionConfirmed" && before === "Idle" && running.has("IdleHoldTimer")) connection = "open";
            if (event.type === "TcpConnectionFails") connection = "none";
            const actions = fsm.handle(event, now);
            let becameEstablished = false;
            for (const action of actions) {
              switch (action.type) {
                case "startTimer":
                  expect(action.durationMs).to.be.at.least(0);
                  running.add(action.timer);
                  break;
                case "stopTimer":
                  expect(running.has(action.timer), `stop of ${action.timer} that is not running`).to.equal(true);
                  running.delete(action.timer);
                  break;
                case "connect":
                  expect(connection, "connect while a connection exists").to.equal("none");
                  connection = "connecting";
                  break;
                case "closeConnection":
                  expect(connection).to.not.equal("none");
                  connection = "none";
                  break;
                case "send":
                  expect(["OpenSent", "OpenConfirm", "Established"].includes(before) || connection === "open", `send in ${before}`).to.equal(true);
                  break;
                case "stateChange":
                  expect(action.from).to.not.equal(action.to);
                  if (action.to === "OpenConfirm") {
                    expect(event.type).to.equal("BGPOpen");
                    openAccepted = true;
                  } else if (action.to === "Established") {
                    expect([action.from, event.type, openAccepted]).to.deep.equal(["OpenConfirm", "KeepAliveMsg", true]);
                    becameEstablished = true;
                  } else openAccepted = false;
                  break;
                case "established":
                  expect(becameEstablished).to.equal(true);
                  break;
                case "sessionDown":
                  expect(before).to.equal("Established");
                  break;
                default:
                  break;
              }
            }
            expect(actions.some((a) => a.type === "established")).to.equal(becameEstablished);
            expect(actions.some((a) => a.type === "sessionDown")).to.equal(before === "Established" && fsm.state !== "Established");
            expect([...running].sort()).to.deep.equal(fsm.timers.names().sort());
            const state = fsm.state;
            if (state === "Established") wasEstablished = true;
            if (state === "Idle") {
              expect([...running].filter((t) => t !== "IdleHoldTimer")).to.deep.equal([]);
              expect(connection).to.equal("none");
            }
            if (state === "Connect") expect(running.has("ConnectRetryTimer")).to.equal(true);
            if (state === "OpenSent") expect(running.has("HoldTimer")).to.equal(true);
            if (state === "OpenConfirm" || state === "Established") {
              const holds = (fsm.session?.holdTimeSeconds ?? 0) > 0;
              expect([running.has("HoldTimer"), running.has("KeepaliveTimer")]).to.deep.equal([holds, holds]);
            }
          }
          if (wasEstablished) established++;
          for (const action of fsm.dispose(now)) {
            if (action.type === "stopTimer") running.delete(action.timer);
            if (action.type === "closeConnection") connection = "none";
          }
          expect(running.size).to.equal(0);
          expect(connection).to.equal("none");
          for (const event of afterDispose) expect(fsm.handle(event, now)).to.deep.equal([]);
          expect(fsm.dispose(now)).to.deep.equal([]);
        },
      ),
      { numRuns: 500 },
    );
    expect(established, `runs that reached Established, of ${runs}`).to.be.above(runs / 8);
  });
});

/**
 * An abstract session step; `pick` chooses among the connections and timers
 * that exist when it runs. The peer mostly follows the protocol (OPEN to
 * connections waiting for it, KEEPALIVE to opened ones) with some chaos
 * (out-of-order messages, failures, stops, timer expiries).
 */
interface Step {
  readonly op: "start" | "stop" | "inbound" | "ack" | "fail" | "open" | "keepalive" | "stray" | "notification" | "timer";
  readonly pick: number;
}

const WEIGHTS: readonly [Step["op"], number][] = [
  ["start", 2],
  ["stop", 1],
  ["inbound", 3],
  ["ack", 4],
  ["fail", 1],
  ["open", 5],
  ["keepalive", 5],
  ["stray", 1],
  ["notification", 1],
  ["timer", 2],
];

const step: fc.Arbitrary<Step> = fc.record({
  op: fc.oneof(...WEIGHTS.map(([op, weight]) => ({ arbitrary: fc.constant(op), weight }))),
  pick: fc.nat(),
});

/** Turns a step other than "timer" into a session event for `session`, whose known connection ids are `known`. */
function concrete(s: Step, session: Session, known: readonly number[]): SessionEvent {
  const live = session.connections();
  const among = (ids: readonly number[]): number => (ids.length > 0 ? ids[s.pick % ids.length] : 1 + (s.pick % 3));
  const inState = (...states: FsmState[]): number | undefined => {
    const ids = live.filter((c) => states.includes(c.state)).map((c) => c.connection);
    return ids.length > 0 ? among(ids) : undefined;
  };
  const progress: SessionEvent = { type: "Tcp_CR_Acked", connection: among(known) };
  switch (s.op) {
    case "start":
      return { type: "ManualStart" };
    case "stop":
      return { type: "ManualStop" };
    case "inbound":
      return { type: "TcpConnectionConfirmed" };
    case "ack":
      return { type: "Tcp_CR_Acked", connection: among(known) };
    case "fail":
      return { type: "TcpConnectionFails", connection: among(known) };
    case "open": {
      const connection = inState("OpenSent");
      return connection === undefined ? progress : { type: "message", connection, message: peerOpen({}, [{ kind: "fourOctetAs", asn: 64513 }]) };
    }
    case "keepalive": {
      const connection = inState("OpenConfirm", "Established");
      return connection === undefined ? progress : { type: "message", connection, message: { kind: "keepalive" } };
    }
    case "stray":
      return { type: "message", connection: among(known), message: { kind: "keepalive" } };
    case "notification":
      return { type: "message", connection: among(known), message: notif(6, 2) };
    case "timer":
      throw new Error("a timer step is not an event: the session's timers run out through onTimeout");
  }
}

describe("bgp session properties", () => {
  it("at most one inbound and one outbound connection, consistent timers, one Established connection, nothing after dispose", () => {
    let runs = 0;
    const reached = { established: 0, collision: 0 };
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 80 }), fc.constantFrom("192.0.2.1", "192.0.2.9"), (steps, localBgpId) => {
        runs++;
        const session = new Session({ config: { ...CONFIG, localBgpId }, random: () => 0.5 });
        const open = new Set<number>();
        let now = 0;
        for (const s of steps) {
          now += 100;
          let actions: readonly SessionAction[];
          if (s.op === "timer") {
            // Time jumps to the next deadline, and everything due by then fires; none is left due.
            now = Math.max(now, session.nextDeadline() ?? now);
            actions = session.onTimeout(now);
            expect(session.nextDeadline() ?? Infinity).to.be.above(now);
          } else {
            const event = concrete(s, session, [...open]);
            if (event.type === "TcpConnectionFails") open.delete(event.connection);
            actions = session.handle(event, now);
          }
          for (const action of actions) {
            if (action.type === "connect" || action.type === "acceptConnection") open.add(action.connection);
            if (action.type === "closeConnection") open.delete(action.connection);
            if (action.type === "send") expect(open.has(action.connection), `send on ${action.connection}`).to.equal(true);
            if (action.type === "established") reached.established++;
            if (action.type === "send" && action.message.kind === "notification" && action.message.subcode === 7) reached.collision++;
          }
          const connections = session.connections();
          expect(connections.length).to.be.at.most(2);
          expect(new Set(connections.map((c) => c.direction)).size).to.equal(connections.length);
          expect(connections.filter((c) => c.state === "Established").length).to.be.at.most(1);
          for (const c of connections) expect(open.has(c.connection)).to.equal(true);
        }
        for (const action of session.dispose(now)) {
          if (action.type === "closeConnection") open.delete(action.connection);
        }
        expect(session.nextDeadline()).to.equal(undefined);
        expect(session.connections()).to.deep.equal([]);
        expect(session.handle({ type: "ManualStart" }, now)).to.deep.equal([]);
      }),
      { numRuns: 500 },
    );
    // The sequences must actually reach the interesting paths, or the invariants prove little.
    expect(reached.established).to.be.above(runs / 10);
    expect(reached.collision).to.be.above(runs / 50);
  });
});
