/** Session plan (peers × floating IPs × sessions, control-plane sessions) and next-hop plan (ADD-PATH or spreading). */
import { expect } from "chai";
import fc from "fast-check";
import { loadBalancerNodes, sessionRoutes as plannedRoutes, sortVips, type LoadBalancerNode } from "../../sdk/cluster/next-hops";
import { routeText } from "../ip";

/** The session's routes with addresses and next hops as text, as the assertions write them. */
const sessionRoutes = (...args: Parameters<typeof plannedRoutes>) => plannedRoutes(...args).map(routeText);
import { planControlPlaneSessions, planServiceSessions, selectServicePeers, type ServicePeer } from "../../sdk/cluster/sessions";
import { bgpLoadBalancer, gkeBgpPeer, gkeCluster, type Cluster } from "../../sdk/model";

function cluster(extra: Partial<Cluster["spec"]["loadBalancer"]> = {}): Cluster {
  const base = gkeCluster({
    name: "bm",
    controlPlaneNodes: ["10.0.1.10", "10.0.1.11", "10.0.2.10"],
    localASN: 65001,
    controlPlaneVIP: "10.0.9.1",
    bgpPeers: [
      { ip: "10.0.1.254", asn: 65002, controlPlaneNodes: ["10.0.1.10", "10.0.1.11"] },
      { ip: "10.0.2.254", asn: 65002 },
    ],
  });
  return { ...base, spec: { ...base.spec, loadBalancer: { ...base.spec.loadBalancer, ...extra } } };
}

describe("cluster sessions: examples", () => {
  it("selects the BGPPeers whose labels match the peerSelector, with their sessions", () => {
    const peers = [
      gkeBgpPeer({ name: "tor-b", clusterName: "bm", localASN: 65001, peerASN: 65002, peerIP: "10.0.3.253", sessions: 2, labels: { dp: "yes" } }),
      gkeBgpPeer({ name: "tor-a", clusterName: "bm", localASN: 65001, peerASN: 65002, peerIP: "10.0.3.254", sessions: 2, labels: { dp: "yes" } }),
      gkeBgpPeer({ name: "other", clusterName: "bm", localASN: 65001, peerASN: 65003, peerIP: "10.0.3.252", labels: { dp: "no" } }),
    ];
    const selected = selectServicePeers(cluster(), bgpLoadBalancer({ clusterName: "bm", peerSelector: { dp: "yes" } }), peers, 2);
    expect(selected.map((p) => `${p.name} ${p.peerIP} ${p.sessions}`)).to.deep.equal(["tor-a 10.0.3.254 2", "tor-b 10.0.3.253 2"]);
  });

  it("without a BGPLoadBalancer reuses the control-plane peers, one session per floating IP", () => {
    expect(selectServicePeers(cluster(), undefined, [], 2)).to.deep.equal([
      { name: "cp-10-0-1-254", peerIP: "10.0.1.254", peerASN: 65002, localASN: 65001, sessions: 2 },
      { name: "cp-10-0-2-254", peerIP: "10.0.2.254", peerASN: 65002, localASN: 65001, sessions: 2 },
    ]);
  });

  it("opens each of a peer's sessions from a different floating IP, on the node holding it, named <peer>-<node>", () => {
    const peer: ServicePeer = { name: "bgppeer1", peerIP: "10.0.3.254", peerASN: 65002, localASN: 65001, sessions: 2 };
    const sessions = planServiceSessions(
      [peer],
      new Map([
        ["10.0.3.101", "node-b"],
        ["10.0.3.100", "node-a"],
        ["10.0.3.102", "node-a"],
      ]),
    );
    expect(sessions.map((s) => `${s.name} ${s.floatingIP} ${s.index}`)).to.deep.equal(["bgppeer1-node-a 10.0.3.100 0", "bgppeer1-node-b 10.0.3.101 1"]);
  });

  it("names two sessions of one peer on one node apart by floating IP", () => {
    const peer: ServicePeer = { name: "p", peerIP: "10.0.3.254", peerASN: 65002, localASN: 65001, sessions: 2 };
    const sessions = planServiceSessions(
      [peer],
      new Map([
        ["10.0.3.100", "a"],
        ["10.0.3.101", "a"],
      ]),
    );
    expect(sessions.map((s) => s.name)).to.deep.equal(["p-a-10-0-3-100", "p-a-10-0-3-101"]);
  });

  it("control plane: each control-plane node peers with the bgpPeers that list it (or list no node)", () => {
    const nodes = [{ name: "cp1", addresses: ["10.0.1.10"], ready: true }];
    const sessions = planControlPlaneSessions(cluster(), nodes);
    expect(sessions.map((s) => `${s.nodeName ?? "-"} ${s.localIP}>${s.peerIP}`)).to.deep.equal([
      "cp1 10.0.1.10>10.0.1.254",
      "cp1 10.0.1.10>10.0.2.254",
      "- 10.0.1.11>10.0.1.254",
      "- 10.0.1.11>10.0.2.254",
      "- 10.0.2.10>10.0.2.254",
    ]);
  });
});

