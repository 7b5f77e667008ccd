import { gkeCluster, networkGatewayGroup, topologyOf, type BGPSession } from "../../sdk/model";
import { validate } from "../../sdk/validate";
import { SEED_CLUSTER, expectNone, expectOne } from "./fixtures";

const session = (peerIP: string, localASN: number): BGPSession => ({
  apiVersion: "networking.gke.io/v1",
  kind: "BGPSession",
  metadata: { name: "bgppeer1-node-03", namespace: "kube-system" },
  spec: { floatingIP: "10.0.1.100", localASN, localIP: "10.0.1.100", nodeName: "node-03", peerASN: 65002, peerIP },
});

describe("validate: limits declared by the kinds (BGPLB006 and the rules fields name)", () => {
  const ngg = networkGatewayGroup({ clusterName: "bm", floatingIPs: ["10.0.1.100", "10.0.2.100"] });

  it("BGPLB006 fires on a node address listed twice (the CRD keys nodes by address) and not on distinct nodes", () => {
    const twice = gkeCluster({ ...SEED_CLUSTER, controlPlaneNodes: ["10.0.1.10", "10.0.1.10", "10.0.2.10"] });
    expectOne(validate(topologyOf([twice, ngg])), {
      code: "BGPLB006",
      severity: "error",
      path: "spec.controlPlane.nodePoolSpec.nodes[1].address",
      value: "10.0.1.10",
      kind: "Cluster",
    });
    expectNone(validate(topologyOf([gkeCluster(SEED_CLUSTER), ngg])), "BGPLB006");
  });

  it("checks the fields of status objects too: a BGPSession's peer address and AS numbers", () => {
    expectOne(validate(topologyOf([session("10.0.3.300", 65001)])), {
      code: "BGPLB002",
      severity: "error",
      path: "spec.peerIP",
      value: "10.0.3.300",
      kind: "BGPSession",
    });
    expectOne(validate(topologyOf([session("10.0.3.254", 0)])), { code: "BGPLB001", severity: "error", path: "spec.localASN", value: "0", kind: "BGPSession" });
    expectNone(validate(topologyOf([session("10.0.3.254", 65001)])), "BGPLB002");
  });

  it("BGPLB006 fires on an IPv6 address in an IPv4-only field that no other rule covers", () => {
    expectOne(validate(topologyOf([session("2001:db8::1", 65001)])), {
      code: "BGPLB006",
      severity: "error",
      path: "spec.peerIP",
      value: "2001:db8::1",
      kind: "BGPSession",
    });
  });
});
