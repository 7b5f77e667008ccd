/** A fact that is not in the manifests and that some rules need. */
export type Fact = "nodeSubnets" | "previous";

/** One entry of the rule catalogue, as `bgplb validate --list-rules` prints it. */
export interface RuleInfo {
  /** Stable code, e.g. `BGPLB012`; never reused. */
  readonly code: string;
  /** Short kebab-case name, stable like the code. */
  readonly id: string;
  /** The severity the rule reports when it fires (`skipped` is reported instead when a needed fact is missing). */
  readonly severity: "error" | "warning";
  /** One line saying what the rule catches. */
  readonly title: string;
  /** Where the rule comes from: the vendor documentation or RFC it encodes (shown to users by `--list-rules --output json`). */
  readonly source: string;
  /** The fact the rule needs; without it the rule reports `skipped`. */
  readonly needs?: Fact;
}

const rule = (code: string, id: string, severity: "error" | "warning", title: string, source: string, needs?: Fact): RuleInfo =>
  needs === undefined ? { code, id, severity, title, source } : { code, id, severity, title, source, needs };

/**
 * Every validation rule, keyed by a stable identifier used inside the rules.
 * Codes are grouped: 00x any object, 01x-02x GKE peering, 03x floating IPs,
 * 04x service peer selection, 05x VIPs, 06x address pools, 07x dual-stack,
 * 08x Services and changes, 1xx MetalLB.
 */
