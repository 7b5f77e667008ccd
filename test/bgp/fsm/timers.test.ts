import { expect } from "chai";
import { TimerSet } from "../../../sdk/bgp/fsm/timers";
import { CONFIG, fsmIn } from "./fixtures";

describe("bgp FSM timers: the timer set and onTimeout", () => {
  it("a timer set names its earliest deadline and lists the due timers earliest first, start order on ties", () => {
    const timers = new TimerSet<"a" | "b" | "c">();
    expect(timers.nextDeadline()).to.equal(undefined);
    timers.start("a", 300);
    timers.start("b", 100);
    timers.start("c", 300);
    expect(timers.nextDeadline()).to.equal(100);
    expect(timers.due(99)).to.deep.equal([]);
    expect(timers.due(300)).to.deep.equal([
      { name: "b", deadline: 100 },
      { name: "a", deadline: 300 },
      { name: "c", deadline: 300 },
    ]);
    timers.start("b", 500);
    expect(timers.stop("a")).to.equal(true);
    expect(timers.stop("a")).to.equal(false);
    expect([timers.names(), timers.nextDeadline()]).to.deep.equal([["b", "c"], 300]);
  });

  it("onTimeout fires nothing before the deadline, then the timer with a timerExpired action first", () => {
    const fsm = fsmIn("Established", { ...CONFIG, holdTimeSeconds: 3 });
    expect(fsm.nextDeadline(), "KEEPALIVE every 1 s x 0.75").to.equal(750);
    expect(fsm.onTimeout(749)).to.deep.equal([]);
    const actions = fsm.onTimeout(750);
    expect(actions.map((a) => a.type)).to.deep.equal(["timerExpired", "send", "startTimer"]);
    expect(actions[0]).to.deep.equal({ type: "timerExpired", timer: "KeepaliveTimer" });
    expect(fsm.nextDeadline()).to.equal(1500);
  });

  it("onTimeout fires every due timer in deadline order and skips one that an earlier expiry stopped", () => {
    const fsm = fsmIn("Established", { ...CONFIG, holdTimeSeconds: 3 });
    fsm.onTimeout(2250);
    expect([fsm.timers.deadline("KeepaliveTimer"), fsm.timers.deadline("HoldTimer")]).to.deep.equal([3000, 3000]);
    const actions = fsm.onTimeout(3000);
    expect(actions.filter((a) => a.type === "timerExpired")).to.deep.equal([{ type: "timerExpired", timer: "HoldTimer" }]);
    const sent = actions.flatMap((a) => (a.type === "send" ? [a.message.kind] : []));
    expect(sent, "the hold timer's NOTIFICATION, and no KEEPALIVE after it").to.deep.equal(["notification"]);
    expect(fsm.state).to.equal("Idle");
    expect(fsm.timers.names()).to.deep.equal(["IdleHoldTimer"]);
  });

  it("a disposed FSM has no deadline and fires nothing", () => {
    const fsm = fsmIn("OpenSent");
    expect(fsm.nextDeadline()).to.equal(240_000);
    fsm.dispose(0);
    expect(fsm.nextDeadline()).to.equal(undefined);
    expect(fsm.onTimeout(1_000_000)).to.deep.equal([]);
  });
});
