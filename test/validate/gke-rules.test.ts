import { clusterCIDRConfig, type Cluster, type ModelObject, type OpaqueObject } from "../../sdk/model";
import { validate } from "../../sdk/validate";
import { SEED_SUBNETS, TWO_PEERS, gke, ruleCaseTests, type GkeFixture, type RuleCase } from "./fixtures";

/** A GKE rule case; `subnets`: validate with the seed's node subnets. */
interface Case extends RuleCase<GkeFixture> {
  readonly subnets?: boolean;
}

const withLoadBalancer = (edit: (lb: Cluster["spec"]["loadBalancer"]) => Cluster["spec"]["loadBalancer"]) => (c: Cluster): Cluster => ({
  ...c,
  spec: { ...c.spec, loadBalancer: edit(c.spec.loadBalancer) },
});
const service = (name: string, policy: string): OpaqueObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: "default" },
  body: { apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" }, spec: { type: "LoadBalancer", externalTrafficPolicy: policy } },
});
const nodePool = (addresses: string[]): OpaqueObject => ({
  apiVersion: "baremetal.cluster.gke.io/v1",
  kind: "NodePool",
  metadata: { name: "np1", namespace: "cluster-bm" },
  body: { spec: { clusterName: "bm", nodes: addresses.map((address) => ({ address })) } },
});
const dualCidrConfig = (spec: { ipv4?: boolean; ipv6?: boolean; v4Mask?: number }): ModelObject =>
  clusterCIDRConfig({
    clusterName: "bm",
    name: "cluster-wide-1",
    ...(spec.ipv4 === false ? {} : { ipv4: { cidr: "192.168.0.0/16", perNodeMaskSize: spec.v4Mask ?? 24 } }),
    ...(spec.ipv6 === false ? {} : { ipv6: { cidr: "2001:db8:1::/112", perNodeMaskSize: 120 } }),
  });
