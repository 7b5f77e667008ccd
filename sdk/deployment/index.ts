/**
 * The speaker's deployment objects: ServiceAccount and the RBAC that allows
 * exactly the API calls it makes, the status CRDs, the DaemonSet, the
 * control-plane static pod and the sidecar container; plain manifests, no
 * Pulumi.
 */
export {
  METALLB_SPEAKER_API_GRANTS,
  SPEAKER_API_GRANTS,
  namespacedGrants,
  policyRule,
  speakerAccessObjects,
  type ApiGrant,
  type GrantScope,
  type PolicyRule,
  type SpeakerAccessNames,
} from "./api-access";
export {
  ImageReferenceError,
  checkImageReference,
  formatImageReference,
  layoutImage,
  parseImageReference,
  type ImageReference,
  type LayoutImage,
} from "./image-reference";
export { STATUS_CRD_FILES, crdDirectory, statusCrds } from "./status-crds";
export {
  CONTROL_PLANE_TOLERATIONS,
  DEFAULT_HEALTH_PORT,
  SPEAKER_CAPABILITIES,
  SPEAKER_CONTAINER,
  SPEAKER_MALLOC_ENV,
  SPEAKER_NODE_OPTIONS,
  speakerContainer,
  speakerDaemonSet,
  speakerStaticPod,
  type ResourceRequirements,
  type SpeakerContainerOptions,
  type SpeakerPlacement,
  type StaticPodOptions,
  type Toleration,
  type WorkloadNames,
} from "./workload";
export {
  SPEAKER_NAME,
  SPEAKER_NAMESPACE,
  SpeakerDeploymentError,
  checkSpeakerDeployment,
  speakerDeploymentObjects,
  speakerSidecar,
  type SpeakerDeploymentOptions,
  type SpeakerMode,
  type SpeakerWorkload,
} from "./speaker-deployment";
