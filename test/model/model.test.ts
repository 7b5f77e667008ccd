import { expect } from "chai";
import {
  DurationError,
  bfdProfile,
  bgpLoadBalancer,
  clusterNamespace,
  durationSeconds,
  formatPath,
  gkeBgpPeer,
  gkeCluster,
  ipAddressPool,
  mergeTopologies,
  metallbBgpPeer,
  networkGatewayGroup,
  topologyObjects,
  topologyOf,
} from "../../sdk/model";
import { immutableFieldAt } from "../../sdk/schema";

describe("model", () => {
  it("formats paths as users read them", () => {
    expect(formatPath(["spec", "loadBalancer", "bgpPeers", 1, "asn"])).to.equal("spec.loadBalancer.bgpPeers[1].asn");
    expect(formatPath(["metadata", "labels", "cluster.baremetal.gke.io/default-peer"])).to.equal('metadata.labels["cluster.baremetal.gke.io/default-peer"]');
  });

  it("reads Go durations", () => {
    expect(durationSeconds("10s")).to.equal(10);
    expect(durationSeconds("1m30s")).to.equal(90);
    expect(durationSeconds("1.5h")).to.equal(5400);
    expect(durationSeconds("300ms")).to.be.closeTo(0.3, 1e-9);
    expect(() => durationSeconds("10")).to.throw(DurationError, '"10" is not a duration');
    expect(() => durationSeconds("s10")).to.throw(DurationError);
  });

  it("knows the fields that cannot change after creation", () => {
    const at = (path: (string | number)[]) => immutableFieldAt("baremetal.cluster.gke.io/v1", "Cluster", path)?.path.join(".");
    expect(at(["spec", "loadBalancer", "localASN"])).to.equal("spec.loadBalancer.localASN");
    expect(at(["spec", "loadBalancer", "vips"])).to.equal("spec.loadBalancer.vips.controlPlaneVIP");
    expect(at(["spec", "loadBalancer", "bgpPeers", 0, "asn"])).to.equal(undefined);
    expect(immutableFieldAt("networking.gke.io/v1", "BGPPeer", ["spec", "loadBalancer", "localASN"])).to.equal(undefined);
  });

  it("builds the GKE topology of SPEC §2.5 #3 with vendor field names and defaults", () => {
    const cluster = gkeCluster({
      name: "bm",
      controlPlaneNodes: ["10.0.1.10", "10.0.1.11", "10.0.2.11"],
      localASN: 65001,
      bgpPeers: [
        { ip: "10.0.1.254", asn: 65002, controlPlaneNodes: ["10.0.1.10", "10.0.1.11"] },
        { ip: "10.0.2.254", asn: 65002, controlPlaneNodes: ["10.0.2.11"] },
      ],
      controlPlaneVIP: "10.0.0.8",
    });
    expect(cluster.metadata).to.deep.equal({ name: "bm", namespace: "cluster-bm" });
    expect(cluster.spec.loadBalancer).to.deep.equal({
      mode: "bundled",
      type: "bgp",
      localASN: 65001,
      bgpPeers: [
        { ip: "10.0.1.254", asn: 65002, controlPlaneNodes: ["10.0.1.10", "10.0.1.11"] },
        { ip: "10.0.2.254", asn: 65002, controlPlaneNodes: ["10.0.2.11"] },
      ],
      vips: { controlPlaneVIP: "10.0.0.8" },
    });
    expect(cluster.spec.clusterNetwork).to.deep.equal({ advancedNetworking: true });
    const ngg = networkGatewayGroup({ clusterName: "bm", floatingIPs: ["10.0.3.100", "10.0.3.101"] });
    expect(ngg.metadata).to.deep.equal({ name: "default", namespace: clusterNamespace("bm") });
    const lb = bgpLoadBalancer({ namespace: "cluster-bm", peerSelector: { "cluster.baremetal.gke.io/default-peer": "true" } });
    const peer = gkeBgpPeer({
      clusterName: "bm",
      name: "bgppeer1",
      labels: { "cluster.baremetal.gke.io/default-peer": "true" },
      localASN: 65001,
      peerASN: 65002,
      peerIP: "10.0.3.254",
      sessions: 2,
    });
    expect(peer.spec).to.deep.equal({ localASN: 65001, peerASN: 65002, peerIP: "10.0.3.254", sessions: 2 });
    const topology = topologyOf([peer, lb, ngg, cluster]);
    expect(topology.clusters).to.deep.equal([cluster]);
    expect(topology.gkeBgpPeers).to.deep.equal([peer]);
    expect(topologyObjects(topology).map((o) => o.kind)).to.deep.equal(["Cluster", "NetworkGatewayGroup", "BGPLoadBalancer", "BGPPeer"]);
  });

  it("builds MetalLB objects in metallb-system without undefined keys and tells the two BGPPeer kinds apart", () => {
    const peer = metallbBgpPeer({ name: "peer1", myASN: 64500, peerASN: 64501, peerAddress: "10.0.0.1", routerID: "10.10.10.10", vrf: undefined });
    expect(peer).to.deep.equal({
      apiVersion: "metallb.io/v1beta2",
      kind: "BGPPeer",
      metadata: { name: "peer1", namespace: "metallb-system" },
      spec: { myASN: 64500, peerASN: 64501, peerAddress: "10.0.0.1", routerID: "10.10.10.10" },
    });
    expect(Object.keys(peer.spec)).to.not.include("vrf");
    const pool = ipAddressPool({ name: "pool1", addresses: ["4.4.4.100-4.4.4.200"] });
    const bfd = bfdProfile({ name: "fast", receiveInterval: 100 });
    const gkePeer = gkeBgpPeer({ clusterName: "x", name: "p", localASN: 1, peerASN: 2, peerIP: "10.0.0.1" });
    const merged = mergeTopologies(topologyOf([peer, pool]), topologyOf([bfd, gkePeer]));
    expect(merged.metallbBgpPeers).to.deep.equal([peer]);
    expect(merged.gkeBgpPeers).to.deep.equal([gkePeer]);
    expect(merged.bfdProfiles).to.deep.equal([bfd]);
    expect(merged.ipAddressPools).to.deep.equal([pool]);
  });
});
