/**
 * The cluster speaker end to end: a throwaway API server, three node
 * namespaces each running `bgplb speaker`, BIRD (ADD-PATH receive) and FRR
 * (ECMP, no ADD-PATH) as routers. Objects come from `bgplb render` of
 * test/e2e/cluster-speaker-topology.yaml through `kubectl apply`; the
 * assertions read the routers' own RIBs and the API server.
 */
import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { ThrowawayCluster, type KubeObject } from "./harness/cluster";
import { clusterTools, repoDir, requireTools } from "./harness/tools";
import {
  BIRD_ADDRESS,
  CLUSTER_NAMESPACE,
  ClusterLab,
  FLOATING_IPS,
  FRR_ADDRESS,
  IPV6_ADDRESSES,
  NODES,
  refusedCalls,
  speakerLogEntries,
  startClusterLab,
  type SpeakerLogEntry,
} from "./cluster-speaker-lab";
import { runInNamespace } from "../interop/harness/process";
import { loadManifestFiles } from "../../sdk/manifest";
import { parseNodeSpec, planPeering, routerPaths, type Failure, type FailurePlan, type RouterVipPaths } from "../../sdk/routers";
import { runCommand } from "./harness/command";
import { sleep, waitFor } from "../interop/harness/wait";

const NAMESPACE = CLUSTER_NAMESPACE;
const LB_NODES = NODES.map((n) => n.address).sort();
const LB_NODES_V6 = NODES.map((n) => IPV6_ADDRESSES[n.name]).sort();
/** The topology's control-plane VIP and its one control-plane node (BIRD is the control-plane peer, FRR is not). */
const CONTROL_PLANE_VIP = "198.19.0.1/32";
const CONTROL_PLANE_NODE = "198.18.0.11";

function service(name: string, spec: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "default" },
    spec: { type: "LoadBalancer", ports: [{ port: 80 }], selector: { app: name }, ...spec },
  });
}

