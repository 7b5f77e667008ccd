/**
 * The GKE-mode speaker's Leases (presence, floating IPs, allocator) as the
 * controller drives them: speakers on one in-memory Lease store with
 * resourceVersion checks, a fake clock, and a watch view of the store each
 * speaker reads (live, or held back to play a lagging watch).
 */
import { expect } from "chai";
import type { V1Lease } from "@kubernetes/client-node";
import { NodeLeases } from "../../sdk/cluster/node-leases";
import { apiError, LeaseStore, type LeaseLink } from "./lease-store";

const ALLOCATOR = "bgplb-allocator";
const FIP = "bgplb-fip-10-0-1-100";
/** The allocator's duration in the controller (≥ 15 s); other Leases use 2 s here. */
const durationOf = (name: string): number => (name === ALLOCATOR ? 15 : 2);
/** The controller acts as the allocator while its last renewal was sent less than 2/3 of the duration ago. */
const ACTS = 2 / 3;

class Speaker {
  /** What this speaker's watch shows; undefined: the store as it is now. */
  frozen: Map<string, V1Lease> | undefined;
  readonly link: LeaseLink = {};
  readonly leases: NodeLeases;

  constructor(
    readonly name: string,
    readonly store: LeaseStore,
    clock: { now: number },
  ) {
    this.leases = new NodeLeases({
      coordination: store.api(this.link),
      namespace: "cluster-lab",
      identity: name,
      durationOf,
      observed: (lease) => (this.frozen ?? store.leases).get(lease),
      clock: () => clock.now,
    });
  }

  /** What the watch delivered: every Lease it shows, observed now. */
  watch(): void {
    this.leases.observe((this.frozen ?? this.store.leases).values());
  }
}

function setUp(...names: string[]): { store: LeaseStore; clock: { now: number }; speakers: Speaker[] } {
  const store = new LeaseStore();
  const clock = { now: 0 };
  return { store, clock, speakers: names.map((name) => new Speaker(name, store, clock)) };
}

