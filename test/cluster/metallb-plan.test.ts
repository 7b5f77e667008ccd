/** MetalLB mode planning: sessions per (node, BGPPeer), routes and their attributes, pools per Service. */
import { expect } from "chai";
import fc from "fast-check";
import { metallbAddressPools, metallbAddressRequest, servicePools } from "../../sdk/cluster/metallb-addresses";
import { IBGP_DEFAULT_LOCAL_PREF, planMetallbNode, type MetallbConfiguration, type MetallbNode, type MetallbService } from "../../sdk/cluster/metallb-plan";
import { planServiceAddresses, type AddressRequest } from "../../sdk/cluster/ipam";
import { bfdProfile, bgpAdvertisement, ipAddressPool, metallbBgpPeer, type MetalLBBGPPeerSpec } from "../../sdk/model";
import { parseCommunity } from "../../sdk/validate/rules/metallb-communities";
import { parseIp } from "../../sdk/net";
import { routeText } from "../ip";

const NODES: MetallbNode[] = [
  { name: "n1", labels: { rack: "a" }, addresses: ["198.18.0.11"] },
  { name: "n2", labels: { rack: "b" }, addresses: ["198.18.0.12", "2001:db8::12"] },
  { name: "n3", labels: { rack: "b", "node.kubernetes.io/exclude-from-external-load-balancers": "" }, addresses: ["198.18.0.13"] },
];

const POOL = ipAddressPool({ name: "public", labels: { tier: "web" }, addresses: ["203.0.113.0/24", "2001:db8:f::/64"] });

function configuration(extra: Partial<MetallbConfiguration> = {}): MetallbConfiguration {
  return {
    peers: [
      metallbBgpPeer({ name: "ebgp", myASN: 4200000000, peerASN: 65002, peerAddress: "198.18.0.254" }),
      metallbBgpPeer({ name: "ibgp", myASN: 4200000000, peerASN: 4200000000, peerAddress: "198.18.0.253", nodeSelectors: [{ matchLabels: { rack: "b" } }] }),
    ],
    pools: [POOL],
    advertisements: [bgpAdvertisement({ name: "all" })],
    bfdProfiles: [],
    communityAliases: new Map(),
    ...extra,
  };
}

function service(key: string, addresses: string[], extra: Partial<MetallbService> = {}): MetallbService {
  return { key, labels: {}, addresses, externalTrafficPolicy: "Cluster", readyNodes: new Set(["n1"]), anyReady: true, ...extra };
}

/** The node's plan with route addresses and next hops as text, as the assertions write them. */
function planOf(...args: Parameters<typeof planMetallbNode>) {
  const plan = planMetallbNode(...args);
  return { ...plan, sessions: plan.sessions.map((s) => ({ ...s, routes: s.routes.map(routeText) })) };
}

const sessionsOf = (config: MetallbConfiguration, services: MetallbService[], node: string) => planOf(config, NODES, services, node).sessions;

