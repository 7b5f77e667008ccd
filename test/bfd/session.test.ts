/** BFD session state machine (RFC 5880 §6.8), driven directly with packets and time. */
import { expect } from "chai";
import fc from "fast-check";
import { BFD_STATES, type BfdState, type ControlPacket } from "../../sdk/bfd/packet";
import { BfdSession, type BfdAction, type BfdEvent, type BfdSessionConfig } from "../../sdk/bfd/session";

const LOCAL = 0x1111;
const REMOTE = 0x2222;
const CONFIG: BfdSessionConfig = { localDiscriminator: LOCAL, desiredMinTxMs: 300, requiredMinRxMs: 300, detectMultiplier: 3, passive: false };

/** A packet from the peer (discriminator 0x2222, 300 ms × 3 unless overridden). */
function fromPeer(state: BfdState, fields: Partial<ControlPacket> = {}): BfdEvent {
  const packet: ControlPacket = {
    diagnostic: 0,
    state,
    poll: false,
    final: false,
    controlPlaneIndependent: false,
    demand: false,
    detectMult: 3,
    myDiscriminator: REMOTE,
    yourDiscriminator: state === "Down" || state === "AdminDown" ? 0 : LOCAL,
    desiredMinTxUs: 300_000,
    requiredMinRxUs: 300_000,
    requiredMinEchoRxUs: 0,
    ...fields,
  };
  return { type: "packet", packet };
}

function sent(actions: readonly BfdAction[]): ControlPacket[] {
  return actions.flatMap((a) => (a.type === "send" ? [a.packet] : []));
}

function changes(actions: readonly BfdAction[]): string[] {
  return actions.flatMap((a) => (a.type === "stateChange" ? [`${a.from}->${a.to}/${a.diagnostic}${a.remoteAdminDown ? "/remoteAdminDown" : ""}`] : []));
}

/** A session brought Up by the three-way handshake at t = 0, with the Poll for the fast interval answered. */
function upSession(config: BfdSessionConfig = CONFIG, random = () => 0.5): BfdSession {
  const s = new BfdSession({ config, random }, 0);
  s.handle({ type: "start" }, 0);
  s.handle(fromPeer("Down"), 0);
  s.handle(fromPeer("Up"), 0);
  s.handle(fromPeer("Up", { final: true }), 0);
  expect(s.state).to.equal("Up");
  expect(s.pollInProgress).to.equal(false);
  return s;
}