describe("cluster speaker lab (API server, 3 node namespaces, BIRD and FRR)", function () {
  this.timeout(240_000);
  let lab: ClusterLab | undefined;
  let cluster: ThrowawayCluster | undefined;
  let failed = false;
  /** When the API server was killed and when it answered /readyz again (the outage test), in ms since the epoch. */
  const outage = { from: 0, to: 0 };

  const kubectl = (args: readonly string[], input?: string) => cluster!.kubectlChecked(args, input);
  const getJson = async <T = KubeObject>(args: readonly string[]): Promise<T> => JSON.parse((await kubectl([...args, "-o", "json"])).stdout) as T;
  const serviceIPs = async (name: string): Promise<string[]> =>
    (
      (await getJson<{ status?: { loadBalancer?: { ingress?: { ip: string }[] } } }>(["get", "service", name, "-n", "default"])).status?.loadBalancer
        ?.ingress ?? []
    ).map((i) => i.ip);
  const serviceIP = async (name: string): Promise<string | undefined> => (await serviceIPs(name))[0];
  const birdHops = async (prefix: string): Promise<string[]> =>
    (await lab!.bird.routes())
      .filter((r) => r.prefix === prefix)
      .map((r) => r.nextHop)
      .sort();
  const holderOf = async (fip: string): Promise<string | undefined> =>
    (await getJson<{ spec?: { holderIdentity?: string } }>(["get", "lease", `bgplb-fip-${fip.replace(/\./g, "-")}`, "-n", NAMESPACE])).spec?.holderIdentity ||
    undefined;

  before(async function () {
    if (process.getuid?.() !== 0) {
      console.log("      skipped: the lab needs root (network namespaces)");
      this.skip();
    }
    const tools = requireTools(this, clusterTools);
    ({ lab, cluster } = await startClusterLab(tools.get("kubectl")!));
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") failed = true;
  });

  after(async function () {
    const pause = Number(process.env["BGPLB_KEEP_LAB"] ?? 0);
    if (pause > 0 && lab && cluster) {
      this.timeout(pause * 1000 + 60_000);
      console.log(
        `      lab up for ${pause} s: KUBECONFIG=${cluster.kubeconfig}; namespaces ${lab.ns("n1")} … ${lab.ns("frr")}; BIRD socket ${lab.path("bird.ctl")}; logs in ${lab.dir}`,
      );
      await sleep(pause * 1000);
    }
    if (failed && lab) console.log(`      lab logs kept in ${lab.dir}`);
    await cluster?.stop().catch(() => undefined);
    await lab?.destroy(failed);
  });

  it("cluster speaker: a LoadBalancer Service gets a pool address; BIRD holds one path per LB node per session, FRR an ECMP route; BGPSession/BGPAdvertisedRoute show it; deleting the Service withdraws it everywhere", async () => {
    await kubectl(["apply", "-f", "-"], service("web"));
    const ip = await waitFor("web's LoadBalancer IP", () => serviceIP("web"), { timeoutMs: 20_000 });
    expect(ip).to.match(/^198\.19\.1\.(\d+)$/);
    expect(ip).to.not.equal("198.19.1.1");
    const prefix = `${ip}/32`;
    const hops = await waitFor(
      "one BIRD path per LB node on each of the 2 sessions",
      async () => {
        const h = await birdHops(prefix);
        return h.length === 6 ? h : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect([...new Set(hops)]).to.deep.equal(LB_NODES);
    const ecmp = await waitFor(
      "an FRR ECMP route over two LB nodes",
      async () => {
        const h = await lab!.frr.multipathNextHops("ipv4", prefix);
        return h.length === 2 ? h.sort() : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(new Set(ecmp).size).to.equal(2);
    for (const hop of ecmp) expect(LB_NODES).to.include(hop);

    const sessions = await waitFor(
      "4 BGPSessions Established with the prefix",
      async () => {
        const list = await getJson<{
          items: { metadata: { name: string }; spec: { peerIP: string; floatingIP: string }; status?: { state?: string; advertisedRoutes?: string[] } }[];
        }>(["get", "bgpsessions", "-n", "kube-system"]);
        const ok = list.items.filter((s) => s.status?.state === "Established" && s.status.advertisedRoutes?.includes(prefix));
        return ok.length === 4 ? list.items : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(sessions.map((s) => s.spec.peerIP).sort()).to.deep.equal([FRR_ADDRESS, FRR_ADDRESS, BIRD_ADDRESS, BIRD_ADDRESS]);
    const columns = (await kubectl(["get", "bgpsessions", "-n", "kube-system"])).stdout.split("\n")[0];
    expect(columns.split(/\s{2,}/)).to.deep.equal(["NAME", "LOCAL ASN", "PEER ASN", "LOCAL IP", "PEER IP", "STATE", "LAST REPORT"]);
    const route = await waitFor(
      "BGPAdvertisedRoute default-web",
      async () => getJson<{ spec: { prefix: string; nextHops: string[] } }>(["get", "bgpadvertisedroutes", "default-web", "-n", "kube-system"]),
      { timeoutMs: 10_000 },
    );
    expect(route.spec.prefix).to.equal(prefix);
    expect([...route.spec.nextHops].sort()).to.deep.equal(LB_NODES);

    await kubectl(["delete", "service", "web", "-n", "default"]);
    await waitFor(
      "BIRD and FRR without the route",
      async () => ((await birdHops(prefix)).length === 0 && (await lab!.frr.routes()).every((r) => r.prefix !== prefix) ? true : undefined),
      { timeoutMs: 20_000 },
    );
    await waitFor(
      "BGPAdvertisedRoute default-web gone",
      async () => ((await cluster!.kubectl(["get", "bgpadvertisedroutes", "default-web", "-n", "kube-system"])).code !== 0 ? true : undefined),
      { timeoutMs: 10_000 },
    );
  });

  it("cluster speaker: a dual-stack Service gets an IPv4 and an IPv6 VIP; the IPv6 VIP reaches BIRD (one path per LB node per session) and FRR (ECMP) over the IPv4 sessions with the nodes' IPv6 next hops; deleting it withdraws both", async () => {
    await kubectl(["apply", "-f", "-"], service("dual", { ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4", "IPv6"] }));
    const ips = await waitFor(
      "dual's two LoadBalancer IPs",
      async () => {
        const list = await serviceIPs("dual");
        return list.length === 2 ? list : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(ips[0]).to.match(/^198\.19\.1\.\d+$/);
    expect(ips[1]).to.match(/^2001:db8:19:1::[0-9a-f]*$/);
    const prefix6 = `${ips[1]}/128`;
    const hops = await waitFor(
      "one BIRD IPv6 path per LB node on each of the 2 sessions",
      async () => {
        const h = await birdHops(prefix6);
        return h.length === 6 ? h : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect([...new Set(hops)]).to.deep.equal(LB_NODES_V6);
    const ecmp = await waitFor(
      "an FRR IPv6 ECMP route over two LB nodes",
      async () => {
        const h = await lab!.frr.multipathNextHops("ipv6", prefix6);
        return h.length === 2 ? h.sort() : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(new Set(ecmp).size).to.equal(2);
    for (const hop of ecmp) expect(LB_NODES_V6).to.include(hop);
    expect((await birdHops(`${ips[0]}/32`)).length, "the IPv4 VIP of the same Service").to.equal(6);
    const route = await waitFor(
      "BGPAdvertisedRoute default-dual-ipv6",
      async () => getJson<{ spec: { prefix: string; nextHops: string[] } }>(["get", "bgpadvertisedroutes", "default-dual-ipv6", "-n", "kube-system"]),
      { timeoutMs: 10_000 },
    );
    expect(route.spec.prefix).to.equal(prefix6);
    expect([...route.spec.nextHops].sort()).to.deep.equal(LB_NODES_V6);

    await kubectl(["delete", "service", "dual", "-n", "default"]);
    await waitFor(
      "BIRD and FRR without either VIP",
      async () => {
        const gone = (await birdHops(prefix6)).length === 0 && (await birdHops(`${ips[0]}/32`)).length === 0;
        return gone && (await lab!.frr.routes()).every((r) => r.prefix !== prefix6 && r.prefix !== `${ips[0]}/32`) ? true : undefined;
      },
      { timeoutMs: 20_000 },
    );
  });

  it("cluster speaker: an address another writer puts in a Service's status outside every pool is never announced; the allocator gives the Service a pool address back and the speakers keep serving other Services meanwhile; its BGPAdvertisedRoute, deleted by hand, is written again", async () => {
    await kubectl(["apply", "-f", "-"], service("foreign"));
    const first = await waitFor("foreign's LoadBalancer IP", () => serviceIP("foreign"), { timeoutMs: 20_000 });
    await waitFor("foreign's 6 BIRD paths", async () => ((await birdHops(`${first}/32`)).length === 6 ? true : undefined), { timeoutMs: 20_000 });
    // a person or another controller writes the status (the API server accepts any valid IP there)
    const outside = "203.0.113.7";
    const status = { status: { loadBalancer: { ingress: [{ ip: outside }] } } };
    await kubectl(["patch", "service", "foreign", "-n", "default", "--subresource", "status", "--type", "merge", "-p", JSON.stringify(status)]);
    await kubectl(["apply", "-f", "-"], service("bystander"));
    const announced = new Set<string>();
    const sample = async (): Promise<void> => {
      if ((await birdHops(`${outside}/32`)).length > 0) announced.add("BIRD");
      if ((await lab!.frr.routes()).some((r) => r.prefix === `${outside}/32`)) announced.add("FRR");
    };
    const back = await waitFor(
      "foreign on a pool address again",
      async () => {
        await sample();
        const now = await serviceIP("foreign");
        return now !== undefined && now !== outside ? now : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(back).to.match(/^198\.19\.1\.(\d+)$/);
    const bystander = await waitFor("bystander's LoadBalancer IP", () => serviceIP("bystander"), { timeoutMs: 20_000 });
    for (const ip of [back, bystander])
      await waitFor(
        `${ip}'s 6 BIRD paths`,
        async () => {
          await sample();
          return (await birdHops(`${ip}/32`)).length === 6 ? true : undefined;
        },
        { timeoutMs: 20_000 },
      );
    await sample();
    expect([...announced], `${outside} reached the routers`).to.deep.equal([]);
    // a report someone deletes is written again
    await waitFor(
      "BGPAdvertisedRoute default-foreign",
      async () => ((await cluster!.kubectl(["get", "bgpadvertisedroutes", "default-foreign", "-n", "kube-system"])).code === 0 ? true : undefined),
      {
        timeoutMs: 30_000,
      },
    );
    await kubectl(["delete", "bgpadvertisedroutes", "default-foreign", "-n", "kube-system"]);
    const rewritten = await waitFor(
      "BGPAdvertisedRoute default-foreign written again",
      async () =>
        (await cluster!.kubectl(["get", "bgpadvertisedroutes", "default-foreign", "-n", "kube-system", "-o", "json"])).code === 0
          ? getJson<{ spec: { prefix: string } }>(["get", "bgpadvertisedroutes", "default-foreign", "-n", "kube-system"])
          : undefined,
      { timeoutMs: 30_000 },
    );
    expect(rewritten.spec.prefix).to.equal(`${back}/32`);
    await kubectl(["delete", "service", "foreign", "bystander", "-n", "default"]);
    await waitFor(
      "both withdrawn from BIRD",
      async () => ((await birdHops(`${back}/32`)).length + (await birdHops(`${bystander}/32`)).length === 0 ? true : undefined),
      {
        timeoutMs: 20_000,
      },
    );
  });

  it("cluster speaker: the control-plane VIP is advertised by the control-plane node only, on its own session from the node's address, to the control-plane peer only", async () => {
    const hops = await waitFor(
      `BIRD route for ${CONTROL_PLANE_VIP}`,
      async () => {
        const h = await birdHops(CONTROL_PLANE_VIP);
        return h.length > 0 ? h : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(hops, "one path, from the control-plane node's own session").to.deep.equal([CONTROL_PLANE_NODE]);
    expect((await lab!.bird.session(CONTROL_PLANE_NODE)).established, "BIRD's session with the control-plane node").to.equal(true);
    expect(
      (await lab!.frr.routes()).map((r) => r.prefix),
      "FRR is no control-plane peer",
    ).to.not.include(CONTROL_PLANE_VIP);
  });

  it("bgplb plan --fail node=… on the lab topology predicts what the routers hold after that node fails (its speaker killed, its Node NotReady): BIRD (ADD-PATH) the planned paths and next hops of the IPv4 and IPv6 VIPs exactly, FRR (no ADD-PATH) planned next hops only, no VIP lost, every floating-IP session back", async () => {
    await kubectl(["apply", "-f", "-"], service("plan", { ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4", "IPv6"] }));
    const ips = await waitFor(
      "plan's two LoadBalancer IPs",
      async () => {
        const list = await serviceIPs("plan");
        return list.length === 2 ? list : undefined;
      },
      { timeoutMs: 20_000 },
    );
    const prefixes = { pool1: `${ips[0]}/32`, "pool1 IPv6": `${ips[1]}/128` } as const;
    const real = async (router: string, vip: keyof typeof prefixes): Promise<string[]> =>
      router === BIRD_ADDRESS ? birdHops(prefixes[vip]) : (await lab!.frr.multipathNextHops(vip === "pool1" ? "ipv4" : "ipv6", prefixes[vip])).sort();
    // what the routers hold, as bgplb plan counts it: BIRD (ADD-PATH) one path per received next hop, FRR one per ECMP member
    const held = async (router: string, vip: keyof typeof prefixes): Promise<{ paths: number; nextHops: string[] }> => {
      const hops = await real(router, vip);
      return { paths: hops.length, nextHops: [...new Set(hops)].sort() };
    };
    const holders = await Promise.all(FLOATING_IPS.map((fip) => waitFor(`holder of ${fip}`, () => holderOf(fip), { timeoutMs: 10_000 })));
    const victim = NODES.find((n) => n.address !== CONTROL_PLANE_NODE && holders.includes(n.name))!.name;
    const nodeFlags = NODES.flatMap((n) => ["--node", `${n.name}=${n.address},${IPV6_ADDRESSES[n.name]}`]);
    const topologyFile = path.join(repoDir, "test/e2e/cluster-speaker-topology.yaml");
    const planned = await runCommand(process.execPath, [
      path.join(repoDir, "dist/sdk/cli/main.js"),
      "plan",
      "--fail",
      `node=${victim}`,
      "--output",
      "json",
      ...nodeFlags,
      topologyFile,
    ]);
    expect(planned.code, planned.stderr).to.equal(0);
    const report = JSON.parse(planned.stdout) as FailurePlan;
    expect(report.lostVips).to.deep.equal([]);
    expect(report.droppedSessions, "no floating-IP session is lost for good: each moves to a live node").to.deep.equal([]);
    expect(report.vips.map((v) => v.vip).sort()).to.deep.equal(["pool1", "pool1 IPv6"]);
    // the same prediction, for every router (the JSON lists only the routers whose paths change)
    const { topology } = loadManifestFiles([topologyFile]);
    const nodes = NODES.map((n) => parseNodeSpec(`${n.name}=${n.address},${IPV6_ADDRESSES[n.name]}`));
    const predicted = (failures: readonly Failure[]) => routerPaths(planPeering(topology, { nodes, failures }));
    const expected = (paths: readonly RouterVipPaths[], router: string, vip: string) => {
      const found = paths.find((p) => p.router === router && p.vip === vip)!;
      return { paths: found.paths, nextHops: [...found.nextHops].sort() };
    };
    const before = predicted([]);
    const after = predicted([{ kind: "node", node: victim }]);
    for (const vip of Object.keys(prefixes) as (keyof typeof prefixes)[]) {
      for (const change of report.vips.find((v) => v.vip === vip)!.routers) {
        expect({ paths: change.after.paths, nextHops: [...change.after.nextHops].sort() }, `${vip} at ${change.router} in the JSON`).to.deep.equal(
          expected(after, change.router, vip),
        );
      }
    }
    for (const vip of Object.keys(prefixes) as (keyof typeof prefixes)[]) {
      const bird = expected(before, BIRD_ADDRESS, vip);
      expect(
        await waitFor(
          `BIRD: ${bird.paths} paths for ${prefixes[vip]}`,
          async () => {
            const now = await held(BIRD_ADDRESS, vip);
            return now.paths === bird.paths ? now : undefined;
          },
          { timeoutMs: 20_000 },
        ),
      ).to.deep.equal(bird);
      // the lab's FRR is configured without ADD-PATH receive (router-config would enable it): one path per session, so it
      // holds some of the planned next hops, which ones depending on the VIP's rank among all VIPs and on history
      const frr = expected(before, FRR_ADDRESS, vip);
      const frrNow = await waitFor(
        `FRR: a route for ${prefixes[vip]}`,
        async () => {
          const now = await held(FRR_ADDRESS, vip);
          return now.nextHops.length > 0 ? now : undefined;
        },
        { timeoutMs: 20_000 },
      );
      expect(frr.nextHops, `FRR's next hops for ${prefixes[vip]} among the planned ones`).to.include.members(frrNow.nextHops);
    }

    // the failure: the node dies (its speaker and the floating IPs on its interface go) and the API server marks it NotReady
    const ready = (status: "True" | "False") =>
      JSON.stringify({
        status: {
          conditions: [
            {
              type: "Ready",
              status,
              reason: "lab",
              message: "bgplb plan test",
              lastHeartbeatTime: new Date().toISOString(),
              lastTransitionTime: new Date().toISOString(),
            },
          ],
        },
      });
    lab!.speakers.get(victim)!.signal("SIGKILL");
    const onLink = (await runInNamespace(lab!.ns(victim), "ip", ["-o", "-4", "addr", "show", "dev", "eth0"])).stdout;
    for (const fip of FLOATING_IPS.filter((f) => onLink.includes(` ${f}/32 `)))
      await runInNamespace(lab!.ns(victim), "ip", ["addr", "del", `${fip}/32`, "dev", "eth0"]);
    await kubectl(["patch", "node", victim, "--subresource", "status", "--type", "merge", "-p", ready("False")]);
    try {
      for (const vip of Object.keys(prefixes) as (keyof typeof prefixes)[]) {
        // BIRD (ADD-PATH receive, as router-config writes it): the planned paths and next hops exactly
        const bird = expected(after, BIRD_ADDRESS, vip);
        const birdAfter = await waitFor(
          `BIRD: ${bird.paths} paths for ${prefixes[vip]} after ${victim} fails`,
          async () => {
            const now = await held(BIRD_ADDRESS, vip);
            return now.paths === bird.paths && now.nextHops.every((hop) => bird.nextHops.includes(hop)) ? now : undefined;
          },
          { timeoutMs: 30_000 },
        ).catch(async () => held(BIRD_ADDRESS, vip));
        expect(birdAfter, `${prefixes[vip]} at BIRD after node=${victim}`).to.deep.equal(bird);
        // FRR without ADD-PATH receive (not as router-config writes it) gets one next hop per session, and a session keeps
        // the next hop it sent while that node is usable: only the failed node is replaced, so FRR holds some of the
        // planned next hops, never the failed node's
        const frr = expected(after, FRR_ADDRESS, vip);
        const frrAfter = await waitFor(
          `FRR: next hops for ${prefixes[vip]} among ${frr.nextHops.join(" ")} after ${victim} fails`,
          async () => {
            const now = await held(FRR_ADDRESS, vip);
            return now.nextHops.length > 0 && now.nextHops.every((hop) => frr.nextHops.includes(hop)) ? now : undefined;
          },
          { timeoutMs: 30_000 },
        ).catch(async () => held(FRR_ADDRESS, vip));
        expect(frr.nextHops, `FRR's next hops for ${prefixes[vip]} after node=${victim}`).to.include.members(frrAfter.nextHops);
        expect(frrAfter.nextHops.length, "FRR keeps a path").to.be.greaterThan(0);
      }
      for (const fip of FLOATING_IPS) {
        const holder = await waitFor(
          `${fip} held by a live node`,
          async () => {
            const now = await holderOf(fip);
            return now !== undefined && now !== victim ? now : undefined;
          },
          { timeoutMs: 20_000 },
        );
        expect(holder).to.not.equal(victim);
        await waitFor(
          `BIRD and FRR sessions with ${fip} Established`,
          async () => ((await lab!.bird.session(fip)).established && (await lab!.frr.session(fip)).established ? true : undefined),
          { timeoutMs: 30_000 },
        );
      }
      expect(await birdHops(CONTROL_PLANE_VIP), "the control-plane VIP, unchanged as planned").to.deep.equal([CONTROL_PLANE_NODE]);
    } finally {
      await kubectl(["patch", "node", victim, "--subresource", "status", "--type", "merge", "-p", ready("True")]);
      lab!.startSpeaker(victim);
    }
    await waitFor(
      "BIRD's paths back to the plan before the failure",
      async () => ((await held(BIRD_ADDRESS, "pool1")).paths === expected(before, BIRD_ADDRESS, "pool1").paths ? true : undefined),
      { timeoutMs: 30_000 },
    );
    await kubectl(["delete", "service", "plan", "-n", "default"]);
  });

  it("cluster speaker: floating IP moves on node loss (SIGKILL of its holder's speaker), a new session comes up, and BIRD never loses every path of the VIP (sampled every 50 ms)", async () => {
    await kubectl(["apply", "-f", "-"], service("failover"));
    const ip = await waitFor("failover's IP", () => serviceIP("failover"), { timeoutMs: 20_000 });
    const prefix = `${ip}/32`;
    await waitFor("6 BIRD paths", async () => ((await birdHops(prefix)).length === 6 ? true : undefined), { timeoutMs: 20_000 });
    const fip = FLOATING_IPS[0];
    const holder = await waitFor(`holder of ${fip}`, () => holderOf(fip), { timeoutMs: 10_000 });
    const other = await holderOf(FLOATING_IPS[1]);
    expect(other, "the two floating IPs sit on different nodes").to.not.equal(holder);

    let minPaths = Number.POSITIVE_INFINITY;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        minPaths = Math.min(minPaths, (await birdHops(prefix)).length);
        await sleep(50);
      }
    })();
    lab!.speakers.get(holder)!.signal("SIGKILL");
    // the node is gone: its address goes with it (a restarted speaker would remove it too)
    await runInNamespace(lab!.ns(holder), "ip", ["addr", "del", `${fip}/32`, "dev", "eth0"]).catch(() => undefined);
    const moved = await waitFor(
      `${fip} held by another node`,
      async () => {
        const now = await holderOf(fip);
        return now !== undefined && now !== holder ? now : undefined;
      },
      { timeoutMs: 20_000 },
    );
    await waitFor(
      `${fip} on ${moved}'s interface`,
      async () => ((await runInNamespace(lab!.ns(moved), "ip", ["-o", "addr", "show", "dev", "eth0"])).stdout.includes(`${fip}/32`) ? true : undefined),
      { timeoutMs: 10_000 },
    );
    // the new holder reports Established only once BIRD took its connection (not the dead node's stale session)
    await waitFor(
      `${moved}'s session from ${fip} to BIRD Established`,
      async () => {
        const list = await getJson<{ items: { spec: { floatingIP: string; nodeName: string; peerIP: string }; status?: { state?: string } }[] }>([
          "get",
          "bgpsessions",
          "-n",
          "kube-system",
        ]);
        return list.items.some(
          (s) => s.spec.floatingIP === fip && s.spec.nodeName === moved && s.spec.peerIP === BIRD_ADDRESS && s.status?.state === "Established",
        )
          ? true
          : undefined;
      },
      { timeoutMs: 20_000 },
    );
    await waitFor(`BIRD session with ${fip} again`, async () => ((await lab!.bird.session(fip)).established ? true : undefined), { timeoutMs: 20_000 });
    await waitFor("6 BIRD paths again", async () => ((await birdHops(prefix)).length === 6 ? true : undefined), { timeoutMs: 20_000 });
    sampling = false;
    await sampler;
    expect(minPaths, "fewest BIRD paths for the VIP seen during the failover").to.be.at.least(1);
    lab!.startSpeaker(holder);
  });

  it("cluster speaker: with the API server stopped for 30 s Service sessions and routes stay while the control-plane VIP is withdrawn (its /readyz fails); on return the VIP comes back and a new Service is picked up", async () => {
    const ip = await waitFor("failover's IP", () => serviceIP("failover"), { timeoutMs: 10_000 });
    const prefix = `${ip}/32`;
    // the previous test restarts a speaker, maybe the control-plane node's: its sessions must be back first
    await waitFor(
      "both BIRD sessions, 6 paths and the control-plane VIP before the outage",
      async () => {
        const up = await Promise.all(FLOATING_IPS.map(async (fip) => (await lab!.bird.session(fip)).established));
        return up.every(Boolean) && (await birdHops(prefix)).length === 6 && (await birdHops(CONTROL_PLANE_VIP)).join() === CONTROL_PLANE_NODE
          ? true
          : undefined;
      },
      { timeoutMs: 30_000 },
    );
    const pidFile = path.join(cluster!.dir, "kube-apiserver.pid");
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    outage.from = Date.now();
    process.kill(pid, "SIGKILL");
    await waitFor(
      "kube-apiserver gone",
      async () => {
        try {
          return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8")) ? true : undefined;
        } catch {
          return true;
        }
      },
      { timeoutMs: 20_000 },
    );
    try {
      const deadline = Date.now() + 30_000;
      await waitFor(`${CONTROL_PLANE_VIP} withdrawn from BIRD`, async () => ((await birdHops(CONTROL_PLANE_VIP)).length === 0 ? true : undefined), {
        timeoutMs: 20_000,
      });
      expect((await lab!.bird.session(CONTROL_PLANE_NODE)).established, "the control-plane session stays up without the VIP").to.equal(true);
      while (Date.now() < deadline) {
        for (const fip of FLOATING_IPS)
          expect((await lab!.bird.session(fip)).established, `BIRD session with ${fip} while the API server is away`).to.equal(true);
        expect((await birdHops(prefix)).length, "BIRD paths while the API server is away").to.equal(6);
        await sleep(1_000);
      }
    } finally {
      // detached: its own session, and the pid is kube-apiserver's own, so down.sh stops it
      const restarted = spawn(commandLine[0], commandLine.slice(1), { stdio: ["ignore", "ignore", "ignore"], detached: true });
      restarted.unref();
      writeFileSync(pidFile, `${restarted.pid}\n`);
    }
    await waitFor("kube-apiserver back", async () => ((await cluster!.kubectl(["get", "--raw", "/readyz"])).stdout === "ok" ? true : undefined), {
      timeoutMs: 60_000,
    });
    outage.to = Date.now();
    await waitFor(`${CONTROL_PLANE_VIP} advertised again`, async () => ((await birdHops(CONTROL_PLANE_VIP)).join() === CONTROL_PLANE_NODE ? true : undefined), {
      timeoutMs: 20_000,
    });
    await kubectl(["apply", "-f", "-"], service("after"));
    const afterIP = await waitFor("after's IP", () => serviceIP("after"), { timeoutMs: 30_000 });
    await waitFor("after's route in BIRD", async () => ((await birdHops(`${afterIP}/32`)).length === 6 ? true : undefined), { timeoutMs: 20_000 });
  });

  it("cluster speaker: a bad BGPPeer edit (sessions above the floating IPs) is rejected with an Event naming rule, field and value; the sessions stay up throughout", async () => {
    // BIRD's protocol line: `n0  BGP  ---  up  10:00:02.786  Established`; the time is when the session last came up
    const upSince = async (fip: string): Promise<string | undefined> =>
      /^\S+\s+BGP\s+\S+\s+up\s+(\S+)\s+Established/m.exec((await lab!.bird.session(fip)).detail)?.[1];
    const before = await Promise.all(FLOATING_IPS.map(upSince));
    expect(before.every(Boolean), `BIRD sessions up before the edit: ${before.join(", ")}`).to.equal(true);
    await kubectl(["patch", "bgppeers.networking.gke.io", "bird", "-n", NAMESPACE, "--type", "merge", "-p", JSON.stringify({ spec: { sessions: 5 } })]);
    const event = await waitFor(
      "an InvalidConfiguration Event on BGPPeer bird",
      async () => {
        const list = await getJson<{ items: { reason: string; message: string; involvedObject: { kind: string; name: string } }[] }>([
          "get",
          "events",
          "-n",
          NAMESPACE,
        ]);
        return list.items.find((e) => e.reason === "InvalidConfiguration" && e.involvedObject.kind === "BGPPeer" && e.involvedObject.name === "bird");
      },
      { timeoutMs: 20_000 },
    );
    expect(event.message).to.match(/^BGPLB\d{3} spec\.sessions: sessions is 5 but there are 2 floating IPs/);
    await sleep(3_000);
    expect(await Promise.all(FLOATING_IPS.map(upSince)), "BIRD sessions up since before the edit").to.deep.equal(before);
    await kubectl(["patch", "bgppeers.networking.gke.io", "bird", "-n", NAMESPACE, "--type", "merge", "-p", JSON.stringify({ spec: { sessions: 2 } })]);
    await sleep(3_000);
    expect(await Promise.all(FLOATING_IPS.map(upSince)), "BIRD sessions up since before the edit, after it is undone").to.deep.equal(before);
  });

  it("cluster speaker: every speaker ran as the ServiceAccount bgplb render --speaker made, and the API server refused none of its calls (no 403 in any speaker log, but while the killed API server was starting again)", function () {
    // a kube-apiserver that is starting refuses requests until its RBAC caches are filled (it then answers /readyz)
    const restarting = (entry: SpeakerLogEntry) =>
      outage.from > 0 && Date.parse(String(entry.time)) >= outage.from && Date.parse(String(entry.time)) <= outage.to + 5_000;
    expect(readFileSync(lab!.speakerKubeconfig, "utf8"), "the speakers' kubeconfig holds only the ServiceAccount token")
      .to.match(/"token":"[^"]+"/)
      .and.not.match(/client-certificate/);
    for (const node of NODES) {
      const log = lab!.path(`speaker-${node.name}.log`);
      expect(
        speakerLogEntries(log).some((entry) => entry.msg === "cluster speaker started"),
        log,
      ).to.equal(true);
      expect(
        refusedCalls(log).filter((entry) => !restarting(entry)),
        log,
      ).to.deep.equal([]);
    }
  });
});
