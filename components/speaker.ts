import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  ImageReferenceError,
  SpeakerDeploymentError,
  checkImageReference,
  layoutImage,
  speakerDeploymentObjects,
  type ImageReference,
  type SpeakerDeploymentOptions,
} from "../sdk/deployment";
import { logicalName, type ManifestObject } from "./objects";

/** How the speaker runs. */
export const SpeakerWorkload = {
  /** One speaker per node, from a DaemonSet. */
  DaemonSet: "daemonset",
  /** A static pod on control-plane nodes (the manifest is rendered, not applied: it is a file for the kubelet). */
  StaticPod: "static-pod",
} as const;

/** How the speaker runs. */
export type SpeakerWorkload = (typeof SpeakerWorkload)[keyof typeof SpeakerWorkload];

/** Which objects the speaker serves. */
export const SpeakerMode = {
  /** The GKE bundled LB's Cluster, NetworkGatewayGroup, BGPLoadBalancer and BGPPeers (`bgplb speaker`). */
  Gke: "gke",
  /** MetalLB's BGPPeers, IPAddressPools, BGPAdvertisements, BFDProfiles and Communities (`bgplb speaker --mode metallb`). */
  Metallb: "metallb",
} as const;

/** Which objects the speaker serves. */
export type SpeakerMode = (typeof SpeakerMode)[keyof typeof SpeakerMode];

/** How a toleration matches a taint. */
export const TolerationOperator = {
  /** Any value of the key (or any taint, without a key). */
  Exists: "Exists",
  /** The taint's value equals `value`. */
  Equal: "Equal",
} as const;

/** How a toleration matches a taint. */
export type TolerationOperator = (typeof TolerationOperator)[keyof typeof TolerationOperator];

/** The effect of a taint a toleration tolerates. */
export const TaintEffect = {
  NoSchedule: "NoSchedule",
  PreferNoSchedule: "PreferNoSchedule",
  NoExecute: "NoExecute",
} as const;

/** The effect of a taint a toleration tolerates. */
export type TaintEffect = (typeof TaintEffect)[keyof typeof TaintEffect];

/** The speaker image: where it is and the digest that pins it. */
export interface SpeakerImageArgs {
  /** Registry host (and port). @default the container runtime's default registry */
  registry?: string;
  /** Repository path, e.g. `platform/bgplb-speaker`. */
  repository: string;
  /** Tag, shown beside the digest. @default the layout's ref name when `imageLayout` is given */
  tag?: string;
  /** `sha256:…` manifest digest. @default the digest of `imageLayout` */
  digest?: string;
}

/** A toleration of the DaemonSet's pods. */
export interface SpeakerTolerationArgs {
  key?: string;
  /** @default "Equal" */
  operator?: TolerationOperator;
  value?: string;
  /** @default every effect */
  effect?: TaintEffect;
}

