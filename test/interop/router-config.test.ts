import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLE_NAMES, exampleText, loadManifestFiles, parseManifests } from "../../sdk/manifest";
import {
  PeeringError,
  ROUTER_VENDORS,
  parseNodeSpec,
  planPeering,
  routerConfigs,
  routerPaths,
  type Failure,
  type Peering,
  type PlannedSession,
} from "../../sdk/routers";
import { requireInteropHost } from "./harness/host";
import { run } from "./harness/process";
import { Bird } from "./harness/bird";
import { Frr } from "./harness/frr";
import { LINK, Lab } from "./harness/lab";
import { labPerTest } from "./harness/lab-hooks";
import type { PeerDaemon, ReceivedRoute } from "./harness/peer";
import { runInNamespace } from "./harness/process";
import { BGPLB, NODE, SpeakerProcess } from "./harness/speaker";
import { waitFor } from "./harness/wait";

const CLUSTER_ASN = 65001;
const ROUTER_ASN = 65002;
const ROUTER = LINK.peer.ipv4;
/** The speaker's own link address: control-plane node and first load-balancer node. */
const NODE_A = LINK.speaker.ipv4;
/** A second load-balancer node on the link (a next hop only). */
const NODE_B = LINK.secondNextHop.ipv4;
const FLOATING = ["198.18.0.11", "198.18.0.12"];
const CONTROL_PLANE_VIP = "192.0.2.100";
const POOL = "192.0.2.16/28";
const VIP_A = "192.0.2.17";
const VIP_B = "192.0.2.18";
/** Outside every pool: the generated filter must refuse it. */
const OUTSIDE = "203.0.113.5";

/** A GKE BGP topology on the lab's addresses: two floating IPs, two load-balancer nodes, one router with two sessions. */
const TOPOLOGY = `apiVersion: baremetal.cluster.gke.io/v1
kind: Cluster
metadata: { name: lab, namespace: cluster-lab }
spec:
  type: hybrid
  controlPlane: { nodePoolSpec: { nodes: [{ address: ${NODE_A} }] } }
  clusterNetwork: { advancedNetworking: true }
  loadBalancer:
    mode: bundled
    type: bgp
    localASN: ${CLUSTER_ASN}
    bgpPeers: [{ ip: ${ROUTER}, asn: ${ROUTER_ASN} }]
    vips: { controlPlaneVIP: ${CONTROL_PLANE_VIP}, ingressVIP: ${VIP_A} }
    addressPools: [{ name: pool1, addresses: ["${POOL}"] }]
    nodePoolSpec: { nodes: [{ address: ${NODE_A} }, { address: ${NODE_B} }] }
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

/** MetalLB on the same link: three nodes, TCP MD5, the router peering with each node. */
const METALLB_NODES = [`n1=${NODE_A}`, "n2=198.18.0.21", "n3=198.18.0.22"];
const MD5_PASSWORD = "lab-Md5-2c9e";
const METALLB_TOPOLOGY = `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: tor, namespace: metallb-system }
spec: { myASN: ${CLUSTER_ASN}, peerASN: ${ROUTER_ASN}, peerAddress: ${ROUTER}, passwordSecret: { name: tor-md5 } }
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: pool1, namespace: metallb-system }
spec: { addresses: ["${POOL}"] }
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: { name: pool1, namespace: metallb-system }
spec: { ipAddressPools: [pool1] }
`;

/** One lab set-up: the topology, the flags router-config and plan need besides it, and the addresses our speakers use. */
interface Scenario {
  readonly topology: string;
  readonly flags: readonly string[];
  /** `--node` values (MetalLB). */
  readonly nodes: readonly string[];
  /** Addresses of the speaker namespace besides its own. */
  readonly addresses: readonly string[];
  /** The TCP MD5 password (router-config takes it from the environment). */
  readonly password?: string;
}

const GKE_SCENARIO: Scenario = { topology: TOPOLOGY, flags: [], nodes: [], addresses: FLOATING };
const METALLB_SCENARIO: Scenario = {
  topology: METALLB_TOPOLOGY,
  flags: METALLB_NODES.flatMap((n) => ["--node", n]),
  nodes: METALLB_NODES,
  addresses: ["198.18.0.21", "198.18.0.22"],
  password: MD5_PASSWORD,
};

function bgplb(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(NODE, [BGPLB, ...args], { env }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

/** What the generated configuration is loaded with: the router's own parts (ID, logging, debugging) that router-config leaves to the operator. */
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
protocol direct { ipv4; }
include "${include}";
`;
}

