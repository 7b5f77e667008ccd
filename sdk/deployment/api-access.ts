/**
 * What the cluster speaker asks of the Kubernetes API, one grant per
 * resource, and the RBAC objects that allow exactly that: a ClusterRole for
 * the cluster-wide grants, a Role in the cluster namespace (`cluster-<name>`)
 * and one in the status namespace (`kube-system`), each bound to the
 * speaker's ServiceAccount. The table is read off the calls in sdk/cluster
 * (controller.ts, kube.ts) and sdk/cli/speaker.ts; the cluster-speaker
 * e2e lab runs the speaker with these objects and removes each verb in turn
 * to show that every one of them is used. The MetalLB mode has its own
 * table ({@link METALLB_SPEAKER_API_GRANTS}), read off metallb-controller.ts.
 */
import type { PlainManifest } from "../manifest";
import { GKE_STATUS_NAMESPACE } from "../model";

/** Where a grant applies: every namespace, the cluster namespace, the status namespace, or MetalLB's namespace. */
export type GrantScope = "cluster" | "clusterNamespace" | "statusNamespace" | "metallbNamespace";

/** One resource the speaker uses, with the verbs it uses on it. */
export interface ApiGrant {
  readonly scope: GrantScope;
  /** The API group; `""` for the core group. */
  readonly apiGroup: string;
  /** The resource, with its subresource when the call is on one (`services/status`). */
  readonly resource: string;
  readonly verbs: readonly string[];
  /** What the speaker does with it. */
  readonly use: string;
}

/**
 * Every grant the speaker needs, in the order it is rendered. Server-side
 * apply is a `patch`, and the API server also asks for `create` when the
 * object does not exist yet (the lab showed it: without `create` the first
 * BGPSession is refused); informers `list` then `watch`; Lease renewals are `update` (a PUT with the
 * last resourceVersion, so two holders cannot both win).
 */
export const SPEAKER_API_GRANTS: readonly ApiGrant[] = [
  {
    scope: "cluster",
    apiGroup: "",
    resource: "nodes",
    verbs: ["get", "list", "watch"],
    use: "reads its own Node at start (interface, node subnet) and watches every Node (addresses, readiness)",
  },
  { scope: "cluster", apiGroup: "", resource: "services", verbs: ["list", "watch"], use: "watches LoadBalancer Services in every namespace" },
  {
    scope: "cluster",
    apiGroup: "",
    resource: "services/status",
    verbs: ["patch"],
    use: "publishes each Service's addresses in status.loadBalancer (allocator leader)",
  },
  { scope: "cluster", apiGroup: "", resource: "events", verbs: ["create"], use: "records Events on Services and on configuration objects it rejects" },
  {
    scope: "clusterNamespace",
    apiGroup: "baremetal.cluster.gke.io",
    resource: "clusters",
    verbs: ["list", "watch"],
    use: "watches the Cluster (ASN, address pools, VIPs)",
  },
  {
    scope: "clusterNamespace",
    apiGroup: "baremetal.cluster.gke.io",
    resource: "clustercidrconfigs",
    verbs: ["list", "watch"],
    use: "watches the pod CIDRs a dual-stack Cluster needs to validate",
  },
  { scope: "clusterNamespace", apiGroup: "networking.gke.io", resource: "networkgatewaygroups", verbs: ["list", "watch"], use: "watches the floating IPs" },
  { scope: "clusterNamespace", apiGroup: "networking.gke.io", resource: "bgploadbalancers", verbs: ["list", "watch"], use: "watches the peer selection" },
  { scope: "clusterNamespace", apiGroup: "networking.gke.io", resource: "bgppeers", verbs: ["list", "watch"], use: "watches the data-plane peers" },
  {
    scope: "clusterNamespace",
    apiGroup: "coordination.k8s.io",
    resource: "leases",
    verbs: ["list", "watch", "create", "update"],
    use: "presence, allocator-leader and floating-IP Leases",
  },
  {
    scope: "statusNamespace",
    apiGroup: "networking.gke.io",
    resource: "bgpsessions",
    verbs: ["list", "watch", "create", "patch", "delete"],
    use: "writes one BGPSession per session and deletes those no longer planned",
  },
  {
    scope: "statusNamespace",
    apiGroup: "networking.gke.io",
    resource: "bgpsessions/status",
    verbs: ["patch"],
    use: "writes each BGPSession's state and advertised routes",
  },
  {
    scope: "statusNamespace",
    apiGroup: "networking.gke.io",
    resource: "bgpadvertisedroutes",
    verbs: ["list", "watch", "create", "patch", "delete"],
    use: "writes one BGPAdvertisedRoute per Service address and deletes withdrawn ones (allocator leader)",
  },
];

/**
 * Every grant of `bgplb speaker --mode metallb`, read off the calls in
 * sdk/cluster/metallb-controller.ts (through kube.ts, leader-lease.ts and
 * events.ts). It reads no Node at start (the Node informer has them all),
 * writes no status objects of its own, and reads Secrets only through an
 * informer on MetalLB's namespace (a passwordSecret elsewhere is not
 * found), so Secrets are granted there alone. Events go to the namespace of
 * the object they are about: Services anywhere, hence cluster-wide.
 */
