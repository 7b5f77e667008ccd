import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ModelObject } from "../sdk/model";
import { renderObject } from "../sdk/manifest";

/** A rendered Kubernetes manifest as plain data (`apiVersion`, `kind`, `metadata`, `spec`…). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Pulumi's Output<T> lifting rejects `unknown` values (Output<ManifestObject> stops type-checking).
export type ManifestObject = Record<string, any>;

/** Renders model objects with the same renderer as `bgplb render`, in order. */
export function renderObjects(objects: readonly ModelObject[]): ManifestObject[] {
  return objects.map((object) => renderObject(object));
}

/** The Pulumi logical name of an applied object: `<kind>-<namespace>-<name>`, lower case. */
export function logicalName(manifest: ManifestObject): string {
  const metadata = manifest.metadata as { name: string; namespace?: string };
  return [String(manifest.kind).toLowerCase(), metadata.namespace, metadata.name].filter((part) => part !== undefined && part !== "").join("-");
}

/**
 * Applies rendered objects as Kubernetes custom resources, children of
 * `parent` (so they use the Kubernetes provider the component was given),
 * each created after `dependsOn`.
 */
export function applyObjects(
  parent: pulumi.ComponentResource,
  manifests: readonly ManifestObject[],
  dependsOn: readonly pulumi.Resource[] = [],
): k8s.apiextensions.CustomResource[] {
  return manifests.map((manifest) => {
    return new k8s.apiextensions.CustomResource(logicalName(manifest), manifest as k8s.apiextensions.CustomResourceArgs, { parent, dependsOn: [...dependsOn] });
  });
}
