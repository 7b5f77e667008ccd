/**
 * fast-check arbitraries for bgplb topologies, shared by the manifest,
 * validate and Pulumi tests.
 *
 * - `arb*` object arbitraries give well-typed objects whose values are free
 *   (any ASN, any address text, any label value, unknown fields): they
 *   exercise parse/render/diff.
 * - `arbConsistentGkeTopology` / `arbConsistentMetalLBTopology` give
 *   topologies that follow the vendors' rules (eBGP, floating IPs in node
 *   subnets, disjoint pools, VIP placement, matching references): a
 *   validator should find no error in them.
 */
import fc from "fast-check";
import {
  GKE_CLUSTER_API_VERSION,
  GKE_CLUSTER_CIDR_CONFIG_API_VERSION,
  GKE_NETWORKING_API_VERSION,
  METALLB_BGP_PEER_API_VERSION,
  METALLB_V1BETA1_API_VERSION,
  bgpAdvertisement,
  bgpLoadBalancer,
  clusterNamespace,
  gkeBgpPeer,
  gkeCluster,
  ipAddressPool,
  metallbBgpPeer,
  networkGatewayGroup,
  objectKey,
  formatObjectKey,
  topologyOf,
  type BFDProfile,
  type BGPAdvertisedRoute,
  type BGPAdvertisement,
  type BGPLoadBalancer,
  type BGPSession,
  type Cluster,
  type ClusterCIDRConfig,
  type GkeBGPPeer,
  type IPAddressPool,
  type LabelSelector,
  type MetalLBBGPPeer,
  type ModelObject,
  type NetworkGatewayGroup,
  type ObjectMeta,
  type OpaqueObject,
  type Topology,
  type UnknownField,
} from "../sdk/model";

/** A DNS-1123 label such as `peer-1`. */
const arbName = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
/** A namespace. */
const arbNamespace = fc.oneof(fc.constant("metallb-system"), fc.constant("cluster-bm"), arbName);
/** An IPv4 address. */
const arbIpv4 = fc.ipV4();
/** An IPv6 address. */
const arbIpv6 = fc.ipV6();
/** An IPv4 or IPv6 address. */
const arbIp = fc.oneof(arbIpv4, arbIpv6);
/** Any 32-bit AS number (0 included: parse must keep it, validate must reject it). */
const arbAsn = fc.integer({ min: 0, max: 4294967295 });
/** A label value: any text, to exercise YAML quoting (`"true"`, `"0755"`, `yes`, `~`…). */
export const arbLabelValue = fc.oneof(
  fc.constantFrom(
    "true",
    "false",
    "yes",
    "on",
    "0755",
    "1e3",
    "~",
    "null",
    "",
    "0o12",
    "10:20",
    "1:30",
    "2021-06-14",
    "-",
    "- a",
    "a: b",
    "a #b",
    " a",
    "::1",
    "@x",
    "%x",
    "0b101",
    "1_000",
    ".5",
    "<<",
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ maxLength: 8, unit: "binary" }),
);
/**
 * Strings built from the pieces of the YAML 1.1 and 1.2 scalar grammars
 * (digits, signs, dots, exponents, base prefixes, sexagesimal colons,
 * underscores, null and bool words, dates, `<<`, `=`), so most draws are one
 * character away from a number, a bool, a null or a timestamp.
 */
export const arbGrammarNearString = fc
  .array(
    fc.oneof(
      fc.constantFrom("0", "1", "5", "7", "9", "00", "60", "2001", "-12", "-14"),
      fc.constantFrom("-", "+", ".", "e", "E", "e+", "E-", "x", "X", "o", "O", "b", "B", "a", "F", ":", "_", "~", " ", "t", "T", "Z"),
      fc.constantFrom("inf", "Inf", "INF", "nan", "NaN", "NAN", "null", "Null", "NULL", "true", "False", "y", "Y", "n", "N"),
      fc.constantFrom("yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "<<", "=", "2001-12-14"),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((pieces) => pieces.join(""));

/** A label map. */
const arbLabels = fc.dictionary(fc.stringMatching(/^[a-z]([a-z0-9.-]{0,8}\/)?[a-z0-9]{1,8}$/), arbLabelValue, { maxKeys: 3 });
/** A CIDR or range text (well-formed). */
const arbAddressBlockText = fc.oneof(
  fc.tuple(arbIpv4, fc.integer({ min: 0, max: 32 })).map(([ip, length]) => `${ip}/${length}`),
  fc.tuple(arbIpv6, fc.integer({ min: 0, max: 128 })).map(([ip, length]) => `${ip}/${length}`),
  fc.tuple(arbIpv4, arbIpv4).map(([a, b]) => `${a}-${b}`),
);

/** A JSON-like value that survives YAML unchanged (no floats, no -0). */
export const arbPlainValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), tie("value"), { maxKeys: 3 }),
  ),
})).value;

