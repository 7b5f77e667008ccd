import {
  DEFAULT_CONTROL_PLANE_LB_PORT,
  DEFAULT_LOAD_BALANCER_TYPE,
  GKE_CLUSTER_API_VERSION,
  GKE_CLUSTER_CIDR_CONFIG_API_VERSION,
  GKE_NETWORKING_API_VERSION,
} from "../model";
import { flag, labelSelector } from "./common";
import { asn, field, ipv4, object, oneOf, required, stringMap, type KindDeclaration, type ObjectSchema } from "./declaration";

/**
 * An address pool entry: a CIDR or a range of one family (`10.1.0.1-10.1.0.9`),
 * checked by the validator (BGPLB003/004). The CRD bounds only its length: a
 * CEL syntax rule per entry exceeds the API server's cost budget at the pool
 * counts bgplb supports (20,000 pools).
 */
const addressBlock = { type: "string", maxLength: 100 } as const;

function nodePool(maxItems: number): ObjectSchema {
  const node = object([required("address", ipv4, "The node's IP address (IPv4).")], {
    typeName: "NodeAddress",
    typeDoc: "A node entry in a node pool spec.",
    openEnded: true,
  });
  return object([required("nodes", { type: "list", key: "address", unordered: true, maxItems, items: node }, "The nodes.")], {
    typeName: "NodePoolSpec",
    typeDoc: "A list of nodes by address.",
    openEnded: true,
  });
}

const cidrBlocks = object(
  [required("cidrBlocks", { type: "list", maxItems: 2, items: { type: "string", format: "cidr" } }, "CIDRs; one IPv4 and one IPv6 block for dual-stack.")],
  {
    typeName: "CidrBlocks",
    typeDoc: "A list of CIDR blocks.",
  },
);

