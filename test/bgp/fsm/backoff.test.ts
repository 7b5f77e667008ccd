/** Reconnect backoff and jitter with injected randomness. */
import { expect } from "chai";
import fc from "fast-check";
import { Fsm } from "../../../sdk/bgp/fsm/fsm";
import type { FsmAction, FsmEvent } from "../../../sdk/bgp/fsm/types";
import { backoffBaseMs, jittered, DEFAULT_JITTER } from "../../../sdk/bgp/fsm/timers";
import { CONFIG, peerOpen } from "./fixtures";

function idleHold(actions: readonly FsmAction[]): number | undefined {
  for (const action of actions) if (action.type === "startTimer" && action.timer === "IdleHoldTimer") return action.durationMs;
  return undefined;
}

/** A random source that replays `values` in a loop. */
function replay(values: readonly number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

const BAD_OPEN: FsmEvent = { type: "BGPOpen", message: peerOpen({ myAsn: 65000 }, [{ kind: "fourOctetAs", asn: 65000 }]) };
const EARLY_CLOSE: FsmEvent = { type: "TcpConnectionFails" };

/**
 * Starts `fsm` actively, then for each of `failures`: TCP up (OpenSent), the
 * failure (down to Idle), restart. Returns the IdleHoldTimer waits.
 */
function waitsAfterOpenSent(fsm: Fsm, failures: readonly FsmEvent[]): (number | undefined)[] {
  fsm.handle({ type: "ManualStart" }, 0);
  return failures.map((failure) => {
    fsm.handle({ type: "Tcp_CR_Acked" }, 0);
    expect(fsm.state).to.equal("OpenSent");
    const wait = idleHold(fsm.handle(failure, 0));
    expect(fsm.state).to.equal("Idle");
    fsm.handle({ type: "IdleHoldTimer_Expires" }, 0);
    return wait;
  });
}

describe("bgp FSM backoff", () => {
  it("connection refused: 1 s doubling to the 120 s cap, jittered by the injected random", () => {
    const fsm = new Fsm({ config: CONFIG, random: () => 0.5 });
    fsm.handle({ type: "ManualStart" }, 0);
    const waits: (number | undefined)[] = [];
    for (let i = 0; i < 10; i++) {
      waits.push(idleHold(fsm.handle({ type: "TcpConnectionFails" }, 0)));
      fsm.handle({ type: "IdleHoldTimer_Expires" }, 0);
    }
    expect(waits).to.deep.equal([875, 1750, 3500, 7000, 14000, 28000, 56000, 105000, 105000, 105000]);
  });

  it("a wrong peer ASN backs off instead of storming, and Established resets the count", () => {
    const fsm = new Fsm({ config: CONFIG, random: () => 0 });
    expect(waitsAfterOpenSent(fsm, [BAD_OPEN, BAD_OPEN, BAD_OPEN, BAD_OPEN])).to.deep.equal([750, 1500, 3000, 6000]);
    fsm.handle({ type: "Tcp_CR_Acked" }, 0);
    fsm.handle({ type: "BGPOpen", message: peerOpen() }, 0);
    fsm.handle({ type: "KeepAliveMsg" }, 0);
    expect(fsm.connectRetryCounter).to.equal(0);
    expect(idleHold(fsm.handle({ type: "HoldTimer_Expires" }, 0))).to.equal(750);
  });

  it("a peer that closes the connection before its OPEN doubles the wait like a refused connect", () => {
    const fsm = new Fsm({ config: CONFIG, random: () => 0 });
    expect(waitsAfterOpenSent(fsm, Array(5).fill(EARLY_CLOSE))).to.deep.equal([750, 1500, 3000, 6000, 12000]);
    expect(fsm.connectRetryCounter).to.equal(5);
  });

  it("early closes and Bad Peer AS refusals share one failure count", () => {
    const fsm = new Fsm({ config: CONFIG, random: () => 0 });
    expect(waitsAfterOpenSent(fsm, [BAD_OPEN, EARLY_CLOSE, BAD_OPEN, EARLY_CLOSE])).to.deep.equal([750, 1500, 3000, 6000]);
  });

  it("a passive session whose peer closes before its OPEN backs off, still taking the peer's next connection at once", () => {
    const fsm = new Fsm({ config: CONFIG, random: () => 0 });
    fsm.handle({ type: "ManualStart_with_PassiveTcpEstablishment" }, 0);
    fsm.handle({ type: "TcpConnectionConfirmed" }, 0);
    expect(idleHold(fsm.handle({ type: "TcpConnectionFails" }, 0))).to.equal(750);
    expect(fsm.acceptsInbound).to.equal(true);
    fsm.handle({ type: "TcpConnectionConfirmed" }, 10);
    expect(fsm.state).to.equal("OpenSent");
    expect(idleHold(fsm.handle({ type: "TcpConnectionFails" }, 20))).to.equal(1500);
    expect(fsm.passive).to.equal(true);
  });

  it("draws a fresh random value each time a timer is set", () => {
    const fsm = new Fsm({ config: CONFIG, random: replay([0, 0.999]) });
    const first = fsm.handle({ type: "ManualStart" }, 0);
    const second = fsm.handle({ type: "ConnectRetryTimer_Expires" }, 0);
    const durations = [...first, ...second].flatMap((a) => (a.type === "startTimer" ? [a.durationMs] : []));
    expect(durations).to.deep.equal([22500, 29993]);
  });

  it("no automatic restart when automaticRestart is off", () => {
    const fsm = new Fsm({ config: { ...CONFIG, automaticRestart: false }, random: () => 0 });
    fsm.handle({ type: "ManualStart" }, 0);
    expect(idleHold(fsm.handle({ type: "TcpConnectionFails" }, 0))).to.equal(undefined);
    expect(fsm.timers.size).to.equal(0);
  });

  it("jitter stays within 0.75..1.0 of the base (RFC 4271 §10)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (base, r) => {
        const value = jittered(base, DEFAULT_JITTER, () => r);
        return value >= Math.floor(base * 0.75) && value <= base;
      }),
    );
  });

  it("backoff base never exceeds the cap and never decreases", () => {
    const policy = { initialSeconds: 1, maxSeconds: 120 };
    let previous = 0;
    for (let n = 0; n < 80; n++) {
      const base = backoffBaseMs(n, policy);
      expect(base).to.be.at.least(previous).and.at.most(120000);
      previous = base;
    }
  });
});
