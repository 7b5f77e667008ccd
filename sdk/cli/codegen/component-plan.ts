import { isDeepStrictEqual } from "node:util";
import { renderObject, type PlainManifest } from "../../manifest";
import {
  BGP_LOAD_BALANCER_NAME,
  GKE_DEFAULT_PEER_LABEL,
  METALLB_NAMESPACE,
  NETWORK_GATEWAY_GROUP_NAME,
  clusterNamespace,
  formatObjectKey,
  formatPath,
  objectKey,
  type BFDProfile,
  type BGPAdvertisement,
  type BGPLoadBalancer,
  type Cluster,
  type ClusterCIDRConfig,
  type GkeBGPPeer,
  type IPAddressPool,
  type MetalLBBGPPeer,
  type ModelObject,
  type ModelObjectBase,
  type NetworkGatewayGroup,
  type OpaqueObject,
  type Topology,
} from "../../model";
import { compact } from "../../model/builders/compact";
import { Expression, variableName } from "./typescript-literal";

/** Something of an imported object that a component does not express. */
export interface Uncovered {
  /** The field, as users read it (`spec.futureKnob`); absent when the reason is about the whole object. */
  readonly field?: string;
  /** The field's value as imported (present with `field`). */
  readonly value?: unknown;
  /** Why the component does not express it. */
  readonly reason: string;
}

/** A component built from imported objects: `new bgplb.<component>(resourceName, args, target.options)`. */
export interface ComponentCall {
  readonly part: "component";
  /** The imported object it is built from, as `apiVersion kind namespace/name`. */
  readonly subject: string;
  /** The program variable holding it. */
  readonly variable: string;
  /** The component class, e.g. `MetalLbPeer`. */
  readonly component: string;
  /** The Pulumi resource name. */
  readonly resourceName: string;
  /** The arguments; references to other parts are {@link Expression}s. */
  readonly args: Readonly<Record<string, unknown>>;
  /** Fields of the imported object it does not render (only the Cluster's: bmctl owns the rest of it). */
  readonly notRendered: readonly Uncovered[];
}

/** An object no component expresses, published exactly as written. */
export interface AsWritten {
  readonly part: "as-written";
  /** The imported object, as `apiVersion kind namespace/name`. */
  readonly subject: string;
  /** The program variable holding the manifest. */
  readonly variable: string;
  /** The imported object. */
  readonly object: ModelObject | OpaqueObject;
  /** The manifest, as `bgplb render` writes it. */
  readonly manifest: PlainManifest;
  /** Why no component expresses it (one or more). */
  readonly reasons: readonly Uncovered[];
  /**
   * A configuration object the stack applies as written (`AsWrittenManifest`); false for what a stack never
   * applies (the Cluster, status objects, kinds bgplb does not model) and for a plaintext password.
   */
  readonly applied: boolean;
}

/** The reference other GKE components take for a cluster whose Cluster no component builds. */
export interface ClusterStandIn {
  readonly part: "cluster-reference";
  /** The program variable holding the reference. */
  readonly variable: string;
  /** The cluster name. */
  readonly clusterName: string;
  /** The cluster ASN. */
  readonly localAsn: number;
}

/** One declaration of the generated program, in declaration order (references come before their use). */
export type ProgramPart = ComponentCall | AsWritten | ClusterStandIn;

/** What `applyToCluster` is set to in every component call. */
export const APPLY = new Expression("target.applyToCluster");

/** Names the program declares itself. */
const RESERVED = ["bgplb", "target", "objects", "files", "loadBalancer"];

/** The components' default label on a GKE data-plane BGPPeer. */
const DEFAULT_PEER_LABELS = { [GKE_DEFAULT_PEER_LABEL]: "true" };

/** The name of the cluster whose namespace this is (`cluster-<name>`), if it is one. */
function clusterNameOf(namespace: string | undefined): string | undefined {
  if (namespace === undefined || !namespace.startsWith("cluster-")) return undefined;
  const name = namespace.slice("cluster-".length);
  return clusterNamespace(name) === namespace ? name : undefined;
}

