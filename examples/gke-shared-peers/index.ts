// SPEC §2.5 #1: all nodes share the peers 10.8.0.10 and 10.8.0.11 (AS 65002);
// no BGPLoadBalancer, so the control-plane peers also carry the Service routes.
// A copy outside this repository imports "bgplb/pulumi" instead.
import * as bgplb from "../../provider";

const target = bgplb.stackTarget();

const cluster = new bgplb.GkeClusterLoadBalancer(
  "bm",
  {
    clusterName: "bm",
    clusterType: "hybrid",
    anthosBareMetalVersion: "1.16.0",
    localAsn: 65001,
    controlPlaneNodes: ["10.0.1.10", "10.0.1.11", "10.0.2.10"],
    controlPlanePeers: [
      { ip: "10.8.0.10", asn: 65002 },
      { ip: "10.8.0.11", asn: 65002 },
    ],
    controlPlaneVip: "10.0.0.8",
    ingressVip: "10.0.0.1",
    controlPlaneLbPort: 443,
    addressPools: [{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4"] }],
    serviceCidrs: ["10.96.0.0/20"],
    podCidrs: ["192.168.0.0/16"],
    nodeSubnets: ["10.0.1.0/24", "10.0.2.0/24"],
    applyToCluster: target.applyToCluster,
  },
  target.options,
);

const floatingIps = new bgplb.FloatingIpGroup(
  "bm",
  { cluster, floatingIps: ["10.0.1.100", "10.0.2.100"], nodeSubnets: ["10.0.1.0/24", "10.0.2.0/24"], applyToCluster: target.applyToCluster },
  target.options,
);

const rendered = target.publish([cluster.objects, floatingIps.objects]);

/** The Cluster's load balancer section, for the bmctl cluster config file. */
export const loadBalancer = cluster.loadBalancer;
/** Every rendered object. */
export const objects = [cluster.objects, floatingIps.objects];
/** The files written to the GitOps directory (when rendering). */
export const files = rendered?.files;
