/** Router side of a topology: router configurations, failure plans, single points of failure. */
import { expect } from "chai";
import { exampleText, parseManifests } from "../../sdk/manifest";
import { topologyObjects, topologyOf, type Topology } from "../../sdk/model";
import {
  MD5_PLACEHOLDER,
  PeeringError,
  parseFailure,
  parseNodeSpec,
  planFailures,
  planPeering,
  routerConfigs,
  routerPolicies,
  singlePointsOfFailure,
} from "../../sdk/routers";

function parse(text: string): Topology {
  const result = parseManifests([{ file: "test.yaml", text }]);
  expect(result.issues.filter((i) => i.severity === "error")).to.deep.equal([]);
  return result.topology;
}

const GKE = parse(exampleText("gke-separate-data-plane"));

const METALLB = parse(`apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: { name: fast, namespace: metallb-system }
spec: { receiveInterval: 100, transmitInterval: 100, detectMultiplier: 5 }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: tor-a, namespace: metallb-system }
spec:
  myASN: 64500
  peerASN: 64501
  peerAddress: 192.0.2.1
  password: s3cret-from-state
  bfdProfile: fast
  nodeSelectors: [{ matchLabels: { rack: a } }]
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: tor-b, namespace: metallb-system }
spec: { myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.129, ebgpMultiHop: true }
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: web, namespace: metallb-system }
spec: { addresses: [198.51.100.0/24] }
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: { name: web, namespace: metallb-system }
spec: { ipAddressPools: [web], aggregationLength: 26 }
`);

const NODES = ["n1=192.0.2.11,rack=a", "n2=192.0.2.12,rack=a", "n3=192.0.2.140,rack=b"].map(parseNodeSpec);

describe("router-config: GKE", () => {
  const configs = routerConfigs(GKE, "frr");

  it("writes one configuration per router, in address order", () => {
    expect([...configs.keys()]).to.deep.equal(["10.0.1.254", "10.0.2.254", "10.0.3.254"]);
  });

  it("peers the data-plane router with every floating IP (passive, multi-hop, sourced from its own address) and accepts exactly the pool's host routes", () => {
    const text = configs.get("10.0.3.254")!;
    for (const fip of ["10.0.3.100", "10.0.3.101"]) {
      expect(text).to.include(
        ` neighbor ${fip} remote-as 65001\n neighbor ${fip} passive\n neighbor ${fip} ebgp-multihop 255\n neighbor ${fip} update-source 10.0.3.254\n`,
      );
      expect(text).to.include(`  neighbor ${fip} route-map BGPLB-IN-V4 in\n  neighbor ${fip} route-map BGPLB-OUT out\n  neighbor ${fip} maximum-prefix 8\n`);
    }
    // the pool 10.0.0.1-10.0.0.4 as its exact CIDR cover; /32s only (GKE sends host routes)
    expect(text.split("\n").filter((l) => l.startsWith("ip prefix-list"))).to.deep.equal([
      "ip prefix-list BGPLB-IN-V4 seq 5 permit 10.0.0.1/32",
      "ip prefix-list BGPLB-IN-V4 seq 10 permit 10.0.0.2/31 ge 32",
      "ip prefix-list BGPLB-IN-V4 seq 15 permit 10.0.0.4/32",
    ]);
    expect(text).to.include("  maximum-paths 2\n");
    expect(text).not.to.include("10.0.0.8");
  });

  it("gives the control-plane routers their control-plane nodes and the control-plane VIP only", () => {
    const text = configs.get("10.0.1.254")!;
    expect(text.match(/^ neighbor \S+ remote-as/gm)).to.deep.equal([" neighbor 10.0.1.10 remote-as", " neighbor 10.0.1.11 remote-as"]);
    expect(text.split("\n").filter((l) => l.startsWith("ip prefix-list"))).to.deep.equal(["ip prefix-list BGPLB-IN-V4 seq 5 permit 10.0.0.8/32"]);
  });

  it("lists a floating IP no session uses as a standby neighbor (the cluster may open sessions from any)", () => {
    const oneSession = { ...GKE, gkeBgpPeers: GKE.gkeBgpPeers.map((p) => ({ ...p, spec: { ...p.spec, sessions: 1 } })) };
    const [policy] = routerPolicies(planPeering(oneSession)).filter((p) => p.router.address === "10.0.3.254");
    expect(policy.neighbors.map((n) => `${n.address} ${n.description.split(",")[1].trim().split(" ")[0]}`)).to.deep.equal([
      "10.0.3.100 service",
      "10.0.3.101 standby:",
    ]);
  });

  it("writes BIRD: ADD-PATH receive, exact filter, import limit, merge paths", () => {
    const text = routerConfigs(GKE, "bird", { router: "10.0.3.254" }).get("10.0.3.254")!;
    expect(text).to.include("  if net ~ [ 10.0.0.1/32, 10.0.0.2/31{32,32}, 10.0.0.4/32 ] then accept;\n  reject;\n");
    expect(text).to.include("    import filter bgplb_import_v4;\n    import limit 8 action disable;\n    export none;\n    add paths rx;\n");
    expect(text).to.include("  merge paths on limit 2;\n");
  });

  it("is deterministic: the same text whatever the order of the objects", () => {
    const reversed = topologyOf(topologyObjects(GKE).reverse());
    for (const vendor of ["frr", "bird"] as const) expect([...routerConfigs(reversed, vendor)]).to.deep.equal([...routerConfigs(GKE, vendor)]);
  });

  it("refuses a router the topology does not peer with, naming the routers", () => {
    expect(() => routerConfigs(GKE, "frr", { router: "10.9.9.9" })).to.throw(
      PeeringError,
      "router 10.9.9.9: the topology does not peer with it; routers: 10.0.1.254, 10.0.2.254, 10.0.3.254",
    );
  });
});

