/**
 * A MetalLB BGPPeer's `vrf` on the wire, against FRR in network namespaces:
 * the BGPPeer is planned by `planMetallbNode` with the speaker namespace's
 * own network devices and run through the speaker's driver options (the
 * metallb-probe harness, no API server), BFD through the speaker's BFD
 * driver (bfd-probe).
 *
 * A real VRF device needs the kernel's VRF driver (CONFIG_NET_VRF), which
 * the kernels these tests run on lack; the tests stand in for it: they
 * give veth0 the routing a VRF gives its members — the link's route only in
 * table 10, reached through a rule on the output device (the l3mdev rule a
 * VRF installs does the same for its members) — and name veth0 itself as
 * the `vrf`. A socket bound to the device (SO_BINDTODEVICE) is routed by
 * table 10; one that is not finds no route at all, as in a real VRF.
 */
import { expect } from "chai";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { bgpAdvertisement, ipAddressPool, metallbBgpPeer, type MetalLBBGPPeerSpec } from "../../sdk/model";
import { BFD_ROUTER_PROGRAMS, FrrBfd } from "./harness/bfd";
import { Frr } from "./harness/frr";
import { Lab, type LinkEnd } from "./harness/lab";
import { labPerTest } from "./harness/lab-hooks";
import type { MetallbProbeInput } from "./harness/metallb-probe";
import { runInNamespace } from "./harness/process";
import { NODE, type SpeakerLogLine } from "./harness/speaker";
import { sleep, waitFor } from "./harness/wait";
import { missingPrograms, requirePrerequisites } from "../setup/prerequisites";

const METALLB_PROBE = resolve(__dirname, "harness/metallb-probe.js");
const BFD_PROBE = resolve(__dirname, "harness/bfd-probe.js");
const VRF_MODULE = resolve(__dirname, "../../sdk/speaker/vrf.js");
const OUR_ASN = 4200000000;
const ROUTER_ASN = 65002;
const VIP4 = "192.0.2.10";
const VRF_TABLE = "10";
/** A node InternalIP on no interface of the lab: a session in a VRF must take its source from the VRF's devices instead. */
const NOT_ON_THE_LINK = "198.51.100.7";

function jsonLines(file: string): SpeakerLogLine[] {
  return existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as SpeakerLogLine)
    : [];
}

/** The speaker's veth0 routed as a VRF member (see the module comment): its IPv4 link route only in table 10, for packets leaving by veth0. */
async function routeLikeVrfMember({ speaker }: Lab): Promise<void> {
  await runInNamespace(speaker.ns, "ip", ["route", "del", "198.18.0.0/24", "dev", "veth0", "table", "main"]);
  await runInNamespace(speaker.ns, "ip", ["route", "add", "198.18.0.0/24", "dev", "veth0", "table", VRF_TABLE]);
  await runInNamespace(speaker.ns, "ip", ["rule", "add", "oif", "veth0", "lookup", VRF_TABLE]);
}

/** The local ends (`address%device:port` when bound to a device) of the speaker's TCP connections to the router's port 179. */
async function bgpSocketLocalEnds(speaker: LinkEnd): Promise<string[]> {
  const out = (await runInNamespace(speaker.ns, "ss", ["-Htn", "state", "established", "dport", "= :179"])).stdout;
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => line.trim().split(/\s+/)[2] ?? "");
}