/** Unknown fields at the given object paths (each gets an `x-…` key; none, one or several). */
function arbUnknownFields(parents: readonly (readonly (string | number)[])[]): fc.Arbitrary<UnknownField[] | undefined> {
  return fc
    .uniqueArray(fc.tuple(fc.constantFrom(...parents), fc.stringMatching(/^x-[a-z]{1,5}$/), arbPlainValue), {
      maxLength: 3,
      selector: ([parent, key]) => `${parent.join(".")}.${key}`,
    })
    .map((entries) => (entries.length === 0 ? undefined : entries.map(([parent, key, value]) => ({ path: [...parent, key], value }))));
}

function withUnknown<T extends ModelObject>(object: T, unknownFields: UnknownField[] | undefined): T {
  return unknownFields ? { ...object, unknownFields } : object;
}

const TOP_PARENTS = [[], ["metadata"], ["spec"]] as const;

function arbMeta(namespace: fc.Arbitrary<string> = arbNamespace): fc.Arbitrary<ObjectMeta> {
  return fc
    .record({ name: arbName, namespace, labels: fc.option(arbLabels, { nil: undefined }), annotations: fc.option(arbLabels, { nil: undefined }) })
    .map((meta) => {
      const result: { -readonly [K in keyof ObjectMeta]: ObjectMeta[K] } = { name: meta.name, namespace: meta.namespace };
      if (meta.labels) result.labels = meta.labels;
      if (meta.annotations) result.annotations = meta.annotations;
      return result;
    });
}

function optional<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(arb, { nil: undefined });
}

function compactRecord<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

const arbNodes = fc.array(
  arbIpv4.map((address) => ({ address })),
  { minLength: 1, maxLength: 4 },
);

/** A GKE Cluster with free values. */
const arbCluster: fc.Arbitrary<Cluster> = fc
  .record({
    metadata: arbMeta(),
    type: optional(fc.constantFrom("admin" as const, "user" as const, "hybrid" as const, "standalone" as const)),
    nodes: arbNodes,
    advancedNetworking: optional(fc.boolean()),
    pods: optional(fc.array(arbAddressBlockText, { maxLength: 2 })),
    services: optional(fc.array(arbAddressBlockText, { maxLength: 2 })),
    mode: fc.constantFrom("bundled" as const, "manual" as const),
    lbType: optional(fc.constantFrom("bgp" as const, "layer2" as const)),
    localASN: optional(arbAsn),
    bgpPeers: optional(
      fc.array(fc.record({ ip: arbIpv4, asn: arbAsn, controlPlaneNodes: optional(fc.array(arbIpv4, { maxLength: 3 })) }).map(compactRecord), { maxLength: 3 }),
    ),
    port: optional(fc.integer({ min: 0, max: 65535 })),
    controlPlaneVIP: arbIpv4,
    ingressVIP: optional(arbIpv4),
    addressPools: optional(
      fc.array(
        fc
          .record({
            name: arbName,
            addresses: fc.array(arbAddressBlockText, { maxLength: 3 }),
            avoidBuggyIPs: optional(fc.boolean()),
            manualAssign: optional(fc.boolean()),
          })
          .map(compactRecord),
        { maxLength: 3 },
      ),
    ),
    lbNodes: optional(arbNodes),
    unknown: arbUnknownFields([...TOP_PARENTS, ["spec", "loadBalancer"], ["spec", "controlPlane", "nodePoolSpec"]]),
  })
  .map((r) =>
    withUnknown<Cluster>(
      {
        apiVersion: GKE_CLUSTER_API_VERSION,
        kind: "Cluster",
        metadata: r.metadata,
        spec: compactRecord({
          type: r.type,
          controlPlane: { nodePoolSpec: { nodes: r.nodes } },
          clusterNetwork: compactRecord({
            advancedNetworking: r.advancedNetworking,
            pods: r.pods ? { cidrBlocks: r.pods } : undefined,
            services: r.services ? { cidrBlocks: r.services } : undefined,
          }),
          loadBalancer: compactRecord({
            mode: r.mode,
            type: r.lbType,
            localASN: r.localASN,
            bgpPeers: r.bgpPeers,
            ports: r.port === undefined ? undefined : { controlPlaneLBPort: r.port },
            vips: compactRecord({ controlPlaneVIP: r.controlPlaneVIP, ingressVIP: r.ingressVIP }),
            addressPools: r.addressPools,
            nodePoolSpec: r.lbNodes ? { nodes: r.lbNodes } : undefined,
          }),
        }),
      },
      r.unknown,
    ),
  );

