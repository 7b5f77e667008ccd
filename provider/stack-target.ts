import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ManifestObject } from "../components/objects";
import { RenderedManifests } from "./rendered-manifests";

/** Where a bgplb program puts its objects, decided by stack configuration. */
export interface StackTarget {
  /** True when a kubeconfig is configured: components create their objects in the cluster. */
  readonly applyToCluster: boolean;
  /** Options to pass to every top-level component (the Kubernetes provider, when applying). */
  readonly options: pulumi.ComponentResourceOptions;
  /** The GitOps directory the manifests are rendered to, when rendering. */
  readonly renderDirectory?: string;
  /**
   * Renders the objects into {@link renderDirectory} (when rendering) and
   * returns the resource, or undefined when only applying.
   */
  publish(objects: readonly pulumi.Input<ManifestObject[]>[]): RenderedManifests | undefined;
}

/**
 * Reads the stack configuration of the current project:
 * - `kubeconfig` (optional, set it with `--secret`): apply to that cluster;
 * - `renderDirectory` (optional): render to this directory. Without a
 *   kubeconfig the manifests are rendered to `renderDirectory`, default
 *   `rendered`, so a program runs with no cluster at all.
 */
export function stackTarget(config: pulumi.Config = new pulumi.Config()): StackTarget {
  const kubeconfig = config.getSecret("kubeconfig");
  const configuredDirectory = config.get("renderDirectory");
  const renderDirectory = configuredDirectory ?? (kubeconfig === undefined ? "rendered" : undefined);
  const options: pulumi.ComponentResourceOptions =
    kubeconfig === undefined ? {} : { provider: new k8s.Provider("cluster", { kubeconfig }) };
  return {
    applyToCluster: kubeconfig !== undefined,
    options,
    renderDirectory,
    publish(objects) {
      if (renderDirectory === undefined) return undefined;
      const all = pulumi.all(objects.map((group) => pulumi.output(group))).apply((groups) => groups.flat());
      return new RenderedManifests("manifests", { directory: renderDirectory, objects: all });
    },
  };
}
