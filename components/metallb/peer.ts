import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { METALLB_NAMESPACE, METALLB_PASSWORD_SECRET_TYPE, bfdProfile, metallbBgpPeer, type ModelObject } from "../../sdk/model";
import { applyObjects, renderObjects, type ManifestObject } from "../objects";
import type { DynamicAsn } from "../enums";
import type { BfdProfileReference } from "../references";
import { companyOf, enforceValid, type ArgumentPaths } from "../validation";
import { labelSelector, type LabelSelectorArgs } from "./selectors";

/** A Secret holding a MetalLB peer's TCP MD5 password, created elsewhere. */
export interface SecretReferenceArgs {
  /** Secret name; a `kubernetes.io/basic-auth` Secret with key `password`. */
  name: string;
  /** Secret namespace; must be the MetalLB namespace. @default the peer's namespace */
  namespace?: string;
}

/** Arguments of `MetalLbPeer`. */
export interface MetalLbPeerArgs {
  /** `metadata.name`. @default the component name */
  peerName?: string;
  /** Namespace. @default "metallb-system" */
  namespace?: string;
  /** Labels of the BGPPeer. */
  labels?: Record<string, string>;
  /** Annotations of the BGPPeer, carried through unchanged. */
  annotations?: Record<string, string>;
  /** Local AS number; the same in every peer. */
  myAsn: number;
  /** AS number announced to this router instead of `myAsn` (BGP local-as); FRR modes of MetalLB only. @default myAsn */
  localAsn?: number;
  /** The router's AS number; exactly one of `peerAsn` and `dynamicAsn`. */
  peerAsn?: number;
  /** Accept the router's AS number as it comes, `internal` (iBGP) or `external` (eBGP), instead of `peerAsn`. */
  dynamicAsn?: DynamicAsn;
  /** The router's address (one peer per family for dual-stack); exactly one of `peerAddress` and `interface`. */
  peerAddress?: string;
  /** Node interface for BGP unnumbered peering, instead of `peerAddress`. */
  interface?: string;
  /** IPv4 address to source the session from. */
  sourceAddress?: string;
  /** The router's TCP port, 1–16384. @default 179 */
  peerPort?: number;
  /** Hold time as a duration (`90s`), at least `3s`. @default "90s" */
  holdTime?: string;
  /** Keepalive interval as a duration, below `holdTime`; alone, MetalLB derives the hold time as 3 × keepalive. */
  keepaliveTime?: string;
  /** Time between connection attempts, whole seconds from `1s` to `65535s`. @default the BGP daemon's (120s in FRR) */
  connectTime?: string;
  /** Router ID; the same in every peer. */
  routerId?: string;
  /**
   * TCP MD5 password. Pass a secret (`config.requireSecret`): it goes only into
   * a `kubernetes.io/basic-auth` Secret the peer references through
   * `passwordSecret`, never into the BGPPeer, the rendered manifests or
   * plaintext state. Not together with `passwordSecret`.
   */
  password?: pulumi.Input<string>;
  /** An existing Secret holding the TCP MD5 password, instead of `password`. */
  passwordSecret?: SecretReferenceArgs;
  /** The BFD profile (pass the `BfdProfile`). @default no BFD */
  bfdProfile?: BfdProfileReference;
  /** Nodes allowed to peer (any selector matching). @default every node */
  nodeSelectors?: LabelSelectorArgs[];
  /** The router is several hops away (eBGP only). @default false */
  ebgpMultiHop?: boolean;
  /** VRF to open the session in. */
  vrf?: string;
  /** Graceful restart (RFC 4724); FRR modes of MetalLB only. Cannot change after creation. @default false */
  enableGracefulRestart?: boolean;
  /** One session per address family instead of multiprotocol BGP (deprecated in favour of `dualStackAddressFamily`). @default false */
  disableMp?: boolean;
  /** Carry the other address family on this session too. @default false */
  dualStackAddressFamily?: boolean;
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
  /** AS number announced to the router instead of `myAsn`, when set. */
  readonly localAsn?: number;
  /** The router's AS number, when fixed. */
  readonly peerAsn?: number;
  /** How the router's AS number is accepted, when not fixed. */
  readonly dynamicAsn?: DynamicAsn;
  /** The router's address, when not BGP unnumbered. */
  readonly peerAddress?: string;
  /** The node interface of BGP unnumbered peering, when set. */
  readonly interface?: string;
  /** Name of the Secret created from `password`; empty when no password is given. */
  readonly passwordSecretName: string;
  /** The rendered BGPPeer (the Secret is never rendered). */
  readonly objects: pulumi.Output<ManifestObject[]>;

