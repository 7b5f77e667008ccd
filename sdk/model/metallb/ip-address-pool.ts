import type { METALLB_V1BETA1_API_VERSION } from "../api";
import type { ModelObjectBase } from "../meta";

/** `IPAddressPool.spec`. */
export interface IPAddressPoolSpec {
  /** CIDRs or ranges, IPv4 and IPv6; pools must not overlap. */
  readonly addresses: readonly string[];
  /** Assign from this pool automatically. @default true */
  readonly autoAssign?: boolean;
  /** Skip addresses ending in .0 and .255. @default false */
  readonly avoidBuggyIPs?: boolean;
}

/** A MetalLB address pool (`metallb.io/v1beta1` `IPAddressPool`), in `metallb-system`. */
export interface IPAddressPool extends ModelObjectBase {
  readonly apiVersion: typeof METALLB_V1BETA1_API_VERSION;
  readonly kind: "IPAddressPool";
  /** The pool. */
  readonly spec: IPAddressPoolSpec;
}