interface Vendor {
  readonly name: "frr" | "bird";
  readonly make: (lab: Lab, config: string) => PeerDaemon & { logText(): string };
  /** The next hops the router forwards `prefix` to (its ECMP set). */
  readonly forwarding: (lab: Lab, daemon: PeerDaemon, prefix: string) => Promise<string[]>;
  /** The router's log says it refused `prefix` by policy. */
  readonly refused: RegExp;
}

const VENDORS: readonly Vendor[] = [
  {
    name: "frr",
    make: (lab, config) => new Frr(lab, lab.peer, { asn: ROUTER_ASN, address: ROUTER, neighbors: [], configText: `${FRR_BASE}${config}` }),
    forwarding: async (_lab, daemon, prefix) => (await (daemon as Frr).multipathNextHops("ipv4", prefix)).sort(),
    refused: new RegExp(`${OUTSIDE.replace(/\./g, "\\.")}/32.*DENIED due to: route-map`),
  },
  {
    name: "bird",
    make: (lab, config) => {
      const file = lab.path("bgplb.conf");
      writeFileSync(file, config);
      return new Bird(lab, lab.peer, { asn: ROUTER_ASN, address: ROUTER, neighbors: [], configText: birdBase(file) });
    },
    // BIRD merges the equal paths into one kernel route: read it back from the namespace's table
    forwarding: async (lab, _daemon, prefix) => {
      const { stdout } = await runInNamespace(lab.peer.ns, "ip", ["-4", "route", "show", prefix]);
      return [...stdout.matchAll(/via (\S+)/g)].map((m) => m[1]).sort();
    },
    refused: new RegExp(`filtered out ${OUTSIDE.replace(/\./g, "\\.")}/32`),
  },
];

function expectedPaths(peering: Peering, vip: string): { paths: number; nextHops: string[] } {
  const found = routerPaths(peering).find((p) => p.router === ROUTER && p.vip === vip);
  return { paths: found?.paths ?? 0, nextHops: [...(found?.nextHops ?? [])].sort() };
}

function pathsFor(routes: readonly ReceivedRoute[], prefix: string): ReceivedRoute[] {
  return routes.filter((r) => r.prefix === prefix);
}

