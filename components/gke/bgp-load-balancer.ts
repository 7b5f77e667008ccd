import * as pulumi from "@pulumi/pulumi";
import { bgpLoadBalancer, clusterNamespace, gkeBgpPeer, type ModelObject } from "../../sdk/model";
import { applyObjects, renderObjects, type ManifestObject } from "../objects";
import type { GkeBgpPeerReference, GkeClusterReference } from "../references";
import { companyOf, enforceValid } from "../validation";

/** Arguments of `BgpLoadBalancer`. */
export interface BgpLoadBalancerArgs {
  /** The cluster (pass the `GkeClusterLoadBalancer`). */
  cluster: GkeClusterReference;
  /** The cluster's data-plane BGPPeers (pass the `BgpPeer` objects). */
  peers: GkeBgpPeerReference[];
  /**
   * Labels a peer must carry to carry Service routes.
   * @default the labels every one of `peers` carries
   */
  peerSelector?: Record<string, string>;
  /** Create the BGPLoadBalancer through the Kubernetes provider. @default true */
  applyToCluster?: boolean;
}

/** The labels every peer carries with the same value. */
export function commonLabels(peers: readonly GkeBgpPeerReference[]): Record<string, string> {
  const [first, ...rest] = peers;
  if (first === undefined) return {};
  return Object.fromEntries(Object.entries(first.labels).filter(([key, value]) => rest.every((peer) => peer.labels[key] === value)));
}

/** The peers whose labels include every key/value of the selector. */
export function selectPeers(selector: Readonly<Record<string, string>>, peers: readonly GkeBgpPeerReference[]): GkeBgpPeerReference[] {
  return peers.filter((peer) => Object.entries(selector).every(([key, value]) => peer.labels[key] === value));
}

/**
 * Selects the data-plane peers for Service peering: the BGPLoadBalancer
 * `default` in `cluster-<name>`. Pass the peers, and optionally a selector;
 * the selection is checked against the peers (a selector that selects nothing
 * fails validation) and reported as `BgpLoadBalancer.selectedPeers`.
 */
export class BgpLoadBalancer extends pulumi.ComponentResource {
  /** The `peerSelector` written to the BGPLoadBalancer. */
  readonly peerSelector: Record<string, string>;
  /** Names of the BGPPeers the selector matches. */
  readonly selectedPeers: string[];
  /** The rendered BGPLoadBalancer. */
  readonly objects: pulumi.Output<ManifestObject[]>;

  /** Derives or checks the selector, validates with the core rules, then renders (and applies). */
  constructor(name: string, args: BgpLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bgplb:index:BgpLoadBalancer", name, {}, opts);
    const namespace = clusterNamespace(args.cluster.clusterName);
    const selector = args.peerSelector ?? commonLabels(args.peers);
    if (Object.keys(selector).length === 0) {
      const names = args.peers.map((peer) => peer.peerName).join(", ");
      throw new pulumi.ResourceError(
        `BgpLoadBalancer ${name}: peerSelector: the peers [${names}] share no label, so no selector picks exactly them; give peerSelector or label the peers alike`,
        this,
        true,
      );
    }
    const model = bgpLoadBalancer({ namespace, peerSelector: selector });
    const peers = args.peers.flatMap((peer) =>
      companyOf(peer, () => [
        gkeBgpPeer({ namespace, name: peer.peerName, labels: peer.labels, localASN: args.cluster.localAsn, peerASN: peer.peerAsn, peerIP: peer.peerIp }),
      ]),
    );
    const models = enforceValid(this, `BgpLoadBalancer ${name}`, [{ model, arguments: [["spec.peerSelector", "peerSelector"]] }], {}, [
      ...companyOf(args.cluster),
      ...peers,
    ]);
    this.validatedModels = () => models;
    const rendered = renderObjects([model]);
    this.peerSelector = { ...selector };
    this.selectedPeers = selectPeers(selector, args.peers).map((peer) => peer.peerName);
    this.objects = pulumi.output(rendered);
    if (args.applyToCluster !== false) applyObjects(this, rendered);
    this.registerOutputs({ objects: this.objects });
  }

  /**
   * The BGPLoadBalancer this component validated, which components given this one as a
   * reference validate against. A method (set per instance), so it is no
   * output of the inferred package schema.
   */
  validatedModels(): readonly ModelObject[] {
    return [];
  }
}