const arbPodCidr = fc.record({ cidr: arbAddressBlockText, perNodeMaskSize: fc.integer({ min: 0, max: 128 }) });

/** A ClusterCIDRConfig. */
const arbClusterCIDRConfig: fc.Arbitrary<ClusterCIDRConfig> = fc
  .record({ metadata: arbMeta(), ipv4: optional(arbPodCidr), ipv6: optional(arbPodCidr), unknown: arbUnknownFields(TOP_PARENTS) })
  .map((r) =>
    withUnknown<ClusterCIDRConfig>(
      { apiVersion: GKE_CLUSTER_CIDR_CONFIG_API_VERSION, kind: "ClusterCIDRConfig", metadata: r.metadata, spec: compactRecord({ ipv4: r.ipv4, ipv6: r.ipv6 }) },
      r.unknown,
    ),
  );

/** A NetworkGatewayGroup. */
const arbNetworkGatewayGroup: fc.Arbitrary<NetworkGatewayGroup> = fc
  .record({ metadata: arbMeta(), floatingIPs: fc.array(arbIp, { maxLength: 4 }), unknown: arbUnknownFields(TOP_PARENTS) })
  .map((r) =>
    withUnknown<NetworkGatewayGroup>(
      { apiVersion: GKE_NETWORKING_API_VERSION, kind: "NetworkGatewayGroup", metadata: r.metadata, spec: { floatingIPs: r.floatingIPs } },
      r.unknown,
    ),
  );

/** A BGPLoadBalancer. */
const arbBGPLoadBalancer: fc.Arbitrary<BGPLoadBalancer> = fc
  .record({ metadata: arbMeta(), peerSelector: optional(arbLabels), unknown: arbUnknownFields(TOP_PARENTS) })
  .map((r) =>
    withUnknown<BGPLoadBalancer>(
      { apiVersion: GKE_NETWORKING_API_VERSION, kind: "BGPLoadBalancer", metadata: r.metadata, spec: compactRecord({ peerSelector: r.peerSelector }) },
      r.unknown,
    ),
  );

/** A GKE data-plane BGPPeer. */
const arbGkeBGPPeer: fc.Arbitrary<GkeBGPPeer> = fc
  .record({
    metadata: arbMeta(),
    localASN: arbAsn,
    peerASN: arbAsn,
    peerIP: arbIp,
    sessions: optional(fc.integer({ min: 0, max: 8 })),
    unknown: arbUnknownFields(TOP_PARENTS),
  })
  .map((r) =>
    withUnknown<GkeBGPPeer>(
      {
        apiVersion: GKE_NETWORKING_API_VERSION,
        kind: "BGPPeer",
        metadata: r.metadata,
        spec: compactRecord({ localASN: r.localASN, peerASN: r.peerASN, peerIP: r.peerIP, sessions: r.sessions }),
      },
      r.unknown,
    ),
  );

/** A BGPSession status object. */
const arbBGPSession: fc.Arbitrary<BGPSession> = fc
  .record({
    metadata: arbMeta(fc.constant("kube-system")),
    spec: fc.record({ floatingIP: arbIpv4, localASN: arbAsn, localIP: arbIpv4, nodeName: arbName, peerASN: arbAsn, peerIP: arbIpv4 }),
    status: optional(
      fc
        .record({
          advertisedRoutes: optional(fc.array(arbAddressBlockText, { maxLength: 3 })),
          lastReportTime: optional(fc.constant("2021-06-14T22:09:36Z")),
          state: optional(fc.constantFrom("Established", "Idle", "Active")),
        })
        .map(compactRecord),
    ),
  })
  .map(
    (r) => compactRecord({ apiVersion: GKE_NETWORKING_API_VERSION, kind: "BGPSession", metadata: r.metadata, spec: r.spec, status: r.status }) as BGPSession,
  );