/** The metadata every MetalLB component takes as arguments. */
const METALLB_METADATA = ["labels", "annotations"] as const;

/** The metadata and unknown fields of an object that a component has no argument for. */
function unexpressedMetadata(object: ModelObjectBase, component: string, takes: readonly ("labels" | "annotations")[]): Uncovered[] {
  const missing = `${component} has no argument for it`;
  const { labels, annotations } = object.metadata;
  return [
    ...(labels !== undefined && !takes.includes("labels") ? [{ field: "metadata.labels", value: labels, reason: missing }] : []),
    ...(annotations !== undefined && !takes.includes("annotations") ? [{ field: "metadata.annotations", value: annotations, reason: missing }] : []),
    ...(object.unknownFields ?? []).map((field) => ({ field: formatPath(field.path), value: field.value, reason: missing })),
  ];
}

function field(name: string, value: unknown, reason: string): Uncovered {
  return { field: name, value, reason };
}

/** What a component's Pulumi resource is named after: an object's name (and namespace, to tell equal names apart). */
interface Identity {
  readonly name: string;
  readonly namespace?: string;
}

/** How another component refers to a part: its variable, or the reference's fields as plain data. */
type Reference = Expression | Readonly<Record<string, unknown>>;

/**
 * Plans the Pulumi program for a topology: one component per object a
 * component expresses exactly (the GKE Cluster's load-balancer parts count,
 * its other fields are reported), everything else as written. References
 * between objects (cluster, floating IPs, peers, pools, BFD profiles) become
 * references between the parts.
 */
export function planComponents(topology: Topology): ProgramPart[] {
  return new Planner(topology).plan();
}

class Planner {
  private readonly parts: ProgramPart[] = [];
  private readonly taken = new Set<string>(RESERVED);
  private readonly resourceNames = new Map<string, Set<string>>();
  /** Cluster references by namespace. */
  private readonly clusters = new Map<string, { readonly reference: Expression; readonly localAsn: number }>();
  /** FloatingIpGroup variables by namespace. */
  private readonly floatingIpGroups = new Map<string, Expression>();
  /** GKE peer references by namespace, with the labels a selector matches. */
  private readonly gkePeers = new Map<string, { readonly labels: Readonly<Record<string, string>>; readonly reference: Reference }[]>();
  /** MetalLB references by `kind namespace/name`. */
  private readonly metallb = new Map<string, Reference>();

  constructor(private readonly topology: Topology) {}

  plan(): ProgramPart[] {
    const t = this.topology;
    const cidrConfigs = this.cidrConfigsByCluster();
    for (const cluster of t.clusters) this.cluster(cluster, cidrConfigs.get(cluster));
    for (const config of t.clusterCIDRConfigs) {
      if (![...cidrConfigs.values()].includes(config))
        this.asWritten(config, [
          {
            reason:
              "GkeClusterLoadBalancer renders one ClusterCIDRConfig, in the namespace of an imported Cluster, with no labels, annotations or other fields",
          },
        ]);
    }
    this.standIns();
    for (const group of t.networkGatewayGroups) this.floatingIpGroup(group);
    for (const peer of t.gkeBgpPeers) this.gkePeer(peer);
    for (const balancer of t.bgpLoadBalancers) this.bgpLoadBalancer(balancer);
    for (const status of [...t.bgpSessions, ...t.bgpAdvertisedRoutes])
      this.asWritten(status, [{ reason: "a status object the GKE controller writes; no component creates it" }], false);
    for (const profile of t.bfdProfiles) this.bfdProfile(profile);
    for (const peer of t.metallbBgpPeers) this.metallbPeer(peer);
    for (const pool of t.ipAddressPools) this.addressPool(pool);
    for (const advertisement of t.bgpAdvertisements) this.bgpAdvertisement(advertisement);
    for (const other of t.otherObjects) this.asWritten(other, [{ reason: "bgplb has no component for this kind" }], false);
    return this.parts;
  }

