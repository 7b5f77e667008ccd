import { expect } from "chai";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { EXAMPLE_NAMES, exampleText, parseManifests, renderYaml, type ExampleName } from "../../sdk/manifest";
import { bgpLoadBalancer, clusterCIDRConfig, gkeBgpPeer, gkeCluster, networkGatewayGroup, topologyOf, type Topology } from "../../sdk/model";

function load(name: ExampleName): Topology {
  const result = parseManifests([{ file: `${name}.yaml`, text: exampleText(name) }]);
  expect(result.issues, name).to.deep.equal([]);
  return result.topology;
}

function documentsOf(yaml: string): unknown[] {
  return parseAllDocuments(yaml).map((doc) => doc.toJS() as unknown);
}

/** Compares two YAML streams as sets of documents, ignoring document and key order. */
function expectSameDocuments(actual: string, expected: string): void {
  const byKey = (docs: unknown[]) =>
    new Map(
      docs.map((doc) => {
        const d = doc as { apiVersion: string; kind: string; metadata: { namespace?: string; name: string } };
        return [`${d.apiVersion}|${d.kind}|${d.metadata.namespace}|${d.metadata.name}`, doc];
      }),
    );
  const a = byKey(documentsOf(actual));
  const e = byKey(documentsOf(expected));
  expect([...a.keys()].sort()).to.deep.equal([...e.keys()].sort());
  for (const [key, doc] of e) expect(a.get(key), key).to.deep.equal(doc);
}