/** A BGPAdvertisedRoute status object. */
const arbBGPAdvertisedRoute: fc.Arbitrary<BGPAdvertisedRoute> = fc
  .record({
    metadata: arbMeta(fc.constant("kube-system")),
    prefix: arbAddressBlockText,
    metric: optional(fc.nat()),
    nextHops: optional(fc.array(arbIpv4, { maxLength: 3 })),
  })
  .map((r) => ({
    apiVersion: GKE_NETWORKING_API_VERSION,
    kind: "BGPAdvertisedRoute",
    metadata: r.metadata,
    spec: compactRecord({ prefix: r.prefix, metric: r.metric, nextHops: r.nextHops }),
  }));

/** A label selector. */
const arbLabelSelector: fc.Arbitrary<LabelSelector> = fc
  .record({
    matchLabels: optional(arbLabels),
    matchExpressions: optional(
      fc.array(
        fc
          .record({
            key: arbName,
            operator: fc.constantFrom("In" as const, "NotIn" as const, "Exists" as const, "DoesNotExist" as const),
            values: optional(fc.array(arbName, { maxLength: 2 })),
          })
          .map(compactRecord),
        { maxLength: 2 },
      ),
    ),
  })
  .map(compactRecord);

const arbDuration = fc.oneof(
  fc.nat({ max: 300 }).map((s) => `${s}s`),
  fc.constantFrom("1m30s", "500ms", "1h"),
);

/** A MetalLB BGPPeer with every field free. */
const arbMetalLBBGPPeer: fc.Arbitrary<MetalLBBGPPeer> = fc
  .record({
    metadata: arbMeta(),
    spec: fc
      .record({
        myASN: arbAsn,
        peerASN: arbAsn,
        peerAddress: arbIp,
        sourceAddress: optional(arbIpv4),
        peerPort: optional(fc.integer({ min: 0, max: 70000 })),
        holdTime: optional(arbDuration),
        keepaliveTime: optional(arbDuration),
        routerID: optional(arbIpv4),
        password: optional(fc.string({ maxLength: 10 })),
        passwordSecret: optional(fc.record({ name: arbName, namespace: optional(arbNamespace) }).map(compactRecord)),
        bfdProfile: optional(arbName),
        nodeSelectors: optional(fc.array(arbLabelSelector, { maxLength: 2 })),
        ebgpMultiHop: optional(fc.boolean()),
        vrf: optional(arbName),
      })
      .map(compactRecord),
    unknown: arbUnknownFields(TOP_PARENTS),
  })
  .map((r) => withUnknown<MetalLBBGPPeer>({ apiVersion: METALLB_BGP_PEER_API_VERSION, kind: "BGPPeer", metadata: r.metadata, spec: r.spec }, r.unknown));

/** An IPAddressPool. */
const arbIPAddressPool: fc.Arbitrary<IPAddressPool> = fc
  .record({
    metadata: arbMeta(),
    spec: fc
      .record({ addresses: fc.array(arbAddressBlockText, { maxLength: 3 }), autoAssign: optional(fc.boolean()), avoidBuggyIPs: optional(fc.boolean()) })
      .map(compactRecord),
    unknown: arbUnknownFields(TOP_PARENTS),
  })
  .map((r) => withUnknown<IPAddressPool>({ apiVersion: METALLB_V1BETA1_API_VERSION, kind: "IPAddressPool", metadata: r.metadata, spec: r.spec }, r.unknown));

/** A community text: `a:b`, `large:a:b:c`, or a name. */
const arbCommunity = fc.oneof(
  fc.tuple(fc.nat({ max: 65535 }), fc.nat({ max: 65535 })).map(([a, b]) => `${a}:${b}`),
  fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([a, b, c]) => `large:${a}:${b}:${c}`),
  arbName,
);

/** A BGPAdvertisement. */
const arbBGPAdvertisement: fc.Arbitrary<BGPAdvertisement> = fc
  .record({
    metadata: arbMeta(),
    spec: fc
      .record({
        ipAddressPools: optional(fc.array(arbName, { maxLength: 3 })),
        ipAddressPoolSelectors: optional(fc.array(arbLabelSelector, { maxLength: 2 })),
        peers: optional(fc.array(arbName, { maxLength: 3 })),
        communities: optional(fc.array(arbCommunity, { maxLength: 3 })),
        aggregationLength: optional(fc.integer({ min: 0, max: 40 })),
        aggregationLengthV6: optional(fc.integer({ min: 0, max: 140 })),
        localPref: optional(fc.nat()),
        nodeSelectors: optional(fc.array(arbLabelSelector, { maxLength: 2 })),
      })
      .map(compactRecord),
    unknown: arbUnknownFields(TOP_PARENTS),
  })
  .map((r) =>
    withUnknown<BGPAdvertisement>({ apiVersion: METALLB_V1BETA1_API_VERSION, kind: "BGPAdvertisement", metadata: r.metadata, spec: r.spec }, r.unknown),
  );