  private variable(kind: string, name: string): string {
    return variableName({ kind, metadata: { name } }, this.taken);
  }

  /** The object's name as the Pulumi resource name, or `<namespace>-<name>` when another component of the type has it. */
  private resourceName(component: string, identity: Identity): string {
    const names = this.resourceNames.get(component) ?? new Set<string>();
    this.resourceNames.set(component, names);
    let name = identity.name;
    if (names.has(name)) name = `${identity.namespace ?? ""}-${identity.name}`;
    for (let n = 2; names.has(name); n++) name = `${identity.namespace ?? ""}-${identity.name}-${n}`;
    names.add(name);
    return name;
  }

  private component(
    component: string,
    object: ModelObject,
    identity: Identity,
    variable: string,
    args: (resourceName: string) => object,
    notRendered: Uncovered[] = [],
  ): Expression {
    const resourceName = this.resourceName(component, identity);
    this.parts.push({
      part: "component",
      subject: formatObjectKey(objectKey(object)),
      variable,
      component,
      resourceName,
      args: { ...compact(args(resourceName)), applyToCluster: APPLY },
      notRendered,
    });
    return new Expression(variable);
  }

  private asWritten(object: ModelObject | OpaqueObject, reasons: readonly Uncovered[], applied = true): void {
    this.parts.push({
      part: "as-written",
      subject: formatObjectKey(objectKey(object)),
      variable: variableName(object, this.taken),
      object,
      manifest: renderObject(object),
      reasons,
      applied,
    });
  }

  /** The ClusterCIDRConfig each Cluster's component renders: the first plain one in its namespace. */
  private cidrConfigsByCluster(): Map<Cluster, ClusterCIDRConfig> {
    const chosen = new Map<Cluster, ClusterCIDRConfig>();
    for (const cluster of this.topology.clusters) {
      const config = this.topology.clusterCIDRConfigs.find(
        (c) =>
          c.metadata.namespace === cluster.metadata.namespace &&
          c.metadata.labels === undefined &&
          c.metadata.annotations === undefined &&
          c.unknownFields === undefined &&
          (c.spec.ipv4 ?? c.spec.ipv6) !== undefined,
      );
      if (config !== undefined && ![...chosen.values()].includes(config)) chosen.set(cluster, config);
    }
    return chosen;
  }