describe("router-config: MetalLB", () => {
  it("peers with the nodes each BGPPeer selects, with BFD timers, MD5 as a placeholder and the aggregate length", () => {
    const configs = routerConfigs(METALLB, "frr", { nodes: NODES });
    const a = configs.get("192.0.2.1")!;
    expect(a.match(/^ neighbor \S+ remote-as 64500$/gm)).to.deep.equal([" neighbor 192.0.2.11 remote-as 64500", " neighbor 192.0.2.12 remote-as 64500"]);
    expect(a).to.include(` neighbor 192.0.2.11 password ${MD5_PLACEHOLDER}\n neighbor 192.0.2.11 bfd profile bgplb-fast\n`);
    expect(a).to.include(" profile bgplb-fast\n  detect-multiplier 5\n  receive-interval 100\n  transmit-interval 100\n exit\n");
    expect(a).to.include("ip prefix-list BGPLB-IN-V4 seq 5 permit 198.51.100.0/24 ge 26 le 26\n");
    expect(a).not.to.include("s3cret-from-state");
    expect(a).not.to.include("ebgp-multihop");
    const b = configs.get("192.0.2.129")!;
    expect(b.match(/^ neighbor \S+ remote-as 64500$/gm)).to.have.length(3);
    expect(b).to.include(" neighbor 192.0.2.140 ebgp-multihop 255\n neighbor 192.0.2.140 update-source 192.0.2.129\n");
    expect(b).to.include("neighbor 192.0.2.140 maximum-prefix 4\n");
  });

  it("writes the password given instead of the placeholder", () => {
    const text = routerConfigs(METALLB, "bird", { nodes: NODES, router: "192.0.2.1", md5Password: "from-env" }).get("192.0.2.1")!;
    expect(text).to.include('  password "from-env";\n');
    expect(text).to.include("  bfd { min rx interval 100 ms; min tx interval 100 ms; multiplier 5; passive off; };\n");
    expect(text).to.include("  if net ~ [ 198.51.100.0/24{26,26} ] then accept;\n");
  });

  it("says so when no node matches any BGPPeer (no router to configure)", () => {
    const rackA = { ...METALLB, metallbBgpPeers: METALLB.metallbBgpPeers.filter((p) => p.metadata.name === "tor-a") };
    expect(() => routerConfigs(rackA, "frr", { nodes: [parseNodeSpec("x1=192.0.2.99,rack=c")] })).to.throw(
      PeeringError,
      "no router peers with MetalLB: no session is planned",
    );
  });

  it("needs the nodes", () => {
    expect(() => planPeering(METALLB)).to.throw(PeeringError, "no node is known; name them with --node");
  });
});

