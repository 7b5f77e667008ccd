import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { METALLB_NAMESPACE, METALLB_PASSWORD_SECRET_TYPE, bfdProfile, metallbBgpPeer, type ModelObject } from "../../sdk/model";
import { applyObjects, renderObjects, type ManifestObject } from "../objects";
import type { BfdProfileReference } from "../references";
import { companyOf, enforceValid, type ArgumentPaths } from "../validation";
import { labelSelector, type LabelSelectorArgs } from "./selectors";

/** Arguments of `MetalLbPeer`. */
export interface MetalLbPeerArgs {
  /** `metadata.name`. @default the component name */
  peerName?: string;
  /** Namespace. @default "metallb-system" */
  namespace?: string;
  /** Local AS number; the same in every peer. */
  myAsn: number;
  /** The router's AS number. */
  peerAsn: number;
  /** The router's address (one peer per family for dual-stack). */
  peerAddress: string;
  /** IPv4 address to source the session from. */
  sourceAddress?: string;
  /** The router's TCP port, 0–16384. @default 179 */
  peerPort?: number;
  /** Hold time as a duration (`90s`), at least `3s`. @default "90s" */
  holdTime?: string;
  /** Keepalive interval as a duration; needs `holdTime` and must be below it. */
  keepaliveTime?: string;
  /** Router ID; the same in every peer. */
  routerId?: string;
  /**
   * TCP MD5 password. Pass a secret (`config.requireSecret`): it goes only into
   * a `kubernetes.io/basic-auth` Secret the peer references through
   * `passwordSecret`, never into the BGPPeer, the rendered manifests or
   * plaintext state.
   */
  password?: pulumi.Input<string>;
  /** The BFD profile (pass the `BfdProfile`). @default no BFD */
  bfdProfile?: BfdProfileReference;
  /** Nodes allowed to peer (any selector matching). @default every node */
  nodeSelectors?: LabelSelectorArgs[];
  /** The router is several hops away (eBGP only). @default false */
  ebgpMultiHop?: boolean;
  /** VRF to open the session in. */
  vrf?: string;
  /** Create the BGPPeer (and password Secret) through the Kubernetes provider. @default true */
  applyToCluster?: boolean;
}

/**
 * A MetalLB BGP peer (`metallb.io/v1beta2` `BGPPeer`) and, when a password is
 * given, its `kubernetes.io/basic-auth` Secret.
 */
export class MetalLbPeer extends pulumi.ComponentResource {
  /** `metadata.name`. */
  readonly peerName: string;
  /** Local AS number. */
  readonly myAsn: number;
  /** The router's AS number. */
  readonly peerAsn: number;
  /** The router's address. */
  readonly peerAddress: string;
  /** Name of the password Secret; empty when no password is set. */
  readonly passwordSecretName: string;
  /** The rendered BGPPeer (the Secret is never rendered). */
  readonly objects: pulumi.Output<ManifestObject[]>;

  /** Validates the peer with the core rules, then renders (and applies) it and its Secret. */
  constructor(name: string, args: MetalLbPeerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bgplb:index:MetalLbPeer", name, {}, opts);
    const peerName = args.peerName ?? name;
    const namespace = args.namespace ?? METALLB_NAMESPACE;
    const secretName = args.password === undefined ? "" : `${peerName}-bgp-password`;
    const model = metallbBgpPeer({
      name: peerName,
      namespace,
      myASN: args.myAsn,
      peerASN: args.peerAsn,
      peerAddress: args.peerAddress,
      sourceAddress: args.sourceAddress,
      peerPort: args.peerPort,
      holdTime: args.holdTime,
      keepaliveTime: args.keepaliveTime,
      routerID: args.routerId,
      passwordSecret: secretName === "" ? undefined : { name: secretName, namespace },
      bfdProfile: args.bfdProfile?.profileName,
      nodeSelectors: args.nodeSelectors?.map(labelSelector),
      ebgpMultiHop: args.ebgpMultiHop,
      vrf: args.vrf,
    });
    const profile = args.bfdProfile;
    const context = profile === undefined ? [] : companyOf(profile, () => [bfdProfile({ name: profile.profileName, namespace })]);
    const models = enforceValid(this, `MetalLbPeer ${name}`, [{ model, arguments: METALLB_PEER_ARGUMENTS }], {}, context);
    this.validatedModels = () => models;
    const rendered = renderObjects([model]);
    this.peerName = peerName;
    this.myAsn = args.myAsn;
    this.peerAsn = args.peerAsn;
    this.peerAddress = args.peerAddress;
    this.passwordSecretName = secretName;
    this.objects = pulumi.output(rendered);
    if (args.applyToCluster !== false) {
      const secrets =
        args.password === undefined
          ? []
          : [
              new k8s.core.v1.Secret(
                `${name}-bgp-password`,
                {
                  metadata: { name: secretName, namespace },
                  type: METALLB_PASSWORD_SECRET_TYPE,
                  stringData: { password: pulumi.secret(args.password) },
                },
                { parent: this, additionalSecretOutputs: ["data", "stringData"] },
              ),
            ];
      applyObjects(this, rendered, secrets);
    }
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

/** Where the BGPPeer's fields come from in {@link MetalLbPeerArgs}. */
const METALLB_PEER_ARGUMENTS: ArgumentPaths = [
  ["metadata.name", "peerName"],
  ["metadata.namespace", "namespace"],
  ["spec.myASN", "myAsn"],
  ["spec.peerASN", "peerAsn"],
  ["spec.peerAddress", "peerAddress"],
  ["spec.sourceAddress", "sourceAddress"],
  ["spec.peerPort", "peerPort"],
  ["spec.holdTime", "holdTime"],
  ["spec.keepaliveTime", "keepaliveTime"],
  ["spec.routerID", "routerId"],
  ["spec.passwordSecret", "password"],
  ["spec.bfdProfile", "bfdProfile.profileName"],
  ["spec.nodeSelectors", "nodeSelectors"],
  ["spec.ebgpMultiHop", "ebgpMultiHop"],
  ["spec.vrf", "vrf"],
];