describe("GKE speaker Leases (NodeLeases)", () => {
  it("take-over: another speaker waits while the holder renews, takes the Lease once it went unrenewed for its duration since last seen", async () => {
    const { store, clock, speakers } = setUp("n1", "n2");
    const [a, b] = speakers;
    expect(await a.leases.acquire(FIP)).to.equal(true);
    for (clock.now = 0; clock.now <= 10_000; clock.now += 500) {
      expect(await a.leases.renew(FIP)).to.equal(true);
      b.watch();
      expect(await b.leases.acquire(FIP)).to.equal(false);
      expect(b.leases.holderOf(FIP)).to.equal("n1");
    }
    // n1 stops renewing (killed): last version seen by n2 at 10,000
    clock.now = 11_999;
    b.watch();
    expect(await b.leases.acquire(FIP)).to.equal(false);
    clock.now = 12_000;
    expect(b.leases.holderOf(FIP)).to.equal(undefined);
    expect(await b.leases.acquire(FIP)).to.equal(true);
    expect(store.get(FIP)?.spec?.holderIdentity).to.equal("n2");
    expect(store.get(FIP)?.spec?.leaseTransitions).to.equal(2);
  });

  it("loss: a holder whose Lease was taken learns it at its next renewal (409) and no longer holds it", async () => {
    const { store, clock, speakers } = setUp("n1", "n2");
    const [a, b] = speakers;
    await a.leases.acquire(FIP);
    b.watch();
    a.link.failure = () => apiError(503, "unavailable to n1");
    clock.now = 2_000;
    expect(await b.leases.acquire(FIP)).to.equal(true);
    a.link.failure = undefined;
    expect(a.leases.holds(FIP)).to.equal(true);
    expect(await a.leases.renew(FIP)).to.equal(false);
    expect(a.leases.holds(FIP)).to.equal(false);
    expect(a.leases.names).to.deep.equal([]);
    expect(store.get(FIP)?.spec?.holderIdentity).to.equal("n2");
  });

  it("renewal failures keep what is held (an API server away for everyone: nobody else can take it either)", async () => {
    const { clock, speakers } = setUp("n1");
    const [a] = speakers;
    await a.leases.acquire(FIP);
    a.link.failure = () => apiError(503, "API server down");
    for (clock.now = 500; clock.now <= 30_000; clock.now += 500) {
      const error = await a.leases.renew(FIP).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).to.equal("API server down");
    }
    expect(a.leases.holds(FIP)).to.equal(true);
    expect(a.leases.holderOf(FIP)).to.equal("n1");
  });

  it("expiry after an API outage: observations reset while the API server is away, so a holder renewing on its return keeps its Lease", async () => {
    const { clock, speakers } = setUp("n1", "n2");
    const [a, b] = speakers;
    await a.leases.acquire(FIP);
    b.watch();
    // the API server is away for 30 s: n2's watch fails (reset), n1 cannot renew
    b.leases.reset();
    clock.now = 30_000;
    b.watch();
    expect(await b.leases.acquire(FIP)).to.equal(false);
    expect(await a.leases.renew(FIP)).to.equal(true);
    clock.now = 31_000;
    b.watch();
    expect(await b.leases.acquire(FIP)).to.equal(false);
  });

  it("two allocator leaders never act at once: a holder only it cannot renew stops acting before another speaker may take the Lease", async () => {
    const { store, clock, speakers } = setUp("n1", "n2");
    const [a, b] = speakers;
    expect(await a.leases.lead(ALLOCATOR, ACTS)).to.equal(true);
    b.watch();
    // from 1 s on only n1 cannot reach the API server; n2 can, and sees the Lease unrenewed
    a.link.failure = () => (clock.now >= 1_000 ? apiError(504, "timeout") : undefined);
    let handedOver: number | undefined;
    let lastActedByA = 0;
    for (clock.now = 250; clock.now <= 20_000; clock.now += 250) {
      await a.leases.renew(ALLOCATOR).catch(() => undefined);
      const aActs = await a.leases.lead(ALLOCATOR, ACTS);
      if (aActs) lastActedByA = clock.now;
      b.watch();
      const bActs = await b.leases.lead(ALLOCATOR, ACTS);
      if (bActs && handedOver === undefined) handedOver = clock.now;
      expect(aActs && bActs, `both act at ${clock.now} ms`).to.equal(false);
    }
    // n1's last successful renewal was sent at 750 ms: it acts until 750 + 10,000, n2 takes over at 750 + 15,000
    expect(lastActedByA).to.equal(10_500);
    expect(handedOver).to.equal(15_750);
    expect(store.get(ALLOCATOR)?.spec?.holderIdentity).to.equal("n2");
    expect(a.leases.holds(ALLOCATOR), "n1 still believes it holds the Lease until a renewal answers").to.equal(true);
    a.link.failure = undefined;
    expect(await a.leases.renew(ALLOCATOR)).to.equal(false);
    expect(await a.leases.lead(ALLOCATOR, ACTS)).to.equal(false);
  });

  it("an acquisition decided before a slow write of the same Lease ahead of it re-checks the holder when its turn comes (another speaker took the Lease meanwhile)", async () => {
    const { store, speakers } = setUp("n1", "n2");
    const [a, b] = speakers;
    let release = (): void => undefined;
    // the next write to reach the API server is slow
    a.link.delay = () => {
      a.link.delay = undefined;
      return new Promise<void>((resolve) => (release = resolve));
    };
    // n1 decides twice to take the free allocator Lease; the second write waits behind the first, which is slow
    const first = a.leases.acquire(ALLOCATOR);
    const second = a.leases.acquire(ALLOCATOR);
    expect(await b.leases.acquire(ALLOCATOR)).to.equal(true);
    a.watch();
    release();
    expect(await first, "the first write loses the race at the API server").to.equal(false);
    expect(await second, "the second sees n2 holding it and does not write").to.equal(false);
    expect(store.get(ALLOCATOR)?.spec?.holderIdentity).to.equal("n2");
    expect(store.get(ALLOCATOR)?.metadata?.resourceVersion, "only n2 wrote the allocator Lease").to.equal("1");
  });

  it("writes of different Leases run side by side: a slow write of the presence Lease does not hold up the allocator Lease's", async () => {
    const { store, speakers } = setUp("n1", "n2");
    const [a] = speakers;
    let release = (): void => undefined;
    a.link.delay = () => {
      a.link.delay = undefined;
      return new Promise<void>((resolve) => (release = resolve));
    };
    const presence = a.leases.acquire("bgplb-speaker-n1");
    expect(await a.leases.acquire(ALLOCATOR)).to.equal(true);
    expect(store.get(ALLOCATOR)?.spec?.holderIdentity).to.equal("n1");
    expect(store.get("bgplb-speaker-n1"), "the presence write is still on its way").to.equal(undefined);
    release();
    expect(await presence).to.equal(true);
  });

  it("a speaker whose watch lags behind a renewal does not take the Lease: its write carries the old resourceVersion (409)", async () => {
    const { store, clock, speakers } = setUp("n1", "n2");
    const [a, b] = speakers;
    await a.leases.acquire(FIP);
    b.frozen = new Map(store.leases);
    b.watch();
    clock.now = 1_500;
    expect(await a.leases.renew(FIP)).to.equal(true);
    clock.now = 2_500;
    // n2 still sees the first version, now 2.5 s old: it tries, and loses the race at the API server
    expect(b.leases.holderOf(FIP)).to.equal(undefined);
    expect(await b.leases.acquire(FIP)).to.equal(false);
    expect(store.get(FIP)?.spec?.holderIdentity).to.equal("n1");
    expect(a.leases.holds(FIP)).to.equal(true);
  });

  it("a renewal queued before a release does not take the Lease back; a release hands the Lease to the next speaker at once", async () => {
    const { store, speakers } = setUp("n1", "n2");
    const [a, b] = speakers;
    await a.leases.acquire(FIP);
    const released = a.leases.release(FIP);
    expect(await a.leases.renew(FIP)).to.equal(true);
    await released;
    expect(a.leases.holds(FIP)).to.equal(false);
    expect(store.get(FIP)?.spec?.holderIdentity).to.equal("");
    b.watch();
    expect(await b.leases.acquire(FIP)).to.equal(true);
  });

  it("a release never writes a Lease we do not hold", async () => {
    const { store, speakers } = setUp("n1", "n2");
    const [a, b] = speakers;
    await b.leases.acquire(FIP);
    const writes = store.writes;
    await a.leases.release(FIP);
    expect(store.writes).to.equal(writes);
    expect(store.get(FIP)?.spec?.holderIdentity).to.equal("n2");
  });

  it("a restarted speaker takes over the Lease its previous process held at once", async () => {
    const { store, clock, speakers } = setUp("n1", "n1");
    const [before, after] = speakers;
    await before.leases.acquire(FIP);
    clock.now = 100;
    after.watch();
    expect(await after.leases.acquire(FIP)).to.equal(true);
    expect(store.get(FIP)?.spec?.leaseTransitions).to.equal(1);
  });
});
