/**
 * The allocator plans with the addresses it submitted until its watch shows
 * them: simulated API server, watch cache that lags, status writes that land
 * late, out of order between Services, or fail; the API server must never
 * show one address on two Services.
 */
import { expect } from "chai";
import fc from "fast-check";
import { clusterAddressPools } from "../../sdk/cluster/address-pools";
import { planServiceAddresses, type AddressRequest } from "../../sdk/cluster/ipam";
import { planMetallbAllocations } from "../../sdk/cluster/metallb-addresses";
import { serviceIdentityOf } from "../../sdk/cluster/metallb-observed";
import { serviceIngressIPs, type RawObject } from "../../sdk/cluster/observed";
import { SEEN_WITHIN_MS, SubmittedAddresses } from "../../sdk/cluster/submitted-addresses";
import { ipAddressPool, type Cluster } from "../../sdk/model";

const POOL = clusterAddressPools({ spec: { loadBalancer: { addressPools: [{ name: "p", addresses: ["10.0.0.1-10.0.0.6"] }] } } } as unknown as Cluster);
const NAMES = ["a", "b", "c", "d", "e", "f", "g", "h"];

/** One allocator's plan: each Service's addresses by `namespace/name`, from the requests as the allocator sees them. */
type Planner = (services: readonly RawObject[], requests: readonly AddressRequest[]) => ReadonlyMap<string, { readonly addresses: readonly string[] }>;

/** The GKE-mode allocator's: the Cluster's pool. */
const gkePlanner: Planner = (_services, requests) => planServiceAddresses(POOL, requests);

/** The MetalLB-mode allocator's: the same addresses as an IPAddressPool. */
const METALLB_POOLS = [ipAddressPool({ name: "p", namespace: "metallb-system", addresses: ["10.0.0.1-10.0.0.6"] })];
const metallbPlanner: Planner = (services, requests) =>
  planMetallbAllocations(
    services.map((raw, index) => ({ request: requests[index], identity: serviceIdentityOf(raw) })),
    METALLB_POOLS,
    new Map(),
  );

interface Write {
  readonly service: RawObject;
  readonly addresses: readonly string[];
}

type Step =
  | { op: "create"; name: string; second: number }
  | { op: "delete"; name: string }
  | { op: "plan" }
  | { op: "land"; pick: number }
  | { op: "fail"; pick: number }
  | { op: "deliver" };

/** The API server, the allocator's watch cache, its memory and its queued writes. */
class World {
  readonly server = new Map<string, RawObject>();
  cache = new Map<string, RawObject>();
  readonly pending: Write[] = [];
  private version = 0;
  private uid = 0;

  constructor(
    readonly submitted: SubmittedAddresses,
    private readonly planner: Planner = gkePlanner,
  ) {}

  create(name: string, second: number): void {
    if (this.server.has(name)) return;
    this.server.set(name, {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace: "ns", uid: `uid-${++this.uid}`, resourceVersion: String(++this.version), creationTimestamp: `2026-01-01T00:00:0${second}Z` },
      spec: { type: "LoadBalancer" },
    });
  }

  /** One allocation from the watch cache, as the controller makes it. */
  plan(): void {
    const services = [...this.cache.values()];
    this.submitted.keepOnly(new Set(services.map((s) => `ns/${s.metadata!.name}`)));
    const requests = services.map((s) => this.submitted.request(s));
    const plan = this.planner(services, requests);
    for (const [i, service] of services.entries()) {
      const addresses = plan.get(requests[i].key)!.addresses;
      if (addresses.join() === requests[i].current.join()) continue;
      this.submitted.submitted(service, addresses);
      this.pending.push({ service, addresses });
    }
  }

  /** The oldest queued write of the Service of `pending[pick]`: writes of one Service land in order. */
  private take(pick: number): Write | undefined {
    if (this.pending.length === 0) return undefined;
    const name = this.pending[pick % this.pending.length].service.metadata!.name;
    const index = this.pending.findIndex((w) => w.service.metadata!.name === name);
    return this.pending.splice(index, 1)[0];
  }

  land(pick: number): void {
    const write = this.take(pick);
    if (!write) return;
    const stored = this.server.get(write.service.metadata!.name!);
    if (!stored || stored.metadata!.uid !== write.service.metadata!.uid) {
      this.submitted.failed(write.service, write.addresses);
      return;
    }
    this.server.set(stored.metadata!.name!, {
      ...stored,
      metadata: { ...stored.metadata, resourceVersion: String(++this.version) },
      status: { loadBalancer: { ingress: write.addresses.map((ip) => ({ ip })) } },
    });
    this.submitted.landed(write.service, write.addresses);
  }

  /** The watch catches up: each Service version it has not shown yet is delivered (and observed), the cache becomes the server's. */
  deliver(): void {
    for (const [name, object] of this.server)
      if (this.cache.get(name)?.metadata?.resourceVersion !== object.metadata?.resourceVersion) this.submitted.observe(object);
    this.cache = new Map(this.server);
  }

  fail(pick: number): void {
    const write = this.take(pick);
    if (write) this.submitted.failed(write.service, write.addresses);
  }

  /** Addresses the API server shows on more than one Service. */
  duplicates(): string[] {
    const shown = [...this.server.values()].flatMap((s) => serviceIngressIPs(s));
    return shown.filter((ip, i) => shown.indexOf(ip) !== i);
  }
}

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant("create" as const), name: fc.constantFrom(...NAMES), second: fc.integer({ min: 0, max: 1 }) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant("delete" as const), name: fc.constantFrom(...NAMES) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant("plan" as const) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant("land" as const), pick: fc.nat() }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant("fail" as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant("deliver" as const) }), weight: 3 },
);

