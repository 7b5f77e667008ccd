/**
 * MetalLB peers without a fixed router: dynamicASN (the router's AS comes as
 * it comes), BGP unnumbered (interface instead of peerAddress), and localASN
 * (the AS the cluster announces). What the router needs is rendered where the
 * topology says it; the rest is listed as not configured, never passed over.
 */
import { expect } from "chai";
import { parseManifests } from "../../sdk/manifest";
import type { Topology } from "../../sdk/model";
import { parseNodeSpec, planFailures, planPeering, routerConfigs } from "../../sdk/routers";
import { validate } from "../../sdk/validate";
import { bgplb, scratchDirectory } from "../cli/helpers";

const YAML = `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: ibgp, namespace: metallb-system }
spec: { myASN: 64500, dynamicASN: internal, peerAddress: 192.0.2.1 }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: spine-a, namespace: metallb-system }
spec: { myASN: 64500, peerASN: 64502, peerAddress: 192.0.2.2, nodeSelectors: [{ matchLabels: { rack: a } }] }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: spine-b, namespace: metallb-system }
spec: { myASN: 64500, dynamicASN: external, peerAddress: 192.0.2.2, nodeSelectors: [{ matchLabels: { rack: b } }] }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: edge, namespace: metallb-system }
spec: { myASN: 64500, localASN: 64510, peerASN: 64503, peerAddress: 192.0.2.3 }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: unknown-as, namespace: metallb-system }
spec: { myASN: 64500, dynamicASN: external, peerAddress: 192.0.2.4 }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: unnumbered, namespace: metallb-system }
spec: { myASN: 64500, dynamicASN: external, interface: ens5 }
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: web, namespace: metallb-system }
spec: { addresses: [198.51.100.0/24] }
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: { name: web, namespace: metallb-system }
spec: { ipAddressPools: [web] }
`;

const NODE_ARGS = ["n1=192.0.2.11,rack=a", "n2=192.0.2.140,rack=b"];
const NODES = NODE_ARGS.map(parseNodeSpec);

function topology(): Topology {
  const parsed = parseManifests([{ file: "dynamic.yaml", text: YAML }]);
  expect(parsed.issues.filter((i) => i.severity === "error")).to.deep.equal([]);
  expect(validate(parsed.topology).filter((d) => d.severity === "error")).to.deep.equal([]);
  return parsed.topology;
}