/** A BFDProfile. */
const arbBFDProfile: fc.Arbitrary<BFDProfile> = fc
  .record({
    metadata: arbMeta(),
    spec: fc
      .record({
        receiveInterval: optional(fc.integer({ min: 0, max: 70000 })),
        transmitInterval: optional(fc.integer({ min: 0, max: 70000 })),
        detectMultiplier: optional(fc.integer({ min: 0, max: 300 })),
        echoInterval: optional(fc.integer({ min: 0, max: 70000 })),
        echoMode: optional(fc.boolean()),
        passiveMode: optional(fc.boolean()),
        minimumTtl: optional(fc.integer({ min: 0, max: 300 })),
      })
      .map(compactRecord),
    unknown: arbUnknownFields(TOP_PARENTS),
  })
  .map((r) => withUnknown<BFDProfile>({ apiVersion: METALLB_V1BETA1_API_VERSION, kind: "BFDProfile", metadata: r.metadata, spec: r.spec }, r.unknown));

/** A manifest of a kind bgplb does not model, as parsing keeps it. */
const arbOpaqueObject: fc.Arbitrary<OpaqueObject> = fc
  .record({
    kind: fc.constantFrom("Secret", "NodePool", "ConfigMap"),
    apiVersion: fc.constantFrom("v1", "baremetal.cluster.gke.io/v1"),
    name: arbName,
    namespace: arbNamespace,
    data: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  })
  .map((r) => ({
    apiVersion: r.apiVersion,
    kind: r.kind,
    metadata: { name: r.name, namespace: r.namespace },
    body: { apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, namespace: r.namespace }, data: r.data },
  }));

/** Any object, modelled or not. */
const arbAnyObject: fc.Arbitrary<ModelObject | OpaqueObject> = fc.oneof(
  arbCluster,
  arbClusterCIDRConfig,
  arbNetworkGatewayGroup,
  arbBGPLoadBalancer,
  arbGkeBGPPeer,
  arbBGPSession,
  arbBGPAdvertisedRoute,
  arbMetalLBBGPPeer,
  arbIPAddressPool,
  arbBGPAdvertisement,
  arbBFDProfile,
  arbOpaqueObject,
);

/** A topology of any objects with unique keys (apiVersion/kind/namespace/name), in generation order. */
export function arbTopology(maxObjects = 12): fc.Arbitrary<Topology> {
  return fc
    .uniqueArray(arbAnyObject, { maxLength: maxObjects, selector: (object) => formatObjectKey(objectKey(object)) })
    .map((objects) => topologyOf(objects));
}

/**
 * A GKE topology that follows the vendor's rules: one cluster `bm` with
 * `racks` /24 subnets 10.0.<rack>.0/24, CP nodes and LB nodes in them,
 * floating IPs .100+ in those subnets, eBGP peers (AS 65002, cluster AS
 * 65001), disjoint pools in 203.0.113.0/24 and 2001:db8::/64, the ingress VIP
 * in the first pool, the control-plane VIP 10.0.0.8 outside every pool, and
 * optionally a BGPLoadBalancer selecting labelled BGPPeers.
 */
