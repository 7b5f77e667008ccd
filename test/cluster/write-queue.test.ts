/** The speaker's status-write pool: bounded concurrency, coalescing by object, failures reported and not retried. */
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { SETTLE_MS, WriteQueue, type WritePriority, type WriteQueueOptions } from "../../sdk/cluster/write-queue";

/** A write the test finishes by hand. */
interface Pending {
  readonly key: string;
  readonly state: string;
  finish(): void;
  fail(error: Error): void;
}

/** A queue of `concurrency` whose writes the test finishes by hand; on a clock of its own unless `pacing` is given (then the real one). */
function harness(concurrency: number, mayWrite?: () => boolean, pacing?: Pick<WriteQueueOptions, "laterQuietMs" | "laterMaxWaitMs">) {
  const started: Pending[] = [];
  const failures: string[] = [];
  let clock = 1_000;
  let inFlight = 0;
  let peak = 0;
  const queue = new WriteQueue({
    concurrency,
    failed: (what, error) => failures.push(`${what}: ${(error as Error).message}`),
    now: pacing ? Date.now : () => clock,
    mayWrite,
    ...pacing,
  });
  const submit = (key: string, state: string, priority?: WritePriority): void =>
    queue.submit(
      key,
      state,
      `object ${key}`,
      () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        return new Promise<void>((resolve, reject) => {
          started.push({
            key,
            state,
            finish: () => {
              inFlight--;
              resolve();
            },
            fail: (error) => {
              inFlight--;
              reject(error);
            },
          });
        });
      },
      priority,
    );
  const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  return { queue, started, failures, submit, settle, peak: () => peak, advance: (ms: number) => (clock += ms) };
}

