// SPEC §2.5 #2: per-rack control-plane peering. 10.0.1.254 peers with the
// control-plane nodes 10.0.1.10 and 10.0.1.11, 10.0.2.254 with 10.0.2.10.
// A copy outside this repository imports "bgplb/pulumi" instead.
import * as bgplb from "../../provider";

const target = bgplb.stackTarget();
const nodeSubnets = ["10.0.1.0/24", "10.0.2.0/24"];

const cluster = new bgplb.GkeClusterLoadBalancer(
  "bm",
  {
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
    controlPlaneLbPort: 443,
    addressPools: [{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4"] }],
    serviceCidrs: ["10.96.0.0/20"],
    podCidrs: ["192.168.0.0/16"],
    nodeSubnets,
    applyToCluster: target.applyToCluster,
  },
  target.options,
);

const floatingIps = new bgplb.FloatingIpGroup(
  "bm",
  { cluster, floatingIps: ["10.0.1.100", "10.0.2.100"], nodeSubnets, applyToCluster: target.applyToCluster },
  target.options,
);

const rendered = target.publish([cluster.objects, floatingIps.objects]);

/** The Cluster's load balancer section, for the bmctl cluster config file. */
export const loadBalancer = cluster.loadBalancer;
/** Every rendered object. */
export const objects = [cluster.objects, floatingIps.objects];
/** The files written to the GitOps directory (when rendering). */
export const files = rendered?.files;
