/**
 * The typed model of bgplb: GKE on Bare Metal's bundled BGP load balancer
 * (Cluster, ClusterCIDRConfig, NetworkGatewayGroup, BGPLoadBalancer, BGPPeer,
 * BGPSession, BGPAdvertisedRoute) and MetalLB BGP (BGPPeer, IPAddressPool,
 * BGPAdvertisement, BFDProfile), with the vendors' field names, their
 * defaults, a Topology aggregate and builders.
 */
export * from "./api";
export * from "./defaults";
export * from "./duration";
export * from "./meta";
export * from "./path";
export * from "./topology";
export * from "./gke/cluster";
export * from "./gke/cluster-cidr-config";
export * from "./gke/network-gateway-group";
export * from "./gke/bgp-load-balancer";
export * from "./gke/bgp-peer";
export * from "./gke/bgp-session";
export * from "./gke/bgp-advertised-route";
export * from "./metallb/bgp-peer";
export * from "./metallb/ip-address-pool";
export * from "./metallb/bgp-advertisement";
export * from "./metallb/bfd-profile";
export * from "./builders/gke";
export * from "./builders/metallb";