  private cluster(cluster: Cluster, cidrConfig: ClusterCIDRConfig | undefined): void {
    const { metadata, spec } = cluster;
    const lb = spec.loadBalancer;
    const blocking = [
      ...(metadata.namespace === clusterNamespace(metadata.name)
        ? []
        : [field("metadata.namespace", metadata.namespace, `GkeClusterLoadBalancer puts the Cluster in ${clusterNamespace(metadata.name)}`)]),
      ...(lb.mode === "bundled" ? [] : [field("spec.loadBalancer.mode", lb.mode, "GkeClusterLoadBalancer describes the bundled load balancer")]),
      ...(lb.type === "bgp" ? [] : [field("spec.loadBalancer.type", lb.type, "GkeClusterLoadBalancer describes BGP mode")]),
      ...(lb.localASN !== undefined ? [] : [field("spec.loadBalancer.localASN", undefined, "absent; GkeClusterLoadBalancer needs the cluster ASN")]),
      ...(lb.bgpPeers !== undefined ? [] : [field("spec.loadBalancer.bgpPeers", undefined, "absent; GkeClusterLoadBalancer writes the control-plane peers")]),
      ...(lb.ports === undefined || lb.ports.controlPlaneLBPort !== undefined
        ? []
        : [field("spec.loadBalancer.ports", lb.ports, "GkeClusterLoadBalancer writes ports only with controlPlaneLBPort")]),
      ...(spec.clusterNetwork?.advancedNetworking === true
        ? []
        : [
            field(
              "spec.clusterNetwork.advancedNetworking",
              spec.clusterNetwork?.advancedNetworking,
              "GkeClusterLoadBalancer turns advanced networking on (BGP mode needs it)",
            ),
          ]),
    ];
    if (blocking.length > 0 || lb.localASN === undefined || lb.bgpPeers === undefined) {
      this.asWritten(cluster, blocking, false);
      return;
    }
    const isVersion = (f: { readonly path: readonly (string | number)[]; readonly value: unknown }) =>
      isDeepStrictEqual(f.path, ["spec", "anthosBareMetalVersion"]) && typeof f.value === "string";
    const version = cluster.unknownFields?.find(isVersion);
    const notRendered = unexpressedMetadata({ ...cluster, unknownFields: cluster.unknownFields?.filter((f) => !isVersion(f)) }, "GkeClusterLoadBalancer", []);
    const variable = this.variable("cluster", metadata.name);
    const reference = this.component(
      "GkeClusterLoadBalancer",
      cluster,
      metadata,
      variable,
      () => ({
        clusterName: metadata.name,
        clusterType: spec.type,
        anthosBareMetalVersion: version?.value,
        localAsn: lb.localASN,
        controlPlaneNodes: spec.controlPlane.nodePoolSpec.nodes.map((node) => node.address),
        controlPlanePeers: lb.bgpPeers!.map((peer) => compact({ ip: peer.ip, asn: peer.asn, controlPlaneNodes: peer.controlPlaneNodes })),
        controlPlaneVip: lb.vips.controlPlaneVIP,
        ingressVip: lb.vips.ingressVIP,
        controlPlaneLbPort: lb.ports?.controlPlaneLBPort,
        addressPools: lb.addressPools?.map((pool) =>
          compact({ name: pool.name, addresses: pool.addresses, avoidBuggyIps: pool.avoidBuggyIPs, manualAssign: pool.manualAssign }),
        ),
        loadBalancerNodes: lb.nodePoolSpec?.nodes.map((node) => node.address),
        serviceCidrs: spec.clusterNetwork?.services?.cidrBlocks,
        podCidrs: spec.clusterNetwork?.pods?.cidrBlocks,
        podRangeIpv4: cidrConfig?.spec.ipv4,
        podRangeIpv6: cidrConfig?.spec.ipv6,
        clusterCidrConfigName: cidrConfig === undefined || cidrConfig.metadata.name === "cluster-cidr-config" ? undefined : cidrConfig.metadata.name,
        podRangeNodeSelector: cidrConfig?.spec.nodeSelector,
      }),
      notRendered,
    );
    this.clusters.set(metadata.namespace!, { reference, localAsn: lb.localASN });
  }

  /**
   * A plain cluster reference for each cluster namespace holding GKE
   * resources but no Cluster component; its ASN comes from the Cluster
   * (written as is) or the namespace's first BGPPeer.
   */
  private standIns(): void {
    const t = this.topology;
    for (const object of [...t.networkGatewayGroups, ...t.gkeBgpPeers, ...t.bgpLoadBalancers]) {
      const namespace = object.metadata.namespace;
      const clusterName = clusterNameOf(namespace);
      if (clusterName === undefined || this.clusters.has(namespace!)) continue;
      const localAsn =
        t.clusters.find((c) => c.metadata.namespace === namespace)?.spec.loadBalancer.localASN ??
        t.gkeBgpPeers.find((p) => p.metadata.namespace === namespace)?.spec.localASN;
      if (localAsn === undefined) continue;
      const variable = this.variable("cluster", clusterName);
      this.parts.push({ part: "cluster-reference", variable, clusterName, localAsn });
      this.clusters.set(namespace!, { reference: new Expression(variable), localAsn });
    }
  }