/** Arguments of `Speaker`. */
export interface SpeakerArgs {
  /** @default "gke" */
  mode?: SpeakerMode;
  /** GKE mode (required there): the namespace of the Cluster and the BGP objects (`cluster-<name>`). */
  clusterNamespace?: string;
  /** The speaker image; it must end up pinned by a digest (here or from `imageLayout`). */
  image: SpeakerImageArgs;
  /** The OCI layout `bgplb image build --out` wrote: its digest (and tag) pin the image when `image` has none. */
  imageLayout?: string;
  /** Name of the ServiceAccount, RBAC objects and workload. @default "bgplb-speaker" */
  name?: string;
  /** Namespace of the ServiceAccount and workload; in MetalLB mode also MetalLB's namespace, which the speaker serves. @default "kube-system"; MetalLB mode "metallb-system" */
  namespace?: string;
  /** Create that Namespace too. @default false */
  createNamespace?: boolean;
  /** @default "daemonset" */
  workload?: SpeakerWorkload;
  /** Install the BGPSession and BGPAdvertisedRoute CRDs (GKE mode only). @default true in GKE mode */
  statusCrds?: boolean;
  /** Port of /healthz, /readyz and /metrics on the node. @default 7473 */
  healthPort?: number;
  /** The speaker's Lease duration in seconds (how long a floating IP takes to move). @default 2 */
  leaseDurationSeconds?: number;
  /** Node labels the DaemonSet's nodes must have. @default { "kubernetes.io/os": "linux" } */
  nodeSelector?: Record<string, string>;
  /** @default the control-plane NoSchedule taints */
  tolerations?: SpeakerTolerationArgs[];
  /** @default "system-node-critical" */
  priorityClassName?: string;
  /** Container requests. @default { cpu: "50m", memory: "64Mi" } */
  resourceRequests?: Record<string, string>;
  /** Container limits. @default { memory: "256Mi" } */
  resourceLimits?: Record<string, string>;
  /** More speaker flags, appended as given. */
  extraArgs?: string[];
  /** Static pod: host path of the speaker's kubeconfig. @default "/etc/kubernetes/bgplb-speaker.conf" */
  kubeconfigPath?: string;
  /** Static pod: the local API server's /readyz. @default "https://127.0.0.1:6443/readyz" */
  apiServerReadyz?: string;
  /** Wait for the DaemonSet's rollout when applying. @default true */
  waitForRollout?: boolean;
  /** Create the objects through the Kubernetes provider. @default true */
  applyToCluster?: boolean;
}

/** The image of the arguments, pinned by digest. */
function speakerImage(args: SpeakerArgs): ImageReference {
  const layout = args.imageLayout === undefined ? undefined : layoutImage(args.imageLayout);
  const { registry, repository, tag, digest } = args.image;
  return checkImageReference(
    {
      ...(registry === undefined ? {} : { registry }),
      repository,
      ...((tag ?? layout?.tag) === undefined ? {} : { tag: tag ?? layout?.tag }),
      ...((digest ?? layout?.digest) === undefined ? {} : { digest: digest ?? layout?.digest }),
    },
    "image",
  );
}

/** The deployment options of the arguments. */
function deploymentOptions(args: SpeakerArgs): SpeakerDeploymentOptions {
  const resources =
    args.resourceRequests || args.resourceLimits
      ? { ...(args.resourceRequests ? { requests: args.resourceRequests } : {}), ...(args.resourceLimits ? { limits: args.resourceLimits } : {}) }
      : undefined;
  const optional = {
    mode: args.mode,
    clusterNamespace: args.clusterNamespace,
    statusCrds: args.statusCrds,
    name: args.name,
    namespace: args.namespace,
    workload: args.workload,
    healthPort: args.healthPort,
    leaseDurationSeconds: args.leaseDurationSeconds,
    nodeSelector: args.nodeSelector,
    tolerations: args.tolerations,
    priorityClassName: args.priorityClassName,
    resources,
    extraArgs: args.extraArgs,
    kubeconfigPath: args.kubeconfigPath,
    apiServerReadyz: args.apiServerReadyz,
  };
  const given = Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined));
  return { image: speakerImage(args), createNamespace: args.createNamespace ?? false, ...given };
}

/** The fields of the rendered DaemonSet or static Pod the component reports. */
interface RenderedWorkload {
  readonly kind: string;
  readonly metadata: { readonly namespace: string };
  readonly spec: {
    readonly containers: readonly { readonly image: string }[];
    readonly template: { readonly spec: { readonly containers: readonly { readonly image: string }[] } };
  };
}

/** The Kubernetes provider's resource class of each kind the speaker deployment has. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each resource class takes its own args type; the table holds them under one constructor type.
const RESOURCE_CLASSES: Readonly<Record<string, new (name: string, args: any, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource>> = {
  Namespace: k8s.core.v1.Namespace,
  ServiceAccount: k8s.core.v1.ServiceAccount,
  ClusterRole: k8s.rbac.v1.ClusterRole,
  ClusterRoleBinding: k8s.rbac.v1.ClusterRoleBinding,
  Role: k8s.rbac.v1.Role,
  RoleBinding: k8s.rbac.v1.RoleBinding,
  CustomResourceDefinition: k8s.apiextensions.v1.CustomResourceDefinition,
  DaemonSet: k8s.apps.v1.DaemonSet,
};

/**
 * Applies rendered objects of built-in kinds as the provider's typed
 * resources (its generic CustomResource takes only `group/version`
 * apiVersions), children of `parent`, each created after `dependsOn`.
 */
