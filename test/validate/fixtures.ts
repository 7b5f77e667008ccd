import { expect } from "chai";
import {
  bgpAdvertisement,
  bgpLoadBalancer,
  gkeBgpPeer,
  gkeCluster,
  ipAddressPool,
  metallbBgpPeer,
  networkGatewayGroup,
  topologyOf,
  type Cluster,
  type GkeBgpPeerArgs,
  type GkeClusterArgs,
  type ModelObject,
  type OpaqueObject,
  type Topology,
} from "../../sdk/model";
import type { Diagnostic } from "../../sdk/validate";

/** SPEC §2.5 topology 1 (shared peers) as builder arguments. */
export const SEED_CLUSTER: GkeClusterArgs = {
  name: "bm",
  controlPlaneNodes: ["10.0.1.10", "10.0.1.11", "10.0.2.10"],
  localASN: 65001,
  bgpPeers: [
    { ip: "10.8.0.10", asn: 65002 },
    { ip: "10.8.0.11", asn: 65002 },
  ],
  controlPlaneVIP: "10.0.0.8",
  ingressVIP: "10.0.0.1",
  addressPools: [{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4"] }],
};

/** The node subnets of the seed topologies. */
export const SEED_SUBNETS = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"];

/** Inputs of {@link gke}: the seed with parts replaced. */
export interface GkeFixture {
  readonly cluster?: Partial<GkeClusterArgs>;
  /** Replaces the Cluster after building (for fields the builder does not take). */
  readonly editCluster?: (cluster: Cluster) => Cluster;
  readonly floatingIPs?: readonly string[] | null;
  /** Data-plane BGPPeers; with them a BGPLoadBalancer selecting `selector` is added. */
  readonly peers?: readonly Omit<GkeBgpPeerArgs, "clusterName" | "namespace">[];
  readonly selector?: Readonly<Record<string, string>>;
  readonly extra?: readonly (ModelObject | OpaqueObject)[];
}

/** The label the seed's data-plane peers carry. */
const PEER_LABEL = { "cluster.baremetal.gke.io/default-peer": "true" } as const;

/** A GKE topology: the seed (two floating IPs, no BGPLoadBalancer) with the fixture's changes. */
export function gke(fixture: GkeFixture = {}): Topology {
  const built = gkeCluster({ ...SEED_CLUSTER, ...fixture.cluster });
  const cluster = fixture.editCluster ? fixture.editCluster(built) : built;
  const objects: (ModelObject | OpaqueObject)[] = [cluster];
  if (fixture.floatingIPs !== null) objects.push(networkGatewayGroup({ clusterName: "bm", floatingIPs: fixture.floatingIPs ?? ["10.0.1.100", "10.0.2.100"] }));
  if (fixture.peers) {
    objects.push(bgpLoadBalancer({ clusterName: "bm", peerSelector: fixture.selector ?? PEER_LABEL }));
    for (const peer of fixture.peers) objects.push(gkeBgpPeer({ clusterName: "bm", ...peer }));
  }
  objects.push(...(fixture.extra ?? []));
  return topologyOf(objects);
}

/** Two data-plane peers of the seed's shape (labels, AS 65002, 2 sessions). */
export const TWO_PEERS = [
  { name: "bgppeer1", labels: PEER_LABEL, localASN: 65001, peerASN: 65002, peerIP: "10.0.3.254", sessions: 2 },
  { name: "bgppeer2", labels: PEER_LABEL, localASN: 65001, peerASN: 65002, peerIP: "10.0.3.253", sessions: 2 },
] as const;

/** Inputs of {@link metallb}: the MetalLB guide's two-pools-two-peers set with parts replaced. */
export interface MetallbFixture {
  readonly peers?: readonly Parameters<typeof metallbBgpPeer>[0][];
  readonly pools?: readonly Parameters<typeof ipAddressPool>[0][];
  readonly advertisements?: readonly Parameters<typeof bgpAdvertisement>[0][];
  readonly extra?: readonly (ModelObject | OpaqueObject)[];
}

/** MetalLB peers of the guide (eBGP 64500 → 64501, one routerID). */
export const METALLB_PEERS = [
  { name: "peer1", peerAddress: "10.0.0.1", peerASN: 64501, myASN: 64500, routerID: "10.10.10.10" },
  { name: "peer2", peerAddress: "10.0.0.2", peerASN: 64501, myASN: 64500, routerID: "10.10.10.10" },
] as const;

/** MetalLB pools of the guide. */
export const METALLB_POOLS = [
  { name: "pool1", addresses: ["4.4.4.100-4.4.4.200", "2001:100:4::200-2001:100:4::400"] },
  { name: "pool2", addresses: ["5.5.5.100-5.5.5.200", "2001:100:5::200-2001:100:5::400"] },
] as const;

/** MetalLB advertisements of the guide, without localPref (see the localPref rule). */
export const METALLB_ADVERTISEMENTS = [
  { name: "bgpadvertisement-1", ipAddressPools: ["pool1"], peers: ["peer1"], communities: ["65535:65282"], aggregationLength: 32, aggregationLengthV6: 128 },
  { name: "bgpadvertisement-2", ipAddressPools: ["pool2"], peers: ["peer2"], communities: ["65535:65282"], aggregationLength: 32, aggregationLengthV6: 128 },
] as const;

/** A MetalLB CR set. */
export function metallb(fixture: MetallbFixture = {}): Topology {
  return topologyOf([
    ...(fixture.peers ?? METALLB_PEERS).map((args) => metallbBgpPeer(args)),
    ...(fixture.pools ?? METALLB_POOLS).map((args) => ipAddressPool(args)),
    ...(fixture.advertisements ?? METALLB_ADVERTISEMENTS).map((args) => bgpAdvertisement(args)),
    ...(fixture.extra ?? []),
  ]);
}

/** The diagnostics of one code. */
export function withCode(diagnostics: readonly Diagnostic[], code: string): Diagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

/** Asserts exactly one diagnostic of the code at the path (of the object kind/name when given), with the severity and the value in its message. */
export function expectOne(
  diagnostics: readonly Diagnostic[],
  expected: { code: string; severity: Diagnostic["severity"]; path: string; value: string; kind?: string; name?: string },
): Diagnostic {
  const found = diagnostics.filter(
    (d) =>
      d.code === expected.code &&
      d.path === expected.path &&
      (expected.kind === undefined || d.object.kind === expected.kind) &&
      (expected.name === undefined || d.object.name === expected.name),
  );
  expect(found, `${expected.code} at ${expected.path} in ${JSON.stringify(diagnostics, null, 1)}`).to.have.length(1);
  const d = found[0];
  expect(d.severity).to.equal(expected.severity);
  expect(d.message).to.include(expected.value);
  expect(d.hint).to.be.a("string").and.not.equal("");
  return d;
}

/** Asserts no diagnostic of the code. */
export function expectNone(diagnostics: readonly Diagnostic[], code: string): void {
  expect(withCode(diagnostics, code), code).to.deep.equal([]);
}

/** The error diagnostics. */
export function errors(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === "error");
}

/** One rule: a topology that triggers it exactly at `path` (in an object of `kind`/`name` when given), and a near miss that does not. */
export interface RuleCase<F> {
  readonly title: string;
  readonly code: string;
  readonly severity: Diagnostic["severity"];
  readonly path: string;
  readonly value: string;
  readonly kind?: string;
  readonly name?: string;
  readonly fires: F;
  readonly quiet: F;
}

/** Registers, for each case, a test that the rule fires exactly once as described and one that it stays quiet on the near miss. */
export function ruleCaseTests<C extends RuleCase<unknown>>(cases: readonly C[], diagnose: (fixture: C["fires"], c: C) => readonly Diagnostic[]): void {
  for (const c of cases) {
    it(`${c.code} fires on ${c.title}`, () => {
      expectOne(diagnose(c.fires, c), {
        code: c.code,
        severity: c.severity,
        path: c.path,
        value: c.value,
        ...(c.kind ? { kind: c.kind } : {}),
        ...(c.name ? { name: c.name } : {}),
      });
    });
    it(`${c.code} stays quiet on the near miss of ${c.title}`, () => {
      expectNone(diagnose(c.quiet, c), c.code);
    });
  }
}