  /** The reasons a GKE resource cannot name its cluster, if any. */
  private clusterProblem(object: ModelObjectBase, component: string): Uncovered[] {
    if (clusterNameOf(object.metadata.namespace) === undefined) {
      return [field("metadata.namespace", object.metadata.namespace, `${component} puts it in cluster-<cluster name>`)];
    }
    if (!this.clusters.has(object.metadata.namespace!)) {
      return [{ reason: `no imported Cluster or BGPPeer gives the ASN of cluster ${clusterNameOf(object.metadata.namespace)}, which ${component} needs` }];
    }
    return [];
  }

  private floatingIpGroup(group: NetworkGatewayGroup): void {
    const reasons = [
      ...(group.metadata.name === NETWORK_GATEWAY_GROUP_NAME
        ? []
        : [field("metadata.name", group.metadata.name, `FloatingIpGroup names it ${NETWORK_GATEWAY_GROUP_NAME}`)]),
      ...this.clusterProblem(group, "FloatingIpGroup"),
      ...unexpressedMetadata(group, "FloatingIpGroup", []),
    ];
    if (reasons.length > 0) return this.asWritten(group, reasons);
    const namespace = group.metadata.namespace!;
    const clusterName = clusterNameOf(namespace)!;
    const reference = this.component("FloatingIpGroup", group, { name: clusterName, namespace }, this.variable("floatingIps", clusterName), () => ({
      cluster: this.clusters.get(namespace)!.reference,
      floatingIps: group.spec.floatingIPs,
    }));
    this.floatingIpGroups.set(namespace, reference);
  }

  private gkePeer(peer: GkeBGPPeer): void {
    const cluster = this.clusters.get(peer.metadata.namespace ?? "");
    const reasons = [
      ...this.clusterProblem(peer, "BgpPeer"),
      ...(cluster === undefined || cluster.localAsn === peer.spec.localASN
        ? []
        : [field("spec.localASN", peer.spec.localASN, `differs from the cluster ASN ${cluster.localAsn}, which BgpPeer takes`)]),
      ...(peer.metadata.labels !== undefined
        ? []
        : [field("metadata.labels", undefined, `absent; BgpPeer labels its peer (${GKE_DEFAULT_PEER_LABEL}: "true" unless given)`)]),
      ...unexpressedMetadata(peer, "BgpPeer", ["labels"]),
    ];
    const namespace = peer.metadata.namespace ?? "";
    const labels = peer.metadata.labels ?? {};
    const peers = this.gkePeers.get(namespace) ?? [];
    this.gkePeers.set(namespace, peers);
    if (reasons.length > 0) {
      this.asWritten(peer, reasons);
      peers.push({ labels, reference: { peerName: peer.metadata.name, labels, peerIp: peer.spec.peerIP, peerAsn: peer.spec.peerASN } });
      return;
    }
    const reference = this.component("BgpPeer", peer, peer.metadata, this.variable("peer", peer.metadata.name), (resourceName) => ({
      cluster: cluster!.reference,
      peerName: resourceName === peer.metadata.name ? undefined : peer.metadata.name,
      peerIp: peer.spec.peerIP,
      peerAsn: peer.spec.peerASN,
      sessions: peer.spec.sessions,
      labels: isDeepStrictEqual(labels, DEFAULT_PEER_LABELS) ? undefined : labels,
      floatingIpGroup: this.floatingIpGroups.get(namespace),
    }));
    peers.push({ labels, reference });
  }