describe("MetalLB vrf against FRR", function () {
  this.timeout(90_000);
  let lab: Lab | undefined;
  labPerTest(
    () => lab,
    () => (lab = undefined),
  );

  /**
   * FRR (passive) peering with the node's veth0 address, and the
   * metallb-probe running one BGPPeer with `peer` fields on a node whose
   * InternalIP is `internalIP` (veth0's address by default).
   */
  async function setUp(peer: Partial<MetalLBBGPPeerSpec>, prepare: (l: Lab) => Promise<void>, internalIP?: string) {
    const l = (lab = await Lab.create());
    await prepare(l);
    const router = new Frr(l, l.peer, { asn: ROUTER_ASN, address: l.peer.ipv4, neighbors: [{ address: l.speaker.ipv4, asn: OUR_ASN }], passive: true });
    await router.start();
    const input: MetallbProbeInput = {
      configuration: {
        peers: [metallbBgpPeer({ name: "router", myASN: OUR_ASN, peerASN: ROUTER_ASN, peerAddress: l.peer.ipv4, ...peer })],
        pools: [ipAddressPool({ name: "pool", addresses: ["192.0.2.0/28"] })],
        advertisements: [bgpAdvertisement({ name: "all" })],
        bfdProfiles: [],
      },
      nodes: [{ name: "node-a", labels: {}, addresses: [internalIP ?? l.speaker.ipv4] }],
      services: [{ key: "default/web", labels: {}, addresses: [VIP4], externalTrafficPolicy: "Cluster", readyNodes: ["node-a"], anyReady: true }],
      nodeName: "node-a",
      debug: true,
    };
    const file = l.path("metallb-probe.json");
    writeFileSync(file, JSON.stringify(input));
    const probe = l.start("metallb-probe", l.speaker.ns, NODE, [METALLB_PROBE, file]);
    return { l, router, probe, logs: () => jsonLines(probe.logFile) };
  }

  async function established(router: Frr, l: Lab): Promise<void> {
    await waitFor("FRR session Established", async () => ((await router.session(l.speaker.ipv4)).established ? true : undefined), { timeoutMs: 30_000 });
  }

  async function routeIn(router: Frr, prefix: string) {
    return waitFor(`${prefix} in FRR`, async () => (await router.routes()).find((r) => r.prefix === prefix), { timeoutMs: 15_000 });
  }

  it("VRF routing on veth0: without vrf the connection finds no route (ENETUNREACH) and no session comes up", async () => {
    const { l, router, logs } = await setUp({}, routeLikeVrfMember);
    await waitFor(
      "connection failed for want of a route",
      async () => (logs().filter((line) => line.msg === "socket error" && String(line.error).includes("ENETUNREACH")).length >= 2 ? true : undefined),
      { timeoutMs: 15_000 },
    );
    expect((await router.session(l.speaker.ipv4)).established).to.equal(false);
    expect(logs().filter((line) => line.msg === "session established")).to.deep.equal([]);
  });

  it("VRF routing on veth0, vrf veth0: the socket is bound to the device, the session comes up from the device's address and the route arrives with it as next hop", async () => {
    const { l, router, logs } = await setUp({ vrf: "veth0" }, routeLikeVrfMember, NOT_ON_THE_LINK);
    await established(router, l);
    const route = await routeIn(router, `${VIP4}/32`);
    expect(route).to.deep.include({ nextHop: l.speaker.ipv4, asPath: [OUR_ASN] });
    expect(logs().find((line) => line.msg === "session planned")).to.deep.include({ vrf: "veth0", source: l.speaker.ipv4 });
    expect(await bgpSocketLocalEnds(l.speaker)).to.satisfy((ends: string[]) => ends.length === 1 && ends[0].startsWith(`${l.speaker.ipv4}%veth0:`));
    expect(logs().filter((line) => line.msg === "socket error" && String(line.error).includes("ENETUNREACH"))).to.deep.equal([]);
  });

  it("a VRF device the node does not have: a warning naming the peer, the VRF and the node, the process keeps running, and the session opens once the device appears", async () => {
    const { l, router, probe, logs } = await setUp({ vrf: "red" }, async () => undefined, NOT_ON_THE_LINK);
    const warning = await waitFor("missing VRF reported", async () => logs().find((line) => line.msg === "MetalLB configuration not fully applied"), {
      timeoutMs: 15_000,
    });
    expect(warning).to.deep.include({
      level: "warn",
      object: "BGPPeer/router",
      message: 'VRF device "red" does not exist on node node-a; no session opened until it does (looked for again on every reconcile)',
    });
    await sleep(2_000); // two more plans
    expect(probe.running).to.equal(true);
    expect(logs().filter((line) => line.msg === "session planned" || line.msg === "connecting")).to.deep.equal([]);
    // the device appears: veth0, renamed, is the node's "red" now, with its address
    await runInNamespace(l.speaker.ns, "ip", ["link", "set", "veth0", "down"]);
    await runInNamespace(l.speaker.ns, "ip", ["link", "set", "veth0", "name", "red"]);
    await runInNamespace(l.speaker.ns, "ip", ["link", "set", "red", "up"]);
    await established(router, l);
    expect((await routeIn(router, `${VIP4}/32`)).nextHop).to.equal(l.speaker.ipv4);
    expect(logs().find((line) => line.msg === "session planned")).to.deep.include({ vrf: "red", source: l.speaker.ipv4 });
    expect(await bgpSocketLocalEnds(l.speaker)).to.satisfy((ends: string[]) => ends.length === 1 && ends[0].startsWith(`${l.speaker.ipv4}%red:`));
    expect(probe.running).to.equal(true);
  });

  it("the node's devices: an interface enslaved to a device (sysfs master) lends it its addresses; a missing device is absent", async () => {
    const l = (lab = await Lab.create());
    for (const args of [
      ["link", "add", "brx", "type", "bridge"],
      ["link", "add", "vm0", "type", "veth", "peer", "name", "vm1"],
      ["link", "set", "vm0", "master", "brx"],
      ["addr", "add", "10.9.0.1/24", "dev", "vm0"],
      ["link", "set", "vm0", "up"],
      ["link", "set", "vm1", "up"],
      ["link", "set", "brx", "up"],
    ])
      await runInNamespace(l.speaker.ns, "ip", args);
    const script =
      `const d = require(${JSON.stringify(VRF_MODULE)}).nodeDevices(); const v4 = (name) => d.get(name)?.filter((a) => !a.address.includes(":")) ?? null;` +
      ` console.log(JSON.stringify({ brx: v4("brx"), vm0: v4("vm0"), red: v4("red") }));`;
    const devices = JSON.parse((await runInNamespace(l.speaker.ns, NODE, ["-e", script])).stdout) as Record<string, unknown>;
    expect(devices).to.deep.equal({
      brx: [{ interfaceName: "vm0", address: "10.9.0.1", prefixLength: 24 }],
      vm0: [{ interfaceName: "vm0", address: "10.9.0.1", prefixLength: 24 }],
      red: null,
    });
  });
});