export const RULES = {
  asnRange: rule("BGPLB001", "asn-range", "error", "AS number outside 1-4294967295", "bgplb preflight check; RFC 6793 4-octet ASN, AS 0 reserved (RFC 7607)"),
  malformedAddress: rule("BGPLB002", "malformed-address", "error", "Malformed IP address", "bgplb preflight check (every address field)"),
  malformedPrefix: rule(
    "BGPLB003",
    "malformed-prefix",
    "error",
    "Malformed CIDR or address range",
    "GKE bare metal cluster config (spec.loadBalancer.addressPools); MetalLB BGP configuration (IPAddressPool)",
  ),
  rangeReversed: rule("BGPLB004", "range-reversed", "error", "Address range whose start is after its end", "bgplb preflight check"),
  valueOutOfRange: rule(
    "BGPLB006",
    "value-out-of-range",
    "error",
    "Value outside the range, length or count the kind's schema (and its CRD) allows",
    "the kind's declaration in sdk/schema, as the API server enforces it",
  ),
  duplicateObject: rule(
    "BGPLB005",
    "duplicate-object",
    "error",
    "Two objects with the same kind, namespace and name",
    "bgplb preflight check (duplicate peers/pools)",
  ),

  advancedNetworking: rule(
    "BGPLB010",
    "advanced-networking",
    "error",
    "advancedNetworking not true in BGP mode",
    "GKE bare metal cluster config (spec.loadBalancer)",
  ),
  missingClusterAsn: rule(
    "BGPLB011",
    "missing-cluster-asn",
    "error",
    "BGP mode without spec.loadBalancer.localASN",
    "GKE bare metal cluster config (spec.loadBalancer)",
  ),
  ibgpOnGke: rule(
    "BGPLB012",
    "ibgp-on-gke",
    "error",
    "Peer ASN equals the cluster ASN: GKE supports eBGP only",
    "GKE bare metal bundled load balancing with BGP",
  ),
  ipv6Session: rule("BGPLB013", "ipv6-session", "error", "IPv6 peer address on a GKE BGP session", "GKE bare metal bundled load balancing with BGP"),
  md5OnGke: rule("BGPLB014", "md5-on-gke", "error", "MD5 password on a GKE BGP session", "GKE bare metal bundled load balancing with BGP"),
  noPeer: rule("BGPLB015", "no-peer", "error", "No BGP peer configured", "GKE bare metal BGP resources (NetworkGatewayGroup, BGPLoadBalancer, BGPPeer)"),
  controlPlaneNodeWithoutPeer: rule(
    "BGPLB016",
    "cp-node-without-peer",
    "error",
    "Control-plane node that no bgpPeers entry peers with",
    "GKE bare metal bundled load balancing with BGP",
  ),
  controlPlaneNodesUnknown: rule(
    "BGPLB017",
    "cp-nodes-unknown",
    "error",
    "controlPlaneNodes names an address that is not a control-plane node",
    "bgplb preflight check",
  ),
  singlePeer: rule(
    "BGPLB018",
    "single-peer",
    "warning",
    "Only one peer: no redundancy if it fails",
    "GKE bare metal BGP resources (NetworkGatewayGroup, BGPLoadBalancer, BGPPeer) (two recommended)",
  ),
  duplicatePeer: rule("BGPLB019", "duplicate-peer", "error", "The same peer address configured twice", "bgplb preflight check (duplicate peers)"),
  peerLocalAsnMismatch: rule(
    "BGPLB020",
    "peer-local-asn-mismatch",
    "error",
    "BGPPeer localASN differs from the cluster localASN",
    "GKE bare metal BGP resources (NetworkGatewayGroup, BGPLoadBalancer, BGPPeer) (localASN is the cluster ASN)",
  ),
  notNamedDefault: rule(
    "BGPLB021",
    "not-named-default",
    "error",
    "NetworkGatewayGroup or BGPLoadBalancer not named default",
    "GKE bare metal BGP resources (NetworkGatewayGroup, BGPLoadBalancer, BGPPeer)",
  ),
  outsideClusterNamespace: rule(
    "BGPLB022",
    "outside-cluster-namespace",
    "error",
    "GKE BGP resource outside the cluster namespace",
    "GKE bare metal BGP resources (NetworkGatewayGroup, BGPLoadBalancer, BGPPeer)",
  ),
  peerIsLocalAddress: rule(
    "BGPLB023",
    "peer-is-local-address",
    "error",
    "Peer address equals a node IP, floating IP or VIP of the cluster",
    "network practice: a router cannot share an address with the cluster",
  ),

  noFloatingIp: rule(
    "BGPLB030",
    "no-floating-ip",
    "error",
    "No floating IP in the NetworkGatewayGroup",
    "GKE bare metal BGP resources (NetworkGatewayGroup, BGPLoadBalancer, BGPPeer)",
  ),
  singleFloatingIp: rule(
    "BGPLB031",
    "single-floating-ip",
    "warning",
    "Only one floating IP: service sessions drop while it moves",
    "GKE bare metal BGP resources (NetworkGatewayGroup, BGPLoadBalancer, BGPPeer) (two recommended)",
  ),
  duplicateFloatingIp: rule("BGPLB032", "duplicate-floating-ip", "error", "The same floating IP listed twice", "bgplb preflight check"),
  floatingIpIsNode: rule("BGPLB033", "floating-ip-is-node", "error", "Floating IP equal to a node IP", "bgplb preflight check"),
  floatingIpOutsideSubnets: rule(
    "BGPLB034",
    "floating-ip-outside-subnets",
    "error",
    "Floating IP outside every node subnet",
    "GKE bare metal BGP resources (NetworkGatewayGroup, BGPLoadBalancer, BGPPeer)",
    "nodeSubnets",
  ),
  floatingIpIpv6: rule(
    "BGPLB035",
    "floating-ip-ipv6",
    "error",
    "IPv6 floating IP: service sessions are IPv4 only",
    "GKE bare metal bundled load balancing with BGP (no IPv6 sessions)",
  ),
  floatingIpInPool: rule(
    "BGPLB036",
    "floating-ip-in-pool",
    "error",
    "Floating IP inside a load-balancer address pool",
    "network practice: the address could also be given to a Service",
  ),

  peerSelectorMatchesNothing: rule(
    "BGPLB040",
    "peer-selector-matches-nothing",
    "error",
    "BGPLoadBalancer peerSelector selects no BGPPeer",
    "GKE bare metal BGP resources (NetworkGatewayGroup, BGPLoadBalancer, BGPPeer)",
  ),
  sessionsBelowOne: rule("BGPLB041", "sessions-below-one", "error", "BGPPeer sessions below 1", "bgplb preflight check"),
  sessionsAboveFloatingIps: rule(
    "BGPLB042",
    "sessions-above-floating-ips",
    "error",
    "BGPPeer sessions more than the floating IPs",
    "GKE bare metal BGP resources (NetworkGatewayGroup, BGPLoadBalancer, BGPPeer) (one floating IP per session)",
  ),
  singleSession: rule(
    "BGPLB043",
    "single-session",
    "warning",
    "BGPPeer with sessions: 1",
    "GKE bare metal BGP resources (NetworkGatewayGroup, BGPLoadBalancer, BGPPeer) (two recommended)",
  ),
  peerNotSelected: rule(
    "BGPLB044",
    "peer-not-selected",
    "warning",
    "BGPPeer that no BGPLoadBalancer selects (it is not used)",
    "GKE bare metal BGP resources (NetworkGatewayGroup, BGPLoadBalancer, BGPPeer)",
  ),

  controlPlaneVipInPool: rule("BGPLB050", "cp-vip-in-pool", "error", "controlPlaneVIP inside an address pool", "bgplb preflight check"),
  ingressVipOutsidePools: rule("BGPLB051", "ingress-vip-outside-pools", "error", "ingressVIP outside every address pool", "bgplb preflight check"),
  vipIsLocalAddress: rule("BGPLB052", "vip-is-local-address", "error", "VIP equal to a node IP or floating IP", "bgplb preflight check"),
  controlPlaneVipIpv6: rule(
    "BGPLB053",
    "cp-vip-ipv6",
    "error",
    "IPv6 controlPlaneVIP: no IPv6 control-plane load balancing",
    "GKE bare metal bundled load balancing with BGP",
  ),
  vipInNodeSubnet: rule(
    "BGPLB054",
    "vip-in-node-subnet",
    "warning",
    "VIP inside a node subnet: on-link hosts ARP for it instead of using the BGP route",
    "network practice for routed (BGP) VIPs",
    "nodeSubnets",
  ),
  missingControlPlaneVip: rule(
    "BGPLB055",
    "missing-cp-vip",
    "error",
    "BGP mode without a controlPlaneVIP",
    "GKE bare metal cluster config (spec.loadBalancer); GKE bare metal bundled load balancing with BGP",
  ),

  poolOverlap: rule("BGPLB060", "pool-overlap", "error", "Address pools overlap (GKE and MetalLB pools together)", "MetalLB BGP configuration"),
  poolEmpty: rule(
    "BGPLB061",
    "pool-empty",
    "error",
    "Address pool with no addresses",
    "GKE bare metal cluster config (spec.loadBalancer); MetalLB BGP configuration",
  ),
  poolOverlapsServiceCidr: rule(
    "BGPLB062",
    "pool-overlaps-service-cidr",
    "error",
    "Address pool overlapping a Service CIDR",
    "network practice: ClusterIPs and LB IPs must not collide",
  ),
  poolOverlapsPodCidr: rule(
    "BGPLB063",
    "pool-overlaps-pod-cidr",
    "error",
    "Address pool overlapping a ClusterCIDRConfig pod CIDR",
    "network practice: pod IPs and LB IPs must not collide",
  ),
  poolInNodeSubnet: rule(
    "BGPLB064",
    "pool-in-node-subnet",
    "warning",
    "Address pool overlapping a node subnet: routed VIPs clash with on-link hosts",
    "network practice for routed (BGP) VIPs",
    "nodeSubnets",
  ),
  duplicatePoolName: rule("BGPLB065", "duplicate-pool-name", "error", "Two address pools with the same name", "bgplb preflight check (duplicate pools)"),

  dualStackWithoutDualPool: rule(
    "BGPLB070",
    "dual-stack-without-dual-pool",
    "error",
    "Dual-stack Service CIDRs but no pool with both IPv4 and IPv6 addresses",
    "GKE bare metal bundled load balancing with BGP",
  ),
  clusterCidrFamilyMissing: rule(
    "BGPLB071",
    "cluster-cidr-family-missing",
    "error",
    "Dual-stack cluster without a ClusterCIDRConfig holding both families",
    "GKE bare metal bundled load balancing with BGP",
  ),
  serviceCidrFamilyRepeated: rule(
    "BGPLB072",
    "service-cidr-family-repeated",
    "error",
    "More than one Service CIDR of the same family",
    "GKE bare metal cluster config (spec.loadBalancer) (one IPv4 + one IPv6 block)",
  ),
  perNodeMaskSize: rule(
    "BGPLB073",
    "per-node-mask-size",
    "error",
    "perNodeMaskSize shorter than the CIDR or longer than the family allows",
    "GKE bare metal cluster config (ClusterCIDRConfig)",
  ),

  externalTrafficPolicyLocal: rule(
    "BGPLB080",
    "external-traffic-policy-local",
    "warning",
    "Service with externalTrafficPolicy: Local (not supported by the GKE BGP LB)",
    "GKE bare metal bundled load balancing with BGP",
  ),
  immutableFieldChanged: rule(
    "BGPLB081",
    "immutable-field-changed",
    "warning",
    "Change to a field that cannot be updated after creation",
    "GKE bare metal bundled load balancing with BGP",
    "previous",
  ),

  holdTimeTooShort: rule(
    "BGPLB100",
    "hold-time-too-short",
    "error",
    "holdTime between 0 and 3s",
    "MetalLB BGP configuration; RFC 4271 section 4.2 (0 or at least 3 s)",
  ),
  keepaliveNotBelowHold: rule("BGPLB101", "keepalive-not-below-hold", "error", "keepaliveTime not below holdTime", "MetalLB BGP configuration"),
  passwordAndSecret: rule("BGPLB103", "password-and-secret", "error", "Both password and passwordSecret set", "MetalLB BGP configuration"),
  routerIdDiffers: rule("BGPLB104", "router-id-differs", "error", "MetalLB peers with different routerIDs", "MetalLB BGP configuration"),
  ebgpMultiHopOnIbgp: rule("BGPLB105", "ebgp-multihop-on-ibgp", "error", "ebgpMultiHop on an iBGP peer", "MetalLB BGP configuration"),
  peerPortRange: rule("BGPLB106", "peer-port-range", "error", "peerPort outside 1-16384", "MetalLB BGP configuration"),
  sourceAddressNotIpv4: rule("BGPLB107", "source-address-not-ipv4", "error", "sourceAddress is not an IPv4 address", "MetalLB BGP configuration"),
  myAsnDiffers: rule(
    "BGPLB108",
    "my-asn-differs",
    "error",
    "MetalLB peers with different myASN",
    "MetalLB BGP configuration (the same myASN in every BGPPeer)",
  ),
  routerIdNotIpv4: rule(
    "BGPLB109",
    "router-id-not-ipv4",
    "error",
    "routerID is not a dotted-quad IPv4 value",
    "RFC 4271 section 4.2 (BGP Identifier is 4 octets)",
  ),
  aggregationLengthRange: rule(
    "BGPLB110",
    "aggregation-length-range",
    "error",
    "aggregationLength above 32 or aggregationLengthV6 above 128",
    "MetalLB BGP configuration",
  ),
  aggregationShorterThanPool: rule(
    "BGPLB111",
    "aggregation-shorter-than-pool",
    "error",
    "aggregationLength shorter than the prefix of a pool CIDR it covers",
    "MetalLB BGP configuration",
  ),
  malformedCommunity: rule(
    "BGPLB112",
    "malformed-community",
    "error",
    "Community not a:b (16-bit) or large:a:b:c (32-bit)",
    "MetalLB BGP configuration; RFC 1997, RFC 8092",
  ),
  advertisementUnknownPool: rule(
    "BGPLB113",
    "advertisement-unknown-pool",
    "warning",
    "BGPAdvertisement names an IPAddressPool that is not in the manifests",
    "MetalLB BGP configuration",
  ),
  advertisementUnknownPeer: rule(
    "BGPLB114",
    "advertisement-unknown-peer",
    "warning",
    "BGPAdvertisement names a BGPPeer that is not in the manifests",
    "MetalLB BGP configuration",
  ),
  localPrefOnEbgp: rule(
    "BGPLB115",
    "local-pref-on-ebgp",
    "warning",
    "localPref on an advertisement that reaches only eBGP peers (never sent)",
    "MetalLB BGP configuration; RFC 4271 section 5.1.5",
  ),
  bfdProfileMissing: rule("BGPLB116", "bfd-profile-missing", "error", "bfdProfile names a BFDProfile that does not exist", "MetalLB BGP configuration"),
  poolNotAdvertised: rule(
    "BGPLB117",
    "pool-not-advertised",
    "warning",
    "IPAddressPool that no BGPAdvertisement covers (its addresses are never announced)",
    "MetalLB BGP configuration",
  ),
  outsideMetallbNamespace: rule(
    "BGPLB118",
    "outside-metallb-namespace",
    "error",
    "MetalLB resource outside the metallb-system namespace",
    "MetalLB BGP configuration",
  ),
  passwordSecretInvalid: rule(
    "BGPLB119",
    "password-secret-invalid",
    "error",
    "passwordSecret not a kubernetes.io/basic-auth Secret in metallb-system",
    "MetalLB BGP configuration",
  ),
  malformedDuration: rule(
    "BGPLB123",
    "malformed-duration",
    "error",
    "holdTime, keepaliveTime or connectTime is not a duration",
    "MetalLB BGP configuration (durations such as 90s)",
  ),
  bfdIntervalRange: rule("BGPLB120", "bfd-interval-range", "error", "BFD interval outside 10-60000 ms", "MetalLB BGP configuration"),
  bfdMultiplierRange: rule("BGPLB121", "bfd-multiplier-range", "error", "BFD detectMultiplier outside 2-255", "MetalLB BGP configuration"),
  bfdMinimumTtlRange: rule("BGPLB122", "bfd-minimum-ttl-range", "error", "BFD minimumTtl outside 1-254", "MetalLB BGP configuration"),
  duplicateListEntry: rule(
    "BGPLB124",
    "duplicate-list-entry",
    "error",
    "The same entry twice in a MetalLB list (peers, pools, communities, selectors, values)",
    "MetalLB configuration validation (duplicate definitions)",
  ),
  duplicateCommunityAlias: rule(
    "BGPLB125",
    "duplicate-community-alias",
    "error",
    "The same Community alias name defined twice",
    "MetalLB Community (alias names are global)",
  ),
  bfdEchoOnIpv6: rule(
    "BGPLB126",
    "bfd-echo-ipv6",
    "error",
    "IPv6 pool advertised to a peer whose BFD profile enables echo mode",
    "MetalLB configuration validation (BFD echo is IPv4 only)",
  ),
  metallbNoPeer: rule(
    "BGPLB128",
    "metallb-no-peer",
    "warning",
    "MetalLB pools or advertisements without any BGPPeer in the manifests",
    "MetalLB BGP configuration (BGPPeers may be applied from other files)",
  ),
  localPrefRange: rule(
    "BGPLB129",
    "local-pref-range",
    "error",
    "localPref above 2147483647",
    "MetalLB BGPAdvertisement CRD (localPref is a 32-bit signed integer)",
  ),
  serviceSelectorsWithAggregation: rule(
    "BGPLB130",
    "service-selectors-with-aggregation",
    "error",
    "serviceSelectors together with a non-default aggregationLength",
    "MetalLB BGPAdvertisement CRD (serviceSelectors and aggregationLength are mutually exclusive)",
  ),
  connectTimeRange: rule(
    "BGPLB131",
    "connect-time-range",
    "error",
    "connectTime not a whole number of seconds from 1s to 65535s",
    "MetalLB BGPPeer CRD (connectTime)",
  ),
  communityAliasUnknown: rule(
    "BGPLB132",
    "community-alias-unknown",
    "warning",
    "BGPAdvertisement names a Community alias that no Community in the manifests defines",
    "MetalLB Community (aliases may be applied from other files)",
  ),
  peerAsnOneOf: rule(
    "BGPLB133",
    "peer-asn-one-of",
    "error",
    "MetalLB BGPPeer with both or neither of peerASN and dynamicASN",
    "MetalLB BGPPeer (ASN and DynamicASN are mutually exclusive and one of them must be specified)",
  ),
  peerAddressOneOf: rule(
    "BGPLB134",
    "peer-address-one-of",
    "error",
    "MetalLB BGPPeer with both or neither of peerAddress and interface",
    "MetalLB BGPPeer (Address and Interface are mutually exclusive and one of them must be specified)",
  ),
  localPrefConflict: rule(
    "BGPLB127",
    "local-pref-conflict",
    "error",
    "Two advertisements give the same pool, peers and nodes different localPref",
    "MetalLB BGPAdvertisement (one LOCAL_PREF per BGP update)",
  ),
} as const satisfies Record<string, RuleInfo>;

/** The name of a rule inside {@link RULES}. */
export type RuleName = keyof typeof RULES;

/** The rule catalogue as data, ordered by code: for docs and `bgplb validate --list-rules`. */
export const ruleCatalogue: readonly RuleInfo[] = Object.values(RULES).sort((a, b) => a.code.localeCompare(b.code));
