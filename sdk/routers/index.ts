/**
 * The routers' side of a topology: the sessions the cluster opens to its
 * routers and what they carry (optionally under failures), what each router
 * must be configured with, and that configuration for FRR and BIRD.
 */
export { ClusterNode, NodeSpecError, nodesOfManifests, parseNodeSpec } from "./nodes";
export {
  BfdTimers,
  Failure,
  Peering,
  PeeringError,
  PeeringMode,
  PeeringOptions,
  PlannedSession,
  RouterSide,
  SessionRoute,
  SkippedPeer,
  VipGroup,
  describeFailure,
  parseFailure,
  planPeering,
  skippedLines,
  skippedPeers,
} from "./peering";
export { PathCount, RouterVipPaths, routerPaths, sentNextHops, sortAddresses } from "./paths";
export { AcceptedPrefix, MAX_PREFIX_LIMIT, RouterNeighbor, RouterPolicy, routerPolicies } from "./policy";
export { MD5_PLACEHOLDER, MULTIHOP_TTL, RouterConfigOptions } from "./options";
export { renderFrr } from "./frr";
export { renderBird } from "./bird";
export { RouterVendor, ROUTER_VENDORS, routerConfigs } from "./config";
export {
  DroppedSession,
  FailurePlan,
  MovedSession,
  SinglePointOfFailure,
  VipPlan,
  comparePeerings,
  failureCandidates,
  planFailures,
  singlePointsOfFailure,
} from "./plan";
export { GraphEdge, GraphVertex, TopologyGraph, renderDot, renderMermaid, renderSvg, topologyGraph } from "./graph";
