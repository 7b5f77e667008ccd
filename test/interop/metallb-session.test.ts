/**
 * MetalLB-mode session options on the wire, against FRR in network
 * namespaces: BGPPeers planned by `planMetallbNode` and run through the
 * same driver options as `bgplb speaker --mode metallb` (the
 * metallb-probe harness, no API server). The TTL of our packets is read by
 * iptables counters in the router's namespace.
 */
import { expect } from "chai";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { bgpAdvertisement, ipAddressPool, metallbBgpPeer, type MetalLBBGPPeerSpec } from "../../sdk/model";
import { Frr } from "./harness/frr";
import { Lab, type LinkEnd } from "./harness/lab";
import { labPerTest } from "./harness/lab-hooks";
import type { MetallbProbeInput } from "./harness/metallb-probe";
import { runInNamespace } from "./harness/process";
import { NODE, type SpeakerLogLine } from "./harness/speaker";
import { sleep, waitFor } from "./harness/wait";

const PROBE = resolve(__dirname, "harness/metallb-probe.js");
const OUR_ASN = 4200000000;
const ROUTER_ASN = 65002;
const VIP4 = "192.0.2.10";
const VIP6 = "2001:db8:f::10";

/** Counts the BGP packets from `from` to the router by TTL / hop limit (1 and 255); read with {@link ttlCounts}. */
async function countBgpTtl(router: LinkEnd, from: string, family: 4 | 6): Promise<void> {
  const [tool, match, option] = family === 4 ? ["iptables", "ttl", "--ttl-eq"] : ["ip6tables", "hl", "--hl-eq"];
  for (const ttl of [1, 255])
    await runInNamespace(router.ns, tool, ["-A", "INPUT", "-p", "tcp", "--dport", "179", "-s", from, "-m", match, option, String(ttl)]);
  await runInNamespace(router.ns, tool, ["-A", "INPUT", "-p", "tcp", "--dport", "179", "-s", from]);
}

async function ttlCounts(router: LinkEnd, family: 4 | 6 = 4): Promise<{ ttl1: number; ttl255: number; all: number }> {
  const out = (await runInNamespace(router.ns, family === 4 ? "iptables" : "ip6tables", ["-L", "INPUT", "-v", "-n", "-x"])).stdout;
  const rules = out.split("\n").filter((l) => l.includes("dpt:179"));
  const packets = (line: string | undefined): number => Number(line?.trim().split(/\s+/)[0] ?? NaN);
  const counted = (ttl: number) => rules.find((l) => new RegExp(`(TTL|HL) match (TTL|HL) == ${ttl}$`).test(l.trim()));
  return { ttl1: packets(counted(1)), ttl255: packets(counted(255)), all: packets(rules.find((l) => !/(TTL|HL) match/.test(l))) };
}

/** FRR's configuration for one IPv6 neighbor (the harness renders IPv4 neighbors only; FRR listens on `-l` its address). */
function ipv6RouterConfig(l: Lab): string {
  const n = l.speaker.ipv6;
  return [
    "frr defaults traditional",
    "hostname peer",
    "log stdout debugging",
    `router bgp ${ROUTER_ASN}`,
    ` bgp router-id ${l.peer.ipv4}`,
    " no bgp ebgp-requires-policy",
    " no bgp default ipv4-unicast",
    ` neighbor ${n} remote-as ${OUR_ASN}`,
    ` neighbor ${n} timers 3 9`,
    ` neighbor ${n} passive`,
    ...["ipv4", "ipv6"].flatMap((family) => [` address-family ${family} unicast`, `  neighbor ${n} activate`, " exit-address-family"]),
    "",
  ].join("\n");
}

