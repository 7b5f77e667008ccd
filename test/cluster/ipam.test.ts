/** Service IPAM: pools, avoidBuggyIPs, manualAssign, requested addresses, dual-stack, rebuild from status; never an address twice. */
import { expect } from "chai";
import fc from "fast-check";
import type { AddressPool } from "../../sdk/cluster/address-pools";
import { addressesInPools, planServiceAddresses, wantedFamilies, type AddressRequest } from "../../sdk/cluster/ipam";
import { parseAddressBlock, parseIp, spanContains, type IpFamily } from "../../sdk/net";

function pool(name: string, addresses: string[], options: Partial<Pick<AddressPool, "avoidBuggyIPs" | "manualAssign">> = {}): AddressPool {
  return { name, blocks: addresses.map(parseAddressBlock), avoidBuggyIPs: options.avoidBuggyIPs ?? false, manualAssign: options.manualAssign ?? false };
}

function service(key: string, extra: Partial<AddressRequest> = {}): AddressRequest {
  return { key, families: [4], requested: [], current: [], createdAt: "2026-01-01T00:00:00Z", ...extra };
}

function addressesOf(plan: ReturnType<typeof planServiceAddresses>): Record<string, readonly string[]> {
  return Object.fromEntries([...plan].map(([key, allocation]) => [key, allocation.addresses]));
}