describe("cluster status writes: WriteQueue", () => {
  it("never has more writes in flight than its concurrency, and writes every submitted object once", async () => {
    const h = harness(4);
    for (let i = 0; i < 20; i++) h.submit(`svc-${i}`, "10.0.0.1");
    expect(h.started.length).to.equal(4);
    expect(h.queue.pending).to.equal(16);
    for (let finished = 0; finished < h.started.length; finished++) {
      h.started[finished].finish();
      await h.settle();
    }
    expect(h.peak()).to.equal(4);
    expect(h.started.map((p) => p.key).sort()).to.deep.equal(Array.from({ length: 20 }, (_, i) => `svc-${i}`).sort());
    await h.queue.idle();
  });

  it("replaces a queued state of an object with the newer one (only the newest is written)", async () => {
    const h = harness(1);
    h.submit("busy", "x");
    h.submit("web", "10.0.0.1");
    h.submit("web", "10.0.0.2");
    h.submit("web", "10.0.0.3");
    expect(h.queue.pending).to.equal(1);
    h.started[0].finish();
    await h.settle();
    expect(h.started.map((p) => `${p.key}=${p.state}`)).to.deep.equal(["busy=x", "web=10.0.0.3"]);
  });

  it("does not queue a state already in flight, and writes a newer one after the running write (never two writes of one object at once)", async () => {
    const h = harness(4);
    h.submit("web", "a");
    h.submit("web", "a");
    expect(h.started.length).to.equal(1);
    expect(h.queue.pending).to.equal(0);
    h.submit("web", "b");
    expect(h.started.length, "b waits for a's write").to.equal(1);
    h.started[0].finish();
    await h.settle();
    expect(h.started.map((p) => p.state)).to.deep.equal(["a", "b"]);
  });

  it("skips a state written moments ago (the informer has not caught up) but writes it again after the settle time", async () => {
    const h = harness(2);
    h.submit("web", "a");
    h.started[0].finish();
    await h.settle();
    h.submit("web", "a");
    expect(h.started.length).to.equal(1);
    h.advance(SETTLE_MS);
    h.submit("web", "a");
    expect(h.started.length).to.equal(2);
  });

  it("reports a failed write without retrying it; the same state submitted again is written again", async () => {
    const h = harness(2);
    h.submit("web", "a");
    h.started[0].fail(new Error("HTTP 503: unavailable"));
    await h.settle();
    expect(h.failures).to.deep.equal(["object web: HTTP 503: unavailable"]);
    expect(h.queue.pending + h.queue.active).to.equal(0);
    h.submit("web", "a");
    expect(h.started.length).to.equal(2);
  });

  it("drops queued writes on clear (the speaker stopped being the writer); idle waits for the ones in flight", async () => {
    const h = harness(1);
    h.submit("one", "a");
    h.submit("two", "a");
    h.submit("three", "a");
    h.queue.clear();
    expect(h.queue.pending).to.equal(0);
    let idle = false;
    const waiting = h.queue.idle().then(() => (idle = true));
    await h.settle();
    expect(idle).to.equal(false);
    h.started[0].finish();
    await waiting;
    expect(h.started.map((p) => p.key)).to.deep.equal(["one"]);
  });

  it("starts `later` writes (reports, Events) only when no `first` write (Service addresses) waits, whenever they were submitted", async () => {
    const h = harness(2);
    for (let i = 0; i < 4; i++) h.submit(`route-${i}`, "r", "later");
    for (let i = 0; i < 4; i++) h.submit(`service-${i}`, "10.0.0.1");
    // a later write resubmitted as first moves ahead
    h.submit("route-3", "r", "first");
    for (let finished = 0; finished < 10 && finished < h.started.length; finished++) {
      h.started[finished].finish();
      await h.settle();
    }
    expect(h.started.map((p) => p.key)).to.deep.equal(["route-0", "route-1", "service-0", "service-1", "service-2", "service-3", "route-3", "route-2"]);
  });

  it("drops every queued write once mayWrite fails (no longer the allocator); writes in flight finish", async () => {
    let allowed = true;
    const h = harness(2, () => allowed);
    for (let i = 0; i < 6; i++) h.submit(`service-${i}`, "10.0.0.1");
    expect(h.started.length).to.equal(2);
    allowed = false;
    h.started[0].finish();
    await h.settle();
    expect(h.queue.pending).to.equal(0);
    expect(h.started.length).to.equal(2);
    h.started[1].finish();
    await h.queue.idle();
    allowed = true;
    h.submit("service-5", "10.0.0.1");
    expect(h.started.map((p) => p.key)).to.deep.equal(["service-0", "service-1", "service-5"]);
  });

  it("with a quiet time, holds `later` writes until the `first` writes have been done for that long (a burst of Service addresses goes first)", async () => {
    const h = harness(4, undefined, { laterQuietMs: 200, laterMaxWaitMs: 60_000 });
    h.submit("service-0", "10.0.0.1");
    h.submit("route-0", "r", "later");
    h.submit("event-0", "e", "later");
    await h.settle();
    expect(
      h.started.map((p) => p.key),
      "held while service-0 is written",
    ).to.deep.equal(["service-0"]);
    h.started[0].finish();
    await h.settle();
    expect(
      h.started.map((p) => p.key),
      "held during the quiet time",
    ).to.deep.equal(["service-0"]);
    h.submit("service-1", "10.0.0.2");
    h.started[1].finish();
    await sleep(400);
    expect(h.started.map((p) => p.key)).to.deep.equal(["service-0", "service-1", "route-0", "event-0"]);
  });

  it("with a quiet time, starts a `later` write that has waited the maximum wait even while `first` writes go on (reports are not starved)", async () => {
    const h = harness(4, undefined, { laterQuietMs: 200, laterMaxWaitMs: 300 });
    h.submit("service-0", "10.0.0.1");
    h.submit("route-0", "r", "later");
    await h.settle();
    expect(h.started.map((p) => p.key)).to.deep.equal(["service-0"]);
    await sleep(600);
    expect(
      h.started.map((p) => p.key),
      "service-0 is still being written",
    ).to.deep.equal(["service-0", "route-0"]);
  });

  it("refuses a concurrency below 1 and a negative quiet time", () => {
    expect(() => new WriteQueue({ concurrency: 0, failed: () => undefined })).to.throw(RangeError, /concurrency must be a whole number ≥ 1, got 0/);
    expect(() => new WriteQueue({ concurrency: 1, failed: () => undefined, laterQuietMs: -1 })).to.throw(RangeError, /got -1 and 15000/);
  });
});
