import { METALLB_BGP_PEER_API_VERSION, METALLB_V1BETA1_API_VERSION } from "../api";
import { METALLB_NAMESPACE } from "../defaults";
import type { ObjectMeta } from "../meta";
import type { BFDProfile, BFDProfileSpec } from "../metallb/bfd-profile";
import type { BGPAdvertisement, BGPAdvertisementSpec } from "../metallb/bgp-advertisement";
import type { MetalLBBGPPeer, MetalLBBGPPeerSpec } from "../metallb/bgp-peer";
import type { IPAddressPool, IPAddressPoolSpec } from "../metallb/ip-address-pool";
import { compact } from "./compact";

/** Name, namespace (default `metallb-system`) and labels of a MetalLB object. */
export interface MetalLBPlacement {
  /** Object name. */
  readonly name: string;
  /** Namespace. @default "metallb-system" */
  readonly namespace?: string;
  /** Labels (pool selectors match on them). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations, carried through unchanged. */
  readonly annotations?: Readonly<Record<string, string>>;
}

function metadataOf(args: MetalLBPlacement): ObjectMeta {
  return compact({
    name: args.name,
    namespace: args.namespace ?? METALLB_NAMESPACE,
    labels: args.labels ? { ...args.labels } : undefined,
    annotations: args.annotations ? { ...args.annotations } : undefined,
  });
}

function specOf<S extends object>(args: MetalLBPlacement & S): S {
  const { name: _name, namespace: _namespace, labels: _labels, annotations: _annotations, ...spec } = args;
  return compact(spec as unknown as S);
}

/** Builds a MetalLB BGPPeer (`metallb.io/v1beta2`). */
export function metallbBgpPeer(args: MetalLBPlacement & MetalLBBGPPeerSpec): MetalLBBGPPeer {
  return { apiVersion: METALLB_BGP_PEER_API_VERSION, kind: "BGPPeer", metadata: metadataOf(args), spec: specOf<MetalLBBGPPeerSpec>(args) };
}

/** Builds an IPAddressPool. */
export function ipAddressPool(args: MetalLBPlacement & IPAddressPoolSpec): IPAddressPool {
  return { apiVersion: METALLB_V1BETA1_API_VERSION, kind: "IPAddressPool", metadata: metadataOf(args), spec: specOf<IPAddressPoolSpec>(args) };
}

/** Builds a BGPAdvertisement. */
export function bgpAdvertisement(args: MetalLBPlacement & BGPAdvertisementSpec): BGPAdvertisement {
  return { apiVersion: METALLB_V1BETA1_API_VERSION, kind: "BGPAdvertisement", metadata: metadataOf(args), spec: specOf<BGPAdvertisementSpec>(args) };
}

/** Builds a BFDProfile. */
export function bfdProfile(args: MetalLBPlacement & BFDProfileSpec): BFDProfile {
  return { apiVersion: METALLB_V1BETA1_API_VERSION, kind: "BFDProfile", metadata: metadataOf(args), spec: specOf<BFDProfileSpec>(args) };
}
