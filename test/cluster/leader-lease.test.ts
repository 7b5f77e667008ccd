/** The leader Lease of the MetalLB-mode allocator against an in-memory Lease store with resourceVersion checks. */
import { expect } from "chai";
import { LeaderLease } from "../../sdk/cluster/leader-lease";
import { LeaseStore } from "./lease-store";

const lease = (store: LeaseStore, identity: string) =>
  new LeaderLease({ coordination: store.api(), namespace: "metallb-system", name: "bgplb-allocator", identity, durationSeconds: 2 });

describe("MetalLB allocator leader Lease", () => {
  it("one of two candidates wins; the other waits while the holder renews, takes over once it stops renewing for the Lease duration", async () => {
    const store = new LeaseStore();
    const a = lease(store, "n1");
    const b = lease(store, "n2");
    expect(await a.hold(store.get("bgplb-allocator"), 0)).to.equal(true);
    b.observe(store.get("bgplb-allocator"), 0);
    expect(await b.hold(store.get("bgplb-allocator"), 1_000)).to.equal(false);
    expect(await a.hold(store.get("bgplb-allocator"), 1_500)).to.equal(true);
    b.observe(store.get("bgplb-allocator"), 1_500);
    expect(await b.hold(store.get("bgplb-allocator"), 3_000)).to.equal(false);
    expect(await b.hold(store.get("bgplb-allocator"), 3_600)).to.equal(true);
    expect(store.get("bgplb-allocator")?.spec?.holderIdentity).to.equal("n2");
    expect(await a.hold(store.get("bgplb-allocator"), 3_700)).to.equal(false);
    expect(a.held).to.equal(false);
  });

  it("renews at most four times per duration however often it is asked", async () => {
    const store = new LeaseStore();
    const a = lease(store, "n1");
    for (let now = 0; now < 2_000; now += 50) expect(await a.hold(store.get("bgplb-allocator"), now)).to.equal(true);
    expect(store.writes).to.equal(4);
  });

  it("a Lease held in our own name (a previous process) is taken over at once; release hands it to the next candidate at once", async () => {
    const store = new LeaseStore();
    await lease(store, "n1").hold(store.get("bgplb-allocator"), 0);
    const restarted = lease(store, "n1");
    restarted.observe(store.get("bgplb-allocator"), 100);
    expect(await restarted.hold(store.get("bgplb-allocator"), 100)).to.equal(true);
    await restarted.release();
    expect(store.get("bgplb-allocator")?.spec?.holderIdentity).to.equal("");
    const other = lease(store, "n2");
    other.observe(store.get("bgplb-allocator"), 200);
    expect(await other.hold(store.get("bgplb-allocator"), 200)).to.equal(true);
  });

  it("acts as leader only while its last Lease write is recent enough (writes started later land before another candidate may take over)", async () => {
    const store = new LeaseStore();
    const a = lease(store, "n1");
    expect(a.acting(0, 2 / 3), "before holding").to.equal(false);
    expect(await a.hold(store.get("bgplb-allocator"), 0)).to.equal(true);
    expect(a.acting(1_000, 2 / 3)).to.equal(true);
    expect(a.acting(1_400, 2 / 3), "2/3 of the 2 s Lease passed without a renewal").to.equal(false);
    expect(await a.hold(store.get("bgplb-allocator"), 1_400)).to.equal(true);
    expect(a.acting(1_500, 2 / 3)).to.equal(true);
    await a.release();
    expect(a.acting(1_500, 2 / 3)).to.equal(false);
  });
});
