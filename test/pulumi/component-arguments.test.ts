/**
 * A component's argument errors name the argument (`controlPlanePeers[0].asn`,
 * `racks[1].floatingIps[0]`), not the manifest field, and reach the engine as
 * Pulumi's input-property errors, one per failing argument.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
  AddressPool,
  BfdProfile,
  BgpAdvertisement,
  BgpLoadBalancer,
  BgpPeer,
  FloatingIpGroup,
  GkeClusterLoadBalancer,
  GkeRackTopology,
  MetalLbPeer,
  TopologyValidationError,
  type GkeClusterLoadBalancerArgs,
  type GkeRackTopologyArgs,
} from "../../components";
import { installMocks } from "./mocks";

const clusterArgs: GkeClusterLoadBalancerArgs = {
  clusterName: "bm",
  localAsn: 65001,
  controlPlaneNodes: ["10.0.1.10", "10.0.2.10"],
  controlPlanePeers: [
    { ip: "10.0.1.254", asn: 65002, controlPlaneNodes: ["10.0.1.10"] },
    { ip: "10.0.2.254", asn: 65002, controlPlaneNodes: ["10.0.2.10"] },
  ],
  controlPlaneVip: "10.0.0.8",
  addressPools: [{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4"] }],
  nodeSubnets: ["10.0.1.0/24", "10.0.2.0/24"],
};

const rackArgs: GkeRackTopologyArgs = {
  clusterName: "edge",
  localAsn: 65001,
  torAsn: 65002,
  controlPlaneVip: "10.0.0.8",
  addressPools: [{ name: "services", addresses: ["10.0.0.10-10.0.0.30"] }],
  racks: [1, 2].map((rack) => ({
    name: `rack${rack}`,
    subnet: `10.0.${rack}.0/24`,
    controlPlaneNodes: [`10.0.${rack}.10`],
    torIp: `10.0.${rack}.254`,
    floatingIps: [`10.0.${rack}.100`, `10.0.${rack}.101`],
  })),
};

/** The error `build` throws, checked to be the input-property error of the component. */
function argumentError(build: () => unknown): TopologyValidationError {
  let caught: unknown;
  try {
    build();
  } catch (error) {
    caught = error;
  }
  expect(caught, "no error thrown").to.be.instanceOf(TopologyValidationError);
  expect(pulumi.InputPropertiesError.isInstance(caught)).to.equal(true);
  expect(pulumi.ResourceError.isInstance(caught)).to.equal(true);
  return caught as TopologyValidationError;
}

/** Checks that the error names `argument` with `code`, in its input-property errors and its message. */
function expectArgument(error: TopologyValidationError, argument: string, code: string): void {
  const paths = error.errors.map((e) => e.propertyPath);
  expect(paths, error.message).to.include(argument);
  const entry = error.errors.find((e) => e.propertyPath === argument)!;
  expect(entry.reason).to.match(new RegExp(`^error ${code} ${argument.replace(/[[\].]/g, "\\$&")}: `));
  expect(error.message).to.contain(`${code} ${argument}:`);
  expect(error.message).to.not.match(/ spec\.\S+: /);
}

