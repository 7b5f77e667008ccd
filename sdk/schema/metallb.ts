import {
  BFD_DEFAULTS,
  BFD_LIMITS,
  METALLB_BGP_PEER_API_VERSION,
  METALLB_CONNECT_TIME_MAX_SECONDS,
  METALLB_DEFAULT_AGGREGATION_LENGTH,
  METALLB_DEFAULT_AGGREGATION_LENGTH_V6,
  METALLB_DEFAULT_HOLD_TIME,
  METALLB_DEFAULT_LOCAL_PREF,
  METALLB_DEFAULT_PEER_PORT,
  METALLB_PEER_PORT_MAX,
  METALLB_V1BETA1_API_VERSION,
} from "../model";
import { flag, labelSelectors } from "./common";
import { asn, field, object, oneOf, required, string, stringSet, type FieldEntry, type KindDeclaration, type ObjectSchema } from "./declaration";

/** A BFD timer or limit of a BFDProfile, bounded as MetalLB's CRD bounds it. */
function bfdValue(name: keyof typeof BFD_LIMITS, doc: string, rule: string, unit?: string): FieldEntry {
  const { min, max } = BFD_LIMITS[name];
  return field(name, { type: "integer", format: "int32", minimum: min, maximum: max }, doc, {
    default: BFD_DEFAULTS[name],
    rule,
    ...(unit === undefined ? {} : { unit }),
  });
}

const bfdProfile: KindDeclaration = {
  apiVersion: METALLB_V1BETA1_API_VERSION,
  apiVersionConstant: "METALLB_V1BETA1_API_VERSION",
  kind: "BFDProfile",
  group: "bfdProfiles",
  typeName: "BFDProfile",
  file: "metallb/bfd-profile",
  doc: "BFD timers for MetalLB peers (`metallb.io/v1beta1` `BFDProfile`), in `metallb-system`.",
  specDoc: "The BFD timers.",
  spec: object(
    [
      bfdValue("receiveInterval", "Minimum interval at which this system can receive control packets, 10–60000 ms.", "BGPLB120", "ms"),
      bfdValue("transmitInterval", "Minimum transmit interval (less jitter) for control packets, 10–60000 ms.", "BGPLB120", "ms"),
      bfdValue("detectMultiplier", "Detection multiplier, 2–255.", "BGPLB121"),
      bfdValue("echoInterval", "Minimum echo transmit interval, 10–60000 ms.", "BGPLB120", "ms"),
      flag("echoMode", "Echo transmission mode.", BFD_DEFAULTS.echoMode),
      flag("passiveMode", "Passive: wait for the peer's control packets before sending.", BFD_DEFAULTS.passiveMode),
      bfdValue("minimumTtl", "Minimum expected TTL of incoming control packets (multi-hop only), 1–254.", "BGPLB122"),
    ],
    { typeName: "BFDProfileSpec", typeDoc: "`BFDProfile.spec`; all times in milliseconds." },
  ),
};

/** A Go duration as MetalLB's BGPPeer takes it. */
const duration = { type: "string", duration: {} } as const;

