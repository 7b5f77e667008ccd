import * as pulumi from "@pulumi/pulumi";
import { ipAddressPool, type ModelObject } from "../../sdk/model";
import { applyObjects, renderObjects, type ManifestObject } from "../objects";
import { enforceValid, type ArgumentPaths } from "../validation";

/** Arguments of `AddressPool`. */
export interface AddressPoolArgs {
  /** `metadata.name`. @default the component name */
  poolName?: string;
  /** Namespace. @default "metallb-system" */
  namespace?: string;
  /** CIDRs or ranges, IPv4 and/or IPv6; pools must not overlap. */
  addresses: string[];
  /** Assign from this pool automatically. @default true */
  autoAssign?: boolean;
  /** Skip addresses ending in .0 and .255. @default false */
  avoidBuggyIps?: boolean;
  /** Labels (advertisement pool selectors match them). */
  labels?: Record<string, string>;
  /** Create the IPAddressPool through the Kubernetes provider. @default true */
  applyToCluster?: boolean;
}

/** A MetalLB address pool (`metallb.io/v1beta1` `IPAddressPool`). */
export class AddressPool extends pulumi.ComponentResource {
  /** `metadata.name`. */
  readonly poolName: string;
  /** The pool's CIDRs and ranges. */
  readonly addresses: string[];
  /** The rendered IPAddressPool. */
  readonly objects: pulumi.Output<ManifestObject[]>;

  /** Validates the pool with the core rules, then renders (and applies) it. */
  constructor(name: string, args: AddressPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bgplb:index:AddressPool", name, {}, opts);
    const poolName = args.poolName ?? name;
    const model = ipAddressPool({
      name: poolName,
      namespace: args.namespace,
      labels: args.labels,
      addresses: args.addresses,
      autoAssign: args.autoAssign,
      avoidBuggyIPs: args.avoidBuggyIps,
    });
    const models = enforceValid(this, `AddressPool ${name}`, [{ model, arguments: ADDRESS_POOL_ARGUMENTS }], {});
    this.validatedModels = () => models;
    const rendered = renderObjects([model]);
    this.poolName = poolName;
    this.addresses = [...args.addresses];
    this.objects = pulumi.output(rendered);
    if (args.applyToCluster !== false) applyObjects(this, rendered);
    this.registerOutputs({ objects: this.objects });
  }

  /**
   * The IPAddressPool this component validated, which components given this one as a
   * reference validate against. A method (set per instance), so it is no
   * output of the inferred package schema.
   */
  validatedModels(): readonly ModelObject[] {
    return [];
  }
}

/** Where the IPAddressPool's fields come from in {@link AddressPoolArgs}. */
const ADDRESS_POOL_ARGUMENTS: ArgumentPaths = [
  ["metadata.name", "poolName"],
  ["metadata.namespace", "namespace"],
  ["metadata.labels", "labels"],
  ["spec.addresses", "addresses"],
  ["spec.autoAssign", "autoAssign"],
  ["spec.avoidBuggyIPs", "avoidBuggyIps"],
];