export const arbConsistentGkeTopology: fc.Arbitrary<Topology> = fc
  .record({
    racks: fc.integer({ min: 1, max: 4 }),
    cpPerRack: fc.integer({ min: 1, max: 3 }),
    floatingPerRack: fc.integer({ min: 1, max: 3 }),
    peers: fc.integer({ min: 1, max: 4 }),
    perRackPeering: fc.boolean(),
    dataPlanePeers: fc.integer({ min: 0, max: 3 }),
    pools: fc.integer({ min: 1, max: 4 }),
    dualStack: fc.boolean(),
  })
  .map((r) => {
    const rackIds = Array.from({ length: r.racks }, (_, i) => i + 1);
    const cpNodes = rackIds.flatMap((rack) => Array.from({ length: r.cpPerRack }, (_, i) => `10.0.${rack}.${10 + i}`));
    const bgpPeers = r.perRackPeering
      ? rackIds.map((rack) => ({ ip: `10.0.${rack}.254`, asn: 65002, controlPlaneNodes: cpNodes.filter((node) => node.startsWith(`10.0.${rack}.`)) }))
      : Array.from({ length: r.peers }, (_, i) => ({ ip: `10.8.0.${10 + i}`, asn: 65002 }));
    const addressPools = Array.from({ length: r.pools }, (_, i) => ({
      name: `pool${i + 1}`,
      addresses:
        r.dualStack && i === 0
          ? [`203.0.113.${i * 16 + 1}-203.0.113.${i * 16 + 14}`, `2001:db8::${i * 16 + 1}-2001:db8::${i * 16 + 14}`]
          : [`203.0.113.${i * 16}/28`],
    }));
    const objects: ModelObject[] = [
      gkeCluster({
        name: "bm",
        clusterType: "hybrid",
        controlPlaneNodes: cpNodes,
        localASN: 65001,
        bgpPeers,
        controlPlaneVIP: "10.0.0.8",
        ingressVIP: r.dualStack ? "203.0.113.1" : "203.0.113.0",
        addressPools,
        serviceCidrs: r.dualStack ? ["10.96.0.0/16", "fd00::/112"] : ["10.96.0.0/20"],
        podCidrs: ["192.168.0.0/16"],
      }),
      networkGatewayGroup({
        clusterName: "bm",
        floatingIPs: rackIds.flatMap((rack) => Array.from({ length: r.floatingPerRack }, (_, i) => `10.0.${rack}.${100 + i}`)),
      }),
    ];
    if (r.dataPlanePeers > 0) {
      const label = { "cluster.baremetal.gke.io/default-peer": "true" };
      objects.push(bgpLoadBalancer({ clusterName: "bm", peerSelector: label }));
      const floating = r.racks * r.floatingPerRack;
      for (let i = 0; i < r.dataPlanePeers; i++) {
        objects.push(
          gkeBgpPeer({
            clusterName: "bm",
            name: `bgppeer${i + 1}`,
            labels: label,
            localASN: 65001,
            peerASN: 65002,
            peerIP: `10.0.9.${250 - i}`,
            sessions: Math.min(2, floating),
          }),
        );
      }
    }
    if (r.dualStack) {
      objects.push({
        apiVersion: GKE_CLUSTER_CIDR_CONFIG_API_VERSION,
        kind: "ClusterCIDRConfig",
        metadata: { name: "cluster-wide-1", namespace: clusterNamespace("bm") },
        spec: { ipv4: { cidr: "192.168.0.0/16", perNodeMaskSize: 24 }, ipv6: { cidr: "2001:db8:1::/112", perNodeMaskSize: 120 } },
      });
    }
    return topologyOf(objects);
  });

/**
 * A MetalLB CR set that follows MetalLB's rules: eBGP peers with one
 * routerID, sane timers, disjoint pools (IPv4 and optionally IPv6), and
 * advertisements naming existing pools and peers with valid communities and
 * aggregation lengths.
 */
export const arbConsistentMetalLBTopology: fc.Arbitrary<Topology> = fc
  .record({
    peers: fc.integer({ min: 1, max: 4 }),
    pools: fc.integer({ min: 1, max: 4 }),
    withV6: fc.boolean(),
    community: arbCommunity.filter((c) => c.includes(":")),
  })
  .map((r) => {
    const objects: ModelObject[] = [];
    for (let i = 0; i < r.peers; i++) {
      objects.push(
        metallbBgpPeer({
          name: `peer${i + 1}`,
          myASN: 64500,
          peerASN: 64501,
          peerAddress: `10.0.0.${i + 1}`,
          routerID: "10.10.10.10",
          holdTime: "90s",
          keepaliveTime: "30s",
        }),
      );
    }
    for (let i = 0; i < r.pools; i++) {
      const addresses = [`198.51.100.${i * 32}/27`];
      if (r.withV6) addresses.push(`2001:db8:${i}::/64`);
      objects.push(ipAddressPool({ name: `pool${i + 1}`, addresses }));
      objects.push(
        bgpAdvertisement({
          name: `adv${i + 1}`,
          ipAddressPools: [`pool${i + 1}`],
          peers: [`peer${(i % r.peers) + 1}`],
          communities: [r.community],
          aggregationLength: 32,
          aggregationLengthV6: 128,
        }),
      );
    }
    return topologyOf(objects);
  });
