import * as pulumi from "@pulumi/pulumi";
import { ipAddressPool, type ModelObject, type ServiceAllocation } from "../../sdk/model";
import { applyObjects, renderObjects, type ManifestObject } from "../objects";
import { enforceValid, type ArgumentPaths } from "../validation";
import { labelSelector, type LabelSelectorArgs } from "./selectors";

/** Which Services may take addresses from a pool (`spec.serviceAllocation`). */
export interface ServiceAllocationArgs {
  /** Preference of this pool over others for the Services it matches (lower first). */
  priority?: number;
  /** Namespaces whose Services may use the pool. */
  namespaces?: string[];
  /** Namespaces, by label, whose Services may use the pool. */
  namespaceSelectors?: LabelSelectorArgs[];
  /** Services, by label, that may use the pool. */
  serviceSelectors?: LabelSelectorArgs[];
}

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
  /** Annotations of the IPAddressPool, carried through unchanged. */
  annotations?: Record<string, string>;
  /** Which Services may take addresses from the pool. @default every Service */
  serviceAllocation?: ServiceAllocationArgs;
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
      annotations: args.annotations,
      addresses: args.addresses,
      autoAssign: args.autoAssign,
      avoidBuggyIPs: args.avoidBuggyIps,
      serviceAllocation: serviceAllocation(args.serviceAllocation),
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
export const ADDRESS_POOL_ARGUMENTS: ArgumentPaths = [
  ["metadata.name", "poolName"],
  ["metadata.namespace", "namespace"],
  ["metadata.labels", "labels"],
  ["metadata.annotations", "annotations"],
  ["spec.addresses", "addresses"],
  ["spec.autoAssign", "autoAssign"],
  ["spec.avoidBuggyIPs", "avoidBuggyIps"],
  ["spec.serviceAllocation", "serviceAllocation"],
];

/** The model form of `serviceAllocation`, keys with no value left out. */
function serviceAllocation(args: ServiceAllocationArgs | undefined): ServiceAllocation | undefined {
  if (args === undefined) return undefined;
  return {
    ...(args.priority === undefined ? {} : { priority: args.priority }),
    ...(args.namespaces === undefined ? {} : { namespaces: [...args.namespaces] }),
    ...(args.namespaceSelectors === undefined ? {} : { namespaceSelectors: args.namespaceSelectors.map(labelSelector) }),
    ...(args.serviceSelectors === undefined ? {} : { serviceSelectors: args.serviceSelectors.map(labelSelector) }),
  };
}