const DUAL = { serviceCidrs: ["10.96.0.0/16", "fd00::/112"], addressPools: [{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4", "2001:db8::1-2001:db8::20"] }] };

const CASES: readonly Case[] = [
  { title: "ASN 0 on a control-plane peer", code: "BGPLB001", severity: "error", path: "spec.loadBalancer.bgpPeers[1].asn", value: "0", fires: { cluster: { bgpPeers: [{ ip: "10.8.0.10", asn: 65002 }, { ip: "10.8.0.11", asn: 0 }] } }, quiet: {} },
  { title: "ASN above 4294967295 as cluster ASN", code: "BGPLB001", severity: "error", path: "spec.loadBalancer.localASN", value: "4294967296", fires: { cluster: { localASN: 4294967296 } }, quiet: { cluster: { localASN: 4294967295 } } },
  { title: "malformed peer address", code: "BGPLB002", severity: "error", path: "spec.loadBalancer.bgpPeers[0].ip", value: "10.8.0.300", fires: { cluster: { bgpPeers: [{ ip: "10.8.0.300", asn: 65002 }, { ip: "10.8.0.11", asn: 65002 }] } }, quiet: {} },
  { title: "malformed pool entry", code: "BGPLB003", severity: "error", path: "spec.loadBalancer.addressPools[0].addresses[0]", value: "10.0.0.0/33", fires: { cluster: { addressPools: [{ name: "pool1", addresses: ["10.0.0.0/33"] }], ingressVIP: undefined } }, quiet: {} },
  { title: "range start after end", code: "BGPLB004", severity: "error", path: "spec.loadBalancer.addressPools[0].addresses[0]", value: "10.0.0.4-10.0.0.1", fires: { cluster: { addressPools: [{ name: "pool1", addresses: ["10.0.0.4-10.0.0.1"] }], ingressVIP: undefined } }, quiet: {} },
  { title: "advancedNetworking false in BGP mode", code: "BGPLB010", severity: "error", path: "spec.clusterNetwork.advancedNetworking", value: "false", fires: { editCluster: (c) => ({ ...c, spec: { ...c.spec, clusterNetwork: { advancedNetworking: false } } }) }, quiet: {} },
  { title: "BGP mode without a cluster ASN", code: "BGPLB011", severity: "error", path: "spec.loadBalancer.localASN", value: "localASN", fires: { editCluster: withLoadBalancer(({ localASN: _drop, ...lb }) => lb) }, quiet: {} },
  { title: "control-plane peer in the cluster AS (iBGP)", code: "BGPLB012", severity: "error", path: "spec.loadBalancer.bgpPeers[1].asn", value: "65001 equals the cluster ASN (eBGP only)", fires: { cluster: { bgpPeers: [{ ip: "10.8.0.10", asn: 65002 }, { ip: "10.8.0.11", asn: 65001 }] } }, quiet: {} },
  { title: "data-plane BGPPeer in the cluster AS (iBGP)", code: "BGPLB012", severity: "error", path: "spec.peerASN", value: "65001", kind: "BGPPeer", fires: { peers: [TWO_PEERS[0], { ...TWO_PEERS[1], peerASN: 65001 }] }, quiet: { peers: TWO_PEERS } },
  { title: "IPv6 control-plane peer", code: "BGPLB013", severity: "error", path: "spec.loadBalancer.bgpPeers[0].ip", value: "2001:db8::fe", fires: { cluster: { bgpPeers: [{ ip: "2001:db8::fe", asn: 65002 }, { ip: "10.8.0.11", asn: 65002 }] } }, quiet: {} },
  { title: "IPv6 data-plane peer", code: "BGPLB013", severity: "error", path: "spec.peerIP", value: "2001:db8::fe", kind: "BGPPeer", fires: { peers: [TWO_PEERS[0], { ...TWO_PEERS[1], peerIP: "2001:db8::fe" }] }, quiet: { peers: TWO_PEERS } },
  { title: "MD5 password on a control-plane peer", code: "BGPLB014", severity: "error", path: "spec.loadBalancer.bgpPeers[0].password", value: "password", fires: { editCluster: (c) => ({ ...c, unknownFields: [{ path: ["spec", "loadBalancer", "bgpPeers", 0, "password"], value: "s3cret" }] }) }, quiet: { editCluster: (c) => ({ ...c, unknownFields: [{ path: ["spec", "loadBalancer", "bgpPeers", 0, "vrf"], value: "red" }] }) } },
  { title: "no control-plane peer", code: "BGPLB015", severity: "error", path: "spec.loadBalancer.bgpPeers", value: "empty", fires: { cluster: { bgpPeers: [] } }, quiet: {} },
  { title: "control-plane node without a peer", code: "BGPLB016", severity: "error", path: "spec.controlPlane.nodePoolSpec.nodes[2].address", value: "10.0.2.10", fires: { cluster: { bgpPeers: [{ ip: "10.0.1.254", asn: 65002, controlPlaneNodes: ["10.0.1.10", "10.0.1.11"] }] } }, quiet: { cluster: { bgpPeers: [{ ip: "10.0.1.254", asn: 65002, controlPlaneNodes: ["10.0.1.10", "10.0.1.11"] }, { ip: "10.0.2.254", asn: 65002, controlPlaneNodes: ["10.0.2.10"] }] } } },
  { title: "controlPlaneNodes naming a non-control-plane node", code: "BGPLB017", severity: "error", path: "spec.loadBalancer.bgpPeers[1].controlPlaneNodes[0]", value: "10.0.2.11", fires: { cluster: { bgpPeers: [{ ip: "10.0.1.254", asn: 65002 }, { ip: "10.0.2.254", asn: 65002, controlPlaneNodes: ["10.0.2.11"] }] } }, quiet: { cluster: { bgpPeers: [{ ip: "10.0.1.254", asn: 65002 }, { ip: "10.0.2.254", asn: 65002, controlPlaneNodes: ["10.0.2.10"] }] } } },
  { title: "a single control-plane peer", code: "BGPLB018", severity: "warning", path: "spec.loadBalancer.bgpPeers", value: "10.8.0.10", fires: { cluster: { bgpPeers: [{ ip: "10.8.0.10", asn: 65002 }] } }, quiet: {} },
  { title: "a single selected data-plane peer", code: "BGPLB018", severity: "warning", path: "spec.peerSelector", value: "bgppeer1", kind: "BGPLoadBalancer", fires: { peers: [TWO_PEERS[0]] }, quiet: { peers: TWO_PEERS } },
  { title: "the same control-plane peer twice", code: "BGPLB019", severity: "error", path: "spec.loadBalancer.bgpPeers[1].ip", value: "10.8.0.10", fires: { cluster: { bgpPeers: [{ ip: "10.8.0.10", asn: 65002 }, { ip: "10.8.0.10", asn: 65003 }] } }, quiet: {} },
  { title: "BGPPeer localASN not the cluster ASN", code: "BGPLB020", severity: "error", path: "spec.localASN", value: "65009", kind: "BGPPeer", fires: { peers: [TWO_PEERS[0], { ...TWO_PEERS[1], localASN: 65009 }] }, quiet: { peers: TWO_PEERS } },
  { title: "control-plane peer equal to a node IP", code: "BGPLB023", severity: "error", path: "spec.loadBalancer.bgpPeers[0].ip", value: "10.0.1.11", fires: { cluster: { bgpPeers: [{ ip: "10.0.1.11", asn: 65002 }, { ip: "10.8.0.11", asn: 65002 }] } }, quiet: {} },
  { title: "data-plane peer equal to a floating IP", code: "BGPLB023", severity: "error", path: "spec.peerIP", value: "10.0.1.100", kind: "BGPPeer", fires: { peers: [TWO_PEERS[0], { ...TWO_PEERS[1], peerIP: "10.0.1.100" }] }, quiet: { peers: TWO_PEERS } },
  { title: "no NetworkGatewayGroup", code: "BGPLB030", severity: "error", path: "spec.loadBalancer", value: "cluster-bm", kind: "Cluster", fires: { floatingIPs: null }, quiet: {} },
  { title: "an empty floatingIPs list", code: "BGPLB030", severity: "error", path: "spec.floatingIPs", value: "empty", kind: "NetworkGatewayGroup", fires: { floatingIPs: [] }, quiet: {} },
  { title: "a single floating IP", code: "BGPLB031", severity: "warning", path: "spec.floatingIPs", value: "10.0.1.100", fires: { floatingIPs: ["10.0.1.100"] }, quiet: {} },
  { title: "a duplicated floating IP", code: "BGPLB032", severity: "error", path: "spec.floatingIPs[1]", value: "10.0.1.100", fires: { floatingIPs: ["10.0.1.100", "10.0.1.100"] }, quiet: {} },
  { title: "a floating IP equal to a node IP", code: "BGPLB033", severity: "error", path: "spec.floatingIPs[0]", value: "10.0.1.10", fires: { floatingIPs: ["10.0.1.10", "10.0.2.100"] }, quiet: {} },
  { title: "a floating IP equal to a worker node IP (NodePool)", code: "BGPLB033", severity: "error", path: "spec.floatingIPs[1]", value: "10.0.2.50", fires: { floatingIPs: ["10.0.1.100", "10.0.2.50"], extra: [nodePool(["10.0.2.50"])] }, quiet: { extra: [nodePool(["10.0.2.50"])] } },
  { title: "a floating IP outside every node subnet", code: "BGPLB034", severity: "error", path: "spec.floatingIPs[1]", value: "10.9.0.100", subnets: true, fires: { floatingIPs: ["10.0.1.100", "10.9.0.100"] }, quiet: {} },
  { title: "node-subnet rule without node subnets", code: "BGPLB034", severity: "skipped", path: "spec.floatingIPs", value: "node subnets", fires: { floatingIPs: ["10.0.1.100", "10.9.0.100"] }, quiet: { floatingIPs: null } },
  { title: "an IPv6 floating IP", code: "BGPLB035", severity: "error", path: "spec.floatingIPs[1]", value: "2001:db8::100", fires: { floatingIPs: ["10.0.1.100", "2001:db8::100"] }, quiet: {} },
  { title: "a floating IP inside an address pool", code: "BGPLB036", severity: "error", path: "spec.floatingIPs[1]", value: "10.0.0.3", fires: { floatingIPs: ["10.0.1.100", "10.0.0.3"] }, quiet: {} },
  { title: "a peerSelector selecting nothing", code: "BGPLB040", severity: "error", path: "spec.peerSelector", value: "rack", kind: "BGPLoadBalancer", fires: { peers: TWO_PEERS, selector: { rack: "r9" } }, quiet: { peers: TWO_PEERS } },
  { title: "sessions 0", code: "BGPLB041", severity: "error", path: "spec.sessions", value: "0", kind: "BGPPeer", fires: { peers: [TWO_PEERS[0], { ...TWO_PEERS[1], sessions: 0 }] }, quiet: { peers: TWO_PEERS } },
  { title: "more sessions than floating IPs", code: "BGPLB042", severity: "error", path: "spec.sessions", value: "3", kind: "BGPPeer", fires: { peers: [TWO_PEERS[0], { ...TWO_PEERS[1], sessions: 3 }] }, quiet: { peers: TWO_PEERS } },
  { title: "sessions 1", code: "BGPLB043", severity: "warning", path: "spec.sessions", value: "sessions is 1", kind: "BGPPeer", fires: { peers: [TWO_PEERS[0], { ...TWO_PEERS[1], sessions: 1 }] }, quiet: { peers: TWO_PEERS } },
  { title: "a BGPPeer nothing selects", code: "BGPLB044", severity: "warning", path: "metadata.labels", value: "bgppeer2", kind: "BGPPeer", fires: { peers: [TWO_PEERS[0], { ...TWO_PEERS[1], labels: { other: "x" } }] }, quiet: { peers: TWO_PEERS } },
  { title: "controlPlaneVIP inside an address pool", code: "BGPLB050", severity: "error", path: "spec.loadBalancer.vips.controlPlaneVIP", value: "10.0.0.2", fires: { cluster: { controlPlaneVIP: "10.0.0.2" } }, quiet: {} },
  { title: "ingressVIP outside every pool", code: "BGPLB051", severity: "error", path: "spec.loadBalancer.vips.ingressVIP", value: "10.0.0.9", fires: { cluster: { ingressVIP: "10.0.0.9" } }, quiet: {} },
  { title: "controlPlaneVIP equal to a node IP", code: "BGPLB052", severity: "error", path: "spec.loadBalancer.vips.controlPlaneVIP", value: "10.0.1.10", fires: { cluster: { controlPlaneVIP: "10.0.1.10" } }, quiet: {} },
  { title: "controlPlaneVIP equal to a floating IP", code: "BGPLB052", severity: "error", path: "spec.loadBalancer.vips.controlPlaneVIP", value: "10.0.2.100", fires: { cluster: { controlPlaneVIP: "10.0.2.100" } }, quiet: {} },
  { title: "an IPv6 controlPlaneVIP", code: "BGPLB053", severity: "error", path: "spec.loadBalancer.vips.controlPlaneVIP", value: "2001:db8::8", fires: { cluster: { controlPlaneVIP: "2001:db8::8" } }, quiet: {} },
  { title: "a VIP inside a node subnet", code: "BGPLB054", severity: "warning", path: "spec.loadBalancer.vips.controlPlaneVIP", value: "10.0.1.0/24", subnets: true, fires: { cluster: { controlPlaneVIP: "10.0.1.8" } }, quiet: {} },
  { title: "no controlPlaneVIP", code: "BGPLB055", severity: "error", path: "spec.loadBalancer.vips.controlPlaneVIP", value: "absent", fires: { cluster: { controlPlaneVIP: "" } }, quiet: {} },
  { title: "overlapping pools", code: "BGPLB060", severity: "error", path: "spec.loadBalancer.addressPools[1].addresses[0]", value: "10.0.0.0/30", fires: { cluster: { addressPools: [{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4"] }, { name: "pool2", addresses: ["10.0.0.0/30"] }] } }, quiet: { cluster: { addressPools: [{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4"] }, { name: "pool2", addresses: ["10.0.0.8/30"] }], controlPlaneVIP: "10.0.0.100" } } },
  { title: "an empty pool", code: "BGPLB061", severity: "error", path: "spec.loadBalancer.addressPools[1].addresses", value: "pool2", fires: { cluster: { addressPools: [{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4"] }, { name: "pool2", addresses: [] }] } }, quiet: {} },
  { title: "a pool overlapping the Service CIDR", code: "BGPLB062", severity: "error", path: "spec.loadBalancer.addressPools[0].addresses[0]", value: "10.96.0.0/16", fires: { cluster: { serviceCidrs: ["10.96.0.0/16"], addressPools: [{ name: "pool1", addresses: ["10.96.0.1-10.96.0.4"] }], ingressVIP: "10.96.0.1" } }, quiet: { cluster: { serviceCidrs: ["10.96.0.0/16"] } } },
  { title: "a pool overlapping a pod CIDR", code: "BGPLB063", severity: "error", path: "spec.loadBalancer.addressPools[0].addresses[0]", value: "192.168.0.0/16", fires: { cluster: { podCidrs: ["192.168.0.0/16"], addressPools: [{ name: "pool1", addresses: ["192.168.5.0/30"] }], ingressVIP: "192.168.5.1" } }, quiet: { cluster: { podCidrs: ["192.168.0.0/16"] } } },
  { title: "a pool inside a node subnet", code: "BGPLB064", severity: "warning", path: "spec.loadBalancer.addressPools[0].addresses[0]", value: "10.0.3.0/24", subnets: true, fires: { cluster: { addressPools: [{ name: "pool1", addresses: ["10.0.3.200-10.0.3.210"] }], ingressVIP: "10.0.3.200" } }, quiet: {} },
  { title: "two pools with one name", code: "BGPLB065", severity: "error", path: "spec.loadBalancer.addressPools[1].name", value: "pool1", fires: { cluster: { addressPools: [{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4"] }, { name: "pool1", addresses: ["10.0.0.16/30"] }] } }, quiet: {} },
  { title: "dual-stack Service CIDRs without a dual-family pool", code: "BGPLB070", severity: "error", path: "spec.loadBalancer.addressPools", value: "fd00::/112", fires: { cluster: { ...DUAL, addressPools: [{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4"] }, { name: "pool6", addresses: ["2001:db8::1-2001:db8::20"] }] }, extra: [dualCidrConfig({})] }, quiet: { cluster: DUAL, extra: [dualCidrConfig({})] } },
  { title: "dual-stack without a ClusterCIDRConfig", code: "BGPLB071", severity: "error", path: "spec.clusterNetwork.services.cidrBlocks", value: "no ClusterCIDRConfig", fires: { cluster: DUAL }, quiet: { cluster: DUAL, extra: [dualCidrConfig({})] } },
  { title: "a ClusterCIDRConfig missing IPv6", code: "BGPLB071", severity: "error", path: "spec.ipv6", value: "ipv6", kind: "ClusterCIDRConfig", fires: { cluster: DUAL, extra: [dualCidrConfig({ ipv6: false })] }, quiet: { cluster: DUAL, extra: [dualCidrConfig({})] } },
  { title: "two IPv4 Service CIDRs", code: "BGPLB072", severity: "error", path: "spec.clusterNetwork.services.cidrBlocks[1]", value: "10.97.0.0/16", fires: { cluster: { serviceCidrs: ["10.96.0.0/16", "10.97.0.0/16"] } }, quiet: { cluster: { serviceCidrs: ["10.96.0.0/16"] } } },
  { title: "perNodeMaskSize shorter than the pod CIDR", code: "BGPLB073", severity: "error", path: "spec.ipv4.perNodeMaskSize", value: "8", kind: "ClusterCIDRConfig", fires: { cluster: DUAL, extra: [dualCidrConfig({ v4Mask: 8 })] }, quiet: { cluster: DUAL, extra: [dualCidrConfig({})] } },
  { title: "a Service with externalTrafficPolicy Local", code: "BGPLB080", severity: "warning", path: "spec.externalTrafficPolicy", value: "Local", kind: "Service", fires: { extra: [service("web", "Local")] }, quiet: { extra: [service("web", "Cluster")] } },
];

describe("validate: GKE rules", () => {
  ruleCaseTests(CASES, (fixture, c) => validate(gke(fixture), c.subnets ? { nodeSubnets: SEED_SUBNETS } : {}));
});