describe("manifest: bundled examples (fidelity to the vendor documents)", () => {
  for (const name of EXAMPLE_NAMES) {
    it(`${name}: parses without issues and renders back to the same text`, () => {
      const text = exampleText(name);
      expect(renderYaml(load(name))).to.equal(text);
      expectSameDocuments(renderYaml(load(name)), text);
    });
  }

  it("§2.5 #1 shared peers: every CP node peers with 10.8.0.10/11 (AS 65002), two floating IPs, no BGPLoadBalancer", () => {
    const topology = load("gke-shared-peers");
    const [cluster] = topology.clusters;
    expect(cluster.metadata).to.deep.equal({ name: "bm", namespace: "cluster-bm" });
    expect(cluster.spec.clusterNetwork!.advancedNetworking).to.equal(true);
    expect(cluster.spec.controlPlane.nodePoolSpec.nodes.map((node) => node.address)).to.deep.equal(["10.0.1.10", "10.0.1.11", "10.0.2.10"]);
    const lb = cluster.spec.loadBalancer;
    expect([lb.mode, lb.type, lb.localASN]).to.deep.equal(["bundled", "bgp", 65001]);
    expect(lb.bgpPeers).to.deep.equal([
      { ip: "10.8.0.10", asn: 65002 },
      { ip: "10.8.0.11", asn: 65002 },
    ]);
    expect(lb.ports).to.deep.equal({ controlPlaneLBPort: 443 });
    expect(lb.vips).to.deep.equal({ controlPlaneVIP: "10.0.0.8", ingressVIP: "10.0.0.1" });
    expect(lb.addressPools).to.deep.equal([{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4"] }]);
    expect(cluster.unknownFields).to.deep.equal([{ path: ["spec", "anthosBareMetalVersion"], value: "1.16.0" }]);
    expect(topology.networkGatewayGroups.map((group) => [group.metadata.name, group.metadata.namespace, group.spec.floatingIPs])).to.deep.equal([
      ["default", "cluster-bm", ["10.0.1.100", "10.0.2.100"]],
    ]);
    expect(topology.bgpLoadBalancers).to.deep.equal([]);
    expect(topology.gkeBgpPeers).to.deep.equal([]);
  });

  it("§2.5 #2 per-rack peering: 10.0.1.254 ↔ 10.0.1.10/11, 10.0.2.254 ↔ 10.0.2.10", () => {
    const lb = load("gke-per-rack-peers").clusters[0].spec.loadBalancer;
    expect(lb.bgpPeers).to.deep.equal([
      { ip: "10.0.1.254", asn: 65002, controlPlaneNodes: ["10.0.1.10", "10.0.1.11"] },
      { ip: "10.0.2.254", asn: 65002, controlPlaneNodes: ["10.0.2.10"] },
    ]);
  });

  it("§2.5 #3 separate planes: BGPLoadBalancer selects bgppeer1 10.0.3.254, 2 sessions, floating IPs 10.0.3.100/101", () => {
    const topology = load("gke-separate-data-plane");
    expect(topology.clusters[0].spec.controlPlane.nodePoolSpec.nodes.map((node) => node.address)).to.deep.equal(["10.0.1.10", "10.0.1.11", "10.0.2.11"]);
    expect(topology.clusters[0].spec.loadBalancer.bgpPeers![1]).to.deep.equal({ ip: "10.0.2.254", asn: 65002, controlPlaneNodes: ["10.0.2.11"] });
    expect(topology.networkGatewayGroups[0].spec.floatingIPs).to.deep.equal(["10.0.3.100", "10.0.3.101"]);
    expect(topology.bgpLoadBalancers).to.deep.equal([
      {
        apiVersion: "networking.gke.io/v1",
        kind: "BGPLoadBalancer",
        metadata: { name: "default", namespace: "cluster-bm" },
        spec: { peerSelector: { "cluster.baremetal.gke.io/default-peer": "true" } },
      },
    ]);
    expect(topology.gkeBgpPeers).to.deep.equal([
      {
        apiVersion: "networking.gke.io/v1",
        kind: "BGPPeer",
        metadata: { name: "bgppeer1", namespace: "cluster-bm", labels: { "cluster.baremetal.gke.io/default-peer": "true" } },
        spec: { localASN: 65001, peerASN: 65002, peerIP: "10.0.3.254", sessions: 2 },
      },
    ]);
  });

  it("§2.5 #3 built with the builders renders the same documents as the bundled file", () => {
    const label = { "cluster.baremetal.gke.io/default-peer": "true" };
    const built = topologyOf([
      gkeBgpPeer({ clusterName: "bm", name: "bgppeer1", labels: label, localASN: 65001, peerASN: 65002, peerIP: "10.0.3.254", sessions: 2 }),
      bgpLoadBalancer({ clusterName: "bm", peerSelector: label }),
      networkGatewayGroup({ clusterName: "bm", floatingIPs: ["10.0.3.100", "10.0.3.101"] }),
      gkeCluster({
        name: "bm",
        clusterType: "hybrid",
        controlPlaneNodes: ["10.0.1.10", "10.0.1.11", "10.0.2.11"],
        localASN: 65001,
        bgpPeers: [
          { ip: "10.0.1.254", asn: 65002, controlPlaneNodes: ["10.0.1.10", "10.0.1.11"] },
          { ip: "10.0.2.254", asn: 65002, controlPlaneNodes: ["10.0.2.11"] },
        ],
        controlPlaneLBPort: 443,
        controlPlaneVIP: "10.0.0.8",
        ingressVIP: "10.0.0.1",
        addressPools: [{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4"] }],
        loadBalancerNodes: ["10.0.3.10", "10.0.3.11"],
        podCidrs: ["192.168.0.0/16"],
        serviceCidrs: ["10.96.0.0/20"],
      }),
    ]);
    expectSameDocuments(renderYaml(built), exampleText("gke-separate-data-plane"));
    expect(renderYaml(built)).to.equal(exampleText("gke-separate-data-plane"));
  });

  it("§2.5 #4 dual-stack: two Service CIDRs, a v4+v6 pool, ClusterCIDRConfig for both families", () => {
    const topology = load("gke-dual-stack");
    const cluster = topology.clusters[0];
    expect(cluster.spec.clusterNetwork!.services!.cidrBlocks).to.deep.equal(["10.96.0.0/16", "fd00::/112"]);
    expect(cluster.spec.loadBalancer.addressPools).to.deep.equal([{ name: "pool1", addresses: ["203.0.113.1-203.0.113.20", "2001:db8::1-2001:db8::20"] }]);
    expect(topology.clusterCIDRConfigs).to.deep.equal([
      clusterCIDRConfig({
        clusterName: "bm",
        name: "cluster-wide-1",
        ipv4: { cidr: "192.168.0.0/16", perNodeMaskSize: 24 },
        ipv6: { cidr: "2001:db8:1::/112", perNodeMaskSize: 120 },
      }),
    ]);
    expect(topology.networkGatewayGroups[0].spec.floatingIPs).to.deep.equal(["10.0.1.100", "10.0.2.100"]);
  });

  it("MetalLB pools per peer: pool1→peer1, pool2→peer2 with community 65535:65282, aggregation 32/128, localPref 100", () => {
    const topology = load("metallb-pools-per-peer");
    expect(topology.metallbBgpPeers.map((peer) => [peer.metadata.name, peer.spec])).to.deep.equal([
      ["peer1", { myASN: 64500, peerASN: 64501, peerAddress: "10.0.0.1", routerID: "10.10.10.10" }],
      ["peer2", { myASN: 64500, peerASN: 64501, peerAddress: "10.0.0.2", routerID: "10.10.10.10" }],
    ]);
    expect(topology.ipAddressPools.map((pool) => [pool.metadata.name, pool.spec.addresses])).to.deep.equal([
      ["pool1", ["4.4.4.100-4.4.4.200", "2001:100:4::200-2001:100:4::400"]],
      ["pool2", ["5.5.5.100-5.5.5.200", "2001:100:5::200-2001:100:5::400"]],
    ]);
    expect(topology.bgpAdvertisements.map((adv) => [adv.metadata.name, adv.spec])).to.deep.equal([
      [
        "bgpadvertisement-1",
        { ipAddressPools: ["pool1"], peers: ["peer1"], communities: ["65535:65282"], aggregationLength: 32, aggregationLengthV6: 128, localPref: 100 },
      ],
      [
        "bgpadvertisement-2",
        { ipAddressPools: ["pool2"], peers: ["peer2"], communities: ["65535:65282"], aggregationLength: 32, aggregationLengthV6: 128, localPref: 100 },
      ],
    ]);
    expect(topology.metallbBgpPeers.every((peer) => peer.metadata.namespace === "metallb-system")).to.equal(true);
  });

  it("MetalLB VRF peer: frrviavrf AS 100 → 200 at 192.168.130.1 in ens4vrf, first-pool advertised to it", () => {
    const topology = load("metallb-vrf");
    expect(topology.metallbBgpPeers[0].spec).to.deep.equal({ myASN: 100, peerASN: 200, peerAddress: "192.168.130.1", vrf: "ens4vrf" });
    expect(topology.ipAddressPools[0].spec.addresses).to.deep.equal(["192.169.10.0/32"]);
    expect(topology.bgpAdvertisements[0].spec).to.deep.equal({ ipAddressPools: ["first-pool"], peers: ["frrviavrf"] });
  });

  it("MetalLB node selectors: kubernetes.io/hostname In [compute-1, compute-2]", () => {
    const [peer] = load("metallb-node-selector").metallbBgpPeers;
    expect(peer.spec.nodeSelectors).to.deep.equal([
      { matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["compute-1.example.com", "compute-2.example.com"] }] },
    ]);
    expect((parseYaml(exampleText("metallb-node-selector")) as { spec: { nodeSelectors: unknown } }).spec.nodeSelectors).to.deep.equal(peer.spec.nodeSelectors);
  });

  it("MetalLB BFD: the peer names the profile and holds 10s; the profile's timers are kept", () => {
    const topology = load("metallb-bfd");
    expect(topology.metallbBgpPeers[0].spec).to.deep.include({ holdTime: "10s", bfdProfile: "doc-example-bfd-profile-full" });
    expect(topology.bfdProfiles[0].metadata.name).to.equal("doc-example-bfd-profile-full");
    expect(topology.bfdProfiles[0].spec).to.deep.equal({
      receiveInterval: 300,
      transmitInterval: 300,
      detectMultiplier: 3,
      echoMode: false,
      passiveMode: true,
      minimumTtl: 254,
    });
  });

  it("MetalLB dual-stack: one peer per family", () => {
    expect(load("metallb-dual-stack").metallbBgpPeers.map((peer) => peer.spec.peerAddress)).to.deep.equal(["10.0.20.1", "2620:52:0:88::104"]);
  });
});