const loadBalancer = object(
  [
    required(
      "mode",
      oneOf(["bundled", "manual"], "LoadBalancerMode", "Load-balancer mode: `bundled` (this product's subject) or `manual`."),
      "`bundled` for the bundled load balancer.",
      {
        immutable: "the load balancer mode cannot change after creation",
      },
    ),
    field("type", oneOf(["bgp", "layer2"], "LoadBalancerType", "Bundled load-balancer type; absent means `layer2`."), "`bgp` or `layer2`.", {
      default: DEFAULT_LOAD_BALANCER_TYPE,
      immutable: "the load balancer type cannot change after creation",
    }),
    field("localASN", asn(1), "The cluster's AS number, 1–4294967295. Required for `type: bgp`.", {
      immutable: "the cluster ASN cannot change after creation",
    }),
    field(
      "bgpPeers",
      {
        type: "list",
        key: "ip",
        maxItems: 64,
        items: object(
          [
            required("ip", ipv4, "The peer router's IPv4 address (IPv6 sessions are not supported).", { ipv6Rule: "BGPLB013" }),
            required("asn", asn(1), "The peer's AS number, 1–4294967295, different from the cluster ASN (eBGP only)."),
            field(
              "controlPlaneNodes",
              { type: "list", unordered: true, maxItems: 128, items: ipv4 },
              "Control-plane node IPs that peer with this router. Absent: every control-plane node peers with it.",
            ),
          ],
          { typeName: "ControlPlaneBgpPeer", typeDoc: "A control-plane BGP peer, `spec.loadBalancer.bgpPeers[]`." },
        ),
      },
      "Control-plane peers; every control-plane node needs at least one. Two or more recommended.",
      { uniqueRule: "BGPLB019" },
    ),
    field(
      "ports",
      object(
        [
          field(
            "controlPlaneLBPort",
            { type: "integer", format: "int32", minimum: 1, maximum: 65535 },
            "Port the control-plane VIP serves the Kubernetes API on.",
            {
              default: DEFAULT_CONTROL_PLANE_LB_PORT,
              serverDefault: true,
            },
          ),
        ],
        { typeName: "LoadBalancerPorts", typeDoc: "`spec.loadBalancer.ports`." },
      ),
      "Ports.",
    ),
    required(
      "vips",
      object(
        [
          required("controlPlaneVIP", ipv4, "The Kubernetes API VIP; must lie outside every address pool.", {
            immutable: "the control-plane VIP cannot change after creation",
            ipv6Rule: "BGPLB053",
          }),
          field(
            "ingressVIP",
            { type: "string", maxLength: 45, validations: [{ rule: "isIP(self)", message: "spec.loadBalancer.vips.ingressVIP must be an IP address" }] },
            "The ingress VIP (user/hybrid/standalone clusters); must lie inside an address pool.",
            { immutable: "the ingress VIP cannot change after creation" },
          ),
        ],
        { typeName: "LoadBalancerVips", typeDoc: "`spec.loadBalancer.vips`. In BGP mode both are advertised over BGP. Cannot change after creation." },
      ),
      "The VIPs.",
    ),
    field(
      "addressPools",
      {
        type: "list",
        key: "name",
        maxItems: 20000,
        items: object(
          [
            required("name", { type: "string", minLength: 1, maxLength: 253 }, "Pool name, unique in the cluster."),
            required(
              "addresses",
              { type: "list", unordered: true, minItems: 1, maxItems: 64, items: addressBlock },
              "CIDRs (`1.2.3.0/24`) or ranges (`1.2.3.1-1.2.3.5`), IPv4 or IPv6; pools must not overlap.",
            ),
            flag("avoidBuggyIPs", "Skip addresses ending in .0 and .255.", false),
            flag("manualAssign", "Only assign addresses from this pool when a Service asks for them.", false),
          ],
          { typeName: "ClusterAddressPool", typeDoc: "An address pool for `LoadBalancer` Services, `spec.loadBalancer.addressPools[]`." },
        ),
      },
      "Service address pools.",
      { uniqueRule: "BGPLB065" },
    ),
    field("nodePoolSpec", nodePool(5000), "Load-balancer nodes: the next hops advertised for service VIPs. Absent: the control-plane node pool."),
  ],
  {
    typeName: "LoadBalancerSpec",
    typeDoc: "`spec.loadBalancer`.",
    validations: [
      {
        rule: "!has(self.type) || self.type != 'bgp' || has(self.localASN)",
        message: "spec.loadBalancer.localASN is required when spec.loadBalancer.type is bgp",
      },
      {
        rule: "!has(self.type) || self.type != 'bgp' || (has(self.bgpPeers) && size(self.bgpPeers) > 0)",
        message: "spec.loadBalancer.bgpPeers needs at least one peer when spec.loadBalancer.type is bgp",
      },
      {
        rule: "!has(self.localASN) || !has(self.bgpPeers) || self.bgpPeers.all(p, p.asn != self.localASN)",
        message: "spec.loadBalancer.bgpPeers[].asn must differ from spec.loadBalancer.localASN (eBGP only)",
      },
    ],
  },
);

/** Cluster spec fields of a real cluster config that bgplb keeps as written. */
const CLUSTER_SPEC_PASSTHROUGH = [
  "profile",
  "anthosBareMetalVersion",
  "bypassPreflightCheck",
  "gkeConnect",
  "gkeOnPremAPI",
  "clusterOperations",
  "clusterSecurity",
  "controlPlaneNodePoolSpec",
  "storage",
  "nodeConfig",
  "nodeAccess",
  "proxy",
  "kubevirt",
  "authentication",
  "podDensity",
  "securityConfig",
  "osEnvironmentConfig",
  "maintenanceBlocks",
  "registryMirrors",
  "binaryAuthorization",
  "upgradeStrategy",
  "clusterName",
];