  private bgpLoadBalancer(balancer: BGPLoadBalancer): void {
    const selector = balancer.spec.peerSelector;
    const reasons = [
      ...(balancer.metadata.name === BGP_LOAD_BALANCER_NAME
        ? []
        : [field("metadata.name", balancer.metadata.name, `BgpLoadBalancer names it ${BGP_LOAD_BALANCER_NAME}`)]),
      ...this.clusterProblem(balancer, "BgpLoadBalancer"),
      ...(selector !== undefined && Object.keys(selector).length > 0
        ? []
        : [field("spec.peerSelector", selector, "BgpLoadBalancer writes a selector with at least one label")]),
      ...unexpressedMetadata(balancer, "BgpLoadBalancer", []),
    ];
    if (reasons.length > 0 || selector === undefined) return this.asWritten(balancer, reasons);
    const namespace = balancer.metadata.namespace!;
    const clusterName = clusterNameOf(namespace)!;
    const selected = (this.gkePeers.get(namespace) ?? []).filter((peer) => Object.entries(selector).every(([key, value]) => peer.labels[key] === value));
    this.component("BgpLoadBalancer", balancer, { name: clusterName, namespace }, this.variable("peerSelection", clusterName), () => ({
      cluster: this.clusters.get(namespace)!.reference,
      peers: selected.map((peer) => peer.reference),
      peerSelector: selector,
    }));
  }

  /** `namespace` for a MetalLB component: absent for the default namespace. */
  private static metallbNamespace(object: ModelObjectBase): string | undefined {
    return object.metadata.namespace === METALLB_NAMESPACE ? undefined : object.metadata.namespace;
  }

  private static key(kind: string, namespace: string | undefined, name: string): string {
    return `${kind} ${namespace ?? ""}/${name}`;
  }

  private bfdProfile(profile: BFDProfile): void {
    const key = Planner.key("BFDProfile", profile.metadata.namespace, profile.metadata.name);
    const reasons = unexpressedMetadata(profile, "BfdProfile", METALLB_METADATA);
    if (reasons.length > 0) {
      this.asWritten(profile, reasons);
      this.metallb.set(key, { profileName: profile.metadata.name });
      return;
    }
    const reference = this.component("BfdProfile", profile, profile.metadata, this.variable("bfdProfile", profile.metadata.name), (resourceName) => ({
      profileName: resourceName === profile.metadata.name ? undefined : profile.metadata.name,
      namespace: Planner.metallbNamespace(profile),
      labels: profile.metadata.labels,
      annotations: profile.metadata.annotations,
      ...profile.spec,
    }));
    this.metallb.set(key, reference);
  }

  private metallbPeer(peer: MetalLBBGPPeer): void {
    const { spec, metadata } = peer;
    const key = Planner.key("BGPPeer", metadata.namespace, metadata.name);
    const reasons = [
      ...(spec.password === undefined
        ? []
        : [
            field(
              "spec.password",
              undefined,
              "MetalLbPeer never writes a plaintext password; pass it as `password` (a secret) and the component creates the Secret",
            ),
          ]),
      ...unexpressedMetadata(peer, "MetalLbPeer", METALLB_METADATA),
    ];
    if (reasons.length > 0) {
      this.asWritten(peer, reasons, spec.password === undefined);
      this.metallb.set(
        key,
        compact({
          peerName: metadata.name,
          myAsn: spec.myASN,
          localAsn: spec.localASN,
          peerAsn: spec.peerASN,
          dynamicAsn: spec.dynamicASN,
          peerAddress: spec.peerAddress,
          interface: spec.interface,
        }),
      );
      return;
    }
    const profile = spec.bfdProfile;
    const reference = this.component("MetalLbPeer", peer, peer.metadata, this.variable("peer", peer.metadata.name), (resourceName) => ({
      peerName: resourceName === metadata.name ? undefined : metadata.name,
      namespace: Planner.metallbNamespace(peer),
      labels: metadata.labels,
      annotations: metadata.annotations,
      myAsn: spec.myASN,
      localAsn: spec.localASN,
      peerAsn: spec.peerASN,
      dynamicAsn: spec.dynamicASN,
      peerAddress: spec.peerAddress,
      interface: spec.interface,
      sourceAddress: spec.sourceAddress,
      peerPort: spec.peerPort,
      holdTime: spec.holdTime,
      keepaliveTime: spec.keepaliveTime,
      connectTime: spec.connectTime,
      routerId: spec.routerID,
      passwordSecret: spec.passwordSecret,
      bfdProfile: profile === undefined ? undefined : (this.metallb.get(Planner.key("BFDProfile", metadata.namespace, profile)) ?? { profileName: profile }),
      nodeSelectors: spec.nodeSelectors,
      ebgpMultiHop: spec.ebgpMultiHop,
      vrf: spec.vrf,
      enableGracefulRestart: spec.enableGracefulRestart,
      disableMp: spec.disableMP,
      dualStackAddressFamily: spec.dualStackAddressFamily,
    }));
    this.metallb.set(key, reference);
  }