describe("MetalLB mode session options against FRR", function () {
  this.timeout(90_000);
  let lab: Lab | undefined;
  labPerTest(
    () => lab,
    () => (lab = undefined),
  );

  /**
   * FRR in AS `routerAsn` peering with the node (over IPv6 with `v6`), and
   * the probe running one BGPPeer with `peer` fields.
   */
  async function setUp(peer: Partial<MetalLBBGPPeerSpec>, options: { routerAsn?: number; routerHold?: number; routerPassword?: string; v6?: boolean } = {}) {
    const { routerAsn = ROUTER_ASN, routerHold = 9, routerPassword, v6 = false } = options;
    const l = (lab = await Lab.create());
    const neighbor = v6 ? l.speaker.ipv6 : l.speaker.ipv4;
    const router = new Frr(l, l.peer, {
      asn: routerAsn,
      address: v6 ? l.peer.ipv6 : l.peer.ipv4,
      neighbors: [{ address: neighbor, asn: OUR_ASN, ...(routerPassword === undefined ? {} : { password: routerPassword }) }],
      holdTimeSeconds: routerHold,
      passive: true,
      ...(v6 ? { configText: ipv6RouterConfig(l) } : {}),
    });
    await router.start();
    await countBgpTtl(l.peer, neighbor, v6 ? 6 : 4);
    const input: MetallbProbeInput = {
      configuration: {
        peers: [metallbBgpPeer({ name: "router", myASN: OUR_ASN, peerAddress: v6 ? l.peer.ipv6 : l.peer.ipv4, ...peer })],
        pools: [ipAddressPool({ name: "pool", addresses: ["192.0.2.0/28", "2001:db8:f::/120"] })],
        advertisements: [bgpAdvertisement({ name: "all" })],
        bfdProfiles: [],
      },
      nodes: [{ name: "node", labels: {}, addresses: [l.speaker.ipv4, l.speaker.ipv6] }],
      services: [{ key: "default/web", labels: {}, addresses: [VIP4, VIP6], externalTrafficPolicy: "Cluster", readyNodes: ["node"], anyReady: true }],
      nodeName: "node",
    };
    const file = l.path("metallb-probe.json");
    writeFileSync(file, JSON.stringify(input));
    const probe = l.start("metallb-probe", l.speaker.ns, NODE, [PROBE, file]);
    const logs = (): SpeakerLogLine[] =>
      existsSync(probe.logFile)
        ? readFileSync(probe.logFile, "utf8")
            .split("\n")
            .filter((line) => line.startsWith("{"))
            .map((line) => JSON.parse(line) as SpeakerLogLine)
        : [];
    return { l, router, logs };
  }

  async function established(router: Frr, l: Lab, neighbor = l.speaker.ipv4): Promise<void> {
    await waitFor("FRR session Established", async () => ((await router.session(neighbor)).established ? true : undefined), { timeoutMs: 30_000 });
  }

  async function routeIn(router: Frr, prefix: string) {
    return waitFor(`${prefix} in FRR`, async () => (await router.routesWithLocalPref()).find((r) => r.prefix === prefix), { timeoutMs: 15_000 });
  }

  it("ebgpMultiHop unset: a single-hop eBGP session sends every packet with TTL 1 (as MetalLB's FRR mode) and comes up", async () => {
    const { l, router } = await setUp({ peerASN: ROUTER_ASN });
    await established(router, l);
    await routeIn(router, `${VIP4}/32`);
    const counts = await ttlCounts(l.peer);
    expect(counts.all).to.be.at.least(4);
    expect(counts).to.deep.include({ ttl1: counts.all, ttl255: 0 });
  });

  it("ebgpMultiHop: the eBGP session sends every packet with TTL 255", async () => {
    const { l, router } = await setUp({ peerASN: ROUTER_ASN, ebgpMultiHop: true });
    await established(router, l);
    await routeIn(router, `${VIP4}/32`);
    const counts = await ttlCounts(l.peer);
    expect(counts.all).to.be.at.least(4);
    expect(counts).to.deep.include({ ttl1: 0, ttl255: counts.all });
  });

  it("TCP MD5 and TTL on one socket: a password session with FRR comes up and still sends TTL 1", async () => {
    const { l, router } = await setUp({ peerASN: ROUTER_ASN, password: "md5-and-ttl" }, { routerPassword: "md5-and-ttl" });
    await established(router, l);
    await routeIn(router, `${VIP4}/32`);
    const counts = await ttlCounts(l.peer);
    expect(counts).to.deep.include({ ttl1: counts.all, ttl255: 0 });
  });

  it("dynamicASN internal: Established with a router of our AS (iBGP: TTL 255, LOCAL_PREF 100, empty AS_PATH)", async () => {
    const { l, router } = await setUp({ dynamicASN: "internal" }, { routerAsn: OUR_ASN });
    await established(router, l);
    const route = await routeIn(router, `${VIP4}/32`);
    expect(route).to.deep.include({ localPref: 100, nextHop: l.speaker.ipv4 });
    expect(route.asPath, "FRR shows an empty AS_PATH as Local").to.not.include(OUR_ASN);
    const counts = await ttlCounts(l.peer);
    expect(counts).to.deep.include({ ttl1: 0, ttl255: counts.all });
  });

  it("dynamicASN external: Established with a router of another AS (eBGP: our AS prepended, no LOCAL_PREF)", async () => {
    const { l, router } = await setUp({ dynamicASN: "external" });
    await established(router, l);
    const route = await routeIn(router, `${VIP4}/32`);
    expect(route).to.deep.include({ localPref: undefined, asPath: [OUR_ASN] });
  });

  it("dynamicASN external: a router of our own AS is refused with OPEN error / Bad Peer AS and never Established", async () => {
    const { l, router, logs } = await setUp({ dynamicASN: "external" }, { routerAsn: OUR_ASN });
    const refusal = await waitFor(
      "Bad Peer AS sent",
      async () => logs().find((line) => line.msg === "notification sent" && line.code === 2 && line.subcode === 2),
      {
        timeoutMs: 30_000,
      },
    );
    expect(String(refusal.notification)).to.match(/BadPeerAs/);
    expect((await router.session(l.speaker.ipv4)).established).to.equal(false);
    expect(logs().filter((line) => line.msg === "session established")).to.deep.equal([]);
  });

  /** FRR's count of keepalives received from the node, sampled over `ms` once the session is up. */
  async function keepalivesOver(router: Frr, l: Lab, ms: number): Promise<number> {
    const received = async (): Promise<number> => {
      const view = JSON.parse((await router.session(l.speaker.ipv4)).detail) as { messageStats?: { keepalivesRecv?: number } };
      return view.messageStats?.keepalivesRecv ?? NaN;
    };
    const before = await received();
    await sleep(ms);
    return (await received()) - before;
  }

  it("keepaliveTime: FRR receives our keepalives at that interval instead of a third of the hold time", async () => {
    // FRR proposes hold 30 s: a third is 10 s; keepaliveTime 1s must send about five in 5 s (jittered 0.75–1 s)
    const fast = await setUp({ peerASN: ROUTER_ASN, holdTime: "90s", keepaliveTime: "1s" }, { routerHold: 30 });
    await established(fast.router, fast.l);
    expect(await keepalivesOver(fast.router, fast.l, 5_000)).to.be.at.least(4);
    await fast.l.destroy();
    const usual = await setUp({ peerASN: ROUTER_ASN, holdTime: "90s" }, { routerHold: 30 });
    await established(usual.router, usual.l);
    expect(await keepalivesOver(usual.router, usual.l, 5_000)).to.be.at.most(1);
  });

  it("families: an IPv4 session carries IPv4 only (MetalLB v0.15); dualStackAddressFamily adds IPv6 over it, next hop the node's IPv6 address", async () => {
    const single = await setUp({ peerASN: ROUTER_ASN });
    await established(single.router, single.l);
    await routeIn(single.router, `${VIP4}/32`);
    await sleep(1_000);
    expect((await single.router.routes()).map((r) => r.prefix)).to.deep.equal([`${VIP4}/32`]);
    await single.l.destroy();
    const dual = await setUp({ peerASN: ROUTER_ASN, dualStackAddressFamily: true });
    await established(dual.router, dual.l);
    expect((await routeIn(dual.router, `${VIP6}/128`)).nextHop).to.equal(dual.l.speaker.ipv6);
    expect((await routeIn(dual.router, `${VIP4}/32`)).nextHop).to.equal(dual.l.speaker.ipv4);
  });

  it("an IPv6 session (peerAddress IPv6) carries IPv6 only, from the node's IPv6 address as next hop, with hop limit 1", async () => {
    const { l, router } = await setUp({ peerASN: ROUTER_ASN }, { v6: true });
    await established(router, l, l.speaker.ipv6);
    expect((await routeIn(router, `${VIP6}/128`)).nextHop).to.equal(l.speaker.ipv6);
    await sleep(1_000);
    expect((await router.routes()).map((r) => r.prefix)).to.deep.equal([`${VIP6}/128`]);
    const counts = await ttlCounts(l.peer, 6);
    expect(counts.all).to.be.at.least(4);
    expect(counts).to.deep.include({ ttl1: counts.all, ttl255: 0 });
  });
});