function applyBuiltIn(
  parent: pulumi.ComponentResource,
  manifests: readonly ManifestObject[],
  dependsOn: readonly pulumi.Resource[] = [],
): pulumi.CustomResource[] {
  return manifests.map((manifest) => {
    const { apiVersion: _apiVersion, kind, ...args } = manifest;
    const ResourceClass = RESOURCE_CLASSES[String(kind)];
    if (!ResourceClass) throw new pulumi.ResourceError(`Speaker: no resource class for kind ${String(kind)}`, parent);
    return new ResourceClass(logicalName(manifest), args, { parent, dependsOn: [...dependsOn] });
  });
}

/**
 * The cluster speaker's deployment: Namespace (when asked), ServiceAccount,
 * a ClusterRole and Roles allowing exactly the API calls the speaker makes
 * (and their bindings), the BGPSession and BGPAdvertisedRoute CRDs, and the
 * DaemonSet — the same objects as `bgplb render --speaker`. With
 * `mode: "metallb"` the grants are those of MetalLB's objects in
 * `namespace` and there are no status CRDs. With
 * `workload: "static-pod"` the pod manifest is in `objects` for the
 * kubelet's manifest directory and is not applied.
 */
export class Speaker extends pulumi.ComponentResource {
  /** The ServiceAccount's name. */
  readonly serviceAccountName: string;
  /** The namespace of the ServiceAccount and workload. */
  readonly namespace: string;
  /** The image reference the workload runs (`registry/repository:tag@digest`). */
  readonly image: string;
  /** Every rendered object, in apply order. */
  readonly objects: pulumi.Output<ManifestObject[]>;

  /** Checks the arguments, renders the objects and (unless told not to) applies them. */
  constructor(name: string, args: SpeakerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bgplb:index:Speaker", name, {}, opts);
    let rendered: ManifestObject[];
    try {
      rendered = speakerDeploymentObjects(deploymentOptions(args));
    } catch (error) {
      if (error instanceof ImageReferenceError || error instanceof SpeakerDeploymentError)
        throw new pulumi.ResourceError(`Speaker ${name}: ${error.message}`, this, true);
      throw error;
    }
    const workload = rendered[rendered.length - 1] as RenderedWorkload;
    this.serviceAccountName = String((rendered.find((o) => o["kind"] === "ServiceAccount") as { metadata: { name: string } }).metadata.name);
    this.namespace = String(workload.metadata.namespace);
    this.image = String(workload.kind === "DaemonSet" ? workload.spec.template.spec.containers[0].image : workload.spec.containers[0].image);
    this.objects = pulumi.output(rendered);
    if (args.applyToCluster !== false) {
      const namespaces = applyBuiltIn(
        this,
        rendered.filter((o) => o["kind"] === "Namespace"),
      );
      const access = applyBuiltIn(
        this,
        rendered.filter((o) => !["Namespace", "DaemonSet", "Pod"].includes(String(o["kind"]))),
        namespaces,
      );
      const daemonSets = rendered.filter((o) => o["kind"] === "DaemonSet");
      const annotated =
        args.waitForRollout === false
          ? daemonSets.map((o) => {
              const metadata = o["metadata"] as { annotations?: Record<string, string> };
              return { ...o, metadata: { ...metadata, annotations: { ...metadata.annotations, "pulumi.com/skipAwait": "true" } } };
            })
          : daemonSets;
      applyBuiltIn(this, annotated, [...namespaces, ...access]);
    }
    this.registerOutputs({ objects: this.objects, serviceAccountName: this.serviceAccountName, namespace: this.namespace, image: this.image });
  }
}
