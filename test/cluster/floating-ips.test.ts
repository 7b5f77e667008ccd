/** Floating-IP assignment: one eligible holder per floating IP, spread, stability under node churn. */
import { expect } from "chai";
import fc from "fast-check";
import { assignFloatingIps, eligibleNodes, type FloatingIpInput, type NodeView } from "../../sdk/cluster/floating-ips";

const SUBNETS = ["10.0.1.0/24", "10.0.2.0/24"];

function node(name: string, address: string, ready = true): NodeView {
  return { name, addresses: [address], ready };
}

function input(floatingIPs: string[], nodes: NodeView[], holders: Record<string, string> = {}, speakers?: string[]): FloatingIpInput {
  return { floatingIPs, nodes, nodeSubnets: SUBNETS, holders: new Map(Object.entries(holders)), speakers: new Set(speakers ?? nodes.map((n) => n.name)) };
}

describe("cluster floating IPs: examples", () => {
  it("gives each floating IP a Ready node with a live speaker in its own subnet", () => {
    const nodes = [node("a", "10.0.1.10"), node("b", "10.0.1.11", false), node("c", "10.0.2.10"), node("d", "10.0.1.12")];
    const plan = assignFloatingIps(input(["10.0.1.100", "10.0.2.100", "10.0.3.100"], nodes, {}, ["a", "b", "c"]));
    expect(Object.fromEntries(plan)).to.deep.equal({ "10.0.1.100": "a", "10.0.2.100": "c", "10.0.3.100": undefined });
  });

  it("keeps a floating IP with its holder while the holder stays eligible, and moves it when the holder goes", () => {
    const nodes = [node("a", "10.0.1.10"), node("b", "10.0.1.11"), node("c", "10.0.1.12")];
    const before = assignFloatingIps(input(["10.0.1.100", "10.0.1.101"], nodes, { "10.0.1.100": "c", "10.0.1.101": "a" }));
    expect(Object.fromEntries(before)).to.deep.equal({ "10.0.1.100": "c", "10.0.1.101": "a" });
    const after = assignFloatingIps(input(["10.0.1.100", "10.0.1.101"], nodes, { "10.0.1.100": "c", "10.0.1.101": "a" }, ["a", "b"]));
    expect(after.get("10.0.1.101")).to.equal("a");
    expect(after.get("10.0.1.100")).to.equal("b");
  });

  it("lists eligible nodes by name", () => {
    const nodes = [node("z", "10.0.1.10"), node("m", "10.0.1.11"), node("x", "10.0.2.11")];
    expect(eligibleNodes("10.0.1.100", { nodes, nodeSubnets: SUBNETS, speakers: new Set(["z", "m", "x"]) }).map((n) => n.name)).to.deep.equal(["m", "z"]);
  });
});

/** Nodes and floating IPs in two subnets, some nodes not Ready or without a speaker, holders arbitrary. */
const arbWorld = fc
  .record({
    nodes: fc.uniqueArray(
      fc.record({
        name: fc.stringMatching(/^n[0-9]{1,2}$/),
        subnet: fc.integer({ min: 1, max: 2 }),
        host: fc.integer({ min: 1, max: 50 }),
        ready: fc.boolean(),
        speaker: fc.boolean(),
      }),
      { maxLength: 12, selector: (n) => n.name },
    ),
    fips: fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 100, max: 120 })), { maxLength: 10, selector: ([s, h]) => `${s}.${h}` }),
    holderPicks: fc.array(fc.nat(), { maxLength: 10 }),
  })
  .map(({ nodes, fips, holderPicks }) => {
    const views = nodes.map((n) => node(n.name, `10.0.${n.subnet}.${n.host}`, n.ready));
    const floatingIPs = fips.map(([s, h]) => `10.0.${s}.${h}`);
    const holders: Record<string, string> = {};
    floatingIPs.forEach((fip, i) => {
      const pick = holderPicks[i];
      if (pick !== undefined && views.length > 0) holders[fip] = views[pick % views.length].name;
    });
    return input(
      floatingIPs,
      views,
      holders,
      nodes.filter((n) => n.speaker).map((n) => n.name),
    );
  });

