import * as pulumi from "@pulumi/pulumi";
import { bfdProfile, type ModelObject } from "../../sdk/model";
import { applyObjects, renderObjects, type ManifestObject } from "../objects";
import { enforceValid, type ArgumentPaths } from "../validation";

/** Arguments of `BfdProfile`; intervals in milliseconds. */
export interface BfdProfileArgs {
  /** `metadata.name`. @default the component name */
  profileName?: string;
  /** Namespace. @default "metallb-system" */
  namespace?: string;
  /** Labels of the BFDProfile. */
  labels?: Record<string, string>;
  /** Annotations of the BFDProfile, carried through unchanged. */
  annotations?: Record<string, string>;
  /** Minimum receive interval, 10–60000 ms. @default 300 */
  receiveInterval?: number;
  /** Minimum transmit interval, 10–60000 ms. @default 300 */
  transmitInterval?: number;
  /** Detection multiplier, 2–255. @default 3 */
  detectMultiplier?: number;
  /** Echo transmit interval, 10–60000 ms. @default 50 */
  echoInterval?: number;
  /** Echo mode. @default false */
  echoMode?: boolean;
  /** Passive mode. @default false */
  passiveMode?: boolean;
  /** Minimum incoming TTL (multi-hop), 1–254. @default 254 */
  minimumTtl?: number;
  /** Create the BFDProfile through the Kubernetes provider. @default true */
  applyToCluster?: boolean;
}

/**
 * BFD timers for MetalLB peers (`metallb.io/v1beta1` `BFDProfile`). Removing
 * it from a peer does not disable BFD (the peer falls back to the default
 * profile), and a profile in use cannot be deleted.
 */
export class BfdProfile extends pulumi.ComponentResource {
  /** `metadata.name`. */
  readonly profileName: string;
  /** The rendered BFDProfile. */
  readonly objects: pulumi.Output<ManifestObject[]>;

  /** Validates the profile with the core rules, then renders (and applies) it. */
  constructor(name: string, args: BfdProfileArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bgplb:index:BfdProfile", name, {}, opts);
    const profileName = args.profileName ?? name;
    const model = bfdProfile({
      name: profileName,
      namespace: args.namespace,
      labels: args.labels,
      annotations: args.annotations,
      receiveInterval: args.receiveInterval,
      transmitInterval: args.transmitInterval,
      detectMultiplier: args.detectMultiplier,
      echoInterval: args.echoInterval,
      echoMode: args.echoMode,
      passiveMode: args.passiveMode,
      minimumTtl: args.minimumTtl,
    });
    const models = enforceValid(this, `BfdProfile ${name}`, [{ model, arguments: BFD_PROFILE_ARGUMENTS }], {});
    this.validatedModels = () => models;
    const rendered = renderObjects([model]);
    this.profileName = profileName;
    this.objects = pulumi.output(rendered);
    if (args.applyToCluster !== false) applyObjects(this, rendered);
    this.registerOutputs({ objects: this.objects });
  }

  /**
   * The BFDProfile this component validated, which components given this one as a
   * reference validate against. A method (set per instance), so it is no
   * output of the inferred package schema.
   */
  validatedModels(): readonly ModelObject[] {
    return [];
  }
}

/** Where the BFDProfile's fields come from in {@link BfdProfileArgs}. */
export const BFD_PROFILE_ARGUMENTS: ArgumentPaths = [
  ["metadata.name", "profileName"],
  ["metadata.namespace", "namespace"],
  ["metadata.labels", "labels"],
  ["metadata.annotations", "annotations"],
  ["spec.receiveInterval", "receiveInterval"],
  ["spec.transmitInterval", "transmitInterval"],
  ["spec.detectMultiplier", "detectMultiplier"],
  ["spec.echoInterval", "echoInterval"],
  ["spec.echoMode", "echoMode"],
  ["spec.passiveMode", "passiveMode"],
  ["spec.minimumTtl", "minimumTtl"],
];
