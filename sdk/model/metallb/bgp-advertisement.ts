// Generated from sdk/schema by `npm run generate`; do not edit.
import type { METALLB_V1BETA1_API_VERSION } from "../api";
import type { LabelSelector, ModelObjectBase } from "../meta";

/** `BGPAdvertisement.spec`. */
export interface BGPAdvertisementSpec {
  /** Pools (by name) to advertise. @default all pools, when no selector is given either */
  readonly ipAddressPools?: readonly string[];
  /** Pools (by label) to advertise. */
  readonly ipAddressPoolSelectors?: readonly LabelSelector[];
  /** Peers (by BGPPeer name) to advertise to. @default every peer */
  readonly peers?: readonly string[];
  /** Communities: `a:b` (16-bit each), `large:a:b:c`, or Community object names. */
  readonly communities?: readonly string[];
  /** IPv4 aggregation prefix length, 1–32 and ≥ every covered pool CIDR's prefix. @default 32 */
  readonly aggregationLength?: number;
  /** IPv6 aggregation prefix length, ≤ 128. @default 128 */
  readonly aggregationLengthV6?: number;
  /** LOCAL_PREF, 0–2147483647; only sent to iBGP peers. @default 0 */
  readonly localPref?: number;
  /** Nodes that advertise. @default every node */
  readonly nodeSelectors?: readonly LabelSelector[];
  /**
   * Announce only the addresses of Services matching one of these selectors; only with the default
   * aggregation lengths (32 and 128).
   */
  readonly serviceSelectors?: readonly LabelSelector[];
  /**
   * Times to prepend the local AS number to the AS_PATH of the advertised routes (traffic engineering), 1–10;
   * frr-k8s mode only. @default no prepending
   */
  readonly asPathPrepend?: number;
}

/** How MetalLB advertises pools (`metallb.io/v1beta1` `BGPAdvertisement`), in `metallb-system`. */
export interface BGPAdvertisement extends ModelObjectBase {
  readonly apiVersion: typeof METALLB_V1BETA1_API_VERSION;
  readonly kind: "BGPAdvertisement";
  /** The advertisement. */
  readonly spec: BGPAdvertisementSpec;
}
