import { expect } from "chai";
import { bfdProfile, type OpaqueObject } from "../../sdk/model";
import { nodeSelectionsOverlap } from "../../sdk/validate/rules/labels";
import { validate } from "../../sdk/validate";
import { METALLB_ADVERTISEMENTS, METALLB_PEERS, metallb, ruleCaseTests, type MetallbFixture, type RuleCase } from "./fixtures";

type Case = RuleCase<MetallbFixture>;

const [P1, P2] = METALLB_PEERS;
const [A1, A2] = METALLB_ADVERTISEMENTS;
const rack = (value: string) => ({ matchLabels: { rack: value } });
const hosts = (...values: string[]) => ({ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In" as const, values }] });
const V4_POOLS = [
  { name: "pool1", addresses: ["4.4.4.100-4.4.4.200"] },
  { name: "pool2", addresses: ["5.5.5.100-5.5.5.200"] },
];
const V6_POOL = { name: "pool6", addresses: ["2001:db8:6::/64"] };
const echo = bfdProfile({ name: "echo", echoMode: true });
const community = (name: string, aliases: readonly [string, string][], namespace = "metallb-system"): OpaqueObject => {
  const metadata = { name, namespace };
  const spec = { communities: aliases.map(([alias, value]) => ({ name: alias, value })) };
  return { apiVersion: "metallb.io/v1beta1", kind: "Community", metadata, body: { apiVersion: "metallb.io/v1beta1", kind: "Community", metadata, spec } };
};
const secret = (data: Record<string, string>): OpaqueObject => {
  const metadata = { name: "auth", namespace: "metallb-system" };
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata,
    body: { apiVersion: "v1", kind: "Secret", metadata, type: "kubernetes.io/basic-auth", stringData: data },
  };
};

const CASES: readonly Case[] = [
  {
    title: "peerASN and dynamicASN both set",
    code: "BGPLB133",
    severity: "error",
    path: "spec.dynamicASN",
    value: "external",
    kind: "BGPPeer",
    fires: { peers: [P1, { ...P2, dynamicASN: "external" }] },
    quiet: { peers: [P1, { ...P2, peerASN: undefined, dynamicASN: "external" }] },
  },
  {
    title: "neither peerASN nor dynamicASN",
    code: "BGPLB133",
    severity: "error",
    path: "spec.peerASN",
    value: "neither peerASN nor dynamicASN",
    kind: "BGPPeer",
    fires: { peers: [P1, { ...P2, peerASN: undefined }] },
    quiet: { peers: [P1, { ...P2, peerASN: undefined, dynamicASN: "internal", myASN: 64500 }] },
  },
  {
    title: "peerAddress and interface both set",
    code: "BGPLB134",
    severity: "error",
    path: "spec.interface",
    value: "eth1",
    kind: "BGPPeer",
    fires: { peers: [P1, { ...P2, interface: "eth1" }] },
    quiet: { peers: [P1, { ...P2, peerAddress: undefined, interface: "eth1" }] },
  },
  {
    title: "neither peerAddress nor interface",
    code: "BGPLB134",
    severity: "error",
    path: "spec.peerAddress",
    value: "neither peerAddress nor interface",
    kind: "BGPPeer",
    fires: { peers: [P1, { ...P2, peerAddress: undefined }] },
    quiet: { peers: [P1, { ...P2, peerAddress: undefined, interface: "eth1" }] },
  },
  {
    title: "localASN 0 (declared 1-4294967295)",
    code: "BGPLB001",
    severity: "error",
    path: "spec.localASN",
    value: "0",
    kind: "BGPPeer",
    fires: { peers: [P1, { ...P2, localASN: 0 }] },
    quiet: { peers: [P1, { ...P2, localASN: 1 }] },
  },
  {
    title: "asPathPrepend 11 (declared 1-10)",
    code: "BGPLB006",
    severity: "error",
    path: "spec.asPathPrepend",
    value: "11",
    kind: "BGPAdvertisement",
    fires: { advertisements: [{ ...A1, asPathPrepend: 11 }, A2] },
    quiet: { advertisements: [{ ...A1, asPathPrepend: 10 }, A2] },
  },
  {
    title: "aggregationLength 0 (MetalLB's CRD minimum is 1)",
    code: "BGPLB110",
    severity: "error",
    path: "spec.aggregationLength",
    value: "0",
    kind: "BGPAdvertisement",
    fires: { advertisements: [{ ...A1, aggregationLength: 0 }, A2] },
    quiet: { advertisements: [{ ...A1, aggregationLength: 1 }, A2] },
  },
  {
    title: "a peer named twice in an advertisement",
    code: "BGPLB124",
    severity: "error",
    path: "spec.peers[1]",
    value: "peer1",
    kind: "BGPAdvertisement",
    fires: { advertisements: [{ ...A1, peers: ["peer1", "peer1"] }, A2] },
    quiet: { advertisements: [{ ...A1, peers: ["peer1", "peer2"] }, A2] },
  },
  {
    title: "a pool named twice in an advertisement",
    code: "BGPLB124",
    severity: "error",
    path: "spec.ipAddressPools[1]",
    value: "pool1",
    kind: "BGPAdvertisement",
    fires: { advertisements: [{ ...A1, ipAddressPools: ["pool1", "pool1"] }, A2] },
    quiet: { advertisements: [{ ...A1, ipAddressPools: ["pool1", "pool2"] }, A2] },
  },
  {
    title: "a community twice in an advertisement",
    code: "BGPLB124",
    severity: "error",
    path: "spec.communities[1]",
    value: "65535:65282",
    kind: "BGPAdvertisement",
    fires: { advertisements: [{ ...A1, communities: ["65535:65282", "65535:65282"] }, A2] },
    quiet: { advertisements: [{ ...A1, communities: ["65535:65282", "65535:65281"] }, A2] },
  },
  {
    title: "a node selector twice in an advertisement",
    code: "BGPLB124",
    severity: "error",
    path: "spec.nodeSelectors[1]",
    value: "r1",
    kind: "BGPAdvertisement",
    fires: { advertisements: [{ ...A1, nodeSelectors: [rack("r1"), rack("r1")] }, A2] },
    quiet: { advertisements: [{ ...A1, nodeSelectors: [rack("r1"), rack("r2")] }, A2] },
  },
  {
    title: "a pool selector twice in an advertisement",
    code: "BGPLB124",
    severity: "error",
    path: "spec.ipAddressPoolSelectors[1]",
    value: "r1",
    kind: "BGPAdvertisement",
    fires: { advertisements: [{ ...A1, ipAddressPoolSelectors: [rack("r1"), rack("r1")] }, A2] },
    quiet: { advertisements: [{ ...A1, ipAddressPoolSelectors: [rack("r1"), rack("r2")] }, A2] },
  },
  {
    title: "a value twice in a match expression",
    code: "BGPLB124",
    severity: "error",
    path: "spec.nodeSelectors[0].matchExpressions[0].values[1]",
    value: "node1",
    kind: "BGPAdvertisement",
    fires: { advertisements: [{ ...A1, nodeSelectors: [hosts("node1", "node1")] }, A2] },
    quiet: { advertisements: [{ ...A1, nodeSelectors: [hosts("node1", "node2")] }, A2] },
  },
  {
    title: "a match expression twice in a selector (values in another order)",
    code: "BGPLB124",
    severity: "error",
    path: "spec.nodeSelectors[0].matchExpressions[1]",
    value: "kubernetes.io/hostname In",
    kind: "BGPAdvertisement",
    fires: {
      advertisements: [{ ...A1, nodeSelectors: [{ matchExpressions: [...hosts("a", "b").matchExpressions, ...hosts("b", "a").matchExpressions] }] }, A2],
    },
    quiet: { advertisements: [{ ...A1, nodeSelectors: [{ matchExpressions: [...hosts("a", "b").matchExpressions, ...hosts("a").matchExpressions] }] }, A2] },
  },
  {
    title: "a node selector twice in a BGPPeer",
    code: "BGPLB124",
    severity: "error",
    path: "spec.nodeSelectors[1]",
    value: "r1",
    kind: "BGPPeer",
    fires: { peers: [{ ...P1, nodeSelectors: [rack("r1"), rack("r1")] }, P2] },
    quiet: { peers: [{ ...P1, nodeSelectors: [rack("r1"), rack("r2")] }, P2] },
  },
  {
    title: "an IPv6 pool announced to a peer whose BFD profile uses echo",
    code: "BGPLB126",
    severity: "error",
    path: "spec.bfdProfile",
    value: "IPv6",
    kind: "BGPPeer",
    name: "peer1",
    fires: {
      peers: [{ ...P1, bfdProfile: "echo" }, P2],
      pools: [...V4_POOLS, V6_POOL],
      advertisements: [A1, A2, { name: "v6", ipAddressPools: ["pool6"] }],
      extra: [echo],
    },
    quiet: {
      peers: [{ ...P1, bfdProfile: "echo" }, P2],
      pools: [...V4_POOLS, V6_POOL],
      advertisements: [A1, A2, { name: "v6", ipAddressPools: ["pool6"], peers: ["peer2"] }],
      extra: [echo],
    },
  },
  {
    title: "two localPrefs for one pool, the same peers and nodes",
    code: "BGPLB127",
    severity: "error",
    path: "spec.localPref",
    value: "200",
    kind: "BGPAdvertisement",
    name: "second",
    fires: {
      advertisements: [
        { ...A1, localPref: 100 },
        A2,
        { name: "second", ipAddressPools: ["pool1"], peers: ["peer1"], localPref: 200, nodeSelectors: [hosts("node1", "node2")] },
      ],
    },
    quiet: {
      advertisements: [
        { ...A1, localPref: 100, nodeSelectors: [hosts("node3")] },
        A2,
        { name: "second", ipAddressPools: ["pool1"], peers: ["peer1"], localPref: 200, nodeSelectors: [hosts("node1", "node2")] },
      ],
    },
  },
  {
    title: "two localPrefs for one pool, the same peers, overlapping node sets",
    code: "BGPLB127",
    severity: "error",
    path: "spec.localPref",
    value: "200",
    kind: "BGPAdvertisement",
    name: "second",
    fires: {
      advertisements: [
        { ...A1, localPref: 100, nodeSelectors: [hosts("node3", "node2")] },
        A2,
        { name: "second", ipAddressPools: ["pool1"], peers: ["peer1"], localPref: 200, nodeSelectors: [hosts("node1", "node2")] },
      ],
    },
    quiet: { advertisements: [{ ...A1, localPref: 100 }, A2, { name: "second", ipAddressPools: ["pool1"], peers: ["peer2"], localPref: 200 }] },
  },
  {
    title: "two localPrefs for a dual-stack pool with only the IPv4 aggregation different",
    code: "BGPLB127",
    severity: "error",
    path: "spec.localPref",
    value: "200",
    kind: "BGPAdvertisement",
    name: "second",
    fires: { advertisements: [{ ...A1, localPref: 100 }, A2, { name: "second", ipAddressPools: ["pool1"], localPref: 200, aggregationLength: 24 }] },
    quiet: {
      advertisements: [
        { ...A1, localPref: 100 },
        A2,
        { name: "second", ipAddressPools: ["pool1"], localPref: 200, aggregationLength: 24, aggregationLengthV6: 64 },
      ],
    },
  },
  {
    title: "a password Secret without a password key",
    code: "BGPLB119",
    severity: "error",
    path: "spec.passwordSecret.name",
    value: 'no "password" key',
    kind: "BGPPeer",
    fires: { peers: [P1, { ...P2, passwordSecret: { name: "auth" } }], extra: [secret({ username: "bgp" })] },
    quiet: { peers: [P1, { ...P2, passwordSecret: { name: "auth" } }], extra: [secret({ password: "s3cret" })] },
  },
  {
    title: "a password Secret that is not in the manifests",
    code: "BGPLB119",
    severity: "skipped",
    path: "spec.passwordSecret.name",
    value: "not in these manifests",
    kind: "BGPPeer",
    fires: { peers: [P1, { ...P2, passwordSecret: { name: "auth" } }] },
    quiet: { peers: [P1, { ...P2, passwordSecret: { name: "auth" } }], extra: [secret({ password: "s3cret" })] },
  },
  {
    title: "one routerID set and one unset on peers of the same nodes",
    code: "BGPLB104",
    severity: "error",
    path: "spec.routerID",
    value: "unset",
    kind: "BGPPeer",
    name: "peer2",
    fires: { peers: [P1, { ...P2, routerID: undefined }] },
    quiet: {
      peers: [
        { ...P1, nodeSelectors: [hosts("node1")] },
        { ...P2, routerID: undefined, nodeSelectors: [hosts("node2")] },
      ],
    },
  },
  {
    title: "the same peer address on node1|node2 and node3|node2",
    code: "BGPLB019",
    severity: "error",
    path: "spec.peerAddress",
    value: "10.0.0.1",
    kind: "BGPPeer",
    name: "peer2",
    fires: {
      peers: [
        { ...P1, nodeSelectors: [hosts("node1", "node2")] },
        { ...P2, peerAddress: "10.0.0.1", nodeSelectors: [hosts("node3", "node2")] },
      ],
    },
    quiet: {
      peers: [
        { ...P1, nodeSelectors: [hosts("node1", "node2")] },
        { ...P2, peerAddress: "10.0.0.1", nodeSelectors: [hosts("node3")] },
      ],
    },
  },
  {
    title: "the same peer address on all nodes and on node1, another port",
    code: "BGPLB019",
    severity: "error",
    path: "spec.peerAddress",
    value: "10.0.0.1",
    kind: "BGPPeer",
    name: "peer2",
    fires: { peers: [P1, { ...P2, peerAddress: "10.0.0.1", peerPort: 1179, nodeSelectors: [hosts("node1")] }] },
    quiet: { peers: [P1, { ...P2, peerAddress: "10.0.0.1", vrf: "red", nodeSelectors: [hosts("node1")] }] },
  },
  {
    title: "a Community value without a colon",
    code: "BGPLB112",
    severity: "error",
    path: "spec.communities[0].value",
    value: "1234",
    kind: "Community",
    fires: { extra: [community("c", [["vpn", "1234"]])] },
    quiet: { extra: [community("c", [["vpn", "12:34"]])] },
  },
  {
    title: "a Community value above 16 bits",
    code: "BGPLB112",
    severity: "error",
    path: "spec.communities[1].value",
    value: "99999999",
    kind: "Community",
    fires: {
      extra: [
        community("c", [
          ["a", "1:2"],
          ["vpn", "99999999:1"],
        ]),
      ],
    },
    quiet: {
      extra: [
        community("c", [
          ["a", "1:2"],
          ["vpn", "large:99999999:1:2"],
        ]),
      ],
    },
  },
  {
    title: "one alias twice in a Community",
    code: "BGPLB125",
    severity: "error",
    path: "spec.communities[1].name",
    value: "spec.communities[0]",
    kind: "Community",
    fires: {
      extra: [
        community("c", [
          ["vpn", "1:2"],
          ["vpn", "1:3"],
        ]),
      ],
    },
    quiet: {
      extra: [
        community("c", [
          ["vpn", "1:2"],
          ["vpn2", "1:2"],
        ]),
      ],
    },
  },
  {
    title: "one alias in two Communities",
    code: "BGPLB125",
    severity: "error",
    path: "spec.communities[0].name",
    value: "Community c1",
    kind: "Community",
    name: "c2",
    fires: { extra: [community("c1", [["vpn", "1:2"]]), community("c2", [["vpn", "1:3"]])] },
    quiet: { extra: [community("c1", [["vpn", "1:2"]]), community("c2", [["dc", "1:3"]])] },
  },
  {
    title: "a Community outside metallb-system",
    code: "BGPLB118",
    severity: "error",
    path: "metadata.namespace",
    value: "default",
    kind: "Community",
    fires: { extra: [community("c", [["vpn", "1:2"]], "default")] },
    quiet: { extra: [community("c", [["vpn", "1:2"]])] },
  },
  {
    title: "peerPort 0",
    code: "BGPLB106",
    severity: "error",
    path: "spec.peerPort",
    value: "0",
    kind: "BGPPeer",
    fires: { peers: [P1, { ...P2, peerPort: 0 }] },
    quiet: { peers: [P1, { ...P2, peerPort: 1 }] },
  },
  {
    title: "localPref 2147483648",
    code: "BGPLB129",
    severity: "error",
    path: "spec.localPref",
    value: "2147483648",
    kind: "BGPAdvertisement",
    fires: { advertisements: [{ ...A1, localPref: 2147483648 }, A2] },
    quiet: { advertisements: [{ ...A1, localPref: 2147483647 }, A2] },
  },
  {
    title: "a namespace twice in a pool's serviceAllocation",
    code: "BGPLB124",
    severity: "error",
    path: "spec.serviceAllocation.namespaces[1]",
    value: "web",
    kind: "IPAddressPool",
    fires: { pools: [{ ...V4_POOLS[0], serviceAllocation: { namespaces: ["web", "web"] } }, V4_POOLS[1]] },
    quiet: { pools: [{ ...V4_POOLS[0], serviceAllocation: { namespaces: ["web", "db"] } }, V4_POOLS[1]] },
  },
  {
    title: "a namespace selector twice in a pool's serviceAllocation",
    code: "BGPLB124",
    severity: "error",
    path: "spec.serviceAllocation.namespaceSelectors[1]",
    value: "r1",
    kind: "IPAddressPool",
    fires: { pools: [{ ...V4_POOLS[0], serviceAllocation: { namespaceSelectors: [rack("r1"), rack("r1")] } }, V4_POOLS[1]] },
    quiet: { pools: [{ ...V4_POOLS[0], serviceAllocation: { namespaceSelectors: [rack("r1"), rack("r2")] } }, V4_POOLS[1]] },
  },
  {
    title: "a service selector twice in a pool's serviceAllocation",
    code: "BGPLB124",
    severity: "error",
    path: "spec.serviceAllocation.serviceSelectors[1]",
    value: "r1",
    kind: "IPAddressPool",
    fires: { pools: [{ ...V4_POOLS[0], serviceAllocation: { serviceSelectors: [rack("r1"), rack("r1")] } }, V4_POOLS[1]] },
    quiet: { pools: [{ ...V4_POOLS[0], serviceAllocation: { serviceSelectors: [rack("r1"), rack("r2")] } }, V4_POOLS[1]] },
  },
  {
    title: "serviceSelectors with aggregationLength 24",
    code: "BGPLB130",
    severity: "error",
    path: "spec.aggregationLength",
    value: "serviceSelectors",
    kind: "BGPAdvertisement",
    fires: { advertisements: [{ name: "a", serviceSelectors: [rack("r1")], aggregationLength: 24 }] },
    quiet: { advertisements: [{ name: "a", serviceSelectors: [rack("r1")], aggregationLength: 32 }] },
  },
  {
    title: "connectTime 1500ms",
    code: "BGPLB131",
    severity: "error",
    path: "spec.connectTime",
    value: "1500ms",
    kind: "BGPPeer",
    fires: { peers: [P1, { ...P2, connectTime: "1500ms" }] },
    quiet: { peers: [P1, { ...P2, connectTime: "2s" }] },
  },
  {
    title: "connectTime 0s",
    code: "BGPLB131",
    severity: "error",
    path: "spec.connectTime",
    value: "0s",
    kind: "BGPPeer",
    fires: { peers: [P1, { ...P2, connectTime: "0s" }] },
    quiet: { peers: [P1, { ...P2, connectTime: "18h12m15s" }] },
  },
  {
    title: "an advertisement using an alias no Community defines",
    code: "BGPLB132",
    severity: "warning",
    path: "spec.communities[0]",
    value: "vpn-only",
    kind: "BGPAdvertisement",
    fires: { advertisements: [{ ...A1, communities: ["vpn-only"] }, A2] },
    quiet: { advertisements: [{ ...A1, communities: ["vpn-only"] }, A2], extra: [community("c", [["vpn-only", "65000:100"]])] },
  },
  {
    title: "two myASNs in one VRF on peers that can share a node",
    code: "BGPLB108",
    severity: "error",
    path: "spec.myASN",
    value: "64499",
    kind: "BGPPeer",
    name: "peer2",
    fires: {
      peers: [
        { ...P1, nodeSelectors: [hosts("node1", "node2")] },
        { ...P2, myASN: 64499, nodeSelectors: [hosts("node2")] },
      ],
    },
    quiet: {
      peers: [
        { ...P1, nodeSelectors: [hosts("node1")] },
        { ...P2, myASN: 64499, nodeSelectors: [hosts("node2")] },
      ],
    },
  },
];

describe("validate: MetalLB parity rules (issue 16)", () => {
  ruleCaseTests(CASES, (fixture) => validate(metallb(fixture)));
});

describe("validate: whether two node-selector lists can select a common node", () => {
  const expr = (key: string, operator: "In" | "NotIn" | "Exists" | "DoesNotExist", ...values: string[]) => ({ matchExpressions: [{ key, operator, values }] });
  const cases: readonly [string, Parameters<typeof nodeSelectionsOverlap>[0], Parameters<typeof nodeSelectionsOverlap>[1], boolean][] = [
    ["no selector and any selector", undefined, [rack("r1")], true],
    ["rack r1 and rack r2", [rack("r1")], [rack("r2")], false],
    ["rack r1 or r2 and rack r2", [rack("r1"), rack("r2")], [rack("r2")], true],
    ["In [a, b] and In [b, c]", [hosts("a", "b")], [hosts("b", "c")], true],
    ["In [a] and NotIn [a]", [hosts("a")], [expr("kubernetes.io/hostname", "NotIn", "a")], false],
    ["In [a, b] and NotIn [a]", [hosts("a", "b")], [expr("kubernetes.io/hostname", "NotIn", "a")], true],
    ["Exists and DoesNotExist on one key", [expr("rack", "Exists")], [expr("rack", "DoesNotExist")], false],
    ["matchLabels and DoesNotExist on another key", [rack("r1")], [expr("zone", "DoesNotExist")], true],
    ["matchLabels rack r1 and In rack [r2, r3]", [rack("r1")], [expr("rack", "In", "r2", "r3")], false],
  ];
  for (const [title, a, b, overlap] of cases) {
    it(`${title}: ${overlap ? "overlap" : "disjoint"}`, () => {
      expect(nodeSelectionsOverlap(a, b)).to.equal(overlap);
      expect(nodeSelectionsOverlap(b, a)).to.equal(overlap);
    });
  }
});
