// Generated from sdk/schema by `npm run generate`; do not edit.
import type { GKE_NETWORKING_API_VERSION } from "../api";
import type { ModelObjectBase } from "../meta";

/** GKE `BGPPeer.spec`. */
export interface GkeBGPPeerSpec {
  /** The cluster's AS number, 1–4294967295. */
  readonly localASN: number;
  /** The router's AS number, 1–4294967295, different from `localASN` (eBGP only). */
  readonly peerASN: number;
  /** The router's IPv4 address; it must accept sessions from every floating IP. */
  readonly peerIP: string;
  /**
   * Sessions to open to this peer, each from a different floating IP: 1 to the number of floating IPs; two or
   * more recommended.
   */
  readonly sessions?: number;
}

/**
 * A data-plane peer (`networking.gke.io/v1` `BGPPeer`) in `cluster-<name>`, selected by the BGPLoadBalancer's
 * `peerSelector` through its labels.
 */
export interface GkeBGPPeer extends ModelObjectBase {
  readonly apiVersion: typeof GKE_NETWORKING_API_VERSION;
  readonly kind: "BGPPeer";
  /** The peer. */
  readonly spec: GkeBGPPeerSpec;
}