describe("cluster IPAM: examples", () => {
  it("hands out the lowest free addresses of the first pool, then the next pool", () => {
    const plan = planServiceAddresses([pool("a", ["10.0.0.1-10.0.0.2"]), pool("b", ["10.0.1.0/30"])], [service("ns/s1"), service("ns/s2"), service("ns/s3")]);
    expect(addressesOf(plan)).to.deep.equal({ "ns/s1": ["10.0.0.1"], "ns/s2": ["10.0.0.2"], "ns/s3": ["10.0.1.0"] });
    expect(plan.get("ns/s3")!.pools).to.deep.equal(["b"]);
  });

  it("avoidBuggyIPs skips addresses ending in .0 and .255 across a /23", () => {
    const services = Array.from({ length: 256 }, (_, i) => service(`ns/s${String(i).padStart(3, "0")}`));
    const plan = planServiceAddresses([pool("p", ["10.0.0.0/23"], { avoidBuggyIPs: true })], services);
    const given = [...plan.values()].flatMap((a) => a.addresses);
    expect(given).to.not.include.members(["10.0.0.0", "10.0.0.255", "10.0.1.0"]);
    expect(given[0]).to.equal("10.0.0.1");
    expect(given[254]).to.equal("10.0.1.1");
    expect(given[255]).to.equal("10.0.1.2");
  });

  it("manualAssign pools serve only Services that request one of their addresses", () => {
    const pools = [pool("manual", ["10.0.9.0/29"], { manualAssign: true }), pool("auto", ["10.0.0.1-10.0.0.3"])];
    const plan = planServiceAddresses(pools, [service("ns/auto"), service("ns/asks", { requested: ["10.0.9.5"] })]);
    expect(addressesOf(plan)).to.deep.equal({ "ns/auto": ["10.0.0.1"], "ns/asks": ["10.0.9.5"] });
  });

  it("refuses a requested address outside every pool, naming it and the pools", () => {
    const plan = planServiceAddresses([pool("p", ["10.0.0.1-10.0.0.3"])], [service("ns/s", { requested: ["10.0.9.1"] })]);
    expect(plan.get("ns/s")).to.deep.equal({
      addresses: [],
      pools: [],
      problems: [{ reason: "RequestedAddressNotInPool", message: "spec.loadBalancerIP 10.0.9.1 is in no address pool (pools: p)" }],
    });
  });

  it("refuses a requested address another Service already has; the holder keeps it", () => {
    const plan = planServiceAddresses(
      [pool("p", ["10.0.0.1-10.0.0.3"])],
      [
        service("ns/holder", { current: ["10.0.0.2"], createdAt: "2026-02-01T00:00:00Z" }),
        service("ns/asker", { requested: ["10.0.0.2"], createdAt: "2026-01-01T00:00:00Z" }),
      ],
    );
    expect(plan.get("ns/holder")!.addresses).to.deep.equal(["10.0.0.2"]);
    expect(plan.get("ns/asker")!.problems.map((p) => p.reason)).to.deep.equal(["RequestedAddressInUse"]);
  });

  it("when two Services show one address in their status, the older keeps it and the other gets a new one", () => {
    const plan = planServiceAddresses(
      [pool("p", ["10.0.0.1-10.0.0.3"])],
      [
        service("ns/newer", { current: ["10.0.0.1"], createdAt: "2026-02-01T00:00:00Z" }),
        service("ns/older", { current: ["10.0.0.1"], createdAt: "2026-01-01T00:00:00Z" }),
      ],
    );
    expect(addressesOf(plan)).to.deep.equal({ "ns/older": ["10.0.0.1"], "ns/newer": ["10.0.0.2"] });
  });

  it("dual-stack: RequireDualStack gets both families in ipFamilies order, or nothing new when a family is missing", () => {
    const dual = pool("dual", ["203.0.113.1-203.0.113.2", "2001:db8::1-2001:db8::2"]);
    const both = planServiceAddresses([dual], [service("ns/s", { families: [6, 4], familyPolicy: "RequireDualStack" })]);
    expect(both.get("ns/s")!.addresses).to.deep.equal(["2001:db8::1", "203.0.113.1"]);
    const v4only = planServiceAddresses([pool("v4", ["203.0.113.1-203.0.113.2"])], [service("ns/s", { families: [4, 6], familyPolicy: "RequireDualStack" })]);
    expect(v4only.get("ns/s")!.addresses).to.deep.equal([]);
    expect(v4only.get("ns/s")!.problems[0].message).to.equal("no free IPv6 address in the address pools (pools: v4)");
  });

  it("dual-stack: PreferDualStack takes the primary family alone when the other is missing; SingleStack takes only the primary", () => {
    const v4only = [pool("v4", ["203.0.113.1-203.0.113.2"])];
    expect(planServiceAddresses(v4only, [service("ns/s", { families: [4, 6], familyPolicy: "PreferDualStack" })]).get("ns/s")).to.deep.equal({
      addresses: ["203.0.113.1"],
      pools: ["v4"],
      problems: [],
    });
    expect(wantedFamilies(service("ns/s", { families: [6, 4], familyPolicy: "SingleStack" }))).to.deep.equal([6]);
  });

  it("IPv6: the first address of a CIDR (all-zero interface ID) is handed out first, as MetalLB does; avoidBuggyIPs leaves IPv6 alone; a range leaves it out", () => {
    const v6 = [service("ns/s1", { families: [6] }), service("ns/s2", { families: [6] })];
    expect(addressesOf(planServiceAddresses([pool("p", ["2001:db8:19:1::/126"])], v6))).to.deep.equal({
      "ns/s1": ["2001:db8:19:1::"],
      "ns/s2": ["2001:db8:19:1::1"],
    });
    const avoid = planServiceAddresses([pool("p", ["2001:db8::ff/128", "2001:db8::100/128"], { avoidBuggyIPs: true })], v6);
    expect(addressesOf(avoid)).to.deep.equal({ "ns/s1": ["2001:db8::ff"], "ns/s2": ["2001:db8::100"] });
    const range = planServiceAddresses([pool("p", ["2001:db8:19:1::1-2001:db8:19:1::3"])], v6);
    expect(addressesOf(range)).to.deep.equal({ "ns/s1": ["2001:db8:19:1::1"], "ns/s2": ["2001:db8:19:1::2"] });
  });

  it("refuses a requested address of a family the Service does not have", () => {
    const plan = planServiceAddresses([pool("p", ["2001:db8::/120"])], [service("ns/s", { requested: ["2001:db8::5"] })]);
    expect(plan.get("ns/s")!.problems[0].message).to.equal("spec.loadBalancerIP 2001:db8::5 is IPv6 but the Service's ipFamilies give IPv4");
  });

  it("a reserved address (the ingress VIP) goes only to the Service that requests it", () => {
    const plan = planServiceAddresses(
      [pool("p", ["10.0.0.1-10.0.0.3"])],
      [service("ns/a"), service("gke-system/istio-ingress", { requested: ["10.0.0.1"] })],
      ["10.0.0.1"],
    );
    expect(addressesOf(plan)).to.deep.equal({ "ns/a": ["10.0.0.2"], "gke-system/istio-ingress": ["10.0.0.1"] });
  });

  it("moves a Service off an address whose pool became manualAssign or was removed", () => {
    const plan = planServiceAddresses([pool("p", ["10.0.0.1-10.0.0.3"])], [service("ns/s", { current: ["10.0.5.5"] })]);
    expect(plan.get("ns/s")!.addresses).to.deep.equal(["10.0.0.1"]);
  });
});

const FAMILIES: readonly IpFamily[][] = [[4], [6], [4, 6], [6, 4]];

