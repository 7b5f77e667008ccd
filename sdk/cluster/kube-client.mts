/**
 * The parts of @kubernetes/client-node the speaker uses, re-exported from
 * an ES module. The speaker is CommonJS: a `require` of the package takes
 * its whole namespace, every API group's generated classes with it
 * (~4 MB of code in the image's bundle, ~25 MiB of the speaker's memory).
 * Through this module the bundler sees only these names and drops the rest.
 */
export {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubeConfig,
  ListWatch,
  PatchStrategy,
  Watch,
  setHeaderOptions,
} from "@kubernetes/client-node";
