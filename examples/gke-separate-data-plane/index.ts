// SPEC §2.5 #3: control plane peers per rack (as #2, third control-plane node
// 10.0.2.11); Services peer from the floating IPs 10.0.3.100/101 with the
// data-plane router 10.0.3.254, selected by a BGPLoadBalancer.
// A copy outside this repository imports "bgplb/pulumi" instead.
import * as bgplb from "../../provider";

const target = bgplb.stackTarget();
const nodeSubnets = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"];

const cluster = new bgplb.GkeClusterLoadBalancer(
  "bm",
  {
    clusterName: "bm",
    clusterType: "hybrid",
    localAsn: 65001,
    controlPlaneNodes: ["10.0.1.10", "10.0.1.11", "10.0.2.11"],
    controlPlanePeers: [
      { ip: "10.0.1.254", asn: 65002, controlPlaneNodes: ["10.0.1.10", "10.0.1.11"] },
      { ip: "10.0.2.254", asn: 65002, controlPlaneNodes: ["10.0.2.11"] },
    ],
    controlPlaneVip: "10.0.0.8",
    ingressVip: "10.0.0.1",
    controlPlaneLbPort: 443,
    addressPools: [{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4"] }],
    loadBalancerNodes: ["10.0.3.10", "10.0.3.11"],
    serviceCidrs: ["10.96.0.0/20"],
    podCidrs: ["192.168.0.0/16"],
    nodeSubnets,
    applyToCluster: target.applyToCluster,
  },
  target.options,
);

const floatingIps = new bgplb.FloatingIpGroup(
  "bm",
  { cluster, floatingIps: ["10.0.3.100", "10.0.3.101"], nodeSubnets, applyToCluster: target.applyToCluster },
  target.options,
);

const dataPlanePeer = new bgplb.BgpPeer(
  "bgppeer1",
  { cluster, peerIp: "10.0.3.254", peerAsn: 65002, sessions: 2, floatingIpGroup: floatingIps, applyToCluster: target.applyToCluster },
  target.options,
);

const peerSelection = new bgplb.BgpLoadBalancer("bm", { cluster, peers: [dataPlanePeer], applyToCluster: target.applyToCluster }, target.options);

const rendered = target.publish([cluster.objects, floatingIps.objects, peerSelection.objects, dataPlanePeer.objects]);

/** The Cluster's load balancer section, for the bmctl cluster config file. */
export const loadBalancer = cluster.loadBalancer;
/** The BGPPeers the BGPLoadBalancer selects. */
export const selectedPeers = peerSelection.selectedPeers;
/** Every rendered object. */
export const objects = [cluster.objects, floatingIps.objects, peerSelection.objects, dataPlanePeer.objects];
/** The files written to the GitOps directory (when rendering). */
export const files = rendered?.files;
