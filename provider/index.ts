/**
 * The bgplb Pulumi package: every component, the RenderedManifests and
 * AppliedTopology dynamic resources and the stack-target helper. This directory is also the source
 * plugin other languages consume (`PulumiPlugin.yaml`, runtime nodejs): the
 * Node SDK infers the package schema from the components' argument
 * interfaces.
 */
export * from "../components";
export { AppliedTopology, appliedTopologyProvider, type AppliedTopologyArgs } from "./applied-topology";
export { RenderedManifests, renderedManifestsProvider, type RenderedManifestsArgs, type RenderedManifestsState } from "./rendered-manifests";
export { stackTarget, type StackTarget } from "./stack-target";