  private addressPool(pool: IPAddressPool): void {
    const key = Planner.key("IPAddressPool", pool.metadata.namespace, pool.metadata.name);
    const reasons = unexpressedMetadata(pool, "AddressPool", METALLB_METADATA);
    if (reasons.length > 0) {
      this.asWritten(pool, reasons);
      this.metallb.set(key, { poolName: pool.metadata.name, addresses: pool.spec.addresses });
      return;
    }
    const reference = this.component("AddressPool", pool, pool.metadata, this.variable("pool", pool.metadata.name), (resourceName) => ({
      poolName: resourceName === pool.metadata.name ? undefined : pool.metadata.name,
      namespace: Planner.metallbNamespace(pool),
      addresses: pool.spec.addresses,
      autoAssign: pool.spec.autoAssign,
      avoidBuggyIps: pool.spec.avoidBuggyIPs,
      serviceAllocation: pool.spec.serviceAllocation,
      labels: pool.metadata.labels,
      annotations: pool.metadata.annotations,
    }));
    this.metallb.set(key, reference);
  }

  private bgpAdvertisement(advertisement: BGPAdvertisement): void {
    const { spec, metadata } = advertisement;
    const lookUp = (kind: string, names: readonly string[] | undefined, path: string) =>
      (names ?? []).map((name, index) => ({ name, path: `${path}[${index}]`, reference: this.metallb.get(Planner.key(kind, metadata.namespace, name)) }));
    const pools = lookUp("IPAddressPool", spec.ipAddressPools, "spec.ipAddressPools");
    const peers = lookUp("BGPPeer", spec.peers, "spec.peers");
    const missing = (kind: string) => (entry: { name: string; path: string; reference: Reference | undefined }) =>
      entry.reference !== undefined
        ? []
        : [
            field(
              entry.path,
              entry.name,
              `no ${kind} ${entry.name} in ${metadata.namespace} among the imported objects; BgpAdvertisement takes the object, not its name`,
            ),
          ];
    const reasons = [
      ...pools.flatMap(missing("IPAddressPool")),
      ...peers.flatMap(missing("BGPPeer")),
      ...unexpressedMetadata(advertisement, "BgpAdvertisement", METALLB_METADATA),
    ];
    if (reasons.length > 0) return this.asWritten(advertisement, reasons);
    this.component("BgpAdvertisement", advertisement, advertisement.metadata, this.variable("advertisement", advertisement.metadata.name), (resourceName) => ({
      advertisementName: resourceName === metadata.name ? undefined : metadata.name,
      namespace: Planner.metallbNamespace(advertisement),
      labels: metadata.labels,
      annotations: metadata.annotations,
      pools: spec.ipAddressPools === undefined ? undefined : pools.map((pool) => pool.reference),
      poolSelectors: spec.ipAddressPoolSelectors,
      peers: spec.peers === undefined ? undefined : peers.map((peer) => peer.reference),
      communities: spec.communities,
      aggregationLength: spec.aggregationLength,
      aggregationLengthV6: spec.aggregationLengthV6,
      localPref: spec.localPref,
      nodeSelectors: spec.nodeSelectors,
      serviceSelectors: spec.serviceSelectors,
      asPathPrepend: spec.asPathPrepend,
    }));
  }
}