const peerFields = {
  myASN: required("myASN", asn(0), "Local AS number, 0–4294967295; the same in every BGPPeer."),
  localASN: field("localASN", asn(1), "AS number announced to this peer instead of `myASN` (BGP local-as, with no-prepend replace-as); FRR modes only.", {
    defaultDoc: "myASN",
  }),
  peerASN: field("peerASN", asn(0), "Remote AS number, 0–4294967295; exactly one of `peerASN` and `dynamicASN`."),
  dynamicASN: field(
    "dynamicASN",
    oneOf(
      ["internal", "external"],
      "DynamicASN",
      "How a BGPPeer without `peerASN` accepts the router's AS number: `internal` (must equal myASN) or `external` (must differ).",
    ),
    "Accept the router's AS number as it comes, `internal` (iBGP) or `external` (eBGP), instead of `peerASN`; exactly one of the two.",
  ),
  peerAddress: field(
    "peerAddress",
    string,
    "The router's address (IPv4 or IPv6; one peer per family for dual-stack); exactly one of `peerAddress` and `interface`.",
  ),
  interface: field(
    "interface",
    string,
    "Node interface for BGP unnumbered peering, instead of `peerAddress`; exactly one of the two. Not checked against the nodes.",
  ),
  sourceAddress: field("sourceAddress", string, "Local IPv4 address to source the session from.", { defaultDoc: "chosen by the node's routing" }),
  peerPort: field("peerPort", { type: "integer", minimum: 1, maximum: METALLB_PEER_PORT_MAX }, "The router's TCP port, 1–16384.", {
    default: METALLB_DEFAULT_PEER_PORT,
    serverDefault: true,
    rule: "BGPLB106",
  }),
  holdTime: field("holdTime", duration, "Hold time as a duration (`90s`), at least `3s`.", { default: METALLB_DEFAULT_HOLD_TIME }),
  keepaliveTime: field(
    "keepaliveTime",
    duration,
    "Keepalive interval as a duration; must be below `holdTime`; alone, MetalLB derives the hold time as 3 × keepaliveTime.",
    {
      defaultDoc: "holdTime / 3",
    },
  ),
  connectTime: field(
    "connectTime",
    { type: "string", duration: { minSeconds: 1, maxSeconds: METALLB_CONNECT_TIME_MAX_SECONDS, wholeSeconds: true } },
    "Time between connection attempts, a whole number of seconds from 1s to 65535s.",
    {
      defaultDoc: "the BGP daemon's (120s in FRR)",
      rule: "BGPLB131",
    },
  ),
  routerID: field("routerID", string, "BGP router ID (an IPv4 address); if set, the same in every BGPPeer.", { defaultDoc: "the node's address" }),
  password: field("password", string, "TCP MD5 password; mutually exclusive with `passwordSecret`.", { secret: true }),
  passwordSecret: field(
    "passwordSecret",
    object(
      [
        required("name", string, "Secret name; it must be of type `kubernetes.io/basic-auth`, key `password`."),
        field("namespace", string, "Secret namespace; must be the MetalLB namespace.", { defaultDoc: "the peer's namespace" }),
      ],
      { typeName: "SecretReference", typeDoc: "Reference to the Secret holding the TCP MD5 password." },
    ),
    "Secret holding the TCP MD5 password; mutually exclusive with `password`.",
  ),
  bfdProfile: field("bfdProfile", string, "Name of the BFDProfile to run BFD with.", { defaultDoc: "no BFD" }),
  nodeSelectors: field("nodeSelectors", labelSelectors, "Nodes allowed to peer (any selector matching).", { defaultDoc: "every node" }),
  ebgpMultiHop: flag("ebgpMultiHop", "Peer is more than one hop away; not for iBGP.", false),
  vrf: field("vrf", string, "VRF to open the session in.", { defaultDoc: "the default VRF" }),
  enableGracefulRestart: field(
    "enableGracefulRestart",
    { type: "boolean" },
    "Graceful restart (RFC 4724): the router keeps forwarding to our routes while the session restarts. FRR modes only.",
    {
      default: false,
      immutable: "enableGracefulRestart cannot change after the BGPPeer is created (the session would have to restart)",
    },
  ),
  disableMP: flag("disableMP", "Deprecated in favour of `dualStackAddressFamily`: one session per address family instead of multiprotocol BGP.", false, true),
  dualStackAddressFamily: flag(
    "dualStackAddressFamily",
    "Enable the other address family on this session too (IPv4 prefixes over an IPv6 session and the reverse).",
    false,
    true,
  ),
} as const;

const v1beta2PeerSpec: ObjectSchema = object(
  [
    peerFields.myASN,
    peerFields.localASN,
    peerFields.peerASN,
    peerFields.dynamicASN,
    peerFields.peerAddress,
    peerFields.interface,
    peerFields.sourceAddress,
    peerFields.peerPort,
    peerFields.holdTime,
    peerFields.keepaliveTime,
    peerFields.connectTime,
    peerFields.routerID,
    peerFields.password,
    peerFields.passwordSecret,
    peerFields.bfdProfile,
    peerFields.nodeSelectors,
    peerFields.ebgpMultiHop,
    peerFields.vrf,
    peerFields.enableGracefulRestart,
    peerFields.disableMP,
    peerFields.dualStackAddressFamily,
  ],
  { typeName: "MetalLBBGPPeerSpec", typeDoc: "MetalLB `BGPPeer.spec` (v1beta2; v1beta1 has a subset of these fields)." },
);

/** The deprecated v1beta1 BGPPeer: fewer fields, peerASN and peerAddress required (its CRD also takes peerPort 0, which bgplb refuses as for v1beta2). */
const v1beta1PeerSpec: ObjectSchema = object(
  [
    peerFields.myASN,
    { ...peerFields.peerASN, required: true },
    { ...peerFields.peerAddress, required: true },
    peerFields.sourceAddress,
    peerFields.peerPort,
    peerFields.holdTime,
    peerFields.keepaliveTime,
    peerFields.routerID,
    peerFields.password,
    peerFields.bfdProfile,
    peerFields.nodeSelectors,
    peerFields.ebgpMultiHop,
  ],
  { typeName: "MetalLBBGPPeerSpec" },
);

const bgpPeer: KindDeclaration = {
  apiVersion: METALLB_BGP_PEER_API_VERSION,
  apiVersionConstant: "METALLB_BGP_PEER_API_VERSION",
  kind: "BGPPeer",
  group: "metallbBgpPeers",
  typeName: "MetalLBBGPPeer",
  file: "metallb/bgp-peer",
  doc: "A MetalLB BGP peer (`metallb.io/v1beta2` `BGPPeer`, or the deprecated `metallb.io/v1beta1` one, read alike), in `metallb-system`.",
  specDoc: "The peer.",
  spec: v1beta2PeerSpec,
  servedVersions: [{ apiVersion: METALLB_V1BETA1_API_VERSION, apiVersionConstant: "METALLB_V1BETA1_API_VERSION", spec: v1beta1PeerSpec }],
};

