/** MetalLB IP sharing (`metallb.io/allow-shared-ip`) in the shared IPAM: MetalLB's allocator rules. */
import { expect } from "chai";
import fc from "fast-check";
import { planServiceAddresses, type AddressRequest } from "../../sdk/cluster/ipam";
import { addressSharing, metallbAddressPools, metallbAddressRequest, metallbStatusOrder, type ServiceIdentity } from "../../sdk/cluster/metallb-addresses";
import { serviceIdentityOf } from "../../sdk/cluster/metallb-observed";
import { ipAddressPool } from "../../sdk/model";

const POOLS = [ipAddressPool({ name: "pool", addresses: ["10.0.0.1-10.0.0.8"] })];
const NAMESPACES = new Map<string, Record<string, string>>();

/** A Service request as the MetalLB controller builds it, created at minute `minute`. */
function svc(name: string, minute: number, identity: Partial<ServiceIdentity> & { share?: string }, request: Partial<AddressRequest> = {}): AddressRequest {
  const annotations = { ...(identity.share === undefined ? {} : { "metallb.io/allow-shared-ip": identity.share }), ...identity.annotations };
  const base: AddressRequest = {
    key: `default/${name}`,
    families: [4],
    requested: [],
    current: [],
    createdAt: `2026-01-01T00:${String(minute).padStart(2, "0")}:00Z`,
    ...request,
  };
  return metallbAddressRequest(base, { namespace: "default", labels: {}, ...identity, annotations }, POOLS, NAMESPACES);
}

function plan(...requests: AddressRequest[]) {
  return planServiceAddresses(metallbAddressPools(POOLS), requests);
}