describe("bgplb router-config loaded into real routers", function () {
  this.timeout(90_000);
  let lab: Lab | undefined;
  labPerTest(
    () => lab,
    () => (lab = undefined),
  );

  async function setUp(
    vendor: Vendor,
    scenario: Scenario = GKE_SCENARIO,
  ): Promise<{ lab: Lab; router: PeerDaemon & { logText(): string }; peering: Peering; file: string; speakers: Map<string, SpeakerProcess> }> {
    const l = (lab = await Lab.create());
    for (const ip of scenario.addresses) await runInNamespace(l.speaker.ns, "ip", ["addr", "add", `${ip}/24`, "dev", "veth0"]);
    const file = l.path("topology.yaml");
    writeFileSync(file, scenario.topology);
    const md5 = scenario.password === undefined ? [] : ["--password-env", "BGPLB_LAB_MD5"];
    const generated = await bgplb(["router-config", "--vendor", vendor.name, "--router", ROUTER, ...md5, ...scenario.flags, file], {
      ...process.env,
      BGPLB_LAB_MD5: scenario.password,
    });
    expect(generated.code, generated.stderr).to.equal(0);
    const router = vendor.make(l, generated.stdout);
    await router.start();
    const { topology, issues } = loadManifestFiles([file]);
    expect(issues.filter((i) => i.severity === "error")).to.deep.equal([]);
    const peering = planPeering(topology, scenario.nodes.length > 0 ? { nodes: scenario.nodes.map(parseNodeSpec) } : {});
    const speakers = new Map<string, SpeakerProcess>();
    peering.sessions.forEach((s: PlannedSession, i) => {
      const vips = s.role === "service" ? [VIP_A, VIP_B, OUTSIDE] : [CONTROL_PLANE_VIP, OUTSIDE];
      const config = {
        localIP: s.localIP,
        localASN: s.localASN,
        peers: [{ peerIP: s.routerIP, peerASN: s.routerASN, ...(scenario.password === undefined ? {} : { password: scenario.password }) }],
        holdTime: 9,
        connectRetryTime: 1,
        listenPort: 0,
        addPath: s.addPath,
        nextHops: s.routes[0].nextHops,
      };
      const speaker = new SpeakerProcess(l, { config, advertiseIps: vips, healthListen: `127.0.0.1:${18080 + i}` }, `speaker-${s.localIP}`);
      speaker.start();
      speakers.set(s.localIP, speaker);
    });
    for (const s of peering.sessions) {
      await waitFor(`${vendor.name} session with ${s.localIP} Established`, async () => ((await router.session(s.localIP)).established ? true : undefined), {
        timeoutMs: 30_000,
      });
    }
    return { lab: l, router, peering, file, speakers };
  }

  for (const vendor of VENDORS) {
    it(`${vendor.name}: every planned session establishes, the pool VIPs arrive with the planned paths and ECMP, the control-plane VIP too, and a prefix outside the pools is refused`, async () => {
      const { lab: l, router, peering } = await setUp(vendor);
      expect(peering.sessions.map((s) => s.localIP).sort()).to.deep.equal([NODE_A, ...FLOATING].sort());
      const want = expectedPaths(peering, "pool1");
      expect(want).to.deep.equal({ paths: 4, nextHops: [NODE_A, NODE_B].sort() });
      for (const vip of [VIP_A, VIP_B]) {
        const paths = await waitFor(
          `${want.paths} paths for ${vip}`,
          async () => {
            const found = pathsFor(await router.routes(), `${vip}/32`);
            return found.length === want.paths ? found : undefined;
          },
          { timeoutMs: 20_000 },
        );
        expect([...new Set(paths.map((p) => p.nextHop))].sort()).to.deep.equal(want.nextHops);
        expect(paths.every((p) => p.asPath.join(" ") === String(CLUSTER_ASN))).to.equal(true);
        const ecmp = await waitFor(
          `ECMP for ${vip}`,
          async () => {
            const hops = await vendor.forwarding(l, router, `${vip}/32`);
            return hops.length === want.nextHops.length ? hops : undefined;
          },
          { timeoutMs: 20_000 },
        );
        expect(ecmp).to.deep.equal(want.nextHops);
      }
      const controlPlane = pathsFor(await router.routes(), `${CONTROL_PLANE_VIP}/32`);
      expect(controlPlane.map((p) => p.nextHop)).to.deep.equal(expectedPaths(peering, "controlPlaneVIP").nextHops);
      await waitFor(`${vendor.name} log refusing ${OUTSIDE}/32`, async () => (vendor.refused.test(router.logText()) ? true : undefined), { timeoutMs: 10_000 });
      expect(pathsFor(await router.routes(), `${OUTSIDE}/32`)).to.deep.equal([]);
    });
  }

  for (const vendor of VENDORS) {
    it(`${vendor.name}: after the same failure the router holds what bgplb plan --fail predicts (floating IP ${FLOATING[0]} down)`, async () => {
      const { lab: l, router, file, speakers } = await setUp(vendor);
      const failure: Failure = { kind: "fip", ip: FLOATING[0] };
      const planned = await bgplb(["plan", "--fail", `fip=${FLOATING[0]}`, "--output", "json", file]);
      expect(planned.code, planned.stderr).to.equal(0);
      const report = JSON.parse(planned.stdout) as {
        vips: { vip: string; routers: { router: string; after: { paths: number; nextHops: string[] } }[] }[];
        droppedSessions: { session: string }[];
      };
      expect(report.droppedSessions.map((d) => d.session)).to.deep.equal([`${FLOATING[0]}>${ROUTER}`]);
      const after = report.vips.find((v) => v.vip === "pool1")!.routers.find((r) => r.router === ROUTER)!.after;
      const { topology } = loadManifestFiles([file]);
      expect(after).to.deep.equal(expectedPaths(planPeering(topology, { failures: [failure] }), "pool1"));
      await waitFor("4 paths before the failure", async () => (pathsFor(await router.routes(), `${VIP_A}/32`).length === 4 ? true : undefined), {
        timeoutMs: 20_000,
      });

      speakers.get(FLOATING[0])!.signal("SIGKILL");
      await runInNamespace(l.speaker.ns, "ip", ["addr", "del", `${FLOATING[0]}/24`, "dev", "veth0"]);
      const held = await waitFor(
        `${after.paths} paths after the failure`,
        async () => {
          const found = pathsFor(await router.routes(), `${VIP_A}/32`);
          return found.length === after.paths ? found : undefined;
        },
        { timeoutMs: 30_000 },
      );
      expect([...new Set(held.map((p) => p.nextHop))].sort()).to.deep.equal([...after.nextHops].sort());
      expect(await vendor.forwarding(l, router, `${VIP_A}/32`)).to.deep.equal([...after.nextHops].sort());
    });
  }

  for (const vendor of VENDORS) {
    it(`${vendor.name}: MetalLB with TCP MD5 from the environment: one session per node, ECMP over the three nodes, and after node n2 fails what bgplb plan --fail predicts`, async () => {
      const { lab: l, router, file, speakers, peering } = await setUp(vendor, METALLB_SCENARIO);
      expect(peering.sessions.map((s) => s.localIP)).to.deep.equal([NODE_A, "198.18.0.21", "198.18.0.22"]);
      const want = expectedPaths(peering, "pool1");
      expect(want).to.deep.equal({ paths: 3, nextHops: [NODE_A, "198.18.0.21", "198.18.0.22"] });
      const ecmp = await waitFor(
        `ECMP over three nodes for ${VIP_A}`,
        async () => {
          const hops = await vendor.forwarding(l, router, `${VIP_A}/32`);
          return hops.length === 3 ? hops : undefined;
        },
        { timeoutMs: 20_000 },
      );
      expect(ecmp).to.deep.equal(want.nextHops);
      expect(router.logText().includes(MD5_PASSWORD)).to.equal(false);

      const planned = await bgplb(["plan", "--fail", "node=n2", "--output", "json", ...METALLB_SCENARIO.flags, file]);
      expect(planned.code, planned.stderr).to.equal(0);
      const report = JSON.parse(planned.stdout) as {
        vips: { vip: string; routers: { router: string; after: { paths: number; nextHops: string[] } }[] }[];
        droppedSessions: { session: string }[];
      };
      expect(report.droppedSessions.map((d) => d.session)).to.deep.equal([`198.18.0.21>${ROUTER}`]);
      const after = report.vips.find((v) => v.vip === "pool1")!.routers.find((r) => r.router === ROUTER)!.after;
      expect(after).to.deep.equal({ paths: 2, nextHops: [NODE_A, "198.18.0.22"] });

      speakers.get("198.18.0.21")!.signal("SIGKILL");
      await runInNamespace(l.speaker.ns, "ip", ["addr", "del", "198.18.0.21/24", "dev", "veth0"]);
      const held = await waitFor(
        `${after.paths} paths after n2 fails`,
        async () => {
          const found = pathsFor(await router.routes(), `${VIP_A}/32`);
          return found.length === after.paths ? found : undefined;
        },
        { timeoutMs: 30_000 },
      );
      expect(held.map((p) => p.nextHop).sort()).to.deep.equal(after.nextHops);
      expect(
        await waitFor(
          "ECMP after the failure",
          async () => {
            const hops = await vendor.forwarding(l, router, `${VIP_A}/32`);
            return hops.length === after.nextHops.length ? hops : undefined;
          },
          { timeoutMs: 20_000 },
        ),
      ).to.deep.equal(after.nextHops);
    });
  }
});