export const METALLB_SPEAKER_API_GRANTS: readonly ApiGrant[] = [
  { scope: "cluster", apiGroup: "", resource: "nodes", verbs: ["list", "watch"], use: "watches every Node (labels for nodeSelectors, addresses, readiness)" },
  {
    scope: "cluster",
    apiGroup: "",
    resource: "namespaces",
    verbs: ["list", "watch"],
    use: "watches Namespaces (labels for the pools' serviceAllocation namespaceSelectors)",
  },
  { scope: "cluster", apiGroup: "", resource: "services", verbs: ["list", "watch"], use: "watches LoadBalancer Services in every namespace" },
  {
    scope: "cluster",
    apiGroup: "",
    resource: "services/status",
    verbs: ["patch"],
    use: "publishes each Service's addresses in status.loadBalancer (allocator leader)",
  },
  {
    scope: "cluster",
    apiGroup: "discovery.k8s.io",
    resource: "endpointslices",
    verbs: ["list", "watch"],
    use: "watches EndpointSlices (externalTrafficPolicy Local: nodes with a ready endpoint)",
  },
  { scope: "cluster", apiGroup: "", resource: "events", verbs: ["create"], use: "records Events on Services and on MetalLB objects it rejects" },
  { scope: "metallbNamespace", apiGroup: "metallb.io", resource: "bgppeers", verbs: ["list", "watch"], use: "watches the BGPPeers" },
  { scope: "metallbNamespace", apiGroup: "metallb.io", resource: "ipaddresspools", verbs: ["list", "watch"], use: "watches the IPAddressPools" },
  { scope: "metallbNamespace", apiGroup: "metallb.io", resource: "bgpadvertisements", verbs: ["list", "watch"], use: "watches the BGPAdvertisements" },
  { scope: "metallbNamespace", apiGroup: "metallb.io", resource: "bfdprofiles", verbs: ["list", "watch"], use: "watches the BFDProfiles" },
  { scope: "metallbNamespace", apiGroup: "metallb.io", resource: "communities", verbs: ["list", "watch"], use: "watches the Community aliases" },
  {
    scope: "metallbNamespace",
    apiGroup: "",
    resource: "secrets",
    verbs: ["list", "watch"],
    use: "watches the Secrets of MetalLB's namespace (BGPPeer passwordSecret)",
  },
  {
    scope: "metallbNamespace",
    apiGroup: "coordination.k8s.io",
    resource: "leases",
    verbs: ["list", "watch", "create", "update"],
    use: "the allocator-leader Lease",
  },
];

/** An RBAC PolicyRule as rendered. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** The rule of one grant (one resource per rule, so each can be removed on its own). */
export function policyRule(grant: ApiGrant): PolicyRule {
  return { apiGroups: [grant.apiGroup], resources: [grant.resource], verbs: [...grant.verbs] };
}

/** Names and namespaces of the RBAC objects. */
export interface SpeakerAccessNames {
  /** Name of the ServiceAccount, the ClusterRole, the Roles and their bindings. */
  readonly name: string;
  /** Namespace of the ServiceAccount. */
  readonly namespace: string;
  /** The cluster namespace the speaker reads (`cluster-<name>`); needed by `clusterNamespace` grants. */
  readonly clusterNamespace?: string;
  /** MetalLB's namespace; needed by `metallbNamespace` grants. */
  readonly metallbNamespace?: string;
  /** Labels on every object. */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The namespaces the speaker's Roles live in, each with its grants: the
 * cluster namespace and `kube-system` (or MetalLB's namespace), merged into
 * one Role when they are the same namespace.
 * @throws Error when a grant's scope needs a namespace `namespaces` lacks
 */
export function namespacedGrants(
  namespaces: string | Pick<SpeakerAccessNames, "clusterNamespace" | "metallbNamespace">,
  grants: readonly ApiGrant[] = SPEAKER_API_GRANTS,
): Map<string, ApiGrant[]> {
  const { clusterNamespace, metallbNamespace } = typeof namespaces === "string" ? { clusterNamespace: namespaces, metallbNamespace: undefined } : namespaces;
  const byNamespace = new Map<string, ApiGrant[]>();
  for (const grant of grants) {
    if (grant.scope === "cluster") continue;
    const namespace = grant.scope === "statusNamespace" ? GKE_STATUS_NAMESPACE : grant.scope === "clusterNamespace" ? clusterNamespace : metallbNamespace;
    if (namespace === undefined) throw new Error(`grant ${grant.resource}: scope ${grant.scope} needs that namespace`);
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), grant]);
  }
  return byNamespace;
}

/**
 * The ServiceAccount, ClusterRole + ClusterRoleBinding and the Roles +
 * RoleBindings of `grants` (default: {@link SPEAKER_API_GRANTS}).
 */
export function speakerAccessObjects(names: SpeakerAccessNames, grants: readonly ApiGrant[] = SPEAKER_API_GRANTS): PlainManifest[] {
  const labels = { ...names.labels };
  const subjects = [{ kind: "ServiceAccount", name: names.name, namespace: names.namespace }];
  const roleRef = (kind: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind, name: names.name });
  const objects: PlainManifest[] = [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: names.name, namespace: names.namespace, labels } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: names.name, labels },
      rules: grants.filter((g) => g.scope === "cluster").map(policyRule),
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: names.name, labels },
      roleRef: roleRef("ClusterRole"),
      subjects,
    },
  ];
  for (const [namespace, namespaced] of namespacedGrants(names, grants)) {
    objects.push(
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: names.name, namespace, labels }, rules: namespaced.map(policyRule) },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: names.name, namespace, labels },
        roleRef: roleRef("Role"),
        subjects,
      },
    );
  }
  return objects;
}
