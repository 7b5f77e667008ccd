/** The speakers' reconcile loop: one reconcile at a time, requests while one runs coalesced into one more, bursts gathered. */
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { ReconcileLoop } from "../../sdk/cluster/reconcile-loop";

/** A loop whose reconciles the test finishes by hand. */
function harness(batchMs = 30) {
  const runs: (() => void)[] = [];
  const failures: string[] = [];
  const slow: number[] = [];
  let fail = false;
  const loop = new ReconcileLoop(
    () =>
      new Promise<void>((resolve, reject) => {
        if (fail) reject(new Error("API server gone"));
        else runs.push(resolve);
      }),
    { batchMs, failed: (error) => failures.push(error.message), slowMs: 20, slow: (ms) => slow.push(ms) },
  );
  return { loop, runs, failures, slow, failNext: () => (fail = true), settle: () => new Promise<void>((r) => setImmediate(r)) };
}

describe("cluster speaker reconcile loop: ReconcileLoop", () => {
  it("runs one reconcile at a time; any number of requests while one runs make exactly one more", async () => {
    const h = harness();
    h.loop.now();
    h.loop.now();
    h.loop.now();
    expect(h.runs).to.have.length(1);
    h.runs[0]();
    await h.settle();
    expect(h.runs).to.have.length(2);
    h.runs[1]();
    await h.settle();
    expect(h.runs, "nothing asked meanwhile: no third").to.have.length(2);
  });

  it("gathers a burst of `soon` requests into one reconcile after the batch time", async () => {
    const h = harness(30);
    for (let i = 0; i < 100; i++) h.loop.soon();
    expect(h.runs).to.have.length(0);
    await sleep(80);
    expect(h.runs).to.have.length(1);
  });

  it("reports a reconcile that threw and keeps running later ones; says once when a reconcile is slow", async () => {
    const h = harness();
    h.loop.now();
    await sleep(40);
    h.loop.now();
    h.loop.now();
    expect(h.slow).to.have.length(1);
    expect(h.slow[0]).to.be.greaterThan(20);
    h.failNext();
    h.runs[0]();
    await h.settle();
    expect(h.failures).to.deep.equal(["API server gone"]);
  });

  it("stop waits for the running reconcile; none starts after it, also not one asked for meanwhile", async () => {
    const h = harness(10);
    h.loop.now();
    h.loop.now();
    let stopped = false;
    const stopping = h.loop.stop().then(() => (stopped = true));
    h.loop.soon();
    await h.settle();
    expect(stopped).to.equal(false);
    h.runs[0]();
    await stopping;
    await sleep(30);
    expect(h.runs).to.have.length(1);
  });
});