/** Topologies beyond the bundled examples: BFD with every option, MD5, multi-hop, iBGP, a dual-stack pool with one peer per family. */
const SYNTAX_TOPOLOGIES: Readonly<Record<string, string>> = {
  "metallb-bfd-md5-multihop-ibgp": `apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: { name: full, namespace: metallb-system }
spec: { receiveInterval: 100, transmitInterval: 200, detectMultiplier: 4, echoMode: true, passiveMode: true, minimumTtl: 250 }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: ebgp, namespace: metallb-system }
spec: { myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.1, bfdProfile: full, ebgpMultiHop: true, password: not-printed }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: ibgp, namespace: metallb-system }
spec: { myASN: 64500, peerASN: 64500, peerAddress: 192.0.2.2 }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: v6, namespace: metallb-system }
spec: { myASN: 64500, peerASN: 64501, peerAddress: "2001:db8::1" }
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: dual, namespace: metallb-system }
spec: { addresses: [198.51.100.0/24, "2001:db8:100::/120"] }
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: { name: dual, namespace: metallb-system }
spec: { ipAddressPools: [dual], aggregationLength: 28 }
`,
  "metallb-dynamic-asn-local-asn-unnumbered": `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: ibgp, namespace: metallb-system }
spec: { myASN: 64500, dynamicASN: internal, peerAddress: 192.0.2.1 }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: edge, namespace: metallb-system }
spec: { myASN: 64500, localASN: 64510, peerASN: 64503, peerAddress: 192.0.2.3 }
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
`,
};

