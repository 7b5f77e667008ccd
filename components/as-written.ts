import * as pulumi from "@pulumi/pulumi";
import { parseManifests } from "../sdk/manifest";
import { isModelObject, topologyObjects } from "../sdk/model";
import { applyObjects, renderObjects, type ManifestObject } from "./objects";

/** Arguments of `AsWrittenManifest`. */
export interface AsWrittenManifestArgs {
  /** The object as written (apiVersion, kind, metadata, spec): a MetalLB kind, or a GKE BGPPeer, NetworkGatewayGroup, BGPLoadBalancer or ClusterCIDRConfig. */
  manifest: ManifestObject;
  /** Create the object through the Kubernetes provider. @default true */
  applyToCluster?: boolean;
}

/** The kinds bgplb models that a stack applies (the Cluster belongs to bmctl, BGPSession and BGPAdvertisedRoute to the GKE controller). */
function isApplied(apiVersion: string, kind: string): boolean {
  return (
    apiVersion.startsWith("metallb.io/") ||
    (apiVersion === "networking.gke.io/v1" && ["BGPPeer", "NetworkGatewayGroup", "BGPLoadBalancer"].includes(kind)) ||
    kind === "ClusterCIDRConfig"
  );
}

/**
 * A configuration object that no component expresses exactly, applied as
 * written: what `bgplb import` writes for an object with a field bgplb does
 * not model (or a field, such as a reference to an object that was not
 * imported, that its component has no argument for). Each field bgplb does
 * not model is logged as a warning on the component: it is applied, but not
 * validated. The object is validated with the whole topology when the stack
 * publishes it (`stackTarget().publish`), like every component's objects.
 */
export class AsWrittenManifest extends pulumi.ComponentResource {
  /** The rendered object (what `bgplb render` writes for it, unknown fields included). */
  readonly objects: pulumi.Output<ManifestObject[]>;

  /** Reads the object with the same parser as `bgplb validate`, then renders (and applies) it. */
  constructor(name: string, args: AsWrittenManifestArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bgplb:index:AsWrittenManifest", name, {}, opts);
    const { topology, issues } = parseManifests([{ file: `AsWrittenManifest ${name}`, text: JSON.stringify(args.manifest) }]);
    const [object] = topologyObjects(topology);
    const errors = issues.filter((issue) => issue.severity === "error");
    const refused =
      errors.length > 0
        ? errors.map((issue) => ({ propertyPath: `manifest${issue.path === undefined ? "" : `.${issue.path}`}`, reason: issue.message }))
        : object === undefined || !isModelObject(object) || !isApplied(object.apiVersion, object.kind)
          ? [
              {
                propertyPath: "manifest",
                reason: `${String(args.manifest.apiVersion)} ${String(args.manifest.kind)} is no configuration kind a bgplb stack applies`,
              },
            ]
          : [];
    if (refused.length > 0) {
      throw new pulumi.InputPropertiesError({
        message: `AsWrittenManifest ${name}: ${refused.map((r) => `${r.propertyPath}: ${r.reason}`).join("; ")}`,
        errors: refused,
      });
    }
    for (const issue of issues.filter((i) => i.severity === "warning")) {
      void pulumi.log.warn(`manifest${issue.path === undefined ? "" : `.${issue.path}`}: ${issue.message}; applied as written, not validated by bgplb`, this);
    }
    const rendered = renderObjects([object as Parameters<typeof renderObjects>[0][number]]);
    this.objects = pulumi.output(rendered);
    if (args.applyToCluster !== false) applyObjects(this, rendered);
    this.registerOutputs({ objects: this.objects });
  }
}