function run(world: World, steps: readonly Step[]): void {
  for (const s of steps) {
    if (s.op === "create") world.create(s.name, s.second);
    else if (s.op === "delete") world.server.delete(s.name);
    else if (s.op === "plan") world.plan();
    else if (s.op === "land") world.land(s.pick);
    else if (s.op === "fail") world.fail(s.pick);
    else world.deliver();
    expect(world.duplicates(), `after ${JSON.stringify(s)}`).to.deep.equal([]);
  }
}

describe("cluster allocator: addresses submitted and not yet seen", () => {
  for (const [mode, planner] of [
    ["GKE", gkePlanner],
    ["MetalLB", metallbPlanner],
  ] as const) {
    it(`${mode} mode: a Service created meanwhile that sorts first does not get the address of a Service whose write the watch has not shown yet`, () => {
      const world = new World(new SubmittedAddresses(() => 0), planner);
      world.create("b", 1);
      world.cache = new Map(world.server);
      world.plan();
      world.land(0);
      // the watch shows the new Service "a" (same second, sorts first), not yet b's status
      world.create("a", 1);
      world.cache = new Map([...world.server].map(([name, s]) => [name, name === "b" ? { ...s, status: undefined } : s]));
      world.plan();
      expect(world.pending.map((w) => [w.service.metadata!.name, w.addresses])).to.deep.equal([["a", ["10.0.0.2"]]]);
      world.land(0);
      expect(world.duplicates()).to.deep.equal([]);
    });

    it(`${mode} mode: random creates, deletes, plans, late or failed writes and lagging watches: the API server never shows an address on two Services, and all settle`, () => {
      fc.assert(
        fc.property(fc.array(step, { minLength: 10, maxLength: 40, size: "max" }), (steps) => {
          const world = new World(new SubmittedAddresses(() => 0), planner);
          run(world, steps);
          // quiet: the watch catches up, the allocator plans, every write lands
          for (let round = 0; round < 4; round++) {
            world.cache = new Map(world.server);
            world.plan();
            while (world.pending.length > 0) world.land(0);
            expect(world.duplicates()).to.deep.equal([]);
          }
          world.cache = new Map(world.server);
          world.plan();
          expect(world.pending, "nothing left to write").to.deep.equal([]);
          const shown = [...world.server.values()].filter((s) => serviceIngressIPs(s).length > 0).length;
          expect(shown).to.equal(Math.min(world.server.size, 6));
        }),
        { numRuns: 500 },
      );
    });
  }

  it("a landed write the watch never shows (a re-list skipped it) is believed as shown once SEEN_WITHIN_MS passed", () => {
    let now = 0;
    const submitted = new SubmittedAddresses(() => now);
    const world = new World(submitted);
    world.create("a", 0);
    world.cache = new Map(world.server);
    world.plan();
    world.land(0);
    // someone else cleared the status; the watch shows only that later version
    world.server.set("a", { ...world.server.get("a")!, status: undefined });
    world.cache = new Map(world.server);
    world.plan();
    expect(world.pending).to.deep.equal([]);
    now = SEEN_WITHIN_MS;
    world.plan();
    expect(world.pending.map((w) => w.addresses)).to.deep.equal([["10.0.0.1"]]);
  });

  it("an address another writer puts after the watch showed ours is planned from at once, even when no plan ran in between", () => {
    const world = new World(new SubmittedAddresses(() => 0));
    world.create("a", 0);
    world.deliver();
    world.plan();
    world.land(0);
    world.deliver();
    // someone else writes an address outside the pool; the watch shows it before the next plan
    const shown = world.server.get("a")!;
    world.server.set("a", { ...shown, metadata: { ...shown.metadata, resourceVersion: "99" }, status: { loadBalancer: { ingress: [{ ip: "203.0.113.7" }] } } });
    world.deliver();
    world.plan();
    expect(world.pending.map((w) => w.addresses)).to.deep.equal([["10.0.0.1"]]);
  });

  it("a Service deleted and made again under its name is planned afresh", () => {
    const world = new World(new SubmittedAddresses(() => 0));
    world.create("a", 0);
    world.cache = new Map(world.server);
    world.plan();
    world.server.delete("a");
    world.create("a", 1);
    world.cache = new Map(world.server);
    world.land(0);
    world.plan();
    expect(world.pending.map((w) => [w.service.metadata!.uid, w.addresses])).to.deep.equal([["uid-2", ["10.0.0.1"]]]);
  });
});