describe("MetalLB plan: sessions", () => {
  it("one session per BGPPeer whose nodeSelectors select the node, with MetalLB's defaults (port 179, hold 90 s, router ID = node address)", () => {
    const n1 = sessionsOf(configuration(), [], "n1");
    expect(n1.map((s) => s.peerName)).to.deep.equal(["ebgp"]);
    expect(n1[0]).to.include({
      myASN: 4200000000,
      peerASN: 65002,
      peerAddress: "198.18.0.254",
      peerPort: 179,
      sourceAddress: "198.18.0.11",
      routerID: "198.18.0.11",
      holdTimeSeconds: 90,
      keepaliveTimeSeconds: undefined,
      internal: false,
      ttl: 1,
    });
    expect(n1[0].families).to.deep.equal(["ipv4-unicast"]);
    expect(sessionsOf(configuration(), [], "n2").map((s) => [s.peerName, s.internal])).to.deep.equal([
      ["ebgp", false],
      ["ibgp", true],
    ]);
  });

  it("takes peerPort, sourceAddress, routerID, holdTime, keepaliveTime-derived hold, connectTime, ebgpMultiHop, password and BFD profile timers", () => {
    const config = configuration({
      peers: [
        metallbBgpPeer({
          name: "p",
          myASN: 64512,
          peerASN: 65002,
          peerAddress: "198.18.0.254",
          peerPort: 1179,
          sourceAddress: "198.18.0.99",
          routerID: "10.255.0.1",
          keepaliveTime: "10s",
          connectTime: "5s",
          ebgpMultiHop: true,
          passwordSecret: { name: "md5" },
          bfdProfile: "fast",
        }),
        metallbBgpPeer({ name: "q", myASN: 64512, peerASN: 65002, peerAddress: "198.18.0.252", holdTime: "9s", password: "s3cret" }),
      ],
      bfdProfiles: [bfdProfile({ name: "fast", receiveInterval: 100, transmitInterval: 120, detectMultiplier: 4 })],
    });
    const [p, q] = sessionsOf(config, [], "n1");
    expect(p).to.deep.include({
      peerPort: 1179,
      sourceAddress: "198.18.0.99",
      routerID: "10.255.0.1",
      holdTimeSeconds: 30,
      keepaliveTimeSeconds: 10,
      connectTimeSeconds: 5,
      ttl: 255,
      password: { secret: { namespace: "metallb-system", name: "md5" } },
    });
    expect(p.bfd).to.deep.equal({ desiredMinTxMs: 120, requiredMinRxMs: 100, detectMultiplier: 4, passive: false });
    expect(q).to.deep.include({ holdTimeSeconds: 9, password: { value: "s3cret" }, bfd: undefined, connectTimeSeconds: undefined });
  });

  it("a BFDProfile with echoMode gives the session the Echo function at echoInterval", () => {
    const config = configuration({
      peers: [metallbBgpPeer({ name: "p", myASN: 64512, peerASN: 65002, peerAddress: "198.18.0.254", bfdProfile: "echo" })],
      bfdProfiles: [bfdProfile({ name: "echo", echoMode: true, echoInterval: 50 })],
    });
    const plan = planMetallbNode(config, NODES, [], "n1");
    expect(plan.sessions[0].bfd).to.deep.equal({ desiredMinTxMs: 300, requiredMinRxMs: 300, detectMultiplier: 3, passive: false, echoIntervalMs: 50 });
    expect(plan.problems).to.deep.equal([]);
  });

  it("leaves out and reports a peer the node has no address of its family for", () => {
    const config = configuration({ peers: [metallbBgpPeer({ name: "v6", myASN: 64512, peerASN: 65002, peerAddress: "2001:db8::254" })] });
    const plan = planOf(config, NODES, [], "n1");
    expect(plan.sessions).to.deep.equal([]);
    expect(plan.problems).to.deep.equal([
      { object: "BGPPeer/v6", message: "node n1 has no IPv6 InternalIP to reach 2001:db8::254 from, and no sourceAddress is set; no session opened" },
    ]);
    expect(planOf(config, NODES, [], "n2").sessions.map((s) => [s.peerName, s.sourceAddress, s.routerID])).to.deep.equal([
      ["v6", "2001:db8::12", "198.18.0.12"],
    ]);
  });
});

