// Generated from sdk/schema by `npm run generate`; do not edit.
import type { GKE_NETWORKING_API_VERSION } from "../api";
import type { ModelObjectBase } from "../meta";

/** `BGPAdvertisedRoute.spec`. */
export interface BGPAdvertisedRouteSpec {
  /** The advertised prefix, e.g. `10.1.1.34/32`. */
  readonly prefix: string;
  /** The route metric (MED). */
  readonly metric?: number;
  /** The next hops advertised for the prefix: load-balancer node addresses. */
  readonly nextHops?: readonly string[];
}

/**
 * A route the cluster advertises for a Service VIP (`networking.gke.io/v1` `BGPAdvertisedRoute`), status
 * object in `kube-system`, named `<namespace>-<service>`.
 */
export interface BGPAdvertisedRoute extends ModelObjectBase {
  readonly apiVersion: typeof GKE_NETWORKING_API_VERSION;
  readonly kind: "BGPAdvertisedRoute";
  /** The route. */
  readonly spec: BGPAdvertisedRouteSpec;
}