const ipAddressPool: KindDeclaration = {
  apiVersion: METALLB_V1BETA1_API_VERSION,
  apiVersionConstant: "METALLB_V1BETA1_API_VERSION",
  kind: "IPAddressPool",
  group: "ipAddressPools",
  typeName: "IPAddressPool",
  file: "metallb/ip-address-pool",
  doc: "A MetalLB address pool (`metallb.io/v1beta1` `IPAddressPool`), in `metallb-system`.",
  specDoc: "The pool.",
  spec: object(
    [
      required("addresses", stringSet, "CIDRs or ranges, IPv4 and IPv6; pools must not overlap."),
      flag("autoAssign", "Assign from this pool automatically.", true, true),
      flag("avoidBuggyIPs", "Skip addresses ending in .0 and .255.", false, true),
      field(
        "serviceAllocation",
        object(
          [
            field("priority", { type: "integer" }, "Preference of this pool over others for the Services it matches (lower first)."),
            field("namespaces", stringSet, "Namespaces whose Services may use the pool."),
            field("namespaceSelectors", labelSelectors, "Namespaces, by label, whose Services may use the pool."),
            field("serviceSelectors", labelSelectors, "Services, by label, that may use the pool."),
          ],
          { typeName: "ServiceAllocation", typeDoc: "`IPAddressPool.spec.serviceAllocation`: which Services may take addresses from the pool." },
        ),
        "Restricts the pool to some namespaces or Services; absent: every Service.",
      ),
    ],
    { typeName: "IPAddressPoolSpec", typeDoc: "`IPAddressPool.spec`." },
  ),
};

const bgpAdvertisement: KindDeclaration = {
  apiVersion: METALLB_V1BETA1_API_VERSION,
  apiVersionConstant: "METALLB_V1BETA1_API_VERSION",
  kind: "BGPAdvertisement",
  group: "bgpAdvertisements",
  typeName: "BGPAdvertisement",
  file: "metallb/bgp-advertisement",
  doc: "How MetalLB advertises pools (`metallb.io/v1beta1` `BGPAdvertisement`), in `metallb-system`.",
  specDoc: "The advertisement.",
  spec: object(
    [
      field("ipAddressPools", stringSet, "Pools (by name) to advertise.", { defaultDoc: "all pools, when no selector is given either" }),
      field("ipAddressPoolSelectors", labelSelectors, "Pools (by label) to advertise."),
      field("peers", stringSet, "Peers (by BGPPeer name) to advertise to.", { defaultDoc: "every peer" }),
      field("communities", stringSet, "Communities: `a:b` (16-bit each), `large:a:b:c`, or Community object names."),
      field(
        "aggregationLength",
        { type: "integer", format: "int32", minimum: 1, maximum: METALLB_DEFAULT_AGGREGATION_LENGTH },
        "IPv4 aggregation prefix length, 1–32 and ≥ every covered pool CIDR's prefix.",
        {
          default: METALLB_DEFAULT_AGGREGATION_LENGTH,
          serverDefault: true,
          rule: "BGPLB110",
        },
      ),
      field(
        "aggregationLengthV6",
        { type: "integer", format: "int32", minimum: 0, maximum: METALLB_DEFAULT_AGGREGATION_LENGTH_V6 },
        "IPv6 aggregation prefix length, ≤ 128.",
        {
          default: METALLB_DEFAULT_AGGREGATION_LENGTH_V6,
          serverDefault: true,
          rule: "BGPLB110",
        },
      ),
      field("localPref", { type: "integer", format: "int32", minimum: 0 }, "LOCAL_PREF, 0–2147483647; only sent to iBGP peers.", {
        default: METALLB_DEFAULT_LOCAL_PREF,
        rule: "BGPLB129",
      }),
      field("nodeSelectors", labelSelectors, "Nodes that advertise.", { defaultDoc: "every node" }),
      field(
        "serviceSelectors",
        labelSelectors,
        "Announce only the addresses of Services matching one of these selectors; only with the default aggregation lengths (32 and 128).",
      ),
      field(
        "asPathPrepend",
        { type: "integer", minimum: 1, maximum: 10 },
        "Times to prepend the local AS number to the AS_PATH of the advertised routes (traffic engineering), 1–10; frr-k8s mode only.",
        {
          defaultDoc: "no prepending",
        },
      ),
    ],
    { typeName: "BGPAdvertisementSpec", typeDoc: "`BGPAdvertisement.spec`." },
  ),
};

/** The MetalLB kinds, referenced objects before referrers. */
export const METALLB_KINDS: readonly KindDeclaration[] = [bfdProfile, bgpPeer, ipAddressPool, bgpAdvertisement];
