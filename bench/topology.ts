import {
  bgpAdvertisement,
  bgpLoadBalancer,
  gkeBgpPeer,
  gkeCluster,
  ipAddressPool,
  metallbBgpPeer,
  networkGatewayGroup,
  topologyOf,
  type Topology,
} from "../sdk/model";

/** The sizes of a generated topology. */
export interface TopologySize {
  readonly nodes: number;
  readonly peers: number;
  readonly floatingIps: number;
  readonly pools: number;
}

/** The 1× size: 1,000 nodes, 200 peers, 100 floating IPs, 5,000 address pools. */
export const BASE_SIZE: TopologySize = { nodes: 1000, peers: 200, floatingIps: 100, pools: 5000 };

/** `base` times `factor`, field by field. */
export function scaled(factor: number, base: TopologySize = BASE_SIZE): TopologySize {
  return { nodes: base.nodes * factor, peers: base.peers * factor, floatingIps: base.floatingIps * factor, pools: base.pools * factor };
}

const ipv4 = (n: number): string => `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const NODE_BASE = (10 << 24) >>> 0; // 10.0.0.0: node subnets 10.0.<k>.0/24, 200 nodes each
const PEER_BASE = ((10 << 24) | (200 << 16)) >>> 0; // routers in 10.200.0.0/16
const POOL_BASE = ((100 << 24) | (64 << 16)) >>> 0; // pools: /29s from 100.64.0.0/10

/** The address of the i-th node: 200 per /24, host numbers 10..209. */
function nodeAddress(i: number): string {
  return ipv4(NODE_BASE + Math.floor(i / 200) * 256 + 10 + (i % 200));
}

/**
 * A valid GKE topology of the given size: 5 control-plane nodes and the rest
 * load-balancer nodes, 2 control-plane peers, `peers` data-plane BGPPeers
 * with 2 sessions each, floating IPs spread over the node subnets, `pools`
 * address pools of one /29 each.
 */
export function gkeTopology(size: TopologySize): { topology: Topology; nodeSubnets: string[] } {
  const controlPlane = Array.from({ length: 5 }, (_, i) => nodeAddress(i));
  const lbNodes = Array.from({ length: size.nodes - 5 }, (_, i) => nodeAddress(i + 5));
  const subnets = Math.ceil(size.nodes / 200);
  const nodeSubnets = Array.from({ length: subnets }, (_, k) => `${ipv4(NODE_BASE + k * 256)}/24`);
  const floatingIPs = Array.from({ length: size.floatingIps }, (_, i) => ipv4(NODE_BASE + (i % subnets) * 256 + 220 + Math.floor(i / subnets)));
  const addressPools = Array.from({ length: size.pools }, (_, i) => ({ name: `pool-${i}`, addresses: [`${ipv4(POOL_BASE + i * 8)}/29`] }));
  const cluster = gkeCluster({
    name: "bench",
    controlPlaneNodes: controlPlane,
    loadBalancerNodes: lbNodes,
    localASN: 65001,
    bgpPeers: [
      { ip: ipv4(PEER_BASE + 1), asn: 65002 },
      { ip: ipv4(PEER_BASE + 2), asn: 65002 },
    ],
    controlPlaneVIP: "10.250.0.1",
    ingressVIP: ipv4(POOL_BASE + 1),
    addressPools,
    serviceCidrs: ["10.96.0.0/16"],
    podCidrs: ["192.168.0.0/16"],
  });
  const peers = Array.from({ length: size.peers }, (_, i) =>
    gkeBgpPeer({
      clusterName: "bench",
      name: `peer-${i}`,
      labels: { "bgplb.io/bench": "true" },
      localASN: 65001,
      peerASN: 65002 + (i % 100),
      peerIP: ipv4(PEER_BASE + 256 + i),
      sessions: 2,
    }),
  );
  return {
    topology: topologyOf([
      cluster,
      networkGatewayGroup({ clusterName: "bench", floatingIPs }),
      bgpLoadBalancer({ clusterName: "bench", peerSelector: { "bgplb.io/bench": "true" } }),
      ...peers,
    ]),
    nodeSubnets,
  };
}

/**
 * A valid MetalLB CR set of the given size: `peers` BGPPeers (one routerID),
 * `pools` IPAddressPools of one /29 each, one BGPAdvertisement per 100 pools
 * with a community, advertised to every peer.
 */
export function metallbTopology(size: TopologySize): Topology {
  const peers = Array.from({ length: size.peers }, (_, i) =>
    metallbBgpPeer({
      name: `peer-${i}`,
      myASN: 64500,
      peerASN: 64501 + (i % 100),
      peerAddress: ipv4(PEER_BASE + 256 + i),
      routerID: "10.10.10.10",
      holdTime: "90s",
      keepaliveTime: "30s",
    }),
  );
  const pools = Array.from({ length: size.pools }, (_, i) => ipAddressPool({ name: `pool-${i}`, addresses: [`${ipv4(POOL_BASE + i * 8)}/29`] }));
  const advertisements = Array.from({ length: Math.ceil(size.pools / 100) }, (_, k) =>
    bgpAdvertisement({
      name: `adv-${k}`,
      ipAddressPools: pools.slice(k * 100, k * 100 + 100).map((p) => p.metadata.name),
      communities: ["65535:65282"],
      aggregationLength: 32,
    }),
  );
  return topologyOf([...peers, ...pools, ...advertisements]);
}
