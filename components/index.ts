/**
 * bgplb's Pulumi components: GKE on Bare Metal's bundled BGP load balancer
 * and MetalLB BGP as typed resources. Each validates its input with the same
 * rules as `bgplb validate` and renders with the same renderer as
 * `bgplb render`, then applies the objects through `@pulumi/kubernetes`.
 */
export { AsWrittenManifest, type AsWrittenManifestArgs } from "./as-written";
export { ClusterType, DynamicAsn, SelectorOperator } from "./enums";
export type { ManifestObject } from "./objects";
export type {
  AddressPoolReference,
  BfdProfileReference,
  FloatingIpGroupReference,
  GkeBgpPeerReference,
  GkeClusterReference,
  MetalLbPeerReference,
} from "./references";
export { TopologyValidationError } from "./validation";
export { BgpLoadBalancer, commonLabels, selectPeers, type BgpLoadBalancerArgs } from "./gke/bgp-load-balancer";
export { BgpPeer, type BgpPeerArgs } from "./gke/bgp-peer";
export {
  GkeClusterLoadBalancer,
  clusterModel,
  type ControlPlanePeerArgs,
  type GkeClusterLoadBalancerArgs,
  type PodCidrRangeArgs,
  type ServiceAddressPoolArgs,
} from "./gke/cluster-load-balancer";
export { FloatingIpGroup, type FloatingIpGroupArgs } from "./gke/floating-ip-group";
export { GkeRackTopology, type GkeRackTopologyArgs, type RackArgs, type RackTopologyParts } from "./gke/rack-topology";
export { AddressPool, type AddressPoolArgs, type ServiceAllocationArgs } from "./metallb/address-pool";
export { BfdProfile, type BfdProfileArgs } from "./metallb/bfd-profile";
export { BgpAdvertisement, type BgpAdvertisementArgs } from "./metallb/bgp-advertisement";
export { MetalLbPeer, type MetalLbPeerArgs, type SecretReferenceArgs } from "./metallb/peer";
export type { LabelSelectorArgs, SelectorRequirementArgs } from "./metallb/selectors";
export {
  Speaker,
  SpeakerMode,
  SpeakerWorkload,
  TaintEffect,
  TolerationOperator,
  type SpeakerArgs,
  type SpeakerImageArgs,
  type SpeakerTolerationArgs,
} from "./speaker";

export { routerConfig, type RouterConfigArgs } from "./router-config";
