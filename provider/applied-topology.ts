import * as pulumi from "@pulumi/pulumi";
import type { ManifestObject } from "../components/objects";
import type * as ManifestSet from "./manifest-set";
import { manifestSetSpecifier } from "./rendered-manifests";

/** Where the provider's methods load manifest-set from (see rendered-manifests.ts for why they `require` it). */
const MANIFEST_SET_MODULE = manifestSetSpecifier(__dirname);

/**
 * The whole-topology check of a stack that applies to a cluster. `check`
 * validates every object the stack applies together (cross-object rules
 * included) and refuses a change to a field that cannot change after
 * creation against the objects applied last; the state is those objects.
 * Exported so tests can drive it directly.
 */
export const appliedTopologyProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds: ManifestSet.AppliedTopologyInputs | undefined, news: ManifestSet.AppliedTopologyInputs) {
    const set = require(MANIFEST_SET_MODULE) as typeof ManifestSet;
    return { inputs: news, failures: set.operations.checkApplied(olds, news) };
  },

  async diff(_id: pulumi.ID, olds: ManifestSet.AppliedTopologyInputs, news: ManifestSet.AppliedTopologyInputs) {
    const set = require(MANIFEST_SET_MODULE) as typeof ManifestSet;
    return set.operations.diffApplied(olds, news);
  },

  async create(inputs: ManifestSet.AppliedTopologyInputs) {
    return { id: "applied-topology", outs: inputs };
  },

  async update(_id: pulumi.ID, _olds: ManifestSet.AppliedTopologyInputs, news: ManifestSet.AppliedTopologyInputs) {
    return { outs: news };
  },
};

/** Arguments of {@link AppliedTopology}. */
export interface AppliedTopologyArgs {
  /** Every object the stack applies, e.g. `component.objects` of every component. */
  objects: pulumi.Input<pulumi.Input<ManifestObject>[]>;
}

/**
 * The objects a stack applies to a cluster, checked as one topology before
 * any of them is applied: `pulumi preview` fails with the rule codes of
 * `bgplb validate --previous` when the topology is invalid or a field that
 * cannot change after creation changes. `stackTarget` registers it and makes
 * the cluster's Kubernetes provider wait for it, so nothing is applied when
 * it fails.
 */
export class AppliedTopology extends pulumi.dynamic.Resource {
  /** The objects, keyed by `apiVersion kind namespace/name`. */
  declare readonly objects: pulumi.Output<Record<string, ManifestObject>>;

  /** Checks `objects` as one topology. */
  constructor(name: string, args: AppliedTopologyArgs, opts?: pulumi.CustomResourceOptions) {
    const objects = pulumi.output(args.objects).apply((list) => {
      const set = require(MANIFEST_SET_MODULE) as typeof ManifestSet;
      return set.keyedObjects(list);
    });
    super(appliedTopologyProvider, name, { objects }, opts, "bgplb", "AppliedTopology");
  }
}
