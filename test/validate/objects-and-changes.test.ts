import { expect } from "chai";
import { gkeBgpPeer, networkGatewayGroup, topologyOf, topologyObjects, type Cluster } from "../../sdk/model";
import { validate } from "../../sdk/validate";
import { METALLB_PEERS, TWO_PEERS, expectNone, expectOne, gke, metallb } from "./fixtures";

const withAsn =
  (asn: number) =>
  (c: Cluster): Cluster => ({ ...c, spec: { ...c.spec, loadBalancer: { ...c.spec.loadBalancer, localASN: asn } } });

describe("validate: object placement", () => {
  it("BGPLB005 fires on two objects with one key and not on distinct names", () => {
    const base = gke({ peers: TWO_PEERS });
    const copy = gkeBgpPeer({ clusterName: "bm", ...TWO_PEERS[0] });
    expectOne(validate(topologyOf([...topologyObjects(base), copy])), {
      code: "BGPLB005",
      severity: "error",
      path: "metadata.name",
      value: "BGPPeer cluster-bm/bgppeer1",
      kind: "BGPPeer",
    });
    expectNone(validate(base), "BGPLB005");
  });

  it("BGPLB021 fires on a NetworkGatewayGroup not named default and not on default", () => {
    const renamed = {
      ...networkGatewayGroup({ clusterName: "bm", floatingIPs: ["10.0.1.100", "10.0.2.100"] }),
      metadata: { name: "ngg", namespace: "cluster-bm" },
    };
    expectOne(validate(gke({ floatingIPs: null, extra: [renamed] })), {
      code: "BGPLB021",
      severity: "error",
      path: "metadata.name",
      value: "ngg",
      kind: "NetworkGatewayGroup",
    });
    expectNone(validate(gke()), "BGPLB021");
  });

  it("BGPLB022 fires on a BGPPeer outside cluster-<name> and not inside it", () => {
    const outside = gkeBgpPeer({ namespace: "default", ...TWO_PEERS[1] });
    expectOne(validate(gke({ peers: [TWO_PEERS[0]], extra: [outside] })), {
      code: "BGPLB022",
      severity: "error",
      path: "metadata.namespace",
      value: "cluster-bm",
      kind: "BGPPeer",
      name: "bgppeer2",
    });
    expectNone(validate(gke({ peers: TWO_PEERS })), "BGPLB022");
  });
});

describe("validate: changes after creation (BGPLB081)", () => {
  it("warns on a changed cluster ASN with both values in the message", () => {
    const previous = gke();
    const d = expectOne(validate(gke({ editCluster: withAsn(65010) }), { previous }), {
      code: "BGPLB081",
      severity: "warning",
      path: "spec.loadBalancer.localASN",
      value: "65001 to 65010",
      kind: "Cluster",
    });
    expect(d.message).to.include("cannot change after creation");
  });

  it("warns on a changed VIP and stays quiet on an updatable change (a new control-plane peer)", () => {
    const previous = gke();
    expectOne(validate(gke({ cluster: { controlPlaneVIP: "10.0.0.9" } }), { previous }), {
      code: "BGPLB081",
      severity: "warning",
      path: "spec.loadBalancer.vips.controlPlaneVIP",
      value: "10.0.0.9",
    });
    const morePeers = gke({
      cluster: {
        bgpPeers: [
          { ip: "10.8.0.10", asn: 65002 },
          { ip: "10.8.0.11", asn: 65002 },
          { ip: "10.8.0.12", asn: 65002 },
        ],
      },
    });
    expectNone(validate(morePeers, { previous }), "BGPLB081");
  });

  it("warns on a changed enableGracefulRestart of a MetalLB BGPPeer, and skips only peers that set it when no previous topology is given", () => {
    const withRestart = (value: boolean | undefined) => metallb({ peers: [METALLB_PEERS[0], { ...METALLB_PEERS[1], enableGracefulRestart: value }] });
    expectOne(validate(withRestart(false), { previous: withRestart(true) }), {
      code: "BGPLB081",
      severity: "warning",
      path: "spec.enableGracefulRestart",
      value: "true to false",
      kind: "BGPPeer",
      name: "peer2",
    });
    expectOne(validate(withRestart(undefined), { previous: withRestart(true) }), {
      code: "BGPLB081",
      severity: "warning",
      path: "spec.enableGracefulRestart",
      value: "changes from true to",
      kind: "BGPPeer",
      name: "peer2",
    });
    expectNone(validate(withRestart(true), { previous: withRestart(true) }), "BGPLB081");
    expectOne(validate(withRestart(true)), {
      code: "BGPLB081",
      severity: "skipped",
      path: "spec",
      value: "no previous topology",
      kind: "BGPPeer",
      name: "peer2",
    });
    expectNone(validate(withRestart(undefined)), "BGPLB081");
  });

  it("is reported as skipped, naming the missing input in the user's words, without a previous topology", () => {
    const d = expectOne(validate(gke()), { code: "BGPLB081", severity: "skipped", path: "spec", value: "no previous topology" });
    expect(d.hint).to.include("bgplb validate --previous").and.to.include("previous option of validate()").and.not.to.include("facts.");
  });
});

describe("validate: facts", () => {
  it("rejects a node subnet that is not a CIDR, naming it", () => {
    expect(() => validate(gke(), { nodeSubnets: ["10.0.1.0/24", "10.0.2.0"] })).to.throw(/10\.0\.2\.0/);
  });

  it("puts the file of an object in its diagnostics when fileOf knows it", () => {
    const topology = gke({ floatingIPs: ["10.0.1.100"] });
    const ngg = topology.networkGatewayGroups[0];
    const files = new Map<object, string>([[ngg, "cluster.yaml"]]);
    const d = expectOne(validate(topology, { fileOf: (o) => files.get(o) }), {
      code: "BGPLB031",
      severity: "warning",
      path: "spec.floatingIPs",
      value: "10.0.1.100",
    });
    expect(d.object).to.deep.equal({
      apiVersion: "networking.gke.io/v1",
      kind: "NetworkGatewayGroup",
      namespace: "cluster-bm",
      name: "default",
      file: "cluster.yaml",
    });
  });
});