describe("router side of dynamicASN, BGP unnumbered and localASN peers", () => {
  const t = topology();

  it("plans sessions to the routers the topology names and lists the two it cannot, with why", () => {
    const peering = planPeering(t, { nodes: NODES });
    expect(peering.routers.map((r) => [r.address, r.asn])).to.deep.equal([
      ["192.0.2.1", 64500],
      ["192.0.2.2", 64502],
      ["192.0.2.3", 64503],
    ]);
    expect(peering.sessions.filter((s) => s.routerIP === "192.0.2.2").map((s) => [s.node, s.source])).to.deep.equal([
      ["n1", "BGPPeer metallb-system/spine-a"],
      ["n2", "BGPPeer metallb-system/spine-b"],
    ]);
    expect(peering.sessions.filter((s) => s.routerIP === "192.0.2.3").map((s) => s.localASN)).to.deep.equal([64510, 64510]);
    expect(peering.skipped.map((s) => s.source)).to.deep.equal(["BGPPeer metallb-system/unknown-as", "BGPPeer metallb-system/unnumbered"]);
    expect(peering.skipped[0].reason).to.contain("dynamicASN: external: the router 192.0.2.4's own AS number is not in the topology");
    expect(peering.skipped[1].reason).to.contain("BGP unnumbered on node interface ens5").and.contain("neighbor IFNAME interface remote-as 64500");
  });

  it("FRR: iBGP to the dynamicASN internal router, the spine's AS from the BGPPeer that names it, remote-as localASN, and the skipped peers as comments", () => {
    const configs = routerConfigs(t, "frr", { nodes: NODES });
    expect([...configs.keys()]).to.deep.equal(["192.0.2.1", "192.0.2.2", "192.0.2.3"]);
    const ibgp = configs.get("192.0.2.1")!;
    expect(ibgp).to.contain("router bgp 64500\n").and.contain(" neighbor 192.0.2.11 remote-as 64500\n").and.contain("  maximum-paths ibgp ");
    const spine = configs.get("192.0.2.2")!;
    expect(spine).to.contain("router bgp 64502\n").and.contain(" neighbor 192.0.2.11 remote-as 64500\n").and.contain(" neighbor 192.0.2.140 remote-as 64500\n");
    expect(configs.get("192.0.2.3")!).to.contain(" neighbor 192.0.2.11 remote-as 64510\n").and.not.contain(" neighbor 192.0.2.11 remote-as 64500");
    for (const text of configs.values()) {
      expect(text).to.contain("! not configured or planned: BGPPeer metallb-system/unknown-as: dynamicASN: external");
      expect(text).to.contain("! not configured or planned: BGPPeer metallb-system/unnumbered: BGP unnumbered on node interface ens5");
    }
    const bird = routerConfigs(t, "bird", { nodes: NODES }).get("192.0.2.2")!;
    expect(bird).to.contain("  local 192.0.2.2 as 64502;\n  neighbor 192.0.2.140 as 64500;\n");
    expect(bird).to.contain("# not configured or planned: BGPPeer metallb-system/unnumbered: ");
  });

  it("plan lists the peers it leaves out, in JSON and text; router-config warns on stderr", async () => {
    const scratch = scratchDirectory();
    const file = scratch.write("dynamic.yaml", YAML);
    expect(planFailures(t, { nodes: NODES }, [{ kind: "node", node: "n1" }]).skippedPeers.map((s) => s.source)).to.deep.equal([
      "BGPPeer metallb-system/unknown-as",
      "BGPPeer metallb-system/unnumbered",
    ]);
    const nodes = NODE_ARGS.flatMap((n) => ["--node", n]);
    const text = await bgplb("plan", "--fail", "node=n1", ...nodes, file);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.contain("BGPPeers not planned (2)").and.contain("  BGPPeer metallb-system/unnumbered: BGP unnumbered");
    const config = await bgplb("router-config", "--vendor", "frr", ...nodes, file);
    expect(config.code, config.stderr).to.equal(0);
    expect(config.stderr.split("\n").filter((l) => l.startsWith("warning: not configured or planned: "))).to.have.length(2);
    scratch.remove();
  });

  it("says why when every peer is left out (no router to configure)", () => {
    const only = parseManifests([{ file: "u.yaml", text: YAML.split("---\n").slice(5).join("---\n") }]).topology;
    expect(() => routerConfigs(only, "frr", { nodes: NODES })).to.throw(/no router peers with MetalLB.*BGPPeer metallb-system\/unnumbered: BGP unnumbered/);
  });
});

describe("router side of a BGPPeer in a node VRF", () => {
  const VRF_YAML = `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: red, namespace: metallb-system }
spec: { myASN: 64500, peerASN: 64502, peerAddress: 10.1.0.1, vrf: red }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: red-pinned, namespace: metallb-system }
spec: { myASN: 64500, peerASN: 64503, peerAddress: 10.1.0.2, vrf: red, sourceAddress: 10.1.0.11, nodeSelectors: [{ matchLabels: { rack: a } }] }
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: web, namespace: metallb-system }
spec: { addresses: [198.51.100.0/24] }
`;

  it("without sourceAddress the peer is left out with why (the node's VRF address is not in the topology); with it the router's neighbor is that address", () => {
    const parsed = parseManifests([{ file: "vrf.yaml", text: VRF_YAML }]);
    expect(validate(parsed.topology).filter((d) => d.severity === "error")).to.deep.equal([]);
    const peering = planPeering(parsed.topology, { nodes: NODES });
    expect(peering.skipped).to.deep.equal([
      {
        source: "BGPPeer metallb-system/red",
        reason:
          "vrf red: each node runs the session from its address in VRF red (an interface enslaved to it), which the topology does not name " +
          "(Node InternalIPs are in the default VRF); set sourceAddress, or configure the router by hand with one neighbor per node's VRF address, remote-as 64500",
      },
    ]);
    expect(peering.sessions.map((s) => [s.node, s.localIP, s.routerIP])).to.deep.equal([["n1", "10.1.0.11", "10.1.0.2"]]);
    expect(routerConfigs(parsed.topology, "frr", { nodes: NODES }).get("10.1.0.2")).to.contain(" neighbor 10.1.0.11 remote-as 64500\n");
  });
});