/** Small pools in disjoint areas (so they run out), each maybe IPv6 too, and addresses in and around them. */
const arbPools = fc
  .uniqueArray(
    fc.record({
      area: fc.integer({ min: 0, max: 4 }),
      from: fc.integer({ min: 0, max: 8 }),
      size: fc.integer({ min: 0, max: 6 }),
      v6: fc.boolean(),
      avoidBuggyIPs: fc.boolean(),
      manualAssign: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3, selector: (p) => p.area },
  )
  .map((specs) =>
    specs.map((p, i) => {
      const blocks = [`10.0.${p.area}.${p.from === 0 ? 254 : p.from}-10.0.${p.area}.${p.from === 0 ? 255 : p.from + p.size}`];
      if (p.area < 4) blocks.push(`10.1.${p.area}.0/30`);
      if (p.v6) blocks.push(`2001:db8:${p.area}::${p.from}-2001:db8:${p.area}::${p.from + p.size}`);
      return pool(`pool${i}`, blocks, { avoidBuggyIPs: p.avoidBuggyIPs, manualAssign: p.manualAssign });
    }),
  );

const arbAddress = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 16 })).map(([a, h]) => `10.0.${a}.${h === 16 ? 255 : h}`),
  fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 16 })).map(([a, h]) => `2001:db8:${a}::${h}`),
  fc.constantFrom("10.1.0.0", "10.1.1.3", "not-an-ip"),
);

const arbRequests = fc
  .uniqueArray(
    fc.record({
      name: fc.stringMatching(/^[a-e][0-9]$/),
      families: fc.constantFrom(...FAMILIES),
      familyPolicy: fc.constantFrom("SingleStack", "PreferDualStack", "RequireDualStack" as const),
      requested: fc.array(arbAddress, { maxLength: 1 }),
      current: fc.array(arbAddress, { maxLength: 2 }),
      created: fc.integer({ min: 0, max: 5 }),
      pools: fc.option(fc.subarray(["pool2", "pool0", "pool1"]), { nil: undefined }),
    }),
    { maxLength: 20, selector: (s) => s.name },
  )
  .map((list) =>
    list.map((s): AddressRequest => ({
      key: `ns/${s.name}`,
      families: s.families,
      familyPolicy: s.familyPolicy,
      requested: s.requested,
      current: s.current,
      createdAt: `2026-01-0${s.created + 1}T00:00:00Z`,
      ...(s.pools === undefined ? {} : { pools: s.pools }),
    })),
  );

