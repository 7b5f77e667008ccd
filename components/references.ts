/**
 * Typed references between components. Each is satisfied by the component it
 * names (pass the component object itself from TypeScript); other languages
 * pass the same fields as plain data. They carry what validation of the
 * referring object needs, never a bare string. A component passed as a
 * reference also hands over the model objects it validated
 * ({@link ValidatedModels}).
 */
import type { DynamicAsn } from "./enums";
import type { ValidatedModels } from "./validation";

/** The cluster a GKE BGP resource belongs to; a `GkeClusterLoadBalancer` satisfies it. */
export interface GkeClusterReference extends ValidatedModels {
  /** Cluster name; resources go to namespace `cluster-<name>`. */
  readonly clusterName: string;
  /** The cluster ASN (every data-plane BGPPeer's `localASN`). */
  readonly localAsn: number;
}

/** The floating IPs of a cluster; a `FloatingIpGroup` satisfies it. */
export interface FloatingIpGroupReference extends ValidatedModels {
  /** The floating IPs service sessions are sourced from. */
  readonly floatingIps: string[];
}

/** A GKE data-plane BGPPeer; a `BgpPeer` satisfies it. */
export interface GkeBgpPeerReference extends ValidatedModels {
  /** `metadata.name` of the BGPPeer. */
  readonly peerName: string;
  /** Its labels (what a peerSelector matches). */
  readonly labels: Record<string, string>;
  /** The router's address. */
  readonly peerIp: string;
  /** The router's AS number. */
  readonly peerAsn: number;
}

/** A MetalLB BGPPeer; a `MetalLbPeer` satisfies it. */
export interface MetalLbPeerReference extends ValidatedModels {
  /** `metadata.name` of the BGPPeer. */
  readonly peerName: string;
  /** Local AS number of the session. */
  readonly myAsn: number;
  /** AS number announced to the router instead of `myAsn`, when set. */
  readonly localAsn?: number;
  /** The router's AS number; exactly one of `peerAsn` and `dynamicAsn`. */
  readonly peerAsn?: number;
  /** How the router's AS number is accepted (`internal`, `external`) when it is not fixed. */
  readonly dynamicAsn?: DynamicAsn;
  /** The router's address; exactly one of `peerAddress` and `interface`. */
  readonly peerAddress?: string;
  /** The node interface of BGP unnumbered peering. */
  readonly interface?: string;
}

/** A MetalLB IPAddressPool; an `AddressPool` satisfies it. */
export interface AddressPoolReference extends ValidatedModels {
  /** `metadata.name` of the IPAddressPool. */
  readonly poolName: string;
  /** Its CIDRs and ranges. */
  readonly addresses: string[];
}

/** A MetalLB BFDProfile; a `BfdProfile` satisfies it. */
export interface BfdProfileReference extends ValidatedModels {
  /** `metadata.name` of the BFDProfile. */
  readonly profileName: string;
}