describe("MetalLB plan: vrf", () => {
  /** n2's devices: VRF red (an address of its own, eth1 and eth2 enslaved to it), blue (eth3), eth0 in the default VRF. */
  const DEVICES = new Map([
    ["eth0", [{ interfaceName: "eth0", address: "198.18.0.12", prefixLength: 24 }]],
    [
      "red",
      [
        { interfaceName: "red", address: "192.0.2.1", prefixLength: 32 },
        { interfaceName: "eth1", address: "fe80::1", prefixLength: 64 },
        { interfaceName: "eth1", address: "10.1.0.12", prefixLength: 24 },
        { interfaceName: "eth2", address: "10.2.0.12", prefixLength: 24 },
        { interfaceName: "eth2", address: "2001:db8:2::12", prefixLength: 64 },
      ],
    ],
    ["blue", [{ interfaceName: "eth3", address: "10.2.0.12", prefixLength: 24 }]],
  ]);
  const peer = (name: string, extra: Partial<MetalLBBGPPeerSpec>) =>
    metallbBgpPeer({ name, myASN: 64512, peerASN: 65002, peerAddress: "10.2.0.254", nodeSelectors: [{ matchLabels: { rack: "b" } }], ...extra });

  it("a session in the VRF: vrf carried, source and next hop the node's address in the VRF on the peer's subnet, IPv6 next hop from the VRF too", () => {
    const config = configuration({ peers: [peer("red", { vrf: "red", dualStackAddressFamily: true })] });
    const plan = planOf(config, NODES, [service("default/web", ["203.0.113.7", "2001:db8:f::7"], { readyNodes: new Set(["n2"]) })], "n2", DEVICES);
    expect(plan.problems).to.deep.equal([]);
    expect(plan.sessions).to.have.length(1);
    expect(plan.sessions[0]).to.deep.include({ peerName: "red", vrf: "red", peerAddress: "10.2.0.254", sourceAddress: "10.2.0.12", routerID: "10.2.0.12" });
    expect(plan.sessions[0].routes.map((r) => [r.address, r.length, r.nextHops])).to.deep.equal([
      ["203.0.113.7", 32, ["10.2.0.12"]],
      ["2001:db8:f::7", 128, ["2001:db8:2::12"]],
    ]);
  });

  it("sourceAddress wins over the VRF's addresses; a peer off every VRF subnet takes the VRF's first address, never a link-local one", () => {
    const config = configuration({
      peers: [peer("pinned", { vrf: "red", sourceAddress: "192.0.2.1" }), peer("far", { vrf: "red", peerAddress: "203.0.113.254" })],
    });
    const plan = planOf(config, NODES, [], "n2", DEVICES);
    expect(plan.sessions.map((s) => [s.peerName, s.vrf, s.sourceAddress])).to.deep.equal([
      ["pinned", "red", "192.0.2.1"],
      ["far", "red", "192.0.2.1"],
    ]);
    const v6 = planOf(configuration({ peers: [peer("v6", { vrf: "red", peerAddress: "2001:db8:9::1" })] }), NODES, [], "n2", DEVICES);
    expect(v6.sessions.map((s) => s.sourceAddress)).to.deep.equal(["2001:db8:2::12"]);
  });

  it("two peers of one address in two VRFs (and the default one) are three sessions, each with its VRF and that VRF's source", () => {
    const config = configuration({ peers: [peer("red", { vrf: "red" }), peer("blue", { vrf: "blue" }), peer("main", { peerAddress: "10.2.0.254" })] });
    const plan = planOf(config, NODES, [], "n2", DEVICES);
    expect(plan.sessions.map((s) => [s.peerName, s.peerAddress, s.vrf, s.sourceAddress])).to.deep.equal([
      ["red", "10.2.0.254", "red", "10.2.0.12"],
      ["blue", "10.2.0.254", "blue", "10.2.0.12"],
      ["main", "10.2.0.254", undefined, "198.18.0.12"],
    ]);
    expect(planOf(configuration({ peers: [peer("red", { vrf: "" })] }), NODES, [], "n2", DEVICES).sessions[0].vrf, 'vrf "" is the default VRF').to.equal(
      undefined,
    );
  });

  it("a VRF device the node does not have: no session, a problem naming the peer, the VRF and the node (sourceAddress or not); no VRF address of the family: reported", () => {
    const config = configuration({
      peers: [
        peer("gone", { vrf: "green" }),
        peer("pinned", { vrf: "green", sourceAddress: "10.2.0.12" }),
        peer("v6", { vrf: "blue", peerAddress: "2001:db8:9::1" }),
      ],
    });
    const plan = planOf(config, NODES, [], "n2", DEVICES);
    expect(plan.sessions).to.deep.equal([]);
    const missing = 'VRF device "green" does not exist on node n2; no session opened until it does (looked for again on every reconcile)';
    expect(plan.problems).to.deep.equal([
      { object: "BGPPeer/gone", message: missing },
      { object: "BGPPeer/pinned", message: missing },
      {
        object: "BGPPeer/v6",
        message: 'node n2 has no IPv6 address in VRF "blue" to reach 2001:db8:9::1 from, and no sourceAddress is set; no session opened',
      },
    ]);
    // the devices are looked up for each plan: once green exists the same configuration opens the sessions
    const later = new Map([...DEVICES, ["green", [{ interfaceName: "eth4", address: "10.2.0.13", prefixLength: 24 }]]]);
    expect(planOf(config, NODES, [], "n2", later).sessions.map((s) => [s.peerName, s.vrf, s.sourceAddress])).to.deep.equal([
      ["gone", "green", "10.2.0.13"],
      ["pinned", "green", "10.2.0.12"],
    ]);
  });
});