  /** Validates the peer with the core rules, then renders (and applies) it and its Secret. */
  constructor(name: string, args: MetalLbPeerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bgplb:index:MetalLbPeer", name, {}, opts);
    const peerName = args.peerName ?? name;
    const namespace = args.namespace ?? METALLB_NAMESPACE;
    if (args.password !== undefined && args.passwordSecret !== undefined) {
      throw new pulumi.InputPropertiesError({
        message: `MetalLbPeer ${name}: give password or passwordSecret, not both (a BGPPeer references one Secret)`,
        errors: [{ propertyPath: "passwordSecret", reason: "mutually exclusive with password" }],
      });
    }
    const secretName = args.password === undefined ? "" : `${peerName}-bgp-password`;
    const passwordSecret = secretName === "" ? args.passwordSecret : { name: secretName, namespace };
    const model = metallbBgpPeer({
      name: peerName,
      namespace,
      labels: args.labels,
      annotations: args.annotations,
      myASN: args.myAsn,
      localASN: args.localAsn,
      peerASN: args.peerAsn,
      dynamicASN: args.dynamicAsn,
      peerAddress: args.peerAddress,
      interface: args.interface,
      sourceAddress: args.sourceAddress,
      peerPort: args.peerPort,
      holdTime: args.holdTime,
      keepaliveTime: args.keepaliveTime,
      connectTime: args.connectTime,
      routerID: args.routerId,
      passwordSecret:
        passwordSecret === undefined
          ? undefined
          : { name: passwordSecret.name, ...(passwordSecret.namespace === undefined ? {} : { namespace: passwordSecret.namespace }) },
      bfdProfile: args.bfdProfile?.profileName,
      nodeSelectors: args.nodeSelectors?.map(labelSelector),
      ebgpMultiHop: args.ebgpMultiHop,
      vrf: args.vrf,
      enableGracefulRestart: args.enableGracefulRestart,
      disableMP: args.disableMp,
      dualStackAddressFamily: args.dualStackAddressFamily,
    });
    const profile = args.bfdProfile;
    const context = profile === undefined ? [] : companyOf(profile, () => [bfdProfile({ name: profile.profileName, namespace })]);
    const argumentPaths = metallbPeerArguments(secretName === "" ? "passwordSecret" : "password");
    const models = enforceValid(this, `MetalLbPeer ${name}`, [{ model, arguments: argumentPaths }], {}, context);
    this.validatedModels = () => models;
    const rendered = renderObjects([model]);
    this.peerName = peerName;
    this.myAsn = args.myAsn;
    this.localAsn = args.localAsn;
    this.peerAsn = args.peerAsn;
    this.dynamicAsn = args.dynamicAsn;
    this.peerAddress = args.peerAddress;
    this.interface = args.interface;
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

/**
 * Where the BGPPeer's fields come from in {@link MetalLbPeerArgs}; `spec.passwordSecret` from
 * `password` (the Secret the component creates) or `passwordSecret`. `spec.password` has no
 * argument: the component never writes a plaintext password.
 */
export function metallbPeerArguments(passwordArgument: "password" | "passwordSecret"): ArgumentPaths {
  return [
    ["metadata.name", "peerName"],
    ["metadata.namespace", "namespace"],
    ["metadata.labels", "labels"],
    ["metadata.annotations", "annotations"],
    ["spec.myASN", "myAsn"],
    ["spec.localASN", "localAsn"],
    ["spec.peerASN", "peerAsn"],
    ["spec.dynamicASN", "dynamicAsn"],
    ["spec.peerAddress", "peerAddress"],
    ["spec.interface", "interface"],
    ["spec.sourceAddress", "sourceAddress"],
    ["spec.peerPort", "peerPort"],
    ["spec.holdTime", "holdTime"],
    ["spec.keepaliveTime", "keepaliveTime"],
    ["spec.connectTime", "connectTime"],
    ["spec.routerID", "routerId"],
    ["spec.passwordSecret", passwordArgument],
    ["spec.bfdProfile", "bfdProfile.profileName"],
    ["spec.nodeSelectors", "nodeSelectors"],
    ["spec.ebgpMultiHop", "ebgpMultiHop"],
    ["spec.vrf", "vrf"],
    ["spec.enableGracefulRestart", "enableGracefulRestart"],
    ["spec.disableMP", "disableMp"],
    ["spec.dualStackAddressFamily", "dualStackAddressFamily"],
  ];
}
