// Generated from sdk/schema by `npm run generate`; do not edit.
import type { METALLB_BGP_PEER_API_VERSION, METALLB_V1BETA1_API_VERSION } from "../api";
import type { LabelSelector, ModelObjectBase } from "../meta";

/**
 * How a BGPPeer without `peerASN` accepts the router's AS number: `internal` (must equal myASN) or `external`
 * (must differ).
 */
export type DynamicASN = "internal" | "external";

/** Reference to the Secret holding the TCP MD5 password. */
export interface SecretReference {
  /** Secret name; it must be of type `kubernetes.io/basic-auth`, key `password`. */
  readonly name: string;
  /** Secret namespace; must be the MetalLB namespace. @default the peer's namespace */
  readonly namespace?: string;
}

/** MetalLB `BGPPeer.spec` (v1beta2; v1beta1 has a subset of these fields). */
export interface MetalLBBGPPeerSpec {
  /** Local AS number, 0–4294967295; the same in every BGPPeer. */
  readonly myASN: number;
  /**
   * AS number announced to this peer instead of `myASN` (BGP local-as, with no-prepend replace-as); FRR modes
   * only. @default myASN
   */
  readonly localASN?: number;
  /** Remote AS number, 0–4294967295; exactly one of `peerASN` and `dynamicASN`. */
  readonly peerASN?: number;
  /**
   * Accept the router's AS number as it comes, `internal` (iBGP) or `external` (eBGP), instead of `peerASN`;
   * exactly one of the two.
   */
  readonly dynamicASN?: DynamicASN;
  /**
   * The router's address (IPv4 or IPv6; one peer per family for dual-stack); exactly one of `peerAddress` and
   * `interface`.
   */
  readonly peerAddress?: string;
  /**
   * Node interface for BGP unnumbered peering, instead of `peerAddress`; exactly one of the two. Not checked
   * against the nodes.
   */
  readonly interface?: string;
  /** Local IPv4 address to source the session from. @default chosen by the node's routing */
  readonly sourceAddress?: string;
  /** The router's TCP port, 1–16384. @default 179 */
  readonly peerPort?: number;
  /** Hold time as a duration (`90s`), at least `3s`. @default "90s" */
  readonly holdTime?: string;
  /**
   * Keepalive interval as a duration; must be below `holdTime`; alone, MetalLB derives the hold time as 3 ×
   * keepaliveTime. @default holdTime / 3
   */
  readonly keepaliveTime?: string;
  /**
   * Time between connection attempts, a whole number of seconds from 1s to 65535s. @default the BGP daemon's
   * (120s in FRR)
   */
  readonly connectTime?: string;
  /** BGP router ID (an IPv4 address); if set, the same in every BGPPeer. @default the node's address */
  readonly routerID?: string;
  /** TCP MD5 password; mutually exclusive with `passwordSecret`. */
  readonly password?: string;
  /** Secret holding the TCP MD5 password; mutually exclusive with `password`. */
  readonly passwordSecret?: SecretReference;
  /** Name of the BFDProfile to run BFD with. @default no BFD */
  readonly bfdProfile?: string;
  /** Nodes allowed to peer (any selector matching). @default every node */
  readonly nodeSelectors?: readonly LabelSelector[];
  /** Peer is more than one hop away; not for iBGP. @default false */
  readonly ebgpMultiHop?: boolean;
  /** VRF to open the session in. @default the default VRF */
  readonly vrf?: string;
  /**
   * Graceful restart (RFC 4724): the router keeps forwarding to our routes while the session restarts. FRR
   * modes only. Cannot change after creation. @default false
   */
  readonly enableGracefulRestart?: boolean;
  /**
   * Deprecated in favour of `dualStackAddressFamily`: one session per address family instead of multiprotocol
   * BGP. @default false
   */
  readonly disableMP?: boolean;
  /**
   * Enable the other address family on this session too (IPv4 prefixes over an IPv6 session and the reverse).
   * @default false
   */
  readonly dualStackAddressFamily?: boolean;
}

/**
 * A MetalLB BGP peer (`metallb.io/v1beta2` `BGPPeer`, or the deprecated `metallb.io/v1beta1` one, read
 * alike), in `metallb-system`.
 */
export interface MetalLBBGPPeer extends ModelObjectBase {
  readonly apiVersion: typeof METALLB_BGP_PEER_API_VERSION | typeof METALLB_V1BETA1_API_VERSION;
  readonly kind: "BGPPeer";
  /** The peer. */
  readonly spec: MetalLBBGPPeerSpec;
}