describe("MetalLB plan: TTL, keepalive, dynamic AS, BGP unnumbered", () => {
  const peer = (name: string, extra: Partial<MetalLBBGPPeerSpec>) => metallbBgpPeer({ name, myASN: 64512, peerAddress: "198.18.0.254", ...extra });

  it("TTL 1 for single-hop eBGP, 255 with ebgpMultiHop and for iBGP (as FRR, which MetalLB configures)", () => {
    const config = configuration({
      peers: [
        peer("single", { peerASN: 65002 }),
        peer("multi", { peerASN: 65002, ebgpMultiHop: true, peerAddress: "198.18.0.253" }),
        peer("ibgp", { peerASN: 64512, peerAddress: "198.18.0.252" }),
        peer("dyn-internal", { dynamicASN: "internal", peerAddress: "198.18.0.251" }),
        peer("dyn-external", { dynamicASN: "external", peerAddress: "198.18.0.250" }),
      ],
    });
    expect(sessionsOf(config, [], "n1").map((s) => [s.peerName, s.ttl])).to.deep.equal([
      ["single", 1],
      ["multi", 255],
      ["ibgp", 255],
      ["dyn-internal", 255],
      ["dyn-external", 1],
    ]);
  });

  it("keepaliveTime with holdTime is kept as given; alone it gives hold = 3 × keepalive; fractions are cut to whole seconds as MetalLB does", () => {
    const config = configuration({
      peers: [
        peer("both", { peerASN: 65002, holdTime: "90s", keepaliveTime: "5s" }),
        peer("alone", { peerASN: 65002, keepaliveTime: "7s", peerAddress: "198.18.0.253" }),
        peer("hold", { peerASN: 65002, holdTime: "30s", peerAddress: "198.18.0.252" }),
        peer("fraction", { peerASN: 65002, holdTime: "9500ms", keepaliveTime: "1500ms", peerAddress: "198.18.0.251" }),
      ],
    });
    expect(sessionsOf(config, [], "n1").map((s) => [s.peerName, s.holdTimeSeconds, s.keepaliveTimeSeconds])).to.deep.equal([
      ["both", 90, 5],
      ["alone", 21, 7],
      ["hold", 30, undefined],
      ["fraction", 9, 1],
    ]);
  });

  it("dynamicASN: the session takes the kind as its peer AS; internal ones get LOCAL_PREF and no AS prepend, external ones neither", () => {
    const config = configuration({
      peers: [peer("in", { dynamicASN: "internal" }), peer("ex", { dynamicASN: "external", peerAddress: "198.18.0.253" })],
    });
    const sessions = sessionsOf(config, [service("default/web", ["203.0.113.7"])], "n1");
    expect(sessions.map((s) => [s.peerName, s.peerASN, s.internal, s.routes[0].localPref])).to.deep.equal([
      ["in", "internal", true, IBGP_DEFAULT_LOCAL_PREF],
      ["ex", "external", false, undefined],
    ]);
    expect(planMetallbNode(config, NODES, [], "n1").problems).to.deep.equal([]);
  });

  it("interface (BGP unnumbered) is reported with the reason and no session", () => {
    const plan = planMetallbNode(
      configuration({ peers: [peer("unnumbered", { peerASN: 65002, peerAddress: undefined, interface: "eth1" })] }),
      NODES,
      [],
      "n1",
    );
    expect(plan.sessions).to.deep.equal([]);
    expect(plan.problems).to.have.length(1);
    expect(plan.problems[0].object).to.equal("BGPPeer/unnumbered");
    expect(plan.problems[0].message).to.match(
      /^interface "eth1" \(BGP unnumbered\) is not supported by bgplb speaker: .*link-local.*; set peerAddress instead; no session opened$/,
    );
  });
});