const cluster: KindDeclaration = {
  apiVersion: GKE_CLUSTER_API_VERSION,
  apiVersionConstant: "GKE_CLUSTER_API_VERSION",
  kind: "Cluster",
  group: "clusters",
  typeName: "Cluster",
  file: "gke/cluster",
  doc: "A GKE on Bare Metal cluster (`baremetal.cluster.gke.io/v1` `Cluster`), the first document of a bmctl cluster config file. Namespace defaults to `cluster-<name>`.",
  specDoc: "The cluster's desired state (load-balancing parts).",
  spec: object(
    [
      field(
        "type",
        oneOf(
          ["admin", "user", "hybrid", "standalone"],
          "ClusterType",
          "Cluster type: `admin`, `user`, `hybrid` or `standalone`. Admin clusters only load-balance the control plane.",
        ),
        "The cluster type.",
      ),
      required(
        "controlPlane",
        object([required("nodePoolSpec", nodePool(128), "The control-plane nodes; each opens its own BGP session(s) to the control-plane peers.")], {
          typeName: "ControlPlaneSpec",
          typeDoc: "`spec.controlPlane`: the control-plane node pool.",
          openEnded: true,
        }),
        "Control-plane node pool.",
      ),
      field(
        "clusterNetwork",
        object(
          [
            flag("advancedNetworking", "Enables advanced networking (the NetworkGatewayGroup). Must be `true` for `loadBalancer.type: bgp`.", false),
            field("pods", cidrBlocks, "Pod CIDRs."),
            field("services", cidrBlocks, "Service CIDRs: `10.96.0.0/20` for IPv4 only; add an IPv6 block (`fd00::/112`) for dual-stack."),
          ],
          { typeName: "ClusterNetworkSpec", typeDoc: "`spec.clusterNetwork`.", passthrough: ["multipleNetworkInterfaces", "flatIPv4", "forwardMode", "srIOV"] },
        ),
        "Cluster networking.",
      ),
      required("loadBalancer", loadBalancer, "The bundled load balancer."),
    ],
    {
      typeName: "ClusterSpec",
      typeDoc: "The load-balancing parts of `Cluster.spec`; other spec fields are kept as unknown fields.",
      passthrough: CLUSTER_SPEC_PASSTHROUGH,
      validations: [
        {
          rule: "!has(self.loadBalancer) || !has(self.loadBalancer.type) || self.loadBalancer.type != 'bgp' || (has(self.clusterNetwork) && has(self.clusterNetwork.advancedNetworking) && self.clusterNetwork.advancedNetworking)",
          message: "spec.clusterNetwork.advancedNetworking must be true when spec.loadBalancer.type is bgp",
        },
      ],
    },
  ),
  crd: {
    names: { plural: "clusters", singular: "cluster" },
    header: [
      "Cluster (baremetal.cluster.gke.io/v1): the first document of a bmctl cluster config file. Only the",
      "fields bgplb reads are typed; the rest of a real cluster config is kept as written.",
    ],
    printerColumns: [
      { name: "LB Type", type: "string", jsonPath: ".spec.loadBalancer.type" },
      { name: "Local ASN", type: "integer", jsonPath: ".spec.loadBalancer.localASN" },
      { name: "Control Plane VIP", type: "string", jsonPath: ".spec.loadBalancer.vips.controlPlaneVIP" },
    ],
  },
};

function podCidr(family: 4 | 6): ObjectSchema {
  const bits = family === 4 ? 32 : 128;
  const key = family === 4 ? "ipv4" : "ipv6";
  return object(
    [
      required("cidr", { type: "string", format: "cidr", maxLength: family === 4 ? 18 : 43 }, "The pod CIDR, e.g. `192.168.0.0/16` or `2001:db8:1::/112`."),
      required(
        "perNodeMaskSize",
        { type: "integer", format: "int32", minimum: 0, maximum: bits },
        "Prefix length of each node's slice: ≥ the CIDR's prefix length, ≤ 32 (IPv4) or 128 (IPv6).",
      ),
    ],
    {
      typeName: "PodCidrRange",
      typeDoc: "One family's pod range in a ClusterCIDRConfig.",
      validations: [
        { rule: `cidr(self.cidr).ip().family() == ${family}`, message: `spec.${key}.cidr must be an IPv${family} CIDR` },
        {
          rule: "self.perNodeMaskSize >= cidr(self.cidr).prefixLength()",
          message: `spec.${key}.perNodeMaskSize must not be shorter than the prefix length of spec.${key}.cidr`,
        },
      ],
    },
  );
}

