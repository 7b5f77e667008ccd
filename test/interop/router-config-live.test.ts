/**
 * The parts of `bgplb router-config` the main router-config suite does not
 * load into live daemons: BFD (a MetalLB BFDProfile) and IPv6 VIPs (a GKE
 * dual-stack pool, carried over the IPv4 sessions with IPv6 next hops). The
 * generated FRR and BIRD configurations run in a test namespace against
 * `bgplb advertise` speakers set up from the same plan.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { loadManifestFiles } from "../../sdk/manifest";
import { parseNodeSpec, planPeering, routerPaths, type Peering } from "../../sdk/routers";
import { missingPrograms, requirePrerequisites } from "../setup/prerequisites";
import { BFD_ROUTER_PROGRAMS, FrrBfd, setBfdBlocked } from "./harness/bfd";
import { Bird } from "./harness/bird";
import { Frr } from "./harness/frr";
import { LINK, Lab } from "./harness/lab";
import { labPerTest } from "./harness/lab-hooks";
import type { ReceivedRoute } from "./harness/peer";
import { runInNamespace } from "./harness/process";
import { BGPLB, NODE, SpeakerProcess } from "./harness/speaker";
import { waitFor } from "./harness/wait";

const CLUSTER_ASN = 65001;
const ROUTER_ASN = 65002;
const ROUTER = LINK.peer.ipv4;
const NODE_A = LINK.speaker;
const NODE_B = LINK.secondNextHop;
const FLOATING = ["198.18.0.11", "198.18.0.12"];
const VIP = "192.0.2.17";
const VIP6 = "2001:db8:16::1";
/** Outside every pool: the generated filters must refuse them. */
const OUTSIDE = "203.0.113.5";
const OUTSIDE6 = "2001:db8:ff::5";

/** GKE, one router with two sessions from two floating IPs, a dual-stack pool; the nodes have IPv6 addresses on the link. */
const DUAL_STACK = `apiVersion: baremetal.cluster.gke.io/v1
kind: Cluster
metadata: { name: lab, namespace: cluster-lab }
spec:
  type: hybrid
  controlPlane: { nodePoolSpec: { nodes: [{ address: ${NODE_A.ipv4} }] } }
  clusterNetwork: { advancedNetworking: true, services: { cidrBlocks: [10.96.0.0/20, "2001:db8:5::/112"] } }
  loadBalancer:
    mode: bundled
    type: bgp
    localASN: ${CLUSTER_ASN}
    bgpPeers: [{ ip: ${ROUTER}, asn: ${ROUTER_ASN} }]
    vips: { controlPlaneVIP: 192.0.2.100, ingressVIP: ${VIP} }
    addressPools: [{ name: pool1, addresses: ["192.0.2.16/28", "2001:db8:16::/124"] }]
    nodePoolSpec: { nodes: [{ address: ${NODE_A.ipv4} }, { address: ${NODE_B.ipv4} }] }
---
apiVersion: baremetal.cluster.gke.io/v1alpha1
kind: ClusterCIDRConfig
metadata: { name: pods, namespace: cluster-lab }
spec: { ipv4: { cidr: 10.64.0.0/16, perNodeMaskSize: 24 }, ipv6: { cidr: "2001:db8:6::/112", perNodeMaskSize: 120 } }
---
apiVersion: networking.gke.io/v1
kind: NetworkGatewayGroup
metadata: { name: default, namespace: cluster-lab }
spec: { floatingIPs: [${FLOATING.join(", ")}] }
---
apiVersion: networking.gke.io/v1
kind: BGPLoadBalancer
metadata: { name: default, namespace: cluster-lab }
spec: { peerSelector: { cluster.baremetal.gke.io/default-peer: "true" } }
---
apiVersion: networking.gke.io/v1
kind: BGPPeer
metadata: { name: tor, namespace: cluster-lab, labels: { cluster.baremetal.gke.io/default-peer: "true" } }
spec: { localASN: ${CLUSTER_ASN}, peerASN: ${ROUTER_ASN}, peerIP: ${ROUTER}, sessions: 2 }
`;
const DUAL_STACK_NODES = [`n1=${NODE_A.ipv4},${NODE_A.ipv6}`, `n2=${NODE_B.ipv4},${NODE_B.ipv6}`];