function check(world: FloatingIpInput, plan: ReturnType<typeof assignFloatingIps>): void {
  const perSubnet = new Map<string, { fips: number; eligible: Set<string> }>();
  for (const fip of world.floatingIPs) {
    const eligible = eligibleNodes(fip, world).map((n) => n.name);
    const holder = plan.get(fip);
    if (eligible.length === 0) expect(holder, fip).to.equal(undefined);
    else expect(eligible, fip).to.include(holder);
    const subnet = fip.split(".").slice(0, 3).join(".");
    const entry = perSubnet.get(subnet) ?? { fips: 0, eligible: new Set(eligible) };
    entry.fips++;
    perSubnet.set(subnet, entry);
  }
  for (const [subnet, { fips, eligible }] of perSubnet) {
    if (eligible.size === 0) continue;
    const cap = Math.ceil(fips / eligible.size);
    for (const name of eligible) {
      const held = [...plan].filter(([fip, holder]) => holder === name && fip.startsWith(`${subnet}.`)).length;
      expect(held, `${name} in ${subnet}`).to.be.at.most(cap);
    }
  }
}

describe("cluster floating IPs: properties", () => {
  it("each floating IP goes to exactly one eligible node, and no node holds more than ceil(floating IPs / eligible nodes) of a subnet", () => {
    fc.assert(
      fc.property(arbWorld, (world) => check(world, assignFloatingIps(world))),
      { numRuns: 500 },
    );
  });

  it("is a fixed point: feeding the plan back as the holders changes nothing", () => {
    fc.assert(
      fc.property(arbWorld, (world) => {
        const plan = assignFloatingIps(world);
        const holders = new Map([...plan].filter((e): e is [string, string] => e[1] !== undefined));
        expect(Object.fromEntries(assignFloatingIps({ ...world, holders }))).to.deep.equal(Object.fromEntries(plan));
      }),
      { numRuns: 500 },
    );
  });

  it("is stable under churn: when a node's speaker dies only its floating IPs move", () => {
    fc.assert(
      fc.property(arbWorld, fc.nat(), (world, pick) => {
        const plan = assignFloatingIps(world);
        const holders = new Map([...plan].filter((e): e is [string, string] => e[1] !== undefined));
        const alive = [...world.speakers];
        if (alive.length === 0) return;
        const lost = alive[pick % alive.length];
        const after = assignFloatingIps({ ...world, holders, speakers: new Set(alive.filter((n) => n !== lost)) });
        check({ ...world, speakers: new Set(alive.filter((n) => n !== lost)) }, after);
        for (const [fip, holder] of plan) if (holder !== lost) expect(after.get(fip), fip).to.equal(holder);
      }),
      { numRuns: 500 },
    );
  });

  it("is stable under churn: a node joining takes floating IPs only from nodes above the new bound", () => {
    fc.assert(
      fc.property(arbWorld, fc.integer({ min: 1, max: 2 }), (world, subnet) => {
        const plan = assignFloatingIps(world);
        const holders = new Map([...plan].filter((e): e is [string, string] => e[1] !== undefined));
        const joined = { ...world, holders, nodes: [...world.nodes, node("new", `10.0.${subnet}.99`)], speakers: new Set([...world.speakers, "new"]) };
        const after = assignFloatingIps(joined);
        check(joined, after);
        const inSubnet = world.floatingIPs.filter((f) => f.startsWith(`10.0.${subnet}.`));
        const cap = Math.ceil(inSubnet.length / eligibleNodes(`10.0.${subnet}.100`, joined).length);
        const held = (name: string) => [...plan].filter(([f, h]) => h === name && inSubnet.includes(f)).length;
        for (const [fip, holder] of plan) {
          if (holder !== undefined && after.get(fip) !== holder) expect(held(holder), `${fip} moved off ${holder}`).to.be.above(cap);
        }
      }),
      { numRuns: 500 },
    );
  });
});
