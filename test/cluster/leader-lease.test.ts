/** The leader Lease of the MetalLB-mode allocator against an in-memory Lease store with resourceVersion checks. */
import { expect } from "chai";
import type { CoordinationV1Api, V1Lease } from "@kubernetes/client-node";
import { LeaderLease } from "../../sdk/cluster/leader-lease";

/** One Lease in memory; a write with a stale resourceVersion fails with 409, as the API server does. */
class LeaseStore {
  lease: V1Lease | undefined;
  writes = 0;
  private version = 0;

  api(): CoordinationV1Api {
    const conflict = (): never => {
      throw Object.assign(new Error("Conflict"), { code: 409 });
    };
    return {
      createNamespacedLease: async ({ body }: { body: V1Lease }) => {
        if (this.lease) conflict();
        return this.store(body);
      },
      replaceNamespacedLease: async ({ body }: { body: V1Lease }) => {
        if (this.lease?.metadata?.resourceVersion !== body.metadata?.resourceVersion) conflict();
        return this.store(body);
      },
    } as unknown as CoordinationV1Api;
  }

  private store(body: V1Lease): V1Lease {
    this.writes++;
    this.lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(++this.version) } };
    return this.lease;
  }
}

const lease = (store: LeaseStore, identity: string) =>
  new LeaderLease({ coordination: store.api(), namespace: "metallb-system", name: "bgplb-allocator", identity, durationSeconds: 2 });

describe("MetalLB allocator leader Lease", () => {
  it("one of two candidates wins; the other waits while the holder renews, takes over once it stops renewing for the Lease duration", async () => {
    const store = new LeaseStore();
    const a = lease(store, "n1");
    const b = lease(store, "n2");
    expect(await a.hold(store.lease, 0)).to.equal(true);
    b.observe(store.lease, 0);
    expect(await b.hold(store.lease, 1_000)).to.equal(false);
    expect(await a.hold(store.lease, 1_500)).to.equal(true);
    b.observe(store.lease, 1_500);
    expect(await b.hold(store.lease, 3_000)).to.equal(false);
    expect(await b.hold(store.lease, 3_600)).to.equal(true);
    expect(store.lease?.spec?.holderIdentity).to.equal("n2");
    expect(await a.hold(store.lease, 3_700)).to.equal(false);
    expect(a.held).to.equal(false);
  });

  it("renews at most four times per duration however often it is asked", async () => {
    const store = new LeaseStore();
    const a = lease(store, "n1");
    for (let now = 0; now < 2_000; now += 50) expect(await a.hold(store.lease, now)).to.equal(true);
    expect(store.writes).to.equal(4);
  });

  it("a Lease held in our own name (a previous process) is taken over at once; release hands it to the next candidate at once", async () => {
    const store = new LeaseStore();
    await lease(store, "n1").hold(store.lease, 0);
    const restarted = lease(store, "n1");
    restarted.observe(store.lease, 100);
    expect(await restarted.hold(store.lease, 100)).to.equal(true);
    await restarted.release();
    expect(store.lease?.spec?.holderIdentity).to.equal("");
    const other = lease(store, "n2");
    other.observe(store.lease, 200);
    expect(await other.hold(store.lease, 200)).to.equal(true);
  });
});
