/**
 * Enumerations used in component arguments. Declared as `as const` objects so
 * TypeScript callers may pass the plain string and other languages get an enum
 * in the inferred schema.
 */

/** GKE on Bare Metal cluster type. Admin clusters load-balance only the control plane. */
export const ClusterType = {
  /** Admin cluster. */
  Admin: "admin",
  /** User cluster. */
  User: "user",
  /** Hybrid cluster. */
  Hybrid: "hybrid",
  /** Standalone cluster. */
  Standalone: "standalone",
} as const;

/** GKE on Bare Metal cluster type. */
export type ClusterType = (typeof ClusterType)[keyof typeof ClusterType];

/** Operator of a label-selector requirement. */
export const SelectorOperator = {
  /** The label value is one of `values`. */
  In: "In",
  /** The label value is none of `values`. */
  NotIn: "NotIn",
  /** The label is present. */
  Exists: "Exists",
  /** The label is absent. */
  DoesNotExist: "DoesNotExist",
} as const;

/** Operator of a label-selector requirement. */
export type SelectorOperator = (typeof SelectorOperator)[keyof typeof SelectorOperator];

/** How a MetalLB peer without a fixed AS number accepts the router's. */
export const DynamicAsn = {
  /** iBGP: the router's AS equals the local one. */
  Internal: "internal",
  /** eBGP: the router's AS is any other. */
  External: "external",
} as const;

/** How a MetalLB peer without a fixed AS number accepts the router's. */
export type DynamicAsn = (typeof DynamicAsn)[keyof typeof DynamicAsn];