describe("bfd session", () => {
  it("three-way handshake: Down (1 s, no Your Discriminator) -> Init -> Up, then a Poll for 300 ms ended by Final", () => {
    const s = new BfdSession({ config: CONFIG, random: () => 0.5 }, 1000);
    const first = sent(s.handle({ type: "start" }, 1000));
    expect(first).to.have.length(1);
    expect(first[0]).to.include({
      state: "Down",
      yourDiscriminator: 0,
      myDiscriminator: LOCAL,
      desiredMinTxUs: 1_000_000,
      requiredMinRxUs: 300_000,
      detectMult: 3,
      poll: false,
    });

    const init = s.handle(fromPeer("Down"), 1010);
    expect(changes(init)).to.deep.equal(["Down->Init/0"]);
    expect(sent(init)).to.have.length(1);
    expect(sent(init)[0]).to.include({ state: "Init", yourDiscriminator: REMOTE, desiredMinTxUs: 1_000_000 });

    const up = s.handle(fromPeer("Up"), 1020);
    expect(changes(up)).to.deep.equal(["Init->Up/0"]);
    expect(sent(up)).to.have.length(1);
    expect(sent(up)[0]).to.include({ state: "Up", poll: true, final: false, desiredMinTxUs: 300_000 });
    expect(s.pollInProgress).to.equal(true);

    s.handle(fromPeer("Up", { final: true }), 1030);
    expect(s.pollInProgress).to.equal(false);
    const later = sent(s.handle({ type: "timer" }, s.deadline!));
    expect(later[0]).to.include({ state: "Up", poll: false, final: false });
  });

  it("Down goes straight Up on the peer's Init", () => {
    const s = new BfdSession({ config: CONFIG, random: () => 0.5 }, 0);
    s.handle({ type: "start" }, 0);
    expect(changes(s.handle(fromPeer("Init"), 5))).to.deep.equal(["Down->Up/0"]);
  });

  it("Down ignores the peer's Up (no Your Discriminator agreement yet)", () => {
    const s = new BfdSession({ config: CONFIG, random: () => 0.5 }, 0);
    s.handle({ type: "start" }, 0);
    expect(changes(s.handle(fromPeer("Up"), 5))).to.deep.equal([]);
    expect(s.state).to.equal("Down");
  });

  it("detection time = remote Detect Mult x max(our RX, remote TX): 300 ms x 3 expires at 900 ms with Diag 1", () => {
    const s = upSession();
    s.handle(fromPeer("Up"), 10_000);
    expect(s.detectionTimeMs).to.equal(900);
    let t = 10_000;
    const down: BfdAction[] = [];
    while (s.state === "Up") {
      t = s.deadline!;
      down.push(...s.handle({ type: "timer" }, t));
    }
    expect(t).to.equal(10_900);
    expect(changes(down)).to.deep.equal(["Up->Down/1"]);
    expect(s.remoteDiscriminatorValue).to.equal(0);
    const last = sent(down).at(-1)!;
    expect(last).to.include({ state: "Down", diagnostic: 1, yourDiscriminator: 0, desiredMinTxUs: 1_000_000 });
  });

  it("detection uses the larger of the two: a peer sending every 500 ms x 5 is given 2.5 s", () => {
    const s = upSession();
    s.handle(fromPeer("Up", { desiredMinTxUs: 500_000, detectMult: 5 }), 0);
    expect(s.detectionTimeMs).to.equal(2500);
  });

  it("a packet before the detection time keeps the session Up", () => {
    const s = upSession();
    for (let t = 0; t < 10_000; t += 800) {
      s.handle(fromPeer("Up"), t);
      while (s.deadline! < t + 800) s.handle({ type: "timer" }, s.deadline!);
      expect(s.state).to.equal("Up");
    }
  });

  it("the peer's Down takes Up down with Diag 3; its AdminDown with Diag 3 marked remoteAdminDown (RFC 5882 §3.2)", () => {
    expect(changes(upSession().handle(fromPeer("Down"), 1))).to.deep.equal(["Up->Down/3"]);
    const adminDown = upSession();
    expect(changes(adminDown.handle(fromPeer("AdminDown", { diagnostic: 7 }), 1))).to.deep.equal(["Up->Down/3/remoteAdminDown"]);
    expect(adminDown.remoteSessionState).to.equal("AdminDown");
  });

  it("answers a Poll at once with Final (P clear), whatever the transmit timer", () => {
    const s = upSession();
    const before = s.deadline;
    const reply = sent(s.handle(fromPeer("Up", { poll: true }), 1));
    expect(reply).to.have.length(1);
    expect(reply[0]).to.include({ final: true, poll: false, state: "Up" });
    expect(s.deadline).to.equal(before);
  });

  it("transmits at max(our TX, the peer's RX), jittered to 75-100 % of it (RFC 5880 §6.8.7)", () => {
    for (const [random, expected] of [
      [0, 225],
      [0.999999, 300],
    ] as const) {
      const s = upSession(CONFIG, () => random);
      const at = 100_000;
      s.handle(fromPeer("Up"), at - 1);
      s.handle({ type: "timer" }, s.deadline!);
      const from = s.deadline!;
      s.handle({ type: "timer" }, from);
      expect(s.deadline! - from).to.equal(expected);
    }
    const slowPeer = upSession();
    slowPeer.handle(fromPeer("Up", { requiredMinRxUs: 2_000_000 }), 0);
    expect(slowPeer.transmitIntervalMs).to.equal(2000);
  });

  it("with Detect Mult 1 the jitter is 75-90 %", () => {
    const s = upSession({ ...CONFIG, detectMultiplier: 1 }, () => 0.999999);
    const from = s.deadline!;
    s.handle(fromPeer("Up"), from - 1);
    s.handle({ type: "timer" }, from);
    expect(s.deadline! - from).to.equal(270);
  });

  it("sends nothing to a peer whose Required Min RX is 0", () => {
    const s = upSession();
    s.handle(fromPeer("Up", { requiredMinRxUs: 0 }), 0);
    expect(sent(s.handle({ type: "timer" }, 850))).to.deep.equal([]);
  });

  it("resumes sending once a peer that asked for no packets is forgotten after its detection time", () => {
    const s = new BfdSession({ config: CONFIG, random: () => 0.5 }, 0);
    s.handle({ type: "start" }, 0);
    s.handle(fromPeer("AdminDown", { requiredMinRxUs: 0 }), 10);
    expect(s.state).to.equal("Down");
    const after = s.handle({ type: "timer" }, s.deadline!);
    expect(s.remoteDiscriminatorValue).to.equal(0);
    expect(sent(after)).to.have.length(1);
    expect(s.deadline).to.not.equal(undefined);
  });

  it("a longer TX interval while Up takes effect only after the peer's Final", () => {
    const s = upSession();
    const poll = sent(s.handle({ type: "setIntervals", desiredMinTxMs: 1000, requiredMinRxMs: 300 }, 0));
    expect(poll[0]).to.include({ poll: true, desiredMinTxUs: 1_000_000 });
    expect(s.transmitIntervalMs).to.equal(300);
    s.handle(fromPeer("Up", { final: true }), 10);
    expect(s.transmitIntervalMs).to.equal(1000);
  });

  it("a shorter RX interval while Up keeps the old detection time until the peer's Final", () => {
    const s = upSession();
    s.handle(fromPeer("Up", { desiredMinTxUs: 100_000 }), 0);
    expect(s.detectionTimeMs).to.equal(900);
    s.handle({ type: "setIntervals", desiredMinTxMs: 300, requiredMinRxMs: 100 }, 0);
    s.handle(fromPeer("Up", { desiredMinTxUs: 100_000 }), 1);
    expect(s.detectionTimeMs).to.equal(900);
    s.handle(fromPeer("Up", { desiredMinTxUs: 100_000, final: true }), 2);
    expect(s.detectionTimeMs).to.equal(300);
  });

  it("a change during a Poll starts a second Poll once the first is answered", () => {
    const s = upSession();
    s.handle({ type: "setIntervals", desiredMinTxMs: 500, requiredMinRxMs: 300 }, 0);
    s.handle({ type: "setIntervals", desiredMinTxMs: 700, requiredMinRxMs: 300 }, 1);
    s.handle(fromPeer("Up", { final: true }), 2);
    expect(s.pollInProgress).to.equal(true);
    expect(s.transmitIntervalMs).to.equal(500);
    s.handle(fromPeer("Up", { final: true }), 3);
    expect(s.pollInProgress).to.equal(false);
    expect(s.transmitIntervalMs).to.equal(700);
  });

  it("passive: nothing is sent until the peer's first packet, then the handshake runs", () => {
    const s = new BfdSession({ config: { ...CONFIG, passive: true }, random: () => 0.5 }, 0);
    expect(sent(s.handle({ type: "start" }, 0))).to.deep.equal([]);
    expect(s.deadline).to.equal(undefined);
    const reply = s.handle(fromPeer("Down"), 5000);
    expect(changes(reply)).to.deep.equal(["Down->Init/0"]);
    expect(sent(reply)[0]).to.include({ state: "Init", yourDiscriminator: REMOTE });
  });

  it("passive: after the detection time without packets it forgets the peer and falls silent again", () => {
    const s = new BfdSession({ config: { ...CONFIG, passive: true }, random: () => 0.5 }, 0);
    s.handle({ type: "start" }, 0);
    s.handle(fromPeer("Down"), 0);
    const all: BfdAction[] = [];
    while (s.deadline !== undefined) all.push(...s.handle({ type: "timer" }, s.deadline));
    expect(changes(all)).to.deep.equal(["Init->Down/1"]);
    expect(s.remoteDiscriminatorValue).to.equal(0);
  });

  it("GTSM: a packet whose TTL is not 255 is discarded (RFC 5881 §5)", () => {
    const s = new BfdSession({ config: CONFIG, random: () => 0.5 }, 0);
    s.handle({ type: "start" }, 0);
    const event = fromPeer("Down") as Extract<BfdEvent, { type: "packet" }>;
    expect(s.handle({ ...event, ttl: 254 }, 1)).to.deep.equal([{ type: "discarded", reason: "TTL 254, single-hop BFD requires 255 (GTSM)" }]);
    expect(s.state).to.equal("Down");
    expect(changes(s.handle({ ...event, ttl: 255 }, 2))).to.deep.equal(["Down->Init/0"]);
  });

  it("discards a Your Discriminator that is not ours, and an authenticated packet", () => {
    const s = upSession();
    expect(s.handle(fromPeer("Down", { yourDiscriminator: 99 }), 1)[0]).to.deep.equal({
      type: "discarded",
      reason: `Your Discriminator 99 is not ours (${LOCAL})`,
    });
    expect(s.handle(fromPeer("Down", { authentication: { type: 1, data: new Uint8Array(3) } }), 1)[0]).to.have.property("type", "discarded");
    expect(s.state).to.equal("Up");
  });

  it("AdminDown: tells the peer with Diag 7, ignores its packets, and adminUp returns to Down", () => {
    const s = upSession();
    const down = s.handle({ type: "adminDown" }, 1);
    expect(changes(down)).to.deep.equal(["Up->AdminDown/7"]);
    expect(sent(down)[0]).to.include({ state: "AdminDown", diagnostic: 7, desiredMinTxUs: 1_000_000 });
    expect(changes(s.handle(fromPeer("Down"), 2))).to.deep.equal([]);
    expect(changes(s.handle({ type: "adminUp" }, 3))).to.deep.equal(["AdminDown->Down/0"]);
  });

  it("refuses a configuration out of range, naming the field", () => {
    expect(() => new BfdSession({ config: { ...CONFIG, localDiscriminator: 0 }, random: Math.random }, 0)).to.throw(RangeError, /localDiscriminator: 0/);
    expect(() => new BfdSession({ config: { ...CONFIG, detectMultiplier: 0 }, random: Math.random }, 0)).to.throw(RangeError, /detectMultiplier: 0/);
  });

  describe("properties over random peer behaviour", () => {
    const peerEvent: fc.Arbitrary<{ event: BfdEvent; dt: number }> = fc.record({
      dt: fc.integer({ min: 0, max: 3000 }),
      event: fc.oneof(
        {
          weight: 6,
          arbitrary: fc
            .record({
              state: fc.constantFrom(...BFD_STATES),
              poll: fc.boolean(),
              final: fc.boolean(),
              mult: fc.integer({ min: 1, max: 5 }),
              tx: fc.integer({ min: 0, max: 2_000_000 }),
              rx: fc.integer({ min: 0, max: 2_000_000 }),
            })
            .map((p): BfdEvent => fromPeer(p.state, { poll: p.poll, final: p.final, detectMult: p.mult, desiredMinTxUs: p.tx, requiredMinRxUs: p.rx })),
        },
        { weight: 6, arbitrary: fc.constant<BfdEvent>({ type: "timer" }) },
        { weight: 1, arbitrary: fc.constantFrom<BfdEvent>({ type: "adminDown" }, { type: "adminUp" }) },
        {
          weight: 1,
          arbitrary: fc
            .record({ tx: fc.integer({ min: 1, max: 2000 }), rx: fc.integer({ min: 1, max: 2000 }) })
            .map((i): BfdEvent => ({ type: "setIntervals", desiredMinTxMs: i.tx, requiredMinRxMs: i.rx })),
        },
      ),
    });
    const LEGAL = new Set([
      "Down->Init",
      "Down->Up",
      "Init->Up",
      "Init->Down",
      "Up->Down",
      "Down->AdminDown",
      "Init->AdminDown",
      "Up->AdminDown",
      "AdminDown->Down",
    ]);

    it("invariants: legal transitions only, sent packets well-formed, slow TX unless Up, the deadline in the future, passive silent until it hears the peer", () => {
      fc.assert(
        fc.property(fc.boolean(), fc.array(peerEvent, { maxLength: 60 }), (passive, steps) => {
          const s = new BfdSession({ config: { ...CONFIG, passive }, random: Math.random }, 0);
          let now = 0;
          let heard = false;
          s.handle({ type: "start" }, 0);
          for (const { event, dt } of steps) {
            // The driver runs each timer on time: events fall at or before the pending deadline.
            now = event.type === "timer" && s.deadline !== undefined ? s.deadline : Math.min(now + dt, s.deadline ?? Infinity);
            const actions = s.handle(event, now);
            if (event.type === "packet" && !actions.some((a) => a.type === "discarded")) heard = true;
            for (const action of actions) {
              if (action.type === "stateChange") expect(LEGAL.has(`${action.from}->${action.to}`), `${action.from}->${action.to}`).to.equal(true);
              if (action.type !== "send") continue;
              const p = action.packet;
              expect(p.poll && p.final).to.equal(false);
              expect(p.myDiscriminator).to.equal(LOCAL);
              expect(p.detectMult).to.equal(3);
              if (p.state !== "Up") expect(p.desiredMinTxUs).to.be.at.least(1_000_000);
              if (passive) expect(heard).to.equal(true);
            }
            if (s.deadline !== undefined && event.type === "timer") expect(s.deadline).to.be.above(now);
          }
        }),
        { numRuns: 500 },
      );
    });

    it("an Up session always goes Down within the detection time once the peer falls silent", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 255 }), fc.integer({ min: 1, max: 5_000_000 }), (mult, tx) => {
          const s = upSession();
          s.handle(fromPeer("Up", { detectMult: mult, desiredMinTxUs: tx }), 0);
          const limit = s.detectionTimeMs!;
          expect(limit).to.equal((mult * Math.max(300_000, tx)) / 1000);
          let t = 0;
          while (s.state === "Up") {
            t = s.deadline!;
            s.handle({ type: "timer" }, t);
          }
          expect(t).to.equal(limit);
          expect(s.diagnostic).to.equal(1);
        }),
        { numRuns: 200 },
      );
    });
  });
});