describe("MetalLB IP sharing (allow-shared-ip)", () => {
  it("reads the sharing key (new or deprecated annotation; empty shares with nobody), ports and, for Local Services only, the selector as backend key", () => {
    const raw = {
      metadata: { namespace: "default", name: "dns", annotations: { "metallb.universe.tf/allow-shared-ip": "dns" } },
      spec: { ports: [{ port: 53, protocol: "UDP" }, { port: 53 }], externalTrafficPolicy: "Local", selector: { tier: "dns", app: "coredns" } },
    };
    expect(addressSharing(serviceIdentityOf(raw))).to.deep.equal({ key: "dns", backend: "app=coredns,tier=dns", ports: ["UDP/53", "TCP/53"] });
    expect(addressSharing(serviceIdentityOf({ ...raw, spec: { ...raw.spec, externalTrafficPolicy: "Cluster" } }))?.backend).to.equal("");
    expect(addressSharing({ namespace: "d", labels: {}, annotations: { "metallb.io/allow-shared-ip": "" } })).to.equal(undefined);
  });

  it("automatic: Services with one key and different ports get the same address; a Service without a key, or with another key, a free one", () => {
    const result = plan(
      svc("dns-udp", 1, { share: "dns", ports: ["UDP/53"] }),
      svc("dns-tcp", 2, { share: "dns", ports: ["TCP/53"] }),
      svc("plain", 3, {}),
      svc("other-key", 4, { share: "web", ports: ["TCP/443"] }),
      svc("same-port", 5, { share: "dns", ports: ["UDP/53"] }),
    );
    const addresses = (name: string) => result.get(`default/${name}`)!.addresses;
    expect(["dns-udp", "dns-tcp", "plain", "other-key", "same-port"].map(addresses)).to.deep.equal([
      ["10.0.0.1"],
      ["10.0.0.1"],
      ["10.0.0.2"],
      ["10.0.0.3"],
      ["10.0.0.4"],
    ]);
  });

  it("requested address: shared when the terms match; refused with the reason otherwise (no key, other key, port in use, other backend)", () => {
    const want = { requested: ["10.0.0.5"] };
    const first = svc("first", 1, { share: "k", ports: ["TCP/80"] }, want);
    const cases: [AddressRequest, string | undefined][] = [
      [svc("ok", 2, { share: "k", ports: ["TCP/443"] }, want), undefined],
      [svc("no-key", 2, { ports: ["TCP/443"] }, want), 'default/first shares it with key "k", and this Service has no metallb.io/allow-shared-ip'],
      [svc("other-key", 2, { share: "j", ports: ["TCP/443"] }, want), 'default/first shares it with key "k", not "j"'],
      [svc("port", 2, { share: "k", ports: ["TCP/80"] }, want), "port TCP/80 is already used on it by default/first"],
      [
        svc("local", 2, { share: "k", ports: ["TCP/443"], local: true, selector: { app: "x" } }, want),
        "default/first shares it with other endpoints (externalTrafficPolicy Local Services share only with the same selector)",
      ],
    ];
    for (const [request, reason] of cases) {
      const allocation = plan(first, request).get(request.key)!;
      if (reason === undefined) expect(allocation.addresses, request.key).to.deep.equal(["10.0.0.5"]);
      else
        expect(allocation.problems, request.key).to.deep.equal([
          { reason: "RequestedAddressInUse", message: `spec.loadBalancerIP 10.0.0.5 is already assigned to another Service (${reason})` },
        ]);
    }
    const unshared = svc("unshared", 1, {}, want);
    expect(plan(unshared, svc("later", 2, { share: "k" }, want)).get("default/later")!.problems[0].message).to.equal(
      "spec.loadBalancerIP 10.0.0.5 is already assigned to another Service (default/unshared does not allow sharing it)",
    );
    expect(plan(unshared, svc("plain", 2, {}, want)).get("default/plain")!.problems[0].message).to.equal(
      "spec.loadBalancerIP 10.0.0.5 is already assigned to another Service",
    );
  });

  it("Local Services with the same selector share; kept addresses stay shared across plans", () => {
    const local = { local: true, selector: { app: "dns" } };
    const a = svc("a", 1, { share: "dns", ports: ["UDP/53"], ...local });
    const b = svc("b", 2, { share: "dns", ports: ["TCP/53"], ...local });
    const first = plan(a, b);
    expect([first.get("default/a")!.addresses, first.get("default/b")!.addresses]).to.deep.equal([["10.0.0.1"], ["10.0.0.1"]]);
    const again = plan({ ...b, current: ["10.0.0.1"] }, { ...a, current: ["10.0.0.1"] }, svc("c", 3, {}));
    expect([again.get("default/a")!.addresses, again.get("default/b")!.addresses, again.get("default/c")!.addresses]).to.deep.equal([
      ["10.0.0.1"],
      ["10.0.0.1"],
      ["10.0.0.2"],
    ]);
  });

  it("property: an address is held by several Services only when all share one key and backend and no port twice", () => {
    const arb = fc.array(
      fc.record({ share: fc.constantFrom(undefined, "", "a", "b"), port: fc.subarray(["TCP/80", "TCP/443", "UDP/53"]), local: fc.boolean() }),
      { maxLength: 10 },
    );
    fc.assert(
      fc.property(arb, (specs) => {
        const requests = specs.map((s, i) => svc(`s${i}`, i, { share: s.share, ports: s.port, local: s.local, selector: { app: s.local ? "x" : "y" } }));
        const result = plan(...requests);
        const holders = new Map<string, AddressRequest[]>();
        for (const request of requests)
          for (const address of result.get(request.key)!.addresses) holders.set(address, [...(holders.get(address) ?? []), request]);
        for (const [address, held] of holders) {
          if (held.length === 1) continue;
          const keys = new Set(held.map((r) => r.sharing?.key));
          expect(keys.size, address).to.equal(1);
          expect([...keys][0], address).to.be.a("string");
          expect(new Set(held.map((r) => r.sharing?.backend)).size, address).to.equal(1);
          const ports = held.flatMap((r) => r.sharing?.ports ?? []);
          expect(new Set(ports).size, address).to.equal(ports.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("MetalLB: every address of a Service from one pool", () => {
  const separate = [ipAddressPool({ name: "v4", addresses: ["10.0.0.1-10.0.0.4"] }), ipAddressPool({ name: "v6", addresses: ["2001:db8::1-2001:db8::4"] })];
  const dualPool = ipAddressPool({ name: "dual", addresses: ["10.0.1.1-10.0.1.4", "2001:db8:1::1-2001:db8:1::4"] });
  const request = (
    pools: ReturnType<typeof ipAddressPool>[],
    name: string,
    families: (4 | 6)[],
    familyPolicy: AddressRequest["familyPolicy"],
    current: string[] = [],
  ): AddressRequest =>
    metallbAddressRequest(
      { key: `default/${name}`, families, familyPolicy, requested: [], current, createdAt: "2026-01-01T00:00:00Z" },
      { namespace: "default", labels: {}, annotations: {} },
      pools,
      NAMESPACES,
    );
  const planned = (pools: ReturnType<typeof ipAddressPool>[], ...requests: AddressRequest[]) => planServiceAddresses(metallbAddressPools(pools), requests);

  it("RequireDualStack: both families from the first pool holding both; none when no pool does, with the reason", () => {
    const none = planned(separate, request(separate, "d", [4, 6], "RequireDualStack")).get("default/d")!;
    expect(none.addresses).to.deep.equal([]);
    expect(none.problems).to.deep.equal([{ reason: "NoAddressAvailable", message: "no free IPv4 and IPv6 addresses in one address pool (pools: v4, v6)" }]);
    const pools = [...separate, dualPool];
    expect(planned(pools, request(pools, "d", [4, 6], "RequireDualStack")).get("default/d")).to.deep.include({
      addresses: ["10.0.1.1", "2001:db8:1::1"],
      pools: ["dual", "dual"],
    });
  });

  it("PreferDualStack without a dual pool: the primary family alone from its first pool (IPv6 first when ipFamilies says so)", () => {
    expect(planned(separate, request(separate, "p", [4, 6], "PreferDualStack")).get("default/p")!.addresses).to.deep.equal(["10.0.0.1"]);
    expect(planned(separate, request(separate, "p", [6, 4], "PreferDualStack")).get("default/p")!.addresses).to.deep.equal(["2001:db8::1"]);
  });

  it("a family added later comes from the pool of the address the Service has, or not at all", () => {
    const pools = [separate[0], dualPool];
    expect(planned(pools, request(pools, "grow", [4, 6], "PreferDualStack", ["10.0.1.3"])).get("default/grow")!.addresses).to.deep.equal([
      "10.0.1.3",
      "2001:db8:1::1",
    ]);
    const kept = planned(pools, request(pools, "grow", [4, 6], "PreferDualStack", ["10.0.0.2"])).get("default/grow")!;
    expect([kept.addresses, kept.problems]).to.deep.equal([["10.0.0.2"], []]);
  });

  it("the status lists the IPv4 address first, as MetalLB writes it, whatever ipFamilies says", () => {
    const pools = [dualPool];
    const allocation = planned(pools, request(pools, "d", [6, 4], "RequireDualStack")).get("default/d")!;
    expect(allocation.addresses).to.deep.equal(["2001:db8:1::1", "10.0.1.1"]);
    expect(metallbStatusOrder(allocation)).to.deep.include({ addresses: ["10.0.1.1", "2001:db8:1::1"], pools: ["dual", "dual"] });
  });

  it("without onePool (the GKE mode) the families still come from different pools", () => {
    const gke: AddressRequest = {
      key: "default/g",
      families: [4, 6],
      familyPolicy: "RequireDualStack",
      requested: [],
      current: [],
      createdAt: "2026-01-01T00:00:00Z",
    };
    expect(planned(separate, gke).get("default/g")!.addresses).to.deep.equal(["10.0.0.1", "2001:db8::1"]);
  });
});
