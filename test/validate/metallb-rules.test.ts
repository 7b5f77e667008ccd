import { bfdProfile, type ModelObject, type OpaqueObject } from "../../sdk/model";
import { validate } from "../../sdk/validate";
import { METALLB_ADVERTISEMENTS, METALLB_PEERS, METALLB_POOLS, metallb, ruleCaseTests, type MetallbFixture, type RuleCase } from "./fixtures";

type Case = RuleCase<MetallbFixture>;

const [P1, P2] = METALLB_PEERS;
const [A1, A2] = METALLB_ADVERTISEMENTS;
const secret = (name: string, type: string): OpaqueObject => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name, namespace: "metallb-system" },
  body: { apiVersion: "v1", kind: "Secret", metadata: { name, namespace: "metallb-system" }, type, stringData: { password: "x" } },
});
const profile = (spec: Parameters<typeof bfdProfile>[0]): ModelObject => bfdProfile(spec);

const CASES: readonly Case[] = [
  { title: "myASN 0", code: "BGPLB001", severity: "error", path: "spec.myASN", value: "0", kind: "BGPPeer", name: "peer2", fires: { peers: [P1, { ...P2, myASN: 0 }] }, quiet: {} },
  { title: "no BGPPeer at all", code: "BGPLB128", severity: "warning", path: "metadata.name", value: "no MetalLB BGPPeer", kind: "BGPAdvertisement", fires: { peers: [] }, quiet: {} },
  { title: "a single BGPPeer", code: "BGPLB018", severity: "warning", path: "spec.peerAddress", value: "10.0.0.1", kind: "BGPPeer", fires: { peers: [P1], advertisements: [{ ...A1 }, { ...A2, peers: ["peer1"] }] }, quiet: {} },
  { title: "the same router twice", code: "BGPLB019", severity: "error", path: "spec.peerAddress", value: "10.0.0.1", kind: "BGPPeer", name: "peer2", fires: { peers: [P1, { ...P2, peerAddress: "10.0.0.1" }] }, quiet: { peers: [{ ...P1, nodeSelectors: [{ matchLabels: { rack: "r1" } }] }, { ...P2, peerAddress: "10.0.0.1", nodeSelectors: [{ matchLabels: { rack: "r2" } }] }] } },
  { title: "pools of two MetalLB objects overlapping", code: "BGPLB060", severity: "error", path: "spec.addresses[0]", value: "4.4.4.0/24", kind: "IPAddressPool", name: "pool2", fires: { pools: [METALLB_POOLS[0], { name: "pool2", addresses: ["4.4.4.0/24"] }] }, quiet: {} },
  { title: "holdTime 2s", code: "BGPLB100", severity: "error", path: "spec.holdTime", value: "2s", kind: "BGPPeer", fires: { peers: [P1, { ...P2, holdTime: "2s" }] }, quiet: { peers: [P1, { ...P2, holdTime: "0s" }] } },
  { title: "keepaliveTime equal to holdTime", code: "BGPLB101", severity: "error", path: "spec.keepaliveTime", value: "9s", kind: "BGPPeer", fires: { peers: [P1, { ...P2, holdTime: "9s", keepaliveTime: "9s" }] }, quiet: { peers: [P1, { ...P2, holdTime: "9s", keepaliveTime: "3s" }] } },
  { title: "keepaliveTime 500ms without holdTime (hold time 1.5s)", code: "BGPLB100", severity: "error", path: "spec.keepaliveTime", value: "1.5s", kind: "BGPPeer", fires: { peers: [P1, { ...P2, keepaliveTime: "500ms" }] }, quiet: { peers: [P1, { ...P2, keepaliveTime: "1s" }] } },
  { title: "password and passwordSecret", code: "BGPLB103", severity: "error", path: "spec.passwordSecret", value: "bgp-auth", kind: "BGPPeer", fires: { peers: [P1, { ...P2, password: "x", passwordSecret: { name: "bgp-auth" } }] }, quiet: { peers: [P1, { ...P2, passwordSecret: { name: "bgp-auth" } }] } },
  { title: "two routerIDs", code: "BGPLB104", severity: "error", path: "spec.routerID", value: "10.10.10.11", kind: "BGPPeer", name: "peer2", fires: { peers: [P1, { ...P2, routerID: "10.10.10.11" }] }, quiet: {} },
  { title: "ebgpMultiHop on iBGP", code: "BGPLB105", severity: "error", path: "spec.ebgpMultiHop", value: "64500", kind: "BGPPeer", fires: { peers: [P1, { ...P2, peerASN: 64500, ebgpMultiHop: true }] }, quiet: { peers: [P1, { ...P2, ebgpMultiHop: true }] } },
  { title: "peerPort 16385", code: "BGPLB106", severity: "error", path: "spec.peerPort", value: "16385", kind: "BGPPeer", fires: { peers: [P1, { ...P2, peerPort: 16385 }] }, quiet: { peers: [P1, { ...P2, peerPort: 16384 }] } },
  { title: "an IPv6 sourceAddress", code: "BGPLB107", severity: "error", path: "spec.sourceAddress", value: "2001:db8::5", kind: "BGPPeer", fires: { peers: [P1, { ...P2, sourceAddress: "2001:db8::5" }] }, quiet: { peers: [P1, { ...P2, sourceAddress: "10.0.0.5" }] } },
  { title: "two myASNs in one VRF", code: "BGPLB108", severity: "error", path: "spec.myASN", value: "64499", kind: "BGPPeer", fires: { peers: [P1, { ...P2, myASN: 64499 }] }, quiet: { peers: [P1, { ...P2, myASN: 64499, vrf: "red" }] } },
  { title: "a routerID that is not IPv4", code: "BGPLB109", severity: "error", path: "spec.routerID", value: "2001:db8::1", kind: "BGPPeer", name: "peer1", fires: { peers: [{ ...P1, routerID: "2001:db8::1" }, { ...P2, routerID: "2001:db8::1" }] }, quiet: {} },
  { title: "aggregationLength 33", code: "BGPLB110", severity: "error", path: "spec.aggregationLength", value: "33", kind: "BGPAdvertisement", fires: { advertisements: [{ ...A1, aggregationLength: 33 }, A2] }, quiet: {} },
  { title: "aggregationLengthV6 129", code: "BGPLB110", severity: "error", path: "spec.aggregationLengthV6", value: "129", kind: "BGPAdvertisement", fires: { advertisements: [{ ...A1, aggregationLengthV6: 129 }, A2] }, quiet: {} },
  { title: "aggregationLength shorter than a pool CIDR", code: "BGPLB111", severity: "error", path: "spec.aggregationLength", value: "/26", kind: "BGPAdvertisement", fires: { pools: [{ name: "pool1", addresses: ["4.4.4.64/26"] }, METALLB_POOLS[1]], advertisements: [{ ...A1, aggregationLength: 24 }, A2] }, quiet: { pools: [{ name: "pool1", addresses: ["4.4.4.64/26"] }, METALLB_POOLS[1]], advertisements: [{ ...A1, aggregationLength: 26 }, A2] } },
  { title: "a community above 16 bits", code: "BGPLB112", severity: "error", path: "spec.communities[0]", value: "65536", kind: "BGPAdvertisement", fires: { advertisements: [{ ...A1, communities: ["65536:1"] }, A2] }, quiet: { advertisements: [{ ...A1, communities: ["large:4294967295:1:2"] }, A2] } },
  { title: "a malformed large community", code: "BGPLB112", severity: "error", path: "spec.communities[1]", value: "large:1:2", kind: "BGPAdvertisement", fires: { advertisements: [{ ...A1, communities: ["65535:65282", "large:1:2"] }, A2] }, quiet: {} },
  { title: "an advertisement naming a missing pool", code: "BGPLB113", severity: "warning", path: "spec.ipAddressPools[0]", value: "pool9", kind: "BGPAdvertisement", fires: { advertisements: [{ ...A1, ipAddressPools: ["pool9"] }, A2] }, quiet: {} },
  { title: "an advertisement naming a missing peer", code: "BGPLB114", severity: "warning", path: "spec.peers[0]", value: "peer9", kind: "BGPAdvertisement", fires: { advertisements: [{ ...A1, peers: ["peer9"] }, A2] }, quiet: {} },
  { title: "localPref towards eBGP peers only", code: "BGPLB115", severity: "warning", path: "spec.localPref", value: "100", kind: "BGPAdvertisement", fires: { advertisements: [{ ...A1, localPref: 100 }, A2] }, quiet: { peers: [P1, { ...P2, peerASN: 64500 }], advertisements: [A1, { ...A2, localPref: 100 }] } },
  { title: "a missing BFD profile", code: "BGPLB116", severity: "error", path: "spec.bfdProfile", value: "fast", kind: "BGPPeer", fires: { peers: [P1, { ...P2, bfdProfile: "fast" }] }, quiet: { peers: [P1, { ...P2, bfdProfile: "fast" }], extra: [profile({ name: "fast" })] } },
  { title: "a pool nothing advertises", code: "BGPLB117", severity: "warning", path: "metadata.name", value: "pool2", kind: "IPAddressPool", fires: { advertisements: [A1] }, quiet: { advertisements: [A1, { name: "all" }] } },
  { title: "a MetalLB object outside metallb-system", code: "BGPLB118", severity: "error", path: "metadata.namespace", value: "default", kind: "IPAddressPool", fires: { pools: [METALLB_POOLS[0], { ...METALLB_POOLS[1], namespace: "default" }] }, quiet: {} },
  { title: "a passwordSecret of the wrong type", code: "BGPLB119", severity: "error", path: "spec.passwordSecret.name", value: "Opaque", kind: "BGPPeer", fires: { peers: [P1, { ...P2, passwordSecret: { name: "auth" } }], extra: [secret("auth", "Opaque")] }, quiet: { peers: [P1, { ...P2, passwordSecret: { name: "auth" } }], extra: [secret("auth", "kubernetes.io/basic-auth")] } },
  { title: "a BFD receive interval of 5 ms", code: "BGPLB120", severity: "error", path: "spec.receiveInterval", value: "5 ms", kind: "BFDProfile", fires: { extra: [profile({ name: "fast", receiveInterval: 5 })] }, quiet: { extra: [profile({ name: "fast", receiveInterval: 10 })] } },
  { title: "a BFD detect multiplier of 1", code: "BGPLB121", severity: "error", path: "spec.detectMultiplier", value: "1", kind: "BFDProfile", fires: { extra: [profile({ name: "fast", detectMultiplier: 1 })] }, quiet: { extra: [profile({ name: "fast", detectMultiplier: 255 })] } },
  { title: "a BFD minimum TTL of 255", code: "BGPLB122", severity: "error", path: "spec.minimumTtl", value: "255", kind: "BFDProfile", fires: { extra: [profile({ name: "fast", minimumTtl: 255 })] }, quiet: { extra: [profile({ name: "fast", minimumTtl: 254 })] } },
  { title: "a holdTime that is not a duration", code: "BGPLB123", severity: "error", path: "spec.holdTime", value: "90", kind: "BGPPeer", fires: { peers: [P1, { ...P2, holdTime: "90" }] }, quiet: { peers: [P1, { ...P2, holdTime: "1m30s" }] } },
];

describe("validate: MetalLB rules", () => {
  ruleCaseTests(CASES, (fixture) => validate(metallb(fixture)));
});