describe("bfd session: Echo function (RFC 5880 §6.4, §6.8.9)", () => {
  const ECHO: BfdSessionConfig = { ...CONFIG, echoIntervalMs: 50 };
  const echoes = (actions: readonly BfdAction[]): number[] => actions.flatMap((a) => (a.type === "sendEcho" ? [a.sequence] : []));

  it("advertises echoIntervalMs as Required Min Echo RX Interval, and 0 without echo", () => {
    expect(sent(new BfdSession({ config: ECHO, random: () => 0.5 }, 0).handle({ type: "start" }, 0))[0].requiredMinEchoRxUs).to.equal(50_000);
    expect(sent(new BfdSession({ config: CONFIG, random: () => 0.5 }, 0).handle({ type: "start" }, 0))[0].requiredMinEchoRxUs).to.equal(0);
  });

  it("sends Echo packets only while Up and only to a peer that loops them, at the larger of both intervals", () => {
    const quiet = upSession(ECHO);
    expect(quiet.echoIntervalMs, "peer advertises 0").to.equal(undefined);
    expect(echoes(quiet.handle({ type: "timer" }, 100))).to.deep.equal([]);
    const s = upSession(ECHO);
    expect(echoes(s.handle(fromPeer("Up", { requiredMinEchoRxUs: 80_000 }), 10))).to.deep.equal([1]);
    expect(s.echoIntervalMs).to.equal(80);
    expect(s.deadline).to.equal(90);
    expect(echoes(s.handle({ type: "echo" }, 20))).to.deep.equal([]);
    expect(echoes(s.handle({ type: "timer" }, 90))).to.deep.equal([2]);
    expect(
      upSession(CONFIG)
        .handle(fromPeer("Up", { requiredMinEchoRxUs: 80_000 }), 10)
        .some((a) => a.type === "sendEcho"),
      "echo not configured",
    ).to.equal(false);
  });

  it("no Echo back for Detect Mult intervals: Down with Echo Function Failed, while Control packets still arrive", () => {
    const s = upSession(ECHO);
    s.handle(fromPeer("Up", { requiredMinEchoRxUs: 50_000 }), 0);
    let now = 0;
    for (; now <= 140; now += 10) {
      if (now % 50 === 0) s.handle({ type: "echo" }, now);
      s.handle({ type: "timer" }, now);
    }
    expect(s.state, "echoes came back").to.equal("Up");
    let down: BfdAction[] = [];
    for (; now <= 400 && s.state === "Up"; now += 10) {
      s.handle(fromPeer("Up", { requiredMinEchoRxUs: 50_000 }), now);
      down = s.handle({ type: "timer" }, now);
    }
    expect(changes(down)).to.deep.equal(["Up->Down/2"]);
    expect(now - 10, "Detect Mult × 50 ms after the last echo at 100 ms").to.equal(250);
    expect(s.echoIntervalMs).to.equal(undefined);
  });
});
