/**
 * What the cluster speaker asks of the Kubernetes API, one grant per
 * resource, and the RBAC objects that allow exactly that: a ClusterRole for
 * the cluster-wide grants, a Role in the cluster namespace (`cluster-<name>`)
 * and one in the status namespace (`kube-system`), each bound to the
 * speaker's ServiceAccount. The table is read off the calls in sdk/cluster
 * (controller.ts, kube.ts) and sdk/cli/speaker.ts; the cluster-speaker
 * e2e lab runs the speaker with these objects and removes each verb in turn
 * to show that every one of them is used.
 */
import type { PlainManifest } from "../manifest";
import { GKE_STATUS_NAMESPACE } from "../model";

/** Where a grant applies: every namespace, the cluster namespace, or the status namespace. */
export type GrantScope = "cluster" | "clusterNamespace" | "statusNamespace";

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
  { scope: "cluster", apiGroup: "", resource: "nodes", verbs: ["get", "list", "watch"], use: "reads its own Node at start (interface, node subnet) and watches every Node (addresses, readiness)" },
  { scope: "cluster", apiGroup: "", resource: "services", verbs: ["list", "watch"], use: "watches LoadBalancer Services in every namespace" },
  { scope: "cluster", apiGroup: "", resource: "services/status", verbs: ["patch"], use: "publishes each Service's addresses in status.loadBalancer (allocator leader)" },
  { scope: "cluster", apiGroup: "", resource: "events", verbs: ["create"], use: "records Events on Services and on configuration objects it rejects" },
  { scope: "clusterNamespace", apiGroup: "baremetal.cluster.gke.io", resource: "clusters", verbs: ["list", "watch"], use: "watches the Cluster (ASN, address pools, VIPs)" },
  { scope: "clusterNamespace", apiGroup: "networking.gke.io", resource: "networkgatewaygroups", verbs: ["list", "watch"], use: "watches the floating IPs" },
  { scope: "clusterNamespace", apiGroup: "networking.gke.io", resource: "bgploadbalancers", verbs: ["list", "watch"], use: "watches the peer selection" },
  { scope: "clusterNamespace", apiGroup: "networking.gke.io", resource: "bgppeers", verbs: ["list", "watch"], use: "watches the data-plane peers" },
  { scope: "clusterNamespace", apiGroup: "coordination.k8s.io", resource: "leases", verbs: ["list", "watch", "create", "update"], use: "presence, allocator-leader and floating-IP Leases" },
  { scope: "statusNamespace", apiGroup: "networking.gke.io", resource: "bgpsessions", verbs: ["list", "watch", "create", "patch", "delete"], use: "writes one BGPSession per session and deletes those no longer planned" },
  { scope: "statusNamespace", apiGroup: "networking.gke.io", resource: "bgpsessions/status", verbs: ["patch"], use: "writes each BGPSession's state and advertised routes" },
  { scope: "statusNamespace", apiGroup: "networking.gke.io", resource: "bgpadvertisedroutes", verbs: ["list", "watch", "create", "patch", "delete"], use: "writes one BGPAdvertisedRoute per Service address and deletes withdrawn ones (allocator leader)" },
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
  /** The cluster namespace the speaker reads (`cluster-<name>`). */
  readonly clusterNamespace: string;
  /** Labels on every object. */
  readonly labels: Readonly<Record<string, string>>;
}


/**
 * The namespaces the speaker's Roles live in, each with its grants: the
 * cluster namespace and `kube-system`, merged into one Role when they are
 * the same namespace.
 */
export function namespacedGrants(clusterNamespace: string, grants: readonly ApiGrant[] = SPEAKER_API_GRANTS): Map<string, ApiGrant[]> {
  const byNamespace = new Map<string, ApiGrant[]>();
  for (const grant of grants) {
    if (grant.scope === "cluster") continue;
    const namespace = grant.scope === "clusterNamespace" ? clusterNamespace : GKE_STATUS_NAMESPACE;
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
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: names.name, labels }, rules: grants.filter((g) => g.scope === "cluster").map(policyRule) },
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: names.name, labels }, roleRef: roleRef("ClusterRole"), subjects },
  ];
  for (const [namespace, namespaced] of namespacedGrants(names.clusterNamespace, grants)) {
    objects.push(
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: names.name, namespace, labels }, rules: namespaced.map(policyRule) },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: names.name, namespace, labels }, roleRef: roleRef("Role"), subjects },
    );
  }
  return objects;
}
