import * as pulumi from "@pulumi/pulumi";
import { bgpAdvertisement, ipAddressPool, metallbBgpPeer, type ModelObject } from "../../sdk/model";
import { applyObjects, renderObjects, type ManifestObject } from "../objects";
import type { AddressPoolReference, MetalLbPeerReference } from "../references";
import { companyOf, enforceValid, type ArgumentPaths } from "../validation";
import { labelSelector, type LabelSelectorArgs } from "./selectors";

/** Arguments of `BgpAdvertisement`. */
export interface BgpAdvertisementArgs {
  /** `metadata.name`. @default the component name */
  advertisementName?: string;
  /** Namespace. @default "metallb-system" */
  namespace?: string;
  /** Labels of the BGPAdvertisement. */
  labels?: Record<string, string>;
  /** Annotations of the BGPAdvertisement, carried through unchanged. */
  annotations?: Record<string, string>;
  /** The pools to advertise (pass the `AddressPool` objects). @default every pool, when `poolSelectors` is absent too */
  pools?: AddressPoolReference[];
  /** Pools to advertise by label (any selector matching), besides `pools`. */
  poolSelectors?: LabelSelectorArgs[];
  /** The peers to advertise to (pass the `MetalLbPeer` objects). @default every peer */
  peers?: MetalLbPeerReference[];
  /** Communities: `65535:65282`, `large:1:2:3`, or a Community object's alias. */
  communities?: string[];
  /** IPv4 aggregation length, ≤ 32 and ≥ each pool CIDR's prefix. @default 32 */
  aggregationLength?: number;
  /** IPv6 aggregation length, ≤ 128. @default 128 */
  aggregationLengthV6?: number;
  /** LOCAL_PREF; only sent to iBGP peers. */
  localPref?: number;
  /** Nodes that advertise. @default every node */
  nodeSelectors?: LabelSelectorArgs[];
  /** Advertise only the addresses of Services matching one of these selectors; only with the default aggregation lengths. */
  serviceSelectors?: LabelSelectorArgs[];
  /** Times to prepend the local AS number to the AS_PATH, 1–10; frr-k8s mode of MetalLB only. @default no prepending */
  asPathPrepend?: number;
  /** Create the BGPAdvertisement through the Kubernetes provider. @default true */
  applyToCluster?: boolean;
}

/**
 * How MetalLB advertises pools to peers (`metallb.io/v1beta1`
 * `BGPAdvertisement`). Pools and peers are passed as objects, so a typo in a
 * name cannot happen; aggregation lengths are checked against the pools.
 * Without `pools` and `poolSelectors` it advertises every pool.
 */
export class BgpAdvertisement extends pulumi.ComponentResource {
  /** `metadata.name`. */
  readonly advertisementName: string;
  /** The rendered BGPAdvertisement. */
  readonly objects: pulumi.Output<ManifestObject[]>;

  /** Validates the advertisement with the core rules (against its pools and peers), then renders (and applies) it. */
  constructor(name: string, args: BgpAdvertisementArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bgplb:index:BgpAdvertisement", name, {}, opts);
    const advertisementName = args.advertisementName ?? name;
    const model = bgpAdvertisement({
      name: advertisementName,
      namespace: args.namespace,
      labels: args.labels,
      annotations: args.annotations,
      ipAddressPools: args.pools?.map((pool) => pool.poolName),
      ipAddressPoolSelectors: args.poolSelectors?.map(labelSelector),
      peers: args.peers?.map((peer) => peer.peerName),
      communities: args.communities,
      aggregationLength: args.aggregationLength,
      aggregationLengthV6: args.aggregationLengthV6,
      localPref: args.localPref,
      nodeSelectors: args.nodeSelectors?.map(labelSelector),
      serviceSelectors: args.serviceSelectors?.map(labelSelector),
      asPathPrepend: args.asPathPrepend,
    });
    const context = [
      ...(args.pools ?? []).flatMap((pool) =>
        companyOf(pool, () => [ipAddressPool({ name: pool.poolName, namespace: args.namespace, addresses: pool.addresses })]),
      ),
      ...(args.peers ?? []).flatMap((peer) =>
        companyOf(peer, () => [
          metallbBgpPeer({
            name: peer.peerName,
            namespace: args.namespace,
            myASN: peer.myAsn,
            localASN: peer.localAsn,
            peerASN: peer.peerAsn,
            dynamicASN: peer.dynamicAsn,
            peerAddress: peer.peerAddress,
            interface: peer.interface,
          }),
        ]),
      ),
    ];
    const models = enforceValid(this, `BgpAdvertisement ${name}`, [{ model, arguments: BGP_ADVERTISEMENT_ARGUMENTS }], {}, context);
    this.validatedModels = () => models;
    const rendered = renderObjects([model]);
    this.advertisementName = advertisementName;
    this.objects = pulumi.output(rendered);
    if (args.applyToCluster !== false) applyObjects(this, rendered);
    this.registerOutputs({ objects: this.objects });
  }

  /**
   * The BGPAdvertisement this component validated, which components given this one as a
   * reference validate against. A method (set per instance), so it is no
   * output of the inferred package schema.
   */
  validatedModels(): readonly ModelObject[] {
    return [];
  }
}

/** Where the BGPAdvertisement's fields come from in {@link BgpAdvertisementArgs}. */
export const BGP_ADVERTISEMENT_ARGUMENTS: ArgumentPaths = [
  ["metadata.name", "advertisementName"],
  ["metadata.namespace", "namespace"],
  ["metadata.labels", "labels"],
  ["metadata.annotations", "annotations"],
  ["spec.ipAddressPools[*]", "pools[*].poolName"],
  ["spec.ipAddressPoolSelectors", "poolSelectors"],
  ["spec.peers[*]", "peers[*].peerName"],
  ["spec.communities", "communities"],
  ["spec.aggregationLength", "aggregationLength"],
  ["spec.aggregationLengthV6", "aggregationLengthV6"],
  ["spec.localPref", "localPref"],
  ["spec.nodeSelectors", "nodeSelectors"],
  ["spec.serviceSelectors", "serviceSelectors"],
  ["spec.asPathPrepend", "asPathPrepend"],
];