/** MetalLB, one router peered from every node over IPv4 with dualStackAddressFamily, the same dual-stack pool. */
const METALLB_DUAL_STACK = `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: tor, namespace: metallb-system }
spec: { myASN: ${CLUSTER_ASN}, peerASN: ${ROUTER_ASN}, peerAddress: ${ROUTER}, dualStackAddressFamily: true }
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: pool1, namespace: metallb-system }
spec: { addresses: ["192.0.2.16/28", "2001:db8:16::/124"] }
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: { name: pool1, namespace: metallb-system }
spec: { ipAddressPools: [pool1] }
`;

/** The dual-stack cases: GKE (two floating-IP sessions, ADD-PATH: four paths) and MetalLB with dualStackAddressFamily (a session per node: two). */
const DUAL_STACK_CASES = [
  { mode: "GKE", topology: DUAL_STACK, paths: 4 },
  { mode: "MetalLB dualStackAddressFamily", topology: METALLB_DUAL_STACK, paths: 2 },
] as const;

/** MetalLB, one node (the speaker's address), BFD at 300 ms × 3. */
const WITH_BFD = `apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: { name: fast, namespace: metallb-system }
spec: { receiveInterval: 300, transmitInterval: 300, detectMultiplier: 3 }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: tor, namespace: metallb-system }
spec: { myASN: ${CLUSTER_ASN}, peerASN: ${ROUTER_ASN}, peerAddress: ${ROUTER}, bfdProfile: fast }
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: pool1, namespace: metallb-system }
spec: { addresses: ["192.0.2.16/28"] }
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: { name: pool1, namespace: metallb-system }
spec: { ipAddressPools: [pool1] }
`;
const BFD_NODES = [`n1=${NODE_A.ipv4}`];

/** The router's own parts that router-config leaves to the operator. */
const FRR_BASE = `frr defaults traditional
hostname router
log stdout debugging
debug bgp updates in
router bgp ${ROUTER_ASN}
 bgp router-id ${ROUTER}
exit
`;

function birdBase(include: string): string {
  return `router id ${ROUTER};
log stderr all;
debug protocols { states, routes, filters };
protocol device { scan time 1; }
protocol direct { ipv4; ipv6; }
include "${include}";
`;
}

