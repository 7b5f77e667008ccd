/** `apiVersion` of the GKE on Bare Metal Cluster. */
export const GKE_CLUSTER_API_VERSION = "baremetal.cluster.gke.io/v1";
/** `apiVersion` of ClusterCIDRConfig. */
export const GKE_CLUSTER_CIDR_CONFIG_API_VERSION = "baremetal.cluster.gke.io/v1alpha1";
/** `apiVersion` of NetworkGatewayGroup, BGPLoadBalancer, BGPPeer, BGPSession, BGPAdvertisedRoute. */
export const GKE_NETWORKING_API_VERSION = "networking.gke.io/v1";
/** `apiVersion` of the MetalLB BGPPeer. */
export const METALLB_BGP_PEER_API_VERSION = "metallb.io/v1beta2";
/** `apiVersion` of IPAddressPool, BGPAdvertisement and BFDProfile. */
export const METALLB_V1BETA1_API_VERSION = "metallb.io/v1beta1";