describe("BFD in a VRF against FRR bfdd", function () {
  this.timeout(90_000);
  let lab: Lab | undefined;
  labPerTest(
    () => lab,
    () => (lab = undefined),
    (ctx) => requirePrerequisites(ctx, missingPrograms(BFD_ROUTER_PROGRAMS)),
  );

  it("VRF routing on veth0, vrf veth0: every BFD Control socket is bound to the device and the session comes Up on both sides", async () => {
    const l = (lab = await Lab.create());
    await routeLikeVrfMember(l);
    const router = new FrrBfd(l, l.peer, {
      asn: ROUTER_ASN,
      neighbor: { address: l.speaker.ipv4, asn: OUR_ASN },
      timers: { intervalMs: 300, detectMultiplier: 3 },
    });
    await router.start();
    const probe = l.start("bfd-probe", l.speaker.ns, NODE, [BFD_PROBE, l.speaker.ipv4, l.peer.ipv4, "300", "3", "veth0"]);
    await waitFor("FRR BFD session Up", async () => ((await router.bfdState()) === "up" ? true : undefined), { timeoutMs: 30_000 });
    await waitFor("probe BFD Up", async () => jsonLines(probe.logFile).find((line) => line.msg === "BFD state changed" && line.to === "Up"), {
      timeoutMs: 10_000,
    });
    const sockets = (await runInNamespace(l.speaker.ns, "ss", ["-Huan"])).stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => line.trim().split(/\s+/)[3] ?? "");
    expect(sockets).to.include(`${l.speaker.ipv4}%veth0:3784`);
    expect(sockets.filter((end) => end.startsWith(l.speaker.ipv4)).every((end) => end.startsWith(`${l.speaker.ipv4}%veth0:`))).to.equal(true);
    expect(sockets.filter((end) => end.startsWith(l.speaker.ipv4))).to.have.length(2);
  });
});