describe("bgplb router-config output is accepted by FRR (vtysh --dryrun) and BIRD (bird -p)", function () {
  this.timeout(60_000);
  let dir = "";
  before(function () {
    requireInteropHost(this);
    dir = mkdtempSync(join(tmpdir(), "bgplb-router-config-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const sources: [string, string][] = [...EXAMPLE_NAMES.map((name): [string, string] => [name, exampleText(name)]), ...Object.entries(SYNTAX_TOPOLOGIES)];
  const nodes = ["n1=192.0.2.11,2001:db8::11", "n2=192.0.2.12,2001:db8::12", "compute-1.example.com=10.0.20.13"].map(parseNodeSpec);
  /** Sources with no peer a router can be configured for, and the error that says why. */
  const nothingToConfigure: Record<string, RegExp> = {
    // the only BGPPeer runs in a VRF and names no sourceAddress: the router's neighbor would be each node's VRF address, which the topology does not hold
    "metallb-vrf": /no router peers with MetalLB.*BGPPeer metallb-system\/frrviavrf: vrf ens4vrf: each node runs the session from its address in VRF ens4vrf/s,
  };
  for (const [name, text] of sources) {
    const expected = nothingToConfigure[name];
    if (expected !== undefined) {
      it(`${name}: refused with the reason`, () => {
        for (const vendor of ROUTER_VENDORS)
          expect(() => routerConfigs(parseManifests([{ text }]).topology, vendor, { nodes })).to.throw(PeeringError, expected);
      });
      continue;
    }
    it(name, async () => {
      const configs = [...ROUTER_VENDORS].flatMap((vendor) =>
        [...routerConfigs(parseManifests([{ text }]).topology, vendor, { nodes })].map(([router, config]) => ({ vendor, router, config })),
      );
      expect(configs.length).to.be.greaterThan(1);
      for (const { vendor, router, config } of configs) {
        const file = join(dir, `${name}-${router.replace(/:/g, "_")}.${vendor}.conf`);
        if (vendor === "frr") {
          writeFileSync(file, `frr defaults traditional\n${config}`);
          await run("vtysh", ["--dryrun", "-f", file]);
        } else {
          writeFileSync(file, config);
          writeFileSync(`${file}.main`, `router id 192.0.2.254;\nprotocol device {}\ninclude "${file}";\n`);
          await run("bird", ["-p", "-c", `${file}.main`]);
        }
      }
    });
  }
});