function bgplb(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(NODE, [BGPLB, ...args], (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

/** Writes the topology, prints the router's configuration for it, and plans the same peering. */
async function generate(lab: Lab, topology: string, vendor: "frr" | "bird", nodes: readonly string[]): Promise<{ config: string; peering: Peering }> {
  const file = lab.path("topology.yaml");
  writeFileSync(file, topology);
  const generated = await bgplb(["router-config", "--vendor", vendor, "--router", ROUTER, ...nodes.flatMap((n) => ["--node", n]), file]);
  expect(generated.code, generated.stderr).to.equal(0);
  const { topology: parsed } = loadManifestFiles([file]);
  return { config: generated.stdout, peering: planPeering(parsed, { nodes: nodes.map(parseNodeSpec) }) };
}

function expectedPaths(peering: Peering, vip: string): { paths: number; nextHops: string[] } {
  const found = routerPaths(peering).find((p) => p.router === ROUTER && p.vip === vip);
  return { paths: found?.paths ?? 0, nextHops: [...(found?.nextHops ?? [])].sort() };
}

function pathsFor(routes: readonly ReceivedRoute[], prefix: string): ReceivedRoute[] {
  return routes.filter((r) => r.prefix === prefix);
}

/** The next hops of the router's kernel route for `prefix` (its forwarding ECMP set). */
async function kernelNextHops(lab: Lab, prefix: string): Promise<string[]> {
  const { stdout } = await runInNamespace(lab.peer.ns, "ip", [prefix.includes(":") ? "-6" : "-4", "route", "show", prefix]);
  return [...stdout.matchAll(/via (\S+)/g)].map((m) => m[1]).sort();
}

/** One `bgplb advertise` per planned session (addresses added to the speaker's namespace), advertising `vips`. */
async function startSpeakers(lab: Lab, peering: Peering, vips: (role: string) => string[]): Promise<Map<string, SpeakerProcess>> {
  const speakers = new Map<string, SpeakerProcess>();
  for (const [i, s] of peering.sessions.entries()) {
    if (s.localIP !== lab.speaker.ipv4) await runInNamespace(lab.speaker.ns, "ip", ["addr", "add", `${s.localIP}/24`, "dev", "veth0"]);
    const ipv4 = s.routes.find((r) => r.family === 4);
    const ipv6 = s.routes.find((r) => r.family === 6);
    const bfd = s.bfd && {
      receiveInterval: s.bfd.receiveInterval,
      transmitInterval: s.bfd.transmitInterval,
      detectMultiplier: s.bfd.detectMultiplier,
      passiveMode: s.bfd.passiveMode,
    };
    const config = {
      localIP: s.localIP,
      localASN: s.localASN,
      peers: [{ peerIP: s.routerIP, peerASN: s.routerASN, ...(bfd ? { bfd } : {}) }],
      holdTime: 9,
      connectRetryTime: 1,
      listenPort: 0,
      addPath: s.addPath,
      nextHops: ipv4?.nextHops ?? [s.localIP],
      ...(ipv6 ? { ipv6NextHops: ipv6.nextHops } : {}),
    };
    const speaker = new SpeakerProcess(lab, { config, advertiseIps: vips(s.role), healthListen: `127.0.0.1:${18180 + i}` }, `speaker-${s.localIP}`);
    speaker.start();
    speakers.set(s.localIP, speaker);
  }
  return speakers;
}

describe("bgplb router-config on live daemons: BFD and IPv6 VIPs", function () {
  this.timeout(90_000);
  let lab: Lab | undefined;
  labPerTest(
    () => lab,
    () => (lab = undefined),
    (ctx) => requirePrerequisites(ctx, missingPrograms(BFD_ROUTER_PROGRAMS)),
  );

  for (const { mode, topology, paths } of DUAL_STACK_CASES)
    for (const vendor of ["frr", "bird"] as const) {
      it(`${vendor}, ${mode}: the generated IPv6 filter and address family take the dual-stack pool's IPv6 VIP over the IPv4 sessions with the planned IPv6 paths and ECMP, and refuse an IPv6 prefix outside the pool`, async () => {
        const l = (lab = await Lab.create());
        const { config, peering } = await generate(l, topology, vendor, DUAL_STACK_NODES);
        const router =
          vendor === "frr"
            ? new Frr(l, l.peer, { asn: ROUTER_ASN, address: ROUTER, neighbors: [], configText: `${FRR_BASE}${config}` })
            : new Bird(l, l.peer, { asn: ROUTER_ASN, address: ROUTER, neighbors: [], configText: birdBase(writeFile(l, "bgplb.conf", config)) });
        await router.start();
        await startSpeakers(l, peering, (role) => (role === "service" ? [VIP, VIP6, OUTSIDE, OUTSIDE6] : ["192.0.2.100"]));
        for (const s of peering.sessions) {
          await waitFor(`${vendor} session with ${s.localIP}`, async () => ((await router.session(s.localIP)).established ? true : undefined), {
            timeoutMs: 30_000,
          });
        }
        const want = expectedPaths(peering, "pool1 IPv6");
        expect(want).to.deep.equal({ paths, nextHops: [NODE_A.ipv6, NODE_B.ipv6].sort() });
        const held = await waitFor(
          `${want.paths} paths for ${VIP6}/128`,
          async () => {
            const found = pathsFor(await router.routes(), `${VIP6}/128`);
            return found.length === want.paths ? found : undefined;
          },
          { timeoutMs: 20_000 },
        );
        expect([...new Set(held.map((p) => p.nextHop))].sort()).to.deep.equal(want.nextHops);
        const forwarding = await waitFor(
          `ECMP for ${VIP6}/128`,
          async () => {
            const hops = vendor === "frr" ? (await (router as Frr).multipathNextHops("ipv6", `${VIP6}/128`)).sort() : await kernelNextHops(l, `${VIP6}/128`);
            return hops.length === want.nextHops.length ? hops : undefined;
          },
          { timeoutMs: 20_000 },
        );
        expect(forwarding).to.deep.equal(want.nextHops);
        expect(pathsFor(await router.routes(), `${VIP}/32`).length, "the IPv4 VIP next to it").to.equal(expectedPaths(peering, "pool1").paths);
        const refused = vendor === "frr" ? /2001:db8:ff::5\/128.*DENIED due to: route-map/ : /filtered out 2001:db8:ff::5\/128/;
        await waitFor(`${vendor} log refusing ${OUTSIDE6}/128`, async () => (refused.test(router.logText()) ? true : undefined), { timeoutMs: 10_000 });
        expect(pathsFor(await router.routes(), `${OUTSIDE6}/128`)).to.deep.equal([]);
      });
    }

  for (const vendor of ["frr", "bird"] as const) {
    it(`${vendor}: the generated BFD profile brings BFD Up with the speaker at the BFDProfile's timers; BFD lost at the router takes the BGP session and the VIP down although TCP still flows; BFD back brings BFD (and, on FRR, BGP) back`, async () => {
      const l = (lab = await Lab.create());
      const { config, peering } = await generate(l, WITH_BFD, vendor, BFD_NODES);
      expect(peering.sessions.map((s) => s.bfd?.profile)).to.deep.equal(["fast"]);
      const neighbor = NODE_A.ipv4;
      let bfdState: () => Promise<string>;
      let bfdDetail: () => Promise<string>;
      let established: () => Promise<boolean>;
      let prefixes: () => Promise<string[]>;
      if (vendor === "frr") {
        const frr = new FrrBfd(l, l.peer, {
          asn: ROUTER_ASN,
          neighbor: { address: neighbor, asn: CLUSTER_ASN },
          timers: { intervalMs: 300, detectMultiplier: 3 },
          configText: `${FRR_BASE}${config}`,
        });
        await frr.start();
        bfdState = () => frr.bfdState();
        bfdDetail = () => frr.bfdDetail();
        established = () => frr.bgpEstablished();
        prefixes = () => frr.prefixes();
      } else {
        const bird = new Bird(l, l.peer, { asn: ROUTER_ASN, address: ROUTER, neighbors: [], configText: birdBase(writeFile(l, "bgplb.conf", config)) });
        await bird.start();
        bfdState = async () => {
          const line = (await bird.command(["show", "bfd", "sessions"])).split("\n").find((row) => row.trim().split(/\s+/)[0] === neighbor);
          return line?.trim().split(/\s+/)[2]?.toLowerCase() ?? "none";
        };
        bfdDetail = () => bird.command(["show", "bfd", "sessions"]);
        established = async () => (await bird.session(neighbor)).established;
        prefixes = async () => (await bird.routes()).map((r) => r.prefix);
      }
      await startSpeakers(l, peering, () => [VIP]);
      const upWithRoute = async (): Promise<true | undefined> =>
        (await bfdState()) === "up" && (await established()) && (await prefixes()).includes(`${VIP}/32`) ? true : undefined;
      await waitFor(`${vendor}: BFD Up, BGP Established, ${VIP}/32 held`, upWithRoute, { timeoutMs: 30_000 });
      // the router runs the profile's timers (FRR shows its own; BIRD the agreed interval and detection time)
      expect(await bfdDetail()).to.match(
        vendor === "frr"
          ? /Local timers:[\s\S]*Detect-multiplier: 3[\s\S]*Receive interval: 300ms[\s\S]*Transmission interval: 300ms/
          : /Up\s+\S+\s+0\.300\s+0\.900/,
      );

      // BFD alone is dropped at the router: TCP keepalives still flow, so only BFD can take the session down
      await setBfdBlocked(l.peer, true);
      await waitFor(
        `${vendor}: BGP down and ${VIP}/32 gone once BFD is lost`,
        async () => (!(await established()) && !(await prefixes()).includes(`${VIP}/32`) ? true : undefined),
        { timeoutMs: 8_000 },
      );
      await setBfdBlocked(l.peer, false);
      if (vendor === "frr") {
        await waitFor(`${vendor}: BFD, BGP and ${VIP}/32 back`, upWithRoute, { timeoutMs: 30_000 });
      } else {
        // BIRD restarts a protocol that failed (BFD down is a failure) only after its error wait time, 60 s and more by
        // default (not part of what router-config writes): BFD itself comes back at once
        await waitFor(`${vendor}: BFD Up again`, async () => ((await bfdState()) === "up" ? true : undefined), { timeoutMs: 30_000 });
      }
    });
  }
});

function writeFile(lab: Lab, name: string, text: string): string {
  const file = lab.path(name);
  writeFileSync(file, text);
  return file;
}