const clusterCidrConfig: KindDeclaration = {
  apiVersion: GKE_CLUSTER_CIDR_CONFIG_API_VERSION,
  apiVersionConstant: "GKE_CLUSTER_CIDR_CONFIG_API_VERSION",
  kind: "ClusterCIDRConfig",
  group: "clusterCIDRConfigs",
  typeName: "ClusterCIDRConfig",
  file: "gke/cluster-cidr-config",
  doc: "Dual-stack pod ranges (`baremetal.cluster.gke.io/v1alpha1` `ClusterCIDRConfig`), in the cluster namespace.",
  specDoc: "Pod ranges by family.",
  spec: object(
    [
      field("ipv4", podCidr(4), "IPv4 pod range."),
      field("ipv6", podCidr(6), "IPv6 pod range."),
      field("nodeSelector", labelSelector, "The nodes this config applies to.", { defaultDoc: "every node" }),
    ],
    {
      typeName: "ClusterCIDRConfigSpec",
      typeDoc: "`ClusterCIDRConfig.spec`: pod ranges for dual-stack clusters.",
      validations: [{ rule: "has(self.ipv4) || has(self.ipv6)", message: "spec needs ipv4, ipv6 or both" }],
    },
  ),
  crd: {
    names: { plural: "clustercidrconfigs", singular: "clustercidrconfig" },
    header: ["ClusterCIDRConfig (baremetal.cluster.gke.io/v1alpha1): pod ranges per address family, needed for dual-stack."],
    printerColumns: [
      { name: "IPv4", type: "string", jsonPath: ".spec.ipv4.cidr" },
      { name: "IPv6", type: "string", jsonPath: ".spec.ipv6.cidr" },
    ],
  },
};

const mustBeDefault = (kind: string) => [
  { rule: "self.metadata.name == 'default'", message: `metadata.name must be 'default' (one ${kind} per cluster namespace)` },
];

const networkGatewayGroup: KindDeclaration = {
  apiVersion: GKE_NETWORKING_API_VERSION,
  apiVersionConstant: "GKE_NETWORKING_API_VERSION",
  kind: "NetworkGatewayGroup",
  group: "networkGatewayGroups",
  typeName: "NetworkGatewayGroup",
  file: "gke/network-gateway-group",
  doc: "The floating IPs for service peering (`networking.gke.io/v1` `NetworkGatewayGroup`). Must be named `default`, in `cluster-<name>`.",
  specDoc: "The floating IPs.",
  spec: object(
    [
      required(
        "floatingIPs",
        { type: "list", unordered: true, set: true, minItems: 1, maxItems: 1024, items: ipv4 },
        "Floating IPs, each from a node subnet, none equal to a node IP. Service peering sessions are sourced from these. At least one; two or more recommended.",
        { ipv6Rule: "BGPLB035", uniqueRule: "BGPLB032" },
      ),
    ],
    { typeName: "NetworkGatewayGroupSpec", typeDoc: "`NetworkGatewayGroup.spec`." },
  ),
  crd: {
    names: { plural: "networkgatewaygroups", singular: "networkgatewaygroup", shortNames: ["nwgg"] },
    header: ["NetworkGatewayGroup (networking.gke.io/v1): the floating IPs that source the service (data-plane) BGP sessions."],
    printerColumns: [{ name: "Floating IPs", type: "string", jsonPath: ".spec.floatingIPs" }],
    validations: mustBeDefault("NetworkGatewayGroup"),
  },
};

