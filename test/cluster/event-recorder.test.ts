/** The speakers' Event recorder: each distinct Event once, a bounded memory, API errors logged and tried again. */
import { expect } from "chai";
import type { CoreV1Event } from "@kubernetes/client-node";
import { EVENT_MEMORY, EventRecorder } from "../../sdk/cluster/event-recorder";
import type { RawObject } from "../../sdk/cluster/observed";

function recorder(failing: () => boolean = () => false) {
  const created: CoreV1Event[] = [];
  const logged: string[] = [];
  const core = {
    createNamespacedEvent: ({ body }: { namespace: string; body: CoreV1Event }) => {
      if (failing()) return Promise.reject(Object.assign(new Error("service unavailable"), { code: 503 }));
      created.push(body);
      return Promise.resolve(body);
    },
  };
  const events = new EventRecorder(core, "n1", { log: (level, msg, fields) => logged.push(`${level} ${msg} ${JSON.stringify(fields)}`) });
  return { events, created, logged };
}

const service = (name: string): RawObject => ({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default", uid: `uid-${name}` } });

describe("cluster speaker Events: EventRecorder", () => {
  it("creates each distinct Event once (same object, reason and message), with the speaker as source on the object", async () => {
    const h = recorder();
    await h.events.record(service("web"), "Normal", "IPAllocated", "assigned 198.19.1.2 from pool default");
    await h.events.record(service("web"), "Normal", "IPAllocated", "assigned 198.19.1.2 from pool default");
    await h.events.record(service("web"), "Normal", "IPAllocated", "assigned 198.19.1.3 from pool default");
    await h.events.record(service("db"), "Normal", "IPAllocated", "assigned 198.19.1.2 from pool default");
    expect(h.created.map((e) => `${e.involvedObject.name} ${e.message}`)).to.deep.equal([
      "web assigned 198.19.1.2 from pool default",
      "web assigned 198.19.1.3 from pool default",
      "db assigned 198.19.1.2 from pool default",
    ]);
    expect(h.created[0].source).to.deep.equal({ component: "bgplb-speaker", host: "n1" });
    expect(h.created[0].involvedObject.uid).to.equal("uid-web");
    expect(h.events.has(service("web"), "IPAllocated", "assigned 198.19.1.3 from pool default")).to.equal(true);
    expect(h.events.has(service("web"), "IPAllocated", "assigned 198.19.1.4 from pool default")).to.equal(false);
  });

  it("logs an Event the API server refused, does not throw, and creates it the next time it is recorded", async () => {
    let failing = true;
    const h = recorder(() => failing);
    await h.events.record(service("web"), "Warning", "AllocationFailed", "no pool has a free address");
    expect(h.created).to.have.length(0);
    expect(h.logged.join("\n")).to.match(/warn event not recorded .*AllocationFailed.*503/);
    failing = false;
    await h.events.record(service("web"), "Warning", "AllocationFailed", "no pool has a free address");
    expect(h.created).to.have.length(1);
  });

  it(`remembers at most ${EVENT_MEMORY} Events, forgetting the oldest first (a speaker seeing Services come and go does not grow with them)`, async () => {
    const h = recorder();
    for (let i = 0; i <= EVENT_MEMORY; i++) await h.events.record(service(`svc-${i}`), "Normal", "IPAllocated", "assigned");
    expect(h.events.has(service("svc-0"), "IPAllocated", "assigned"), "the oldest is forgotten").to.equal(false);
    expect(h.events.has(service("svc-1"), "IPAllocated", "assigned")).to.equal(true);
    expect(h.events.has(service(`svc-${EVENT_MEMORY}`), "IPAllocated", "assigned")).to.equal(true);
    await h.events.record(service("svc-0"), "Normal", "IPAllocated", "assigned");
    expect(h.created).to.have.length(EVENT_MEMORY + 2);
  });
});
