import { expect } from "chai";
import { BgpLoadBalancer, BgpPeer, FloatingIpGroup, GkeClusterLoadBalancer, routerConfig } from "../../components";
import { exampleText, parseManifests } from "../../sdk/manifest";
import { routerConfigs } from "../../sdk/routers";
import { installMocks, isSecretOutput, valueOf } from "./mocks";

describe("routerConfig (Pulumi)", () => {
  beforeEach(async () => {
    await installMocks();
  });

  function components(): (GkeClusterLoadBalancer | FloatingIpGroup | BgpPeer | BgpLoadBalancer)[] {
    const cluster = new GkeClusterLoadBalancer("bm", {
      clusterName: "bm",
      clusterType: "hybrid",
      localAsn: 65001,
      controlPlaneNodes: ["10.0.1.10", "10.0.1.11", "10.0.2.11"],
      controlPlanePeers: [
        { ip: "10.0.1.254", asn: 65002, controlPlaneNodes: ["10.0.1.10", "10.0.1.11"] },
        { ip: "10.0.2.254", asn: 65002, controlPlaneNodes: ["10.0.2.11"] },
      ],
      controlPlaneVip: "10.0.0.8",
      ingressVip: "10.0.0.1",
      addressPools: [{ name: "pool1", addresses: ["10.0.0.1-10.0.0.4"] }],
      loadBalancerNodes: ["10.0.3.10", "10.0.3.11"],
    });
    const floating = new FloatingIpGroup("bm", { cluster, floatingIps: ["10.0.3.100", "10.0.3.101"] });
    const peer = new BgpPeer("bgppeer1", { cluster, peerIp: "10.0.3.254", peerAsn: 65002, sessions: 2, floatingIpGroup: floating });
    return [cluster, floating, peer, new BgpLoadBalancer("bm", { cluster, peers: [peer] })];
  }

  it("gives the same text as bgplb router-config for the same topology written as manifests", async () => {
    const fromComponents = await valueOf(routerConfig({ components: components(), vendor: "bird" }));
    const fromManifests = routerConfigs(parseManifests([{ text: exampleText("gke-separate-data-plane") }]).topology, "bird");
    expect(Object.keys(fromComponents)).to.deep.equal(["10.0.1.254", "10.0.2.254", "10.0.3.254"]);
    expect(fromComponents["10.0.3.254"]).to.equal(fromManifests.get("10.0.3.254"));
  });

  it("keeps the output secret when it is given a password", async () => {
    const output = routerConfig({ components: components(), vendor: "frr", router: "10.0.3.254", md5Password: "s3cret" });
    expect(await isSecretOutput(output)).to.equal(true);
    expect(Object.keys(await valueOf(output))).to.deep.equal(["10.0.3.254"]);
  });
});