const bgpLoadBalancer: KindDeclaration = {
  apiVersion: GKE_NETWORKING_API_VERSION,
  apiVersionConstant: "GKE_NETWORKING_API_VERSION",
  kind: "BGPLoadBalancer",
  group: "bgpLoadBalancers",
  typeName: "BGPLoadBalancer",
  file: "gke/bgp-load-balancer",
  doc: "Selects the data-plane peers (`networking.gke.io/v1` `BGPLoadBalancer`). Must be named `default`, in `cluster-<name>`. Optional: without it the control-plane peers also carry the service routes.",
  specDoc: "The peer selector.",
  spec: object(
    [
      field(
        "peerSelector",
        { ...stringMap, maxProperties: 64, maxLength: 63 },
        "Labels a BGPPeer must carry (all of them) to be used for service peering. Must select at least one BGPPeer.",
      ),
    ],
    { typeName: "BGPLoadBalancerSpec", typeDoc: "`BGPLoadBalancer.spec`." },
  ),
  crd: {
    names: { plural: "bgploadbalancers", singular: "bgploadbalancer" },
    header: ["BGPLoadBalancer (networking.gke.io/v1): selects the BGPPeer objects used for service (data-plane) peering."],
    validations: mustBeDefault("BGPLoadBalancer"),
  },
};

const gkeBgpPeer: KindDeclaration = {
  apiVersion: GKE_NETWORKING_API_VERSION,
  apiVersionConstant: "GKE_NETWORKING_API_VERSION",
  kind: "BGPPeer",
  group: "gkeBgpPeers",
  typeName: "GkeBGPPeer",
  file: "gke/bgp-peer",
  doc: "A data-plane peer (`networking.gke.io/v1` `BGPPeer`) in `cluster-<name>`, selected by the BGPLoadBalancer's `peerSelector` through its labels.",
  specDoc: "The peer.",
  spec: object(
    [
      required("localASN", asn(1), "The cluster's AS number, 1–4294967295."),
      required("peerASN", asn(1), "The router's AS number, 1–4294967295, different from `localASN` (eBGP only)."),
      required("peerIP", ipv4, "The router's IPv4 address; it must accept sessions from every floating IP.", { ipv6Rule: "BGPLB013" }),
      field(
        "sessions",
        { type: "integer", format: "int32", minimum: 1 },
        "Sessions to open to this peer, each from a different floating IP: 1 to the number of floating IPs; two or more recommended.",
        { rule: "BGPLB041" },
      ),
    ],
    {
      typeName: "GkeBGPPeerSpec",
      typeDoc: "GKE `BGPPeer.spec`.",
      validations: [{ rule: "self.peerASN != self.localASN", message: "spec.peerASN must differ from spec.localASN (eBGP only)" }],
    },
  ),
  crd: {
    names: { plural: "bgppeers", singular: "bgppeer" },
    header: ["BGPPeer (networking.gke.io/v1): a router that service VIPs are advertised to, over eBGP sessions", "sourced from the floating IPs."],
    printerColumns: [
      { name: "Local ASN", type: "integer", jsonPath: ".spec.localASN" },
      { name: "Peer ASN", type: "integer", jsonPath: ".spec.peerASN" },
      { name: "Peer IP", type: "string", jsonPath: ".spec.peerIP" },
      { name: "Sessions", type: "integer", jsonPath: ".spec.sessions" },
    ],
  },
};

