/**
 * Everything a cluster needs to run the speaker, as plain manifests:
 * Namespace (when asked), ServiceAccount, RBAC, the status CRDs and the
 * DaemonSet or the control-plane static pod. `bgplb render --speaker` and
 * the `Speaker` Pulumi component both build their objects here.
 */
import type { PlainManifest } from "../manifest";
import { METALLB_NAMESPACE } from "../model";
import { METALLB_SPEAKER_API_GRANTS, SPEAKER_API_GRANTS, speakerAccessObjects } from "./api-access";
import type { ImageReference } from "./image-reference";
import { statusCrds } from "./status-crds";
import {
  speakerContainer,
  speakerDaemonSet,
  speakerStaticPod,
  type ResourceRequirements,
  type SpeakerContainerOptions,
  type SpeakerPlacement,
  type StaticPodOptions,
  type WorkloadNames,
} from "./workload";

/** How the speaker is run: one per node by a DaemonSet, or by the kubelet from a static-pod file on control-plane nodes. */
export type SpeakerWorkload = "daemonset" | "static-pod";

/** Which objects the speaker serves: the GKE bundled LB's (`bgplb speaker`) or MetalLB's (`bgplb speaker --mode metallb`). */
export type SpeakerMode = "gke" | "metallb";

/** What to deploy. */
export interface SpeakerDeploymentOptions extends SpeakerPlacement, StaticPodOptions {
  /** @default "gke" */
  readonly mode?: SpeakerMode;
  /** GKE mode (required there): the namespace of the Cluster and the BGP objects (`cluster-<name>`). */
  readonly clusterNamespace?: string;
  /** The image, pinned by digest. */
  readonly image: ImageReference;
  /** Name of the ServiceAccount, RBAC objects and workload. @default "bgplb-speaker" */
  readonly name?: string;
  /** Namespace of the ServiceAccount and the workload; in MetalLB mode also MetalLB's namespace, which the speaker serves. @default "kube-system"; MetalLB mode "metallb-system" */
  readonly namespace?: string;
  /** Also render the Namespace object. @default false */
  readonly createNamespace?: boolean;
  /** @default "daemonset" */
  readonly workload?: SpeakerWorkload;
  /** Include the BGPSession and BGPAdvertisedRoute CRDs (GKE mode only: the MetalLB mode writes none). @default true in GKE mode */
  readonly statusCrds?: boolean;
  /** Port of /healthz, /readyz and /metrics. @default 7473 */
  readonly healthPort?: number;
  /** `--lease-duration` in seconds. @default the speaker's (2) */
  readonly leaseDurationSeconds?: number;
  /** Requests and limits of the container. */
  readonly resources?: ResourceRequirements;
  /** More speaker flags, appended as given. */
  readonly extraArgs?: readonly string[];
}

/** Options that cannot be deployed: the message names the field and the value. */
export class SpeakerDeploymentError extends Error {
  override readonly name = "SpeakerDeploymentError";
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function checkName(field: string, value: string): void {
  if (!DNS_LABEL.test(value))
    throw new SpeakerDeploymentError(`${field}: ${JSON.stringify(value)} is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)`);
}

function checkWhole(field: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max))
    throw new SpeakerDeploymentError(`${field}: ${value} is not a whole number from ${min} to ${max}`);
}

/** The default name of every object. */
export const SPEAKER_NAME = "bgplb-speaker";
/** The default namespace of the ServiceAccount and workload. */
export const SPEAKER_NAMESPACE = "kube-system";

/** Names and labels shared by the objects, from checked options. */
function workloadNames(options: SpeakerDeploymentOptions): WorkloadNames {
  const name = options.name ?? SPEAKER_NAME;
  const selector = { "app.kubernetes.io/name": "bgplb-speaker", "app.kubernetes.io/instance": name };
  return {
    name,
    namespace: options.namespace ?? (options.mode === "metallb" ? METALLB_NAMESPACE : SPEAKER_NAMESPACE),
    selector,
    labels: { ...selector, "app.kubernetes.io/component": "speaker", "app.kubernetes.io/part-of": "bgplb" },
  };
}

function containerOptions(options: SpeakerDeploymentOptions): SpeakerContainerOptions {
  return {
    image: options.image,
    ...(options.mode === "metallb" ? { metallbNamespace: workloadNames(options).namespace } : { clusterNamespace: options.clusterNamespace! }),
    ...(options.healthPort === undefined ? {} : { healthPort: options.healthPort }),
    ...(options.leaseDurationSeconds === undefined ? {} : { leaseDurationSeconds: options.leaseDurationSeconds }),
    ...(options.resources === undefined ? {} : { resources: options.resources }),
    ...(options.extraArgs === undefined ? {} : { extraArgs: options.extraArgs }),
  };
}

