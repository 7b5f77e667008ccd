// SPEC §2.5 #4: dual-stack Services. IPv4 and IPv6 Service CIDRs, a pool
// holding both families, a ClusterCIDRConfig with both pod ranges; IPv6
// routes travel over the IPv4 sessions.
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
      { ip: "10.8.0.10", asn: 65002 },
      { ip: "10.8.0.11", asn: 65002 },
    ],
    controlPlaneVip: "10.0.0.8",
    ingressVip: "203.0.113.1",
    controlPlaneLbPort: 443,
    addressPools: [{ name: "pool1", addresses: ["203.0.113.1-203.0.113.20", "2001:db8::1-2001:db8::20"] }],
    serviceCidrs: ["10.96.0.0/16", "fd00::/112"],
    podCidrs: ["192.168.0.0/16"],
    podRangeIpv4: { cidr: "192.168.0.0/16", perNodeMaskSize: 24 },
    podRangeIpv6: { cidr: "2001:db8:1::/112", perNodeMaskSize: 120 },
    clusterCidrConfigName: "cluster-wide-1",
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