const bgpSession: KindDeclaration = {
  apiVersion: GKE_NETWORKING_API_VERSION,
  apiVersionConstant: "GKE_NETWORKING_API_VERSION",
  kind: "BGPSession",
  group: "bgpSessions",
  typeName: "BGPSession",
  file: "gke/bgp-session",
  doc: "A service peering session (`networking.gke.io/v1` `BGPSession`), status object in `kube-system`, named `<peer>-<node>`.",
  specDoc: "Planned session.",
  spec: object(
    [
      required("floatingIP", ipv4, "The floating IP the session is sourced from."),
      required("localASN", asn(1), "The cluster's AS number."),
      required("localIP", ipv4, "The local address of the session (the floating IP)."),
      required("nodeName", { type: "string", maxLength: 253 }, "The node currently holding the floating IP."),
      required("peerASN", asn(1), "The router's AS number."),
      required("peerIP", ipv4, "The router's address."),
    ],
    { typeName: "BGPSessionSpec", typeDoc: "`BGPSession.spec`: one service peering session as planned by the controller." },
  ),
  status: {
    doc: "Observed state.",
    schema: object(
      [
        field("advertisedRoutes", { type: "list", items: { type: "string", format: "cidr" } }, "Prefixes advertised on this session, e.g. `10.0.4.1/32`."),
        field("lastReportTime", { type: "string", format: "date-time" }, "RFC 3339 time of the last report, e.g. `2021-06-14T22:09:36Z`."),
        field(
          "state",
          oneOf(["Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established"]),
          "Session state (RFC 4271 section 8): `Established`, `Idle`, `Connect`, `Active`, `OpenSent`, `OpenConfirm`.",
        ),
      ],
      { typeName: "BGPSessionStatus", typeDoc: "`BGPSession.status`, written by the speaker." },
    ),
  },
  crd: {
    names: { plural: "bgpsessions", singular: "bgpsession" },
    header: ["BGPSession (networking.gke.io/v1): one BGP session as the speaker reports it, named `<peer>-<node>` in kube-system."],
    printerColumns: [
      { name: "Local ASN", type: "integer", jsonPath: ".spec.localASN" },
      { name: "Peer ASN", type: "integer", jsonPath: ".spec.peerASN" },
      { name: "Local IP", type: "string", jsonPath: ".spec.localIP" },
      { name: "Peer IP", type: "string", jsonPath: ".spec.peerIP" },
      { name: "State", type: "string", jsonPath: ".status.state" },
      { name: "Last Report", type: "date", jsonPath: ".status.lastReportTime" },
    ],
  },
};

const bgpAdvertisedRoute: KindDeclaration = {
  apiVersion: GKE_NETWORKING_API_VERSION,
  apiVersionConstant: "GKE_NETWORKING_API_VERSION",
  kind: "BGPAdvertisedRoute",
  group: "bgpAdvertisedRoutes",
  typeName: "BGPAdvertisedRoute",
  file: "gke/bgp-advertised-route",
  doc: "A route the cluster advertises for a Service VIP (`networking.gke.io/v1` `BGPAdvertisedRoute`), status object in `kube-system`, named `<namespace>-<service>`.",
  specDoc: "The route.",
  spec: object(
    [
      required("prefix", { type: "string", format: "cidr" }, "The advertised prefix, e.g. `10.1.1.34/32`."),
      field("metric", { type: "integer", format: "int64", minimum: 0, maximum: 4294967295 }, "The route metric (MED)."),
      field(
        "nextHops",
        { type: "list", unordered: true, set: true, items: { type: "string", maxLength: 45 } },
        "The next hops advertised for the prefix: load-balancer node addresses.",
      ),
    ],
    { typeName: "BGPAdvertisedRouteSpec", typeDoc: "`BGPAdvertisedRoute.spec`." },
  ),
  crd: {
    names: { plural: "bgpadvertisedroutes", singular: "bgpadvertisedroute" },
    header: ["BGPAdvertisedRoute (networking.gke.io/v1): a VIP the speaker advertises, named `<namespace>-<service>` in kube-system."],
    printerColumns: [
      { name: "Prefix", type: "string", jsonPath: ".spec.prefix" },
      { name: "Metric", type: "integer", jsonPath: ".spec.metric" },
    ],
  },
};

/** The GKE kinds, in document order. */
export const GKE_KINDS: readonly KindDeclaration[] = [
  cluster,
  clusterCidrConfig,
  networkGatewayGroup,
  bgpLoadBalancer,
  gkeBgpPeer,
  bgpSession,
  bgpAdvertisedRoute,
];