/**
 * Checks the options that name things or numbers.
 * @throws SpeakerDeploymentError naming the field and the value
 */
export function checkSpeakerDeployment(options: SpeakerDeploymentOptions): void {
  if (options.mode !== undefined && options.mode !== "gke" && options.mode !== "metallb")
    throw new SpeakerDeploymentError(`mode: ${JSON.stringify(options.mode)} is not gke or metallb`);
  if (options.mode === "metallb") {
    if (options.clusterNamespace !== undefined)
      throw new SpeakerDeploymentError(
        `clusterNamespace: ${JSON.stringify(options.clusterNamespace)} does not apply to the MetalLB mode (it serves the objects of namespace)`,
      );
    if (options.workload === "static-pod")
      throw new SpeakerDeploymentError(`workload: "static-pod" does not apply to the MetalLB mode (it has no control-plane VIP); use daemonset`);
    if (options.statusCrds === true)
      throw new SpeakerDeploymentError("statusCrds: true does not apply to the MetalLB mode (it writes no BGPSession or BGPAdvertisedRoute)");
  } else if (options.clusterNamespace === undefined) {
    throw new SpeakerDeploymentError("clusterNamespace: required in the GKE mode (the Cluster's namespace, cluster-NAME)");
  } else {
    checkName("clusterNamespace", options.clusterNamespace);
  }
  if (options.name !== undefined) checkName("name", options.name);
  if (options.namespace !== undefined) checkName("namespace", options.namespace);
  checkWhole("healthPort", options.healthPort, 1, 65535);
  checkWhole("leaseDurationSeconds", options.leaseDurationSeconds, 1, 3600);
  if (options.workload !== undefined && options.workload !== "daemonset" && options.workload !== "static-pod") {
    throw new SpeakerDeploymentError(`workload: ${JSON.stringify(options.workload)} is not daemonset or static-pod`);
  }
}

/**
 * The speaker's objects in a fixed order: Namespace (when asked),
 * ServiceAccount, ClusterRole and binding, Roles and bindings, the status
 * CRDs (GKE mode, unless turned off), then the DaemonSet or the static pod.
 * The MetalLB mode grants {@link METALLB_SPEAKER_API_GRANTS} (its Role in
 * `namespace`) and runs `bgplb speaker --mode metallb --namespace NS`.
 * @throws SpeakerDeploymentError for options that cannot be deployed
 */
export function speakerDeploymentObjects(options: SpeakerDeploymentOptions): PlainManifest[] {
  checkSpeakerDeployment(options);
  const names = workloadNames(options);
  const objects: PlainManifest[] = [];
  if (options.createNamespace) objects.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: names.namespace, labels: { ...names.labels } } });
  const metallb = options.mode === "metallb";
  const access = metallb ? { metallbNamespace: names.namespace } : { clusterNamespace: options.clusterNamespace! };
  objects.push(
    ...speakerAccessObjects(
      { name: names.name, namespace: names.namespace, ...access, labels: names.labels },
      metallb ? METALLB_SPEAKER_API_GRANTS : SPEAKER_API_GRANTS,
    ),
  );
  if (!metallb && options.statusCrds !== false) objects.push(...statusCrds());
  const container = containerOptions(options);
  if ((options.workload ?? "daemonset") === "daemonset") {
    objects.push(
      speakerDaemonSet(names, container, {
        ...(options.nodeSelector ? { nodeSelector: options.nodeSelector } : {}),
        ...(options.tolerations ? { tolerations: options.tolerations } : {}),
        ...(options.priorityClassName ? { priorityClassName: options.priorityClassName } : {}),
      }),
    );
  } else {
    objects.push(
      speakerStaticPod(names, container, {
        ...(options.kubeconfigPath ? { kubeconfigPath: options.kubeconfigPath } : {}),
        ...(options.apiServerReadyz ? { apiServerReadyz: options.apiServerReadyz } : {}),
      }),
    );
  }
  return objects;
}

/**
 * The speaker container alone, to add to an existing pod as a sidecar. The
 * pod must use the host network and a ServiceAccount bound as
 * {@link speakerDeploymentObjects} binds its own.
 */
export function speakerSidecar(options: SpeakerDeploymentOptions): PlainManifest {
  checkSpeakerDeployment(options);
  return speakerContainer(containerOptions(options));
}