describe("plan: failures", () => {
  it("a failed floating IP drops its sessions; the other session still carries every next hop", () => {
    const plan = planFailures(GKE, {}, [parseFailure("fip=10.0.3.100")]);
    expect(plan.droppedSessions.map((d) => `${d.session} ${d.reason}`)).to.deep.equal(["10.0.3.100>10.0.3.254 floating IP 10.0.3.100 unusable"]);
    const pool = plan.vips.find((v) => v.vip === "pool1")!;
    expect(pool.routers).to.deep.equal([
      { router: "10.0.3.254", before: { paths: 4, nextHops: ["10.0.3.10", "10.0.3.11"] }, after: { paths: 2, nextHops: ["10.0.3.10", "10.0.3.11"] } },
    ]);
    expect(plan.lostVips).to.deep.equal([]);
  });

  it("a failed load-balancer node leaves the ECMP set; a failed node holding a floating IP moves its session", () => {
    const holder = planPeering(GKE).floatingIPs.get("10.0.3.100")!;
    const plan = planFailures(GKE, {}, [{ kind: "node", node: holder }]);
    expect(plan.movedSessions.map((m) => m.from)).to.deep.equal([holder]);
    expect(plan.movedSessions[0].to).not.to.equal(holder);
    const lbPlan = planFailures(GKE, {}, [{ kind: "node", node: "10.0.3.10" }]);
    expect(lbPlan.vips.find((v) => v.vip === "pool1")!.routers[0].after).to.deep.equal({ paths: 2, nextHops: ["10.0.3.11"] });
  });

  it("with node subnets, floating IPs stay in their subnet: the failed holder's floating IP moves to the rack's other node", () => {
    const nodeSubnets = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"];
    const holders = planPeering(GKE, { nodeSubnets }).floatingIPs;
    expect(new Set(holders.values())).to.deep.equal(new Set(["10.0.3.10", "10.0.3.11"]));
    const failed = [...holders].find(([, node]) => node === "10.0.3.10")![0];
    const plan = planFailures(GKE, { nodeSubnets }, [parseFailure("node=10.0.3.10")]);
    expect(plan.movedSessions).to.deep.equal([{ session: `${failed}>10.0.3.254`, from: "10.0.3.10", to: "10.0.3.11" }]);
    expect(plan.droppedSessions).to.deep.equal([]);
  });

  it("the only data-plane router down: the pool loses every path; both floating IPs down: the same", () => {
    expect(planFailures(GKE, {}, [parseFailure("peer=10.0.3.254")]).lostVips).to.deep.equal(["pool1"]);
    expect(planFailures(GKE, {}, [parseFailure("fip=10.0.3.100"), parseFailure("fip=10.0.3.101")]).lostVips).to.deep.equal(["pool1"]);
  });

  it("MetalLB: a link failure drops that node's session only; the rack's other node keeps the VIPs at that router", () => {
    const plan = planFailures(METALLB, { nodes: NODES }, [parseFailure("link=n1/192.0.2.1")]);
    expect(plan.droppedSessions.map((d) => d.session)).to.deep.equal(["192.0.2.11>192.0.2.1"]);
    expect(plan.vips[0].routers.find((r) => r.router === "192.0.2.1")!.after).to.deep.equal({ paths: 1, nextHops: ["192.0.2.12"] });
  });

  it("single points of failure: the GKE example's only data-plane router, and nothing else", () => {
    expect(singlePointsOfFailure(GKE, {})).to.deep.equal([{ failure: "peer=10.0.3.254", lostVips: ["pool1"] }]);
  });

  it("a VIP group no session carries (an IPv6 pool, IPv4 MetalLB peers) is unreachable before any failure, not lost by each", () => {
    const dual = {
      ...METALLB,
      ipAddressPools: METALLB.ipAddressPools.map((p) => ({ ...p, spec: { ...p.spec, addresses: [...p.spec.addresses, "2001:db8:100::/120"] } })),
    };
    const plan = planFailures(dual, { nodes: NODES }, [parseFailure("node=n3")]);
    expect([plan.lostVips, plan.unreachableVips]).to.deep.equal([[], ["web IPv6"]]);
    expect(singlePointsOfFailure(dual, { nodes: NODES }).map((s) => s.lostVips)).to.deep.equal([]);
  });

  it("dualStackAddressFamily: the IPv6 pool goes over the IPv4 sessions (MP-BGP), next hop the node's IPv6 address or ::ffff: and its IPv4 address, as the speaker sends; the routers accept IPv6 from those neighbors", () => {
    const dual = {
      ...METALLB,
      metallbBgpPeers: METALLB.metallbBgpPeers.map((p) => ({ ...p, spec: { ...p.spec, dualStackAddressFamily: true } })),
      ipAddressPools: METALLB.ipAddressPools.map((p) => ({ ...p, spec: { ...p.spec, addresses: [...p.spec.addresses, "2001:db8:100::/120"] } })),
    };
    const nodes = ["n1=192.0.2.11,2001:db8::11,rack=a", "n2=192.0.2.12,rack=a", "n3=192.0.2.140,rack=b"].map(parseNodeSpec);
    const ipv6 = planPeering(dual, { nodes }).sessions.map((s) => [s.id, s.routes.filter((r) => r.family === 6).map((r) => r.nextHops.join())]);
    expect(ipv6).to.deep.include.members([
      ["192.0.2.11>192.0.2.1", ["2001:db8::11"]],
      ["192.0.2.12>192.0.2.1", ["::ffff:192.0.2.12"]],
    ]);
    expect(planFailures(dual, { nodes }, [parseFailure("node=n3")]).unreachableVips).to.deep.equal([]);
    for (const vendor of ["frr", "bird"] as const) {
      const config = [...routerConfigs(dual, vendor, { nodes }).values()].join("\n");
      expect(config, vendor).to.match(vendor === "frr" ? /address-family ipv6 unicast[\s\S]*neighbor 192\.0\.2\.11 activate/ : /ipv6 \{/);
    }
    const plain = planPeering({ ...dual, metallbBgpPeers: METALLB.metallbBgpPeers }, { nodes }).sessions.flatMap((s) => s.routes.filter((r) => r.family === 6));
    expect(plain, "without dualStackAddressFamily: the peer address's family only").to.deep.equal([]);
  });

  it("refuses failures that name nothing, listing what exists", () => {
    expect(() => planFailures(GKE, {}, [parseFailure("node=worker-9")])).to.throw(
      PeeringError,
      "node=worker-9: no node worker-9; nodes: 10.0.1.10, 10.0.1.11, 10.0.2.11, 10.0.3.10, 10.0.3.11",
    );
    expect(() => planFailures(METALLB, { nodes: NODES }, [parseFailure("fip=192.0.2.50")])).to.throw(PeeringError, "none (MetalLB has no floating IPs)");
    expect(() => parseFailure("rack=a")).to.throw(PeeringError, "'rack=a' is not a failure; use node=NAME, fip=IP, peer=IP or link=NODE/PEER_IP");
    expect(() => parseFailure("peer=10.0.0")).to.throw(PeeringError, "'10.0.0' is not an IP address");
  });
});