describe("component argument errors name the argument", () => {
  beforeEach(async () => {
    await installMocks();
  });

  it("GkeClusterLoadBalancer: a control-plane peer with the cluster ASN is controlPlanePeers[1].asn", () => {
    const peers = [clusterArgs.controlPlanePeers[0], { ...clusterArgs.controlPlanePeers[1], asn: 65001 }];
    const error = argumentError(() => new GkeClusterLoadBalancer("bad", { ...clusterArgs, controlPlanePeers: peers }));
    expectArgument(error, "controlPlanePeers[1].asn", "BGPLB012");
    expect(error.diagnostics.map((d) => d.path)).to.include("spec.loadBalancer.bgpPeers[1].asn");
  });

  it("FloatingIpGroup: a floating IP outside the node subnets is floatingIps[1]", () => {
    const cluster = new GkeClusterLoadBalancer("bm", clusterArgs);
    expectArgument(
      argumentError(() => new FloatingIpGroup("bad", { cluster, floatingIps: ["10.0.1.100", "10.9.9.9"], nodeSubnets: clusterArgs.nodeSubnets })),
      "floatingIps[1]",
      "BGPLB034",
    );
  });

  it("BgpPeer: more sessions than floating IPs is sessions, an IPv6 router is peerIp", () => {
    const cluster = new GkeClusterLoadBalancer("bm", clusterArgs);
    const floatingIpGroup = new FloatingIpGroup("bm", { cluster, floatingIps: ["10.0.1.100", "10.0.2.100"] });
    const greedy = argumentError(() => new BgpPeer("greedy", { cluster, peerIp: "10.0.1.254", peerAsn: 65002, sessions: 3, floatingIpGroup }));
    expect(greedy.errors.map((e) => e.propertyPath)).to.deep.equal(["sessions"]);
    const v6 = argumentError(() => new BgpPeer("v6", { cluster, peerIp: "2001:db8::1", peerAsn: 65002 }));
    expect(v6.errors.map((e) => e.propertyPath)).to.deep.equal(["peerIp"]);
  });

  it("BgpLoadBalancer: a selector that selects no peer is peerSelector", () => {
    const cluster = new GkeClusterLoadBalancer("bm", clusterArgs);
    const peer = new BgpPeer("tor", { cluster, peerIp: "10.0.1.254", peerAsn: 65002, labels: { rack: "a" } });
    const error = argumentError(() => new BgpLoadBalancer("none", { cluster, peers: [peer], peerSelector: { rack: "c" } }));
    expect(
      error.errors.map((e) => e.propertyPath).every((p) => p.startsWith("peerSelector")),
      error.message,
    ).to.equal(true);
  });

  it("GkeRackTopology: a rack's floating IP equal to another rack's node is racks[1].floatingIps[0]; a ToR AS equal to the cluster's is racks[1].torAsn", () => {
    const racks = [rackArgs.racks[0], { ...rackArgs.racks[1], floatingIps: ["10.0.2.10", "10.0.2.101"] }];
    const error = argumentError(() => new GkeRackTopology("edge", { ...rackArgs, racks }));
    expect(
      error.errors.map((e) => e.propertyPath),
      error.message,
    ).to.include("racks[1].floatingIps[0]");
    const ibgp = argumentError(() => new GkeRackTopology("ibgp", { ...rackArgs, racks: [rackArgs.racks[0], { ...rackArgs.racks[1], torAsn: 65001 }] }));
    expect(
      ibgp.errors.map((e) => e.propertyPath),
      ibgp.message,
    ).to.include.members(["racks[1].torAsn"]);
  });

  it("AddressPool: a bad address is addresses[1]", () => {
    expectArgument(
      argumentError(() => new AddressPool("bad", { addresses: ["198.51.100.0/24", "198.51.100.300/32"] })),
      "addresses[1]",
      "BGPLB003",
    );
  });

  it("BfdProfile: a receive interval below 10 ms is receiveInterval", () => {
    expectArgument(
      argumentError(() => new BfdProfile("slow", { receiveInterval: 5 })),
      "receiveInterval",
      "BGPLB120",
    );
  });

  it("BgpAdvertisement: an aggregation length shorter than a pool's prefix is aggregationLength, a bad community communities[1]", () => {
    const pool = new AddressPool("wide", { addresses: ["198.51.100.0/24"] });
    expectArgument(
      argumentError(() => new BgpAdvertisement("short", { pools: [pool], aggregationLength: 16 })),
      "aggregationLength",
      "BGPLB111",
    );
    expectArgument(
      argumentError(() => new BgpAdvertisement("community", { pools: [pool], communities: ["65535:65282", "70000:1"] })),
      "communities[1]",
      "BGPLB112",
    );
  });

  it("MetalLbPeer: a short hold time is holdTime, an out-of-range AS number peerAsn", () => {
    expectArgument(
      argumentError(() => new MetalLbPeer("short-hold", { myAsn: 64500, peerAsn: 64501, peerAddress: "10.0.0.1", holdTime: "2s" })),
      "holdTime",
      "BGPLB100",
    );
    const error = argumentError(() => new MetalLbPeer("bad-asn", { myAsn: 64500, peerAsn: 0, peerAddress: "10.0.0.1" }));
    expect(
      error.errors.map((e) => e.propertyPath),
      error.message,
    ).to.deep.equal(["peerAsn"]);
  });
});