const NODES: LoadBalancerNode[] = [
  { name: "a", ipv4: "10.0.1.10", ipv6: "fd00:1::10" },
  { name: "b", ipv4: "10.0.1.11" },
  { name: "c", ipv4: "10.0.1.12" },
];

describe("cluster next hops: examples", () => {
  it("advertises every VIP with every LB node as next hop (ADD-PATH sends them all), the spread choice first", () => {
    expect(sessionRoutes(["10.0.4.2", "10.0.4.1"], NODES, 1, 2)).to.deep.equal([
      { family: "ipv4-unicast", address: "10.0.4.1", length: 32, nextHops: ["10.0.1.11", "10.0.1.12", "10.0.1.10"] },
      { family: "ipv4-unicast", address: "10.0.4.2", length: 32, nextHops: ["10.0.1.10", "10.0.1.11", "10.0.1.12"] },
    ]);
  });

  it("IPv6 VIPs get IPv6 next hops: the node's IPv6 address, else its IPv4-mapped address", () => {
    expect(sessionRoutes(["2001:db8::1"], NODES, 0, 1)[0]).to.deep.equal({
      family: "ipv6-unicast",
      address: "2001:db8::1",
      length: 128,
      nextHops: ["fd00:1::10", "::ffff:10.0.1.11", "::ffff:10.0.1.12"],
    });
  });

  it("LB nodes come from the load-balancer node pool, else the control-plane pool, without nodes known to be not Ready", () => {
    const withPool = cluster({ nodePoolSpec: { nodes: [{ address: "10.0.1.20" }, { address: "10.0.1.21" }] } });
    const nodes = [
      { name: "lb1", addresses: ["10.0.1.20"], ready: true },
      { name: "lb2", addresses: ["10.0.1.21"], ready: false },
    ];
    expect(loadBalancerNodes(withPool, nodes)).to.deep.equal([{ name: "lb1", ipv4: "10.0.1.20" }]);
    expect(loadBalancerNodes(cluster(), []).map((n) => n.ipv4)).to.deep.equal(["10.0.1.10", "10.0.1.11", "10.0.2.10"]);
  });
});

describe("cluster next hops: properties", () => {
  const arbCase = fc.record({
    n: fc.integer({ min: 1, max: 8 }),
    k: fc.integer({ min: 1, max: 6 }),
    vips: fc.uniqueArray(fc.integer({ min: 1, max: 254 }), { minLength: 1, maxLength: 30 }).map((hosts) => hosts.map((h) => `10.0.4.${h}`)),
  });
  const lb = (n: number): LoadBalancerNode[] => Array.from({ length: n }, (_, i) => ({ name: `n${i}`, ipv4: `10.0.1.${i + 1}` }));

  it("with ADD-PATH every session carries one path per LB node for every VIP", () => {
    fc.assert(
      fc.property(arbCase, ({ n, k, vips }) => {
        for (let s = 0; s < k; s++) {
          for (const route of sessionRoutes(vips, lb(n), s, k))
            expect([...route.nextHops].sort()).to.deep.equal(
              lb(n)
                .map((x) => x.ipv4)
                .sort(),
            );
        }
      }),
    );
  });

  it("without ADD-PATH each VIP's next hops over a peer's k sessions are min(k, n) different nodes, and all VIPs together use every node", () => {
    fc.assert(
      fc.property(arbCase, ({ n, k, vips }) => {
        const firsts = Array.from({ length: k }, (_, s) => sessionRoutes(vips, lb(n), s, k).map((r) => r.nextHops[0]));
        const used = new Set<string>();
        sortVips(vips).forEach((_, j) => {
          const hops = new Set(firsts.map((perSession) => perSession[j]));
          expect(hops.size).to.equal(Math.min(k, n));
          for (const hop of hops) used.add(hop);
        });
        if (vips.length * k >= n) expect(used.size).to.equal(n);
      }),
    );
  });

  it("service sessions: each peer's sessions use distinct floating IPs, min(sessions, floating IPs) of them, names unique", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 100, max: 130 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.constantFrom("a", "b", "c"), { minLength: 6, maxLength: 6 }),
        (hosts, sessionCounts, holders) => {
          const assignment = new Map(hosts.map((h, i) => [`10.0.3.${h}`, holders[i]]));
          const peers = sessionCounts.map((sessions, i): ServicePeer => ({
            name: `p${i}`,
            peerIP: `10.0.3.${250 - i}`,
            peerASN: 65002,
            localASN: 65001,
            sessions,
          }));
          const plan = planServiceSessions(peers, assignment);
          expect(new Set(plan.map((s) => s.name)).size).to.equal(plan.length);
          for (const peer of peers) {
            const mine = plan.filter((s) => s.peer === peer);
            expect(mine.length).to.equal(Math.min(peer.sessions, hosts.length));
            expect(new Set(mine.map((s) => s.floatingIP)).size).to.equal(mine.length);
            for (const s of mine) expect(s.nodeName).to.equal(assignment.get(s.floatingIP));
          }
        },
      ),
    );
  });
});
