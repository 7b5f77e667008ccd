// Generated from sdk/schema by `npm run generate`; do not edit.
import type { METALLB_V1BETA1_API_VERSION } from "../api";
import type { LabelSelector, ModelObjectBase } from "../meta";

/** `IPAddressPool.spec.serviceAllocation`: which Services may take addresses from the pool. */
export interface ServiceAllocation {
  /** Preference of this pool over others for the Services it matches (lower first). */
  readonly priority?: number;
  /** Namespaces whose Services may use the pool. */
  readonly namespaces?: readonly string[];
  /** Namespaces, by label, whose Services may use the pool. */
  readonly namespaceSelectors?: readonly LabelSelector[];
  /** Services, by label, that may use the pool. */
  readonly serviceSelectors?: readonly LabelSelector[];
}

/** `IPAddressPool.spec`. */
export interface IPAddressPoolSpec {
  /** CIDRs or ranges, IPv4 and IPv6; pools must not overlap. */
  readonly addresses: readonly string[];
  /** Assign from this pool automatically. @default true */
  readonly autoAssign?: boolean;
  /** Skip addresses ending in .0 and .255. @default false */
  readonly avoidBuggyIPs?: boolean;
  /** Restricts the pool to some namespaces or Services; absent: every Service. */
  readonly serviceAllocation?: ServiceAllocation;
}

/** A MetalLB address pool (`metallb.io/v1beta1` `IPAddressPool`), in `metallb-system`. */
export interface IPAddressPool extends ModelObjectBase {
  readonly apiVersion: typeof METALLB_V1BETA1_API_VERSION;
  readonly kind: "IPAddressPool";
  /** The pool. */
  readonly spec: IPAddressPoolSpec;
}