describe("cluster IPAM: properties", () => {
  it("never gives one address to two Services, and every address lies in its named pool, one the Service may use, of a wanted family, respecting avoidBuggyIPs and manualAssign", () => {
    fc.assert(
      fc.property(arbPools, arbRequests, (pools, requests) => {
        const plan = planServiceAddresses(pools, requests);
        const seen = new Set<string>();
        for (const request of requests) {
          const allocation = plan.get(request.key)!;
          const wanted = wantedFamilies(request);
          expect(allocation.addresses.map((a) => parseIp(a).family)).to.deep.equal(
            wanted.filter((f) => allocation.addresses.some((a) => parseIp(a).family === f)),
          );
          allocation.addresses.forEach((address, i) => {
            expect(seen.has(address), `${address} given twice`).to.equal(false);
            seen.add(address);
            const owner = pools.find((p) => p.name === allocation.pools[i])!;
            expect(owner.blocks.some((b) => spanContains(b, address))).to.equal(true);
            const value = parseIp(address).value & 0xffn;
            if (owner.avoidBuggyIPs && !address.includes(":")) expect(value === 0n || value === 255n, address).to.equal(false);
            if (request.pools !== undefined) expect(request.pools).to.include(owner.name);
            if (owner.manualAssign && request.pools === undefined)
              expect(request.requested.map((r) => (r.includes(".") || r.includes(":") ? parseIp(r).text : r))).to.include(address);
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it("rebuilds the same plan from the Services' status (what a restarted speaker sees), whatever the order the Services are listed in", () => {
    fc.assert(
      fc.property(arbPools, arbRequests, fc.integer(), (pools, requests, seed) => {
        const first = planServiceAddresses(pools, requests);
        const written = requests.map((r) => ({ ...r, current: first.get(r.key)!.addresses }));
        const shuffled = fc.sample(fc.shuffledSubarray(written, { minLength: written.length, maxLength: written.length }), { numRuns: 1, seed })[0];
        expect(addressesOf(planServiceAddresses(pools, shuffled))).to.deep.equal(addressesOf(first));
      }),
      { numRuns: 300 },
    );
  });

  it("gives every IPv4 single-stack Service an address while the automatic pools have room", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 40 }), (size, count) => {
        const pools = [pool("p", [`10.0.0.1-10.0.0.${size}`])];
        const plan = planServiceAddresses(
          pools,
          Array.from({ length: count }, (_, i) => service(`ns/s${i}`)),
        );
        const given = [...plan.values()].filter((a) => a.addresses.length === 1).length;
        expect(given).to.equal(Math.min(size, count));
      }),
    );
  });
});

describe("cluster IPAM: avoidBuggyIPs and requests", () => {
  it("refuses a requested .0 or .255 address in an avoidBuggyIPs pool", () => {
    const plan = planServiceAddresses([pool("p", ["10.0.0.0/24"], { avoidBuggyIPs: true })], [service("ns/s", { requested: ["10.0.0.255"] })]);
    expect(plan.get("ns/s")!.problems).to.deep.equal([
      { reason: "RequestedAddressAvoided", message: "spec.loadBalancerIP 10.0.0.255 ends in .255 and pool p has avoidBuggyIPs" },
    ]);
  });
});

describe("cluster IPAM: pools a Service may use (MetalLB address-pool annotation, serviceAllocation)", () => {
  const pools = [pool("a", ["10.0.0.1-10.0.0.2"]), pool("b", ["10.0.1.1-10.0.1.2"]), pool("manual", ["10.0.9.1-10.0.9.2"], { manualAssign: true })];

  it("takes addresses from the Service's pools in its order of preference, never from others", () => {
    const plan = planServiceAddresses(pools, [
      service("ns/prefers-b", { pools: ["b", "a"] }),
      service("ns/only-a", { pools: ["a"], createdAt: "2026-01-02T00:00:00Z" }),
      service("ns/any", { createdAt: "2026-01-03T00:00:00Z" }),
    ]);
    expect(addressesOf(plan)).to.deep.equal({ "ns/prefers-b": ["10.0.1.1"], "ns/only-a": ["10.0.0.1"], "ns/any": ["10.0.0.2"] });
  });

  it("a manualAssign pool named by the Service serves it automatically, and its address is kept on the next plan", () => {
    const first = planServiceAddresses(pools, [service("ns/pinned", { pools: ["manual"] })]);
    expect(addressesOf(first)).to.deep.equal({ "ns/pinned": ["10.0.9.1"] });
    const again = planServiceAddresses(pools, [service("ns/pinned", { pools: ["manual"], current: ["10.0.9.1"] })]);
    expect(addressesOf(again)).to.deep.equal({ "ns/pinned": ["10.0.9.1"] });
  });

  it("moves a Service off an address of a pool it may no longer use", () => {
    const plan = planServiceAddresses(pools, [service("ns/s", { pools: ["b"], current: ["10.0.0.1"] })]);
    expect(addressesOf(plan)).to.deep.equal({ "ns/s": ["10.0.1.1"] });
  });

  it("refuses a requested address in a pool the Service may not use, naming the pool and the Service's pools", () => {
    const plan = planServiceAddresses(pools, [service("ns/s", { pools: ["b"], requested: ["10.0.0.2"] })]);
    expect(plan.get("ns/s")!.problems).to.deep.equal([
      { reason: "RequestedAddressPoolNotAllowed", message: "spec.loadBalancerIP 10.0.0.2 is in pool a, which this Service may not use (its pools: b)" },
    ]);
    expect(plan.get("ns/s")!.addresses).to.deep.equal([]);
  });

  it("with no pool it may use, says so", () => {
    const plan = planServiceAddresses(pools, [service("ns/s", { pools: [] })]);
    expect(plan.get("ns/s")!.problems).to.deep.equal([
      { reason: "NoAddressAvailable", message: "no free IPv4 address in the address pools (pools: none this Service may use)" },
    ]);
  });
});

describe("cluster IPAM: the addresses a speaker announces of those Services show", () => {
  const pools = [pool("v4", ["198.19.1.0/24"]), pool("v6", ["2001:db8:19:1::/64"])];

  it("keeps the well-formed addresses inside a pool, once each in canonical text; drops malformed ones and addresses outside every pool", () => {
    const shown = ["198.19.1.5", "not-an-ip", "203.0.113.7", "2001:DB8:19:1:0::9", "198.19.1.5", "198.19.1", "", "2001:db8:19:2::1"];
    expect(addressesInPools(shown, pools)).to.deep.equal(["198.19.1.5", "2001:db8:19:1::9"]);
  });

  it("never throws, whatever text a Service's status holds, and returns only pool addresses", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.ipV4(), fc.ipV6(), fc.constantFrom("198.19.1.1", "198.19.1.255", "::ffff:198.19.1.1"))), (shown) => {
        for (const text of addressesInPools(shown, pools)) {
          const ip = parseIp(text);
          expect(pools.some((p) => p.blocks.some((b) => b.family === ip.family && ip.value >= b.first && ip.value <= b.last))).to.equal(true);
        }
      }),
    );
  });
});