describe("MetalLB plan: input it cannot read", () => {
  it("a peer whose address does not parse is reported and left out; the other peers are planned; a Service address that does not parse is skipped", () => {
    const config = configuration({
      peers: [metallbBgpPeer({ name: "bad", myASN: 64512, peerASN: 65002, peerAddress: "198.18.0.999" }), configuration().peers[0]],
    });
    const plan = planOf(config, NODES, [service("default/odd", ["not-an-ip", "203.0.113.9"])], "n1");
    expect(plan.sessions.map((s) => [s.peerName, s.routes.map((r) => r.address)])).to.deep.equal([["ebgp", ["203.0.113.9"]]]);
    expect(plan.problems).to.have.length(1);
    expect(plan.problems[0].object).to.equal("BGPPeer/bad");
    expect(plan.problems[0].message)
      .to.include("198.18.0.999")
      .and.to.match(/; no session opened$/);
  });
});

describe("MetalLB plan: routes and attributes", () => {
  it("eBGP: the Service host route with the node as next hop, no LOCAL_PREF; iBGP: LOCAL_PREF 100 by default", () => {
    const [ebgp, ibgp] = sessionsOf(configuration(), [service("default/web", ["203.0.113.7"])], "n2");
    expect(ebgp.routes).to.deep.equal([{ family: "ipv4-unicast", address: "203.0.113.7", length: 32, nextHops: ["198.18.0.12"] }]);
    expect(ibgp.routes).to.deep.equal([
      { family: "ipv4-unicast", address: "203.0.113.7", length: 32, nextHops: ["198.18.0.12"], localPref: IBGP_DEFAULT_LOCAL_PREF },
    ]);
  });

  it("communities (a:b, large:a:b:c, Community aliases) of every covering advertisement, aggregation and localPref; unknown aliases reported", () => {
    const config = configuration({
      advertisements: [
        bgpAdvertisement({ name: "agg", aggregationLength: 24, localPref: 250, communities: ["65535:65282", "large:4200000000:1:2", "edge"] }),
        bgpAdvertisement({ name: "host", communities: ["64512:100", "nope"] }),
      ],
      communityAliases: new Map([["edge", "64512:7"]]),
    });
    const plan = planOf(config, NODES, [service("default/web", ["203.0.113.7"]), service("default/api", ["203.0.113.200"])], "n2");
    const ibgp = plan.sessions.find((s) => s.peerName === "ibgp")!;
    expect(ibgp.routes).to.deep.equal([
      {
        family: "ipv4-unicast",
        address: "203.0.113.0",
        length: 24,
        nextHops: ["198.18.0.12"],
        communities: [64512 * 65536 + 7, 0xffffff02],
        largeCommunities: [{ globalAdmin: 4200000000, localData1: 1, localData2: 2 }],
        localPref: 250,
      },
      {
        family: "ipv4-unicast",
        address: "203.0.113.7",
        length: 32,
        nextHops: ["198.18.0.12"],
        communities: [64512 * 65536 + 100],
        localPref: IBGP_DEFAULT_LOCAL_PREF,
      },
      {
        family: "ipv4-unicast",
        address: "203.0.113.200",
        length: 32,
        nextHops: ["198.18.0.12"],
        communities: [64512 * 65536 + 100],
        localPref: IBGP_DEFAULT_LOCAL_PREF,
      },
    ]);
    const ebgp = plan.sessions.find((s) => s.peerName === "ebgp")!;
    expect(ebgp.routes.every((r) => r.localPref === undefined)).to.equal(true);
    expect(plan.problems).to.deep.equal([
      { object: "BGPAdvertisement/host", message: 'community "nope" is neither a:b, large:a:b:c nor a Community alias; not sent' },
    ]);
  });

  it("honours the advertisement's peers, nodeSelectors, ipAddressPools / ipAddressPoolSelectors and serviceSelectors", () => {
    const other = ipAddressPool({ name: "other", addresses: ["192.0.2.0/24"] });
    const config = configuration({
      pools: [POOL, other],
      advertisements: [
        bgpAdvertisement({
          name: "to-ebgp-from-rack-b",
          peers: ["ebgp"],
          nodeSelectors: [{ matchLabels: { rack: "b" } }],
          ipAddressPoolSelectors: [{ matchLabels: { tier: "web" } }],
        }),
        bgpAdvertisement({ name: "other-labelled", ipAddressPools: ["other"], serviceSelectors: [{ matchLabels: { app: "db" } }] }),
      ],
    });
    const services = [
      service("default/web", ["203.0.113.7"]),
      service("default/db", ["192.0.2.5"], { labels: { app: "db" } }),
      service("default/cache", ["192.0.2.6"]),
    ];
    const prefixes = (node: string) => Object.fromEntries(sessionsOf(config, services, node).map((s) => [s.peerName, s.routes.map((r) => r.address)]));
    expect(prefixes("n1")).to.deep.equal({ ebgp: ["192.0.2.5"] });
    expect(prefixes("n2")).to.deep.equal({ ebgp: ["192.0.2.5", "203.0.113.7"], ibgp: ["192.0.2.5"] });
  });

  it("externalTrafficPolicy Local: only nodes with a ready endpoint advertise; Cluster: every node while any endpoint is ready; excluded nodes never", () => {
    const local = service("default/local", ["203.0.113.8"], { externalTrafficPolicy: "Local", readyNodes: new Set(["n2"]) });
    const idle = service("default/idle", ["203.0.113.9"], { readyNodes: new Set(), anyReady: false });
    const cluster = service("default/cluster", ["203.0.113.10"], { readyNodes: new Set(["n2"]) });
    const routes = (node: string) =>
      sessionsOf(configuration(), [local, idle, cluster], node)
        .find((s) => s.peerName === "ebgp")!
        .routes.map((r) => r.address);
    expect(routes("n1")).to.deep.equal(["203.0.113.10"]);
    expect(routes("n2")).to.deep.equal(["203.0.113.8", "203.0.113.10"]);
    expect(routes("n3")).to.deep.equal([]);
  });

  it("a session carries its peer address's family only (MetalLB v0.15; disableMP changes nothing); dualStackAddressFamily adds the other", () => {
    const services = [service("default/web", ["2001:db8:f::7", "203.0.113.7"])];
    const peer = (name: string, peerAddress: string, extra: { disableMP?: boolean; dualStackAddressFamily?: boolean } = {}) =>
      metallbBgpPeer({ name, myASN: 64512, peerASN: 65002, peerAddress, ...extra });
    const config = configuration({
      peers: [
        peer("v4", "198.18.0.254"),
        peer("v4-disable-mp", "198.18.0.251", { disableMP: true }),
        peer("v6", "2001:db8::254"),
        peer("v4-dual", "198.18.0.252", { dualStackAddressFamily: true }),
        peer("v6-dual", "2001:db8::252", { dualStackAddressFamily: true }),
      ],
    });
    const plan = sessionsOf(config, services, "n2").map((s) => [s.peerName, s.families, s.routes.map((r) => `${r.address} via ${r.nextHops.join()}`)]);
    expect(plan).to.deep.equal([
      ["v4", ["ipv4-unicast"], ["203.0.113.7 via 198.18.0.12"]],
      ["v4-disable-mp", ["ipv4-unicast"], ["203.0.113.7 via 198.18.0.12"]],
      ["v6", ["ipv6-unicast"], ["2001:db8:f::7 via 2001:db8::12"]],
      ["v4-dual", ["ipv4-unicast", "ipv6-unicast"], ["203.0.113.7 via 198.18.0.12", "2001:db8:f::7 via 2001:db8::12"]],
      ["v6-dual", ["ipv4-unicast", "ipv6-unicast"], ["203.0.113.7 via 198.18.0.12", "2001:db8:f::7 via 2001:db8::12"]],
    ]);
  });

  it("an IPv6 Service address over a dual-stack IPv4 session uses the node's IPv6 address as next hop, or ::ffff:a.b.c.d without one", () => {
    const web = service("default/web", ["2001:db8:f::7"]);
    const dual = configuration({
      peers: [metallbBgpPeer({ name: "ebgp", myASN: 4200000000, peerASN: 65002, peerAddress: "198.18.0.254", dualStackAddressFamily: true })],
    });
    expect(sessionsOf(dual, [web], "n2")[0].routes[0]).to.deep.include({
      family: "ipv6-unicast",
      address: "2001:db8:f::7",
      length: 128,
      nextHops: ["2001:db8::12"],
    });
    expect(sessionsOf(dual, [web], "n1")[0].routes[0].nextHops).to.deep.equal(["::ffff:198.18.0.11"]);
    expect(sessionsOf(configuration(), [web], "n1")[0].routes).to.deep.equal([]);
  });
});

