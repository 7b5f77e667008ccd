// Generated from sdk/schema by `npm run generate`; do not edit.
import type { GKE_NETWORKING_API_VERSION } from "../api";
import type { ModelObjectBase } from "../meta";

/** `NetworkGatewayGroup.spec`. */
export interface NetworkGatewayGroupSpec {
  /**
   * Floating IPs, each from a node subnet, none equal to a node IP. Service peering sessions are sourced from
   * these. At least one; two or more recommended.
   */
  readonly floatingIPs: readonly string[];
}

/**
 * The floating IPs for service peering (`networking.gke.io/v1` `NetworkGatewayGroup`). Must be named
 * `default`, in `cluster-<name>`.
 */
export interface NetworkGatewayGroup extends ModelObjectBase {
  readonly apiVersion: typeof GKE_NETWORKING_API_VERSION;
  readonly kind: "NetworkGatewayGroup";
  /** The floating IPs. */
  readonly spec: NetworkGatewayGroupSpec;
}
