// Generated from sdk/schema by `npm run generate`; do not edit.
import type { GKE_NETWORKING_API_VERSION } from "../api";
import type { ModelObjectBase } from "../meta";

/** `BGPSession.spec`: one service peering session as planned by the controller. */
export interface BGPSessionSpec {
  /** The floating IP the session is sourced from. */
  readonly floatingIP: string;
  /** The cluster's AS number. */
  readonly localASN: number;
  /** The local address of the session (the floating IP). */
  readonly localIP: string;
  /** The node currently holding the floating IP. */
  readonly nodeName: string;
  /** The router's AS number. */
  readonly peerASN: number;
  /** The router's address. */
  readonly peerIP: string;
}

/** `BGPSession.status`, written by the speaker. */
export interface BGPSessionStatus {
  /** Prefixes advertised on this session, e.g. `10.0.4.1/32`. */
  readonly advertisedRoutes?: readonly string[];
  /** RFC 3339 time of the last report, e.g. `2021-06-14T22:09:36Z`. */
  readonly lastReportTime?: string;
  /** Session state (RFC 4271 section 8): `Established`, `Idle`, `Connect`, `Active`, `OpenSent`, `OpenConfirm`. */
  readonly state?: "Idle" | "Connect" | "Active" | "OpenSent" | "OpenConfirm" | "Established";
}

/**
 * A service peering session (`networking.gke.io/v1` `BGPSession`), status object in `kube-system`, named
 * `<peer>-<node>`.
 */
export interface BGPSession extends ModelObjectBase {
  readonly apiVersion: typeof GKE_NETWORKING_API_VERSION;
  readonly kind: "BGPSession";
  /** Planned session. */
  readonly spec: BGPSessionSpec;
  /** Observed state. */
  readonly status?: BGPSessionStatus;
}
