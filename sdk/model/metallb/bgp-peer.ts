import type { METALLB_BGP_PEER_API_VERSION } from "../api";
import type { LabelSelector, ModelObjectBase } from "../meta";

/** Reference to the Secret holding the TCP MD5 password. */
export interface SecretReference {
  /** Secret name; it must be of type `kubernetes.io/basic-auth`, key `password`. */
  readonly name: string;
  /** Secret namespace; must be the MetalLB namespace. @default the peer's namespace */
  readonly namespace?: string;
}

/** MetalLB `BGPPeer.spec` (v1beta2). */
export interface MetalLBBGPPeerSpec {
  /** Local AS number, 0–4294967295; the same in every BGPPeer. */
  readonly myASN: number;
  /** Remote AS number, 0–4294967295. */
  readonly peerASN: number;
  /** The router's address (IPv4 or IPv6; one peer per family for dual-stack). */
  readonly peerAddress: string;
  /** Local IPv4 address to source the session from. @default chosen by the node's routing */
  readonly sourceAddress?: string;
  /** The router's TCP port, 0–16384. @default 179 */
  readonly peerPort?: number;
  /** Hold time as a duration (`90s`), at least `3s`. @default "90s" */
  readonly holdTime?: string;
  /** Keepalive interval as a duration; needs `holdTime` and must be below it. @default holdTime / 3 */
  readonly keepaliveTime?: string;
  /** Time between connection attempts, a whole number of seconds from 1s to 65535s. @default the BGP daemon's (120s in FRR) */
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
}

/** A MetalLB BGP peer (`metallb.io/v1beta2` `BGPPeer`), in `metallb-system`. */
export interface MetalLBBGPPeer extends ModelObjectBase {
  readonly apiVersion: typeof METALLB_BGP_PEER_API_VERSION;
  readonly kind: "BGPPeer";
  /** The peer. */
  readonly spec: MetalLBBGPPeerSpec;
}
