import { expect } from "chai";
import { gkeBgpPeer, ipAddressPool, topologyOf, topologyObjects } from "../../sdk/model";
import { validate } from "../../sdk/validate";
import { METALLB_ADVERTISEMENTS, METALLB_POOLS, TWO_PEERS, expectNone, expectOne, gke, metallb, withCode } from "./fixtures";

describe("validate: cross-object rules", () => {
  it("BGPLB060 compares GKE and MetalLB pools together", () => {
    const both = topologyOf([
      ...topologyObjects(gke()),
      ...topologyObjects(metallb({ pools: [METALLB_POOLS[0], { name: "pool2", addresses: ["10.0.0.0/29"] }] })),
    ]);
    const d = expectOne(validate(both), {
      code: "BGPLB060",
      severity: "error",
      path: "spec.addresses[0]",
      value: "10.0.0.0/29",
      kind: "IPAddressPool",
      name: "pool2",
    });
    expect(d.message).to.include("pool pool1 of Cluster bm");
    const disjoint = topologyOf([...topologyObjects(gke()), ...topologyObjects(metallb())]);
    expectNone(validate(disjoint), "BGPLB060");
  });

  it("BGPLB060 reports each of many overlapping entries once", () => {
    const pools = Array.from({ length: 50 }, (_, i) => ({ name: `p${i}`, addresses: [`198.51.100.${i}/32`] }));
    const wide = { name: "wide", addresses: ["198.51.100.0/24"] };
    const diagnostics = withCode(validate(metallb({ pools: [...pools, wide], advertisements: [{ name: "all" }] })), "BGPLB060");
    expect(diagnostics).to.have.length(50);
    expect(diagnostics.every((d) => d.object.name === "wide" || d.message.includes("198.51.100.0/24"))).to.equal(true);
  });

  it("BGPLB111 applies to an advertisement without a pool list (it covers every pool)", () => {
    const narrow = { name: "narrow", addresses: ["4.4.4.64/26"] };
    expectOne(validate(metallb({ pools: [narrow], advertisements: [{ name: "all", aggregationLength: 24 }] })), {
      code: "BGPLB111",
      severity: "error",
      path: "spec.aggregationLength",
      value: "4.4.4.64/26",
    });
    expectNone(validate(metallb({ pools: [narrow], advertisements: [{ name: "all", aggregationLength: 28 }] })), "BGPLB111");
  });

  it("BGPLB111 follows ipAddressPoolSelectors", () => {
    const pools = [
      ipAddressPool({ name: "tagged", labels: { tier: "web" }, addresses: ["4.4.4.64/26"] }),
      ipAddressPool({ name: "other", addresses: ["5.5.5.0/24"] }),
    ];
    const advertisement = (length: number) => ({
      name: "web",
      ipAddressPoolSelectors: [{ matchExpressions: [{ key: "tier", operator: "In" as const, values: ["web"] }] }],
      aggregationLength: length,
    });
    expectOne(validate(metallb({ pools: [], extra: pools, advertisements: [advertisement(25)] })), {
      code: "BGPLB111",
      severity: "error",
      path: "spec.aggregationLength",
      value: "tagged",
    });
    expectNone(validate(metallb({ pools: [], extra: pools, advertisements: [advertisement(26)] })), "BGPLB111");
  });

  it("BGPLB111 checks IPv6 pools against aggregationLengthV6", () => {
    const advertisements = [{ ...METALLB_ADVERTISEMENTS[0], aggregationLengthV6: 64 }, METALLB_ADVERTISEMENTS[1]];
    expectOne(validate(metallb({ advertisements })), {
      code: "BGPLB111",
      severity: "error",
      path: "spec.aggregationLengthV6",
      value: "2001:100:4::200-2001:100:4::400",
    });
  });

  it("BGPLB014 fires on a password field of a GKE BGPPeer", () => {
    const peer = { ...gkeBgpPeer({ clusterName: "bm", ...TWO_PEERS[1] }), unknownFields: [{ path: ["spec", "md5Password"], value: "x" }] };
    expectOne(validate(gke({ peers: [TWO_PEERS[0]], extra: [peer] })), {
      code: "BGPLB014",
      severity: "error",
      path: "spec.md5Password",
      value: "MD5",
      kind: "BGPPeer",
    });
  });

  it("control-plane coverage, peerSelector and controlPlaneNodes all look at the cluster's own nodes and peers", () => {
    const diagnostics = validate(
      gke({
        cluster: {
          bgpPeers: [
            { ip: "10.0.1.254", asn: 65002, controlPlaneNodes: ["10.0.1.10", "10.0.1.11"] },
            { ip: "10.0.2.254", asn: 65002, controlPlaneNodes: ["10.0.9.9"] },
          ],
        },
        peers: TWO_PEERS,
        selector: { "cluster.baremetal.gke.io/default-peer": "false" },
      }),
    );
    expect(withCode(diagnostics, "BGPLB016").map((d) => d.path)).to.deep.equal(["spec.controlPlane.nodePoolSpec.nodes[2].address"]);
    expect(withCode(diagnostics, "BGPLB017").map((d) => d.path)).to.deep.equal(["spec.loadBalancer.bgpPeers[1].controlPlaneNodes[0]"]);
    expect(withCode(diagnostics, "BGPLB040")).to.have.length(1);
    expect(withCode(diagnostics, "BGPLB044")).to.have.length(2);
  });
});
