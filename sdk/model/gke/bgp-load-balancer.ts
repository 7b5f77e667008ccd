// Generated from sdk/schema by `npm run generate`; do not edit.
import type { GKE_NETWORKING_API_VERSION } from "../api";
import type { ModelObjectBase } from "../meta";

/** `BGPLoadBalancer.spec`. */
export interface BGPLoadBalancerSpec {
  /** Labels a BGPPeer must carry (all of them) to be used for service peering. Must select at least one BGPPeer. */
  readonly peerSelector?: Readonly<Record<string, string>>;
}

/**
 * Selects the data-plane peers (`networking.gke.io/v1` `BGPLoadBalancer`). Must be named `default`, in
 * `cluster-<name>`. Optional: without it the control-plane peers also carry the service routes.
 */
export interface BGPLoadBalancer extends ModelObjectBase {
  readonly apiVersion: typeof GKE_NETWORKING_API_VERSION;
  readonly kind: "BGPLoadBalancer";
  /** The peer selector. */
  readonly spec: BGPLoadBalancerSpec;
}
