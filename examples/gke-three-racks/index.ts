// Three racks, each with a node subnet, nodes, a ToR and two floating IPs:
// the GkeRackTopology helper builds the cluster load balancer, floating IPs,
// one data-plane peer per ToR and the peer selection, validated together.
// A copy outside this repository imports "bgplb/pulumi" instead.
import * as bgplb from "../../provider";

const target = bgplb.stackTarget();

const topology = new bgplb.GkeRackTopology(
  "edge",
  {
    clusterName: "edge",
    localAsn: 65001,
    torAsn: 65002,
    controlPlaneVip: "10.0.0.8",
    ingressVip: "10.0.0.10",
    addressPools: [{ name: "services", addresses: ["10.0.0.10-10.0.0.30"] }],
    racks: [
      {
        name: "rack1",
        subnet: "10.0.1.0/24",
        controlPlaneNodes: ["10.0.1.10"],
        loadBalancerNodes: ["10.0.1.20"],
        torIp: "10.0.1.254",
        floatingIps: ["10.0.1.100", "10.0.1.101"],
      },
      {
        name: "rack2",
        subnet: "10.0.2.0/24",
        controlPlaneNodes: ["10.0.2.10"],
        loadBalancerNodes: ["10.0.2.20"],
        torIp: "10.0.2.254",
        floatingIps: ["10.0.2.100", "10.0.2.101"],
      },
      {
        name: "rack3",
        subnet: "10.0.3.0/24",
        controlPlaneNodes: ["10.0.3.10"],
        loadBalancerNodes: ["10.0.3.20"],
        torIp: "10.0.3.254",
        floatingIps: ["10.0.3.100", "10.0.3.101"],
      },
    ],
    applyToCluster: target.applyToCluster,
  },
  target.options,
);

const rendered = target.publish([topology.objects]);

/** Every rendered object. */
export const objects = [topology.objects];
/** The files written to the GitOps directory (when rendering). */
export const files = rendered?.files;
