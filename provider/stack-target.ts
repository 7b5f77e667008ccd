import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ManifestObject } from "../components/objects";
import { AppliedTopology } from "./applied-topology";
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
   * Takes every component's objects once all components are declared (call
   * it exactly once). When applying, registers the {@link AppliedTopology}
   * check the cluster's Kubernetes provider waits for, so the whole topology
   * is validated, and changes to fields that cannot change after creation are
   * refused, before anything is applied. When rendering, renders the objects
   * into {@link renderDirectory} and returns that resource. A program that
   * applies to a cluster and ends without calling it fails with an error
   * saying so (its Kubernetes provider would otherwise wait for ever).
   */
  publish(objects: readonly pulumi.Input<ManifestObject[]>[]): RenderedManifests | undefined;
}

/** Why a program that applies to a cluster and never published its objects fails. */
export const UNPUBLISHED =
  "stackTarget: the program ended without calling publish() with every component's objects; in apply mode the cluster's Kubernetes provider waits for the whole-topology check publish() registers, so nothing can be applied";

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
  let checked: (check: AppliedTopology) => void = () => {};
  let options: pulumi.ComponentResourceOptions = {};
  let published = false;
  if (kubeconfig !== undefined) {
    let unpublished: (error: Error) => void = () => {};
    const check = new Promise<AppliedTopology>((resolve, reject) => {
      checked = resolve;
      unpublished = reject;
    });
    options = { provider: new k8s.Provider("cluster", { kubeconfig }, { dependsOn: check }) };
    // The stack's outputs are known once the program has run: without publish() by then, nothing will ever check the topology.
    pulumi.runtime.getStackResource()?.outputs.apply(() => {
      if (!published) unpublished(new Error(UNPUBLISHED));
    });
  }
  return {
    applyToCluster: kubeconfig !== undefined,
    options,
    renderDirectory,
    publish(objects) {
      if (published) throw new Error("stackTarget: publish() was called twice; pass every component's objects in one call");
      published = true;
      const all = pulumi.all(objects.map((group) => pulumi.output(group))).apply((groups) => groups.flat());
      const check = kubeconfig === undefined ? undefined : new AppliedTopology("topology", { objects: all });
      if (check !== undefined) checked(check);
      if (renderDirectory === undefined) return undefined;
      // When also applying, the GitOps directory is written only once the check passed.
      return new RenderedManifests("manifests", { directory: renderDirectory, objects: all }, { dependsOn: check === undefined ? [] : [check] });
    },
  };
}