describe("MetalLB plan: properties", () => {
  const arbService = fc.record({
    host: fc.integer({ min: 0, max: 255 }),
    local: fc.boolean(),
    readyOn: fc.subarray(["n1", "n2", "n3"]),
  });
  it("every route covers a Service address; LOCAL_PREF only on iBGP; next hop is the session's source; Local Services only from nodes with a ready endpoint; aggregation length as configured", () => {
    fc.assert(
      fc.property(
        fc.array(arbService, { maxLength: 8 }),
        fc.integer({ min: 24, max: 32 }),
        fc.constantFrom("n1", "n2", "n3"),
        (specs, aggregationLength, node) => {
          const services = specs.map((s, i) =>
            service(`ns/s${i}`, [`203.0.113.${s.host}`], {
              externalTrafficPolicy: s.local ? "Local" : "Cluster",
              readyNodes: new Set(s.readyOn),
              anyReady: s.readyOn.length > 0,
            }),
          );
          const config = configuration({ advertisements: [bgpAdvertisement({ name: "a", aggregationLength })] });
          for (const session of sessionsOf(config, services, node)) {
            for (const route of session.routes) {
              expect(route.length).to.equal(aggregationLength);
              expect(route.nextHops).to.deep.equal([session.sourceAddress]);
              expect(route.localPref !== undefined).to.equal(session.internal);
              const mask = (1n << BigInt(32 - aggregationLength)) - 1n;
              const covered = services.filter((s) => (parseIp(s.addresses[0]).value & ~mask) === parseIp(route.address).value);
              expect(
                covered.some((s) => (s.externalTrafficPolicy === "Local" ? s.readyNodes.has(node) : s.anyReady)),
                route.address,
              ).to.equal(true);
            }
            const advertised = new Set(session.routes.map((r) => r.address));
            for (const s of services) {
              const wanted = node !== "n3" && (s.externalTrafficPolicy === "Local" ? s.readyNodes.has(node) : s.anyReady);
              const prefix = parseIp(s.addresses[0]).value & ~((1n << BigInt(32 - aggregationLength)) - 1n);
              if (wanted)
                expect(
                  [...advertised].some((a) => parseIp(a).value === prefix),
                  s.key,
                ).to.equal(true);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("parseCommunity reads every valid a:b and large:a:b:c and refuses out-of-range parts", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffffff }), (a, b, c) => {
        expect(parseCommunity(`${a}:${b}`)).to.deep.equal({ standard: a * 65536 + b });
        expect(parseCommunity(`large:${c}:${a}:${b}`)).to.deep.equal({ large: { globalAdmin: c, localData1: a, localData2: b } });
        expect(parseCommunity(`${a + 0x10000}:${b}`)).to.equal(undefined);
        expect(parseCommunity(`large:${c + 0x100000000}:${a}:${b}`)).to.equal(undefined);
      }),
    );
  });
});

describe("MetalLB pools for a Service (IPAM shared with the GKE mode)", () => {
  const pools = [
    ipAddressPool({ name: "general", addresses: ["10.0.0.1-10.0.0.4"] }),
    ipAddressPool({ name: "manual", addresses: ["10.0.9.1-10.0.9.4"], autoAssign: false }),
    ipAddressPool({ name: "team-low", addresses: ["10.0.2.1-10.0.2.4"], serviceAllocation: { priority: 20, namespaces: ["team"] } }),
    ipAddressPool({
      name: "team-high",
      addresses: ["10.0.1.1-10.0.1.4"],
      serviceAllocation: { priority: 10, namespaceSelectors: [{ matchLabels: { owner: "team" } }] },
    }),
    ipAddressPool({ name: "db-only", addresses: ["10.0.3.1-10.0.3.4"], serviceAllocation: { serviceSelectors: [{ matchLabels: { app: "db" } }] } }),
  ];
  const namespaces = new Map([["team", { owner: "team" }]]);
  const identity = (namespace: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}) => ({ namespace, labels, annotations });

  it("serviceAllocation pools that admit the Service by priority, then the pools without serviceAllocation; autoAssign false left out", () => {
    expect(servicePools(identity("team"), pools, namespaces)).to.deep.equal(["team-high", "team-low", "general"]);
    expect(servicePools(identity("default", { app: "db" }), pools, namespaces)).to.deep.equal(["db-only", "general"]);
    expect(servicePools(identity("default"), pools, namespaces)).to.deep.equal(["general"]);
  });

  it("the address-pool annotation (new or deprecated prefix) pins the pool, manual pools included; loadBalancerIPs annotation gives the requested addresses", () => {
    expect(servicePools(identity("default", {}, { "metallb.universe.tf/address-pool": "manual" }), pools, namespaces)).to.deep.equal(["manual"]);
    const base: AddressRequest = { key: "default/s", families: [4], requested: [], current: [], createdAt: "2026-01-01T00:00:00Z" };
    const pinned = metallbAddressRequest(base, identity("default", {}, { "metallb.io/address-pool": "manual" }), pools, namespaces);
    const asks = metallbAddressRequest(
      { ...base, key: "default/asks" },
      identity("default", {}, { "metallb.io/loadBalancerIPs": "10.0.3.2, 2001:db8::1" }),
      pools,
      namespaces,
    );
    expect(asks.requested).to.deep.equal(["10.0.3.2", "2001:db8::1"]);
    const plan = planServiceAddresses(metallbAddressPools(pools), [pinned, { ...base, key: "default/other" }, { ...asks, families: [4] }]);
    expect(plan.get("default/s")!.addresses).to.deep.equal(["10.0.9.1"]);
    expect(plan.get("default/other")!.addresses).to.deep.equal(["10.0.0.1"]);
    expect(plan.get("default/asks")!.addresses).to.deep.equal(["10.0.3.2"]);
  });
});
