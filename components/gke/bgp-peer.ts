import * as pulumi from "@pulumi/pulumi";
import { GKE_DEFAULT_PEER_LABEL, clusterNamespace, gkeBgpPeer, networkGatewayGroup, type ModelObject } from "../../sdk/model";
import { applyObjects, renderObjects, type ManifestObject } from "../objects";
import type { FloatingIpGroupReference, GkeClusterReference } from "../references";
import { companyOf, enforceValid, type ArgumentPaths } from "../validation";

/** Arguments of `BgpPeer`. */
export interface BgpPeerArgs {
  /** The cluster (pass the `GkeClusterLoadBalancer`); its ASN is the peer's `localASN`. */
  cluster: GkeClusterReference;
  /** `metadata.name`. @default the component name */
  peerName?: string;
  /** The router's IPv4 address; it must accept sessions from every floating IP. */
  peerIp: string;
  /** The router's AS number (eBGP: not the cluster ASN). */
  peerAsn: number;
  /** Sessions to open, each from a different floating IP; two or more recommended. */
  sessions?: number;
  /** Labels a BGPLoadBalancer selects on. @default `cluster.baremetal.gke.io/default-peer: "true"` */
  labels?: Record<string, string>;
  /** The cluster's floating IPs (pass the `FloatingIpGroup`), to check `sessions` against them. */
  floatingIpGroup?: FloatingIpGroupReference;
  /** Create the BGPPeer through the Kubernetes provider. @default true */
  applyToCluster?: boolean;
}

/** A GKE data-plane BGP peer (`networking.gke.io/v1` `BGPPeer`) in `cluster-<name>`. */
export class BgpPeer extends pulumi.ComponentResource {
  /** `metadata.name`. */
  readonly peerName: string;
  /** The labels. */
  readonly labels: Record<string, string>;
  /** The router's address. */
  readonly peerIp: string;
  /** The router's AS number. */
  readonly peerAsn: number;
  /** The rendered BGPPeer. */
  readonly objects: pulumi.Output<ManifestObject[]>;

  /** Validates the peer with the core rules (against the cluster and its floating IPs), then renders (and applies) it. */
  constructor(name: string, args: BgpPeerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bgplb:index:BgpPeer", name, {}, opts);
    const namespace = clusterNamespace(args.cluster.clusterName);
    const labels = args.labels ?? { [GKE_DEFAULT_PEER_LABEL]: "true" };
    const peerName = args.peerName ?? name;
    const model = gkeBgpPeer({
      namespace,
      name: peerName,
      labels,
      localASN: args.cluster.localAsn,
      peerASN: args.peerAsn,
      peerIP: args.peerIp,
      sessions: args.sessions,
    });
    const floatingIpGroup = args.floatingIpGroup;
    const context: ModelObject[] = [
      ...companyOf(args.cluster),
      ...(floatingIpGroup === undefined
        ? []
        : companyOf(floatingIpGroup, () => [networkGatewayGroup({ namespace, floatingIPs: floatingIpGroup.floatingIps })])),
    ];
    const models = enforceValid(this, `BgpPeer ${name}`, [{ model, arguments: BGP_PEER_ARGUMENTS }], {}, context);
    this.validatedModels = () => models;
    const rendered = renderObjects([model]);
    this.peerName = peerName;
    this.labels = { ...labels };
    this.peerIp = args.peerIp;
    this.peerAsn = args.peerAsn;
    this.objects = pulumi.output(rendered);
    if (args.applyToCluster !== false) applyObjects(this, rendered);
    this.registerOutputs({ objects: this.objects });
  }

  /**
   * The BGPPeer this component validated, which components given this one as a
   * reference validate against. A method (set per instance), so it is no
   * output of the inferred package schema.
   */
  validatedModels(): readonly ModelObject[] {
    return [];
  }
}

/** Where the BGPPeer's fields come from in {@link BgpPeerArgs}. */
export const BGP_PEER_ARGUMENTS: ArgumentPaths = [
  ["metadata.name", "peerName"],
  ["metadata.labels", "labels"],
  ["spec.localASN", "cluster.localAsn"],
  ["spec.peerASN", "peerAsn"],
  ["spec.peerIP", "peerIp"],
  ["spec.sessions", "sessions"],
];
