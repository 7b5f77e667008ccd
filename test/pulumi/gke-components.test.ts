import { expect } from "chai";
import {
  BgpLoadBalancer,
  BgpPeer,
  FloatingIpGroup,
  GkeClusterLoadBalancer,
  GkeRackTopology,
  TopologyValidationError,
  type GkeClusterLoadBalancerArgs,
} from "../../components";
import { appliedObjects, installMocks, settle, valueOf, type RecordingMocks } from "./mocks";

const clusterArgs: GkeClusterLoadBalancerArgs = {
  clusterName: "bm",
  clusterType: "hybrid",
  localAsn: 65001,
  controlPlaneNodes: ["10.0.1.10", "10.0.1.11", "10.0.2.10"],
  controlPlanePeers: [
    { ip: "10.0.1.254", asn: 65002, controlPlaneNodes: ["10.0.1.10", "10.0.1.11"] },
    { ip: "10.0.2.254", asn: 65002, controlPlaneNodes: ["10.0.2.10"] },
  ],
  controlPlaneVip: "10.0.0.8",
  ingressVip: "10.0.0.1",
  addressPools: [{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4"] }],
  loadBalancerNodes: ["10.0.3.10", "10.0.3.11"],
  nodeSubnets: ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"],
};

describe("GKE components", () => {
  let mocks: RecordingMocks;
  beforeEach(async () => {
    mocks = await installMocks();
  });

  it("GkeClusterLoadBalancer produces the Cluster load balancer section and applies nothing without pod ranges", async () => {
    const cluster = new GkeClusterLoadBalancer("bm", clusterArgs);
    expect(await valueOf(cluster.loadBalancer)).to.deep.equal({
      mode: "bundled",
      type: "bgp",
      localASN: 65001,
      bgpPeers: [
        { ip: "10.0.1.254", asn: 65002, controlPlaneNodes: ["10.0.1.10", "10.0.1.11"] },
        { ip: "10.0.2.254", asn: 65002, controlPlaneNodes: ["10.0.2.10"] },
      ],
      vips: { controlPlaneVIP: "10.0.0.8", ingressVIP: "10.0.0.1" },
      addressPools: [{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4"] }],
      nodePoolSpec: { nodes: [{ address: "10.0.3.10" }, { address: "10.0.3.11" }] },
    });
    expect(await valueOf(cluster.clusterNetwork)).to.deep.equal({ advancedNetworking: true });
    const [rendered] = await valueOf(cluster.objects);
    expect(rendered).to.include({ apiVersion: "baremetal.cluster.gke.io/v1", kind: "Cluster" });
    expect(rendered.metadata).to.deep.equal({ name: "bm", namespace: "cluster-bm" });
    const spec = rendered.spec as Record<string, unknown>;
    expect(spec.type).to.equal("hybrid");
    expect(spec.controlPlane).to.deep.equal({ nodePoolSpec: { nodes: [{ address: "10.0.1.10" }, { address: "10.0.1.11" }, { address: "10.0.2.10" }] } });
    expect(cluster.namespace).to.equal("cluster-bm");
    expect(cluster.loadBalancerNodes).to.deep.equal(["10.0.3.10", "10.0.3.11"]);
    await settle();
    expect(appliedObjects(mocks).size).to.equal(0);
    expect(mocks.one("bgplb:index:GkeClusterLoadBalancer", "bm").custom).to.equal(false);
  });

  it("GkeClusterLoadBalancer applies the dual-stack ClusterCIDRConfig in the cluster namespace", async () => {
    new GkeClusterLoadBalancer("bm", {
      ...clusterArgs,
      serviceCidrs: ["10.96.0.0/16", "fd00::/112"],
      addressPools: [{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4", "2001:db8::1-2001:db8::20"] }],
      podRangeIpv4: { cidr: "192.168.0.0/16", perNodeMaskSize: 24 },
      podRangeIpv6: { cidr: "2001:db8:1::/112", perNodeMaskSize: 120 },
    });
    await settle();
    const applied = appliedObjects(mocks);
    expect([...applied.keys()]).to.deep.equal(["ClusterCIDRConfig cluster-bm/cluster-cidr-config"]);
    expect(applied.get("ClusterCIDRConfig cluster-bm/cluster-cidr-config")).to.deep.equal({
      apiVersion: "baremetal.cluster.gke.io/v1alpha1",
      kind: "ClusterCIDRConfig",
      metadata: { name: "cluster-cidr-config", namespace: "cluster-bm" },
      spec: { ipv4: { cidr: "192.168.0.0/16", perNodeMaskSize: 24 }, ipv6: { cidr: "2001:db8:1::/112", perNodeMaskSize: 120 } },
    });
  });

  it("FloatingIpGroup, BgpPeer and BgpLoadBalancer apply NetworkGatewayGroup, BGPPeer and BGPLoadBalancer named as GKE requires", async () => {
    const cluster = new GkeClusterLoadBalancer("bm", clusterArgs);
    const floating = new FloatingIpGroup("bm", { cluster, floatingIps: ["10.0.3.100", "10.0.3.101"], nodeSubnets: clusterArgs.nodeSubnets });
    const peer = new BgpPeer("bgppeer1", { cluster, peerIp: "10.0.3.254", peerAsn: 65002, sessions: 2, floatingIpGroup: floating });
    const selection = new BgpLoadBalancer("bm", { cluster, peers: [peer] });
    await settle();
    const applied = appliedObjects(mocks);
    expect(applied.get("NetworkGatewayGroup cluster-bm/default")).to.deep.equal({
      apiVersion: "networking.gke.io/v1",
      kind: "NetworkGatewayGroup",
      metadata: { name: "default", namespace: "cluster-bm" },
      spec: { floatingIPs: ["10.0.3.100", "10.0.3.101"] },
    });
    expect(applied.get("BGPPeer cluster-bm/bgppeer1")).to.deep.equal({
      apiVersion: "networking.gke.io/v1",
      kind: "BGPPeer",
      metadata: { name: "bgppeer1", namespace: "cluster-bm", labels: { "cluster.baremetal.gke.io/default-peer": "true" } },
      spec: { localASN: 65001, peerASN: 65002, peerIP: "10.0.3.254", sessions: 2 },
    });
    expect(applied.get("BGPLoadBalancer cluster-bm/default")).to.deep.equal({
      apiVersion: "networking.gke.io/v1",
      kind: "BGPLoadBalancer",
      metadata: { name: "default", namespace: "cluster-bm" },
      spec: { peerSelector: { "cluster.baremetal.gke.io/default-peer": "true" } },
    });
    expect(selection.selectedPeers).to.deep.equal(["bgppeer1"]);
    expect(applied.size).to.equal(3);
  });

  it("BgpLoadBalancer checks an explicit selector against the peers", async () => {
    const cluster = new GkeClusterLoadBalancer("bm", clusterArgs);
    const a = new BgpPeer("tor-a", { cluster, peerIp: "10.0.3.254", peerAsn: 65002, labels: { rack: "a", plane: "data" } });
    const b = new BgpPeer("tor-b", { cluster, peerIp: "10.0.3.253", peerAsn: 65002, labels: { rack: "b", plane: "data" } });
    expect(new BgpLoadBalancer("derived", { cluster, peers: [a, b] }).peerSelector).to.deep.equal({ plane: "data" });
    expect(new BgpLoadBalancer("rack-a", { cluster, peers: [a, b], peerSelector: { rack: "a" } }).selectedPeers).to.deep.equal(["tor-a"]);
    expect(() => new BgpLoadBalancer("none", { cluster, peers: [a, b], peerSelector: { rack: "c" } }))
      .to.throw(TopologyValidationError)
      .with.property("diagnostics")
      .that.satisfies((ds: { code: string; path: string }[]) => ds.some((d) => d.path.startsWith("spec.peerSelector")));
    expect(
      () =>
        new BgpLoadBalancer("disjoint", { cluster, peers: [a, new BgpPeer("tor-c", { cluster, peerIp: "10.0.3.252", peerAsn: 65002, labels: { x: "y" } })] }),
    ).to.throw(/share no label/);
  });

  it("GkeRackTopology builds three racks consistently", async () => {
    const topology = new GkeRackTopology("edge", {
      clusterName: "edge",
      localAsn: 65001,
      torAsn: 65002,
      controlPlaneVip: "10.0.0.8",
      addressPools: [{ name: "services", addresses: ["10.0.0.10-10.0.0.30"] }],
      racks: [1, 2, 3].map((rack) => ({
        name: `rack${rack}`,
        subnet: `10.0.${rack}.0/24`,
        controlPlaneNodes: [`10.0.${rack}.10`],
        loadBalancerNodes: [`10.0.${rack}.20`],
        torIp: `10.0.${rack}.254`,
        floatingIps: [`10.0.${rack}.100`, `10.0.${rack}.101`],
      })),
    });
    const objects = (await valueOf(topology.objects)) as { kind: string; metadata: { name: string }; spec: Record<string, unknown> }[];
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).to.deep.equal([
      "Cluster edge",
      "NetworkGatewayGroup default",
      "BGPLoadBalancer default",
      "BGPPeer rack1-tor",
      "BGPPeer rack2-tor",
      "BGPPeer rack3-tor",
    ]);
    const loadBalancer = objects[0].spec.loadBalancer as Record<string, unknown>;
    expect(loadBalancer.bgpPeers).to.deep.equal([1, 2, 3].map((rack) => ({ ip: `10.0.${rack}.254`, asn: 65002, controlPlaneNodes: [`10.0.${rack}.10`] })));
    expect(loadBalancer.nodePoolSpec).to.deep.equal({ nodes: [1, 2, 3].map((rack) => ({ address: `10.0.${rack}.20` })) });
    expect(objects[1].spec.floatingIPs).to.deep.equal(["10.0.1.100", "10.0.1.101", "10.0.2.100", "10.0.2.101", "10.0.3.100", "10.0.3.101"]);
    expect(objects[3].spec).to.deep.equal({ localASN: 65001, peerASN: 65002, peerIP: "10.0.1.254", sessions: 2 });
    expect(topology.peerNames).to.deep.equal(["rack1-tor", "rack2-tor", "rack3-tor"]);
    expect(topology.parts().loadBalancer.selectedPeers).to.deep.equal(["rack1-tor", "rack2-tor", "rack3-tor"]);
    await settle();
    expect([...appliedObjects(mocks).keys()].sort()).to.deep.equal([
      "BGPLoadBalancer cluster-edge/default",
      "BGPPeer cluster-edge/rack1-tor",
      "BGPPeer cluster-edge/rack2-tor",
      "BGPPeer cluster-edge/rack3-tor",
      "NetworkGatewayGroup cluster-edge/default",
    ]);
  });

  describe("validation at construction", () => {
    it("fails with the core diagnostics (code, path, message), not a stack trace", () => {
      let caught: unknown;
      try {
        new GkeClusterLoadBalancer("bad", { ...clusterArgs, controlPlanePeers: [{ ip: "10.0.1.254", asn: 65001 }] });
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(TopologyValidationError);
      const error = caught as TopologyValidationError;
      expect(error.hideStack).to.equal(true);
      const ibgp = error.diagnostics.find((d) => d.code === "BGPLB012");
      expect(ibgp, error.message).to.not.equal(undefined);
      expect(ibgp!.path).to.equal("spec.loadBalancer.bgpPeers[0].asn");
      expect(ibgp!.message).to.contain("65001");
      expect(error.message).to.contain("GkeClusterLoadBalancer bad").and.contain("BGPLB012 controlPlanePeers[0].asn");
    });

    it("rejects a floating IP outside the node subnets and equal to a node", () => {
      const cluster = new GkeClusterLoadBalancer("bm", clusterArgs);
      expect(() => new FloatingIpGroup("outside", { cluster, floatingIps: ["10.9.9.9", "10.0.3.101"], nodeSubnets: clusterArgs.nodeSubnets }))
        .to.throw(TopologyValidationError)
        .with.property("diagnostics")
        .that.satisfies((ds: { path: string; message: string }[]) => ds.some((d) => d.path === "spec.floatingIPs[0]" && d.message.includes("10.9.9.9")));
    });

    it("rejects more sessions than floating IPs and an IPv6 peer", () => {
      const cluster = new GkeClusterLoadBalancer("bm", clusterArgs);
      const floating = new FloatingIpGroup("bm", { cluster, floatingIps: ["10.0.3.100", "10.0.3.101"] });
      expect(() => new BgpPeer("greedy", { cluster, peerIp: "10.0.3.254", peerAsn: 65002, sessions: 3, floatingIpGroup: floating }))
        .to.throw(TopologyValidationError)
        .with.property("message")
        .that.contains("sessions:");
      expect(() => new BgpPeer("v6", { cluster, peerIp: "2001:db8::1", peerAsn: 65002 }))
        .to.throw(TopologyValidationError)
        .with.property("message")
        .that.contains("peerIp:");
    });
  });
});
