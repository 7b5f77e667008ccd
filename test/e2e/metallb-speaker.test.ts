/**
 * `bgplb speaker --mode metallb` end to end: a throwaway API server with
 * MetalLB's CRDs, three node namespaces each running the speaker, BIRD as an
 * iBGP router and FRR as an eBGP router with TCP MD5, each speaker
 * authenticated as the ServiceAccount `bgplb render --speaker --mode metallb`
 * made. The assertions read the routers' own RIBs, the API server and the
 * speakers' logs.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { IPV6_ADDRESSES, refusedCalls, speakerLogEntries } from "./cluster-speaker-lab";
import type { ThrowawayCluster } from "./harness/cluster";
import { clusterTools, requireTools, toolPaths } from "./harness/tools";
import { metallbFiles } from "./metallb/oracle";
import {
  MD5_PASSWORD,
  METALLB_LAB_ADDRESSES,
  MY_ASN,
  MetallbLab,
  NATIVE_SPEAKER_SERVICE_ACCOUNT,
  nativeSpeakerPod,
  startMetallbLab,
} from "./metallb-speaker-lab";

const NODES = METALLB_LAB_ADDRESSES.nodes;
/** The IPv6 pool (MP-BGP over the IPv4 sessions to FRR). */
const V6_POOL = "2001:db8:19::/124";
import { sleep, waitFor } from "../interop/harness/wait";
import { setBfdBlocked } from "../interop/harness/bfd";
import type { RouteWithLocalPref } from "../interop/harness/peer";

const address = (node: string): string => NODES.find((n) => n.name === node)!.address;

/** Routes as compared between speakers: every attribute the routers show, in a stable order. */
function normalized(routes: readonly RouteWithLocalPref[]): string[] {
  return routes
    .map((r) =>
      JSON.stringify({
        prefix: r.prefix,
        nextHop: r.nextHop,
        origin: r.origin,
        asPath: r.asPath,
        communities: [...r.communities].sort(),
        largeCommunities: [...r.largeCommunities].sort(),
        localPref: r.localPref ?? null,
      }),
    )
    .sort();
}

function service(
  name: string,
  extra: {
    policy?: "Local";
    annotations?: Record<string, string>;
    namespace?: string;
    /** `metallb.io/allow-shared-ip`. */
    share?: string;
    ports?: { port: number; protocol?: string }[];
    families?: ("IPv4" | "IPv6")[];
  } = {},
): string {
  const annotations = { ...extra.annotations, ...(extra.share === undefined ? {} : { "metallb.io/allow-shared-ip": extra.share }) };
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: extra.namespace ?? "default", ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    spec: {
      type: "LoadBalancer",
      ports: extra.ports ?? [{ port: 80 }],
      selector: { app: name },
      ...(extra.policy ? { externalTrafficPolicy: extra.policy } : {}),
      ...(extra.families ? { ipFamilies: extra.families, ipFamilyPolicy: "SingleStack" } : {}),
    },
  });
}

/** An EndpointSlice of `name` with one ready endpoint on each of `nodes`. */
function endpointSlice(name: string, nodes: readonly string[]): string {
  return JSON.stringify({
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: `${name}-lab`, namespace: "default", labels: { "kubernetes.io/service-name": name } },
    addressType: "IPv4",
    ports: [{ port: 80, protocol: "TCP" }],
    endpoints: nodes.map((node, i) => ({ addresses: [`10.244.${i + 1}.10`], nodeName: node, conditions: { ready: true } })),
  });
}

describe("MetalLB-mode speaker lab (API server, MetalLB CRDs, 3 nodes, BIRD iBGP and FRR eBGP with MD5)", function () {
  this.timeout(240_000);
  let lab: MetallbLab | undefined;
  let cluster: ThrowawayCluster | undefined;
  let failed = false;

  const kubectl = (args: readonly string[], input?: string) => cluster!.kubectlChecked(args, input);
  const serviceIP = async (name: string): Promise<string | undefined> =>
    (
      JSON.parse((await kubectl(["get", "service", name, "-n", "default", "-o", "json"])).stdout) as {
        status?: { loadBalancer?: { ingress?: { ip: string }[] } };
      }
    ).status?.loadBalancer?.ingress?.[0]?.ip;
  const birdPaths = async (prefix: string): Promise<RouteWithLocalPref[]> =>
    (await lab!.bird.routesWithLocalPref()).filter((r) => r.prefix === prefix).sort((a, b) => (a.nextHop < b.nextHop ? -1 : 1));
  const frrPaths = async (prefix: string): Promise<RouteWithLocalPref[]> =>
    (await lab!.frr.routesWithLocalPref()).filter((r) => r.prefix === prefix).sort((a, b) => (a.nextHop < b.nextHop ? -1 : 1));
  const hops = (paths: readonly RouteWithLocalPref[]): string[] => paths.map((p) => p.nextHop);

  before(async function () {
    if (process.getuid?.() !== 0) {
      console.log("      skipped: the lab needs root (network namespaces)");
      this.skip();
    }
    const tools = requireTools(this, clusterTools);
    const metallb = metallbFiles(toolPaths());
    if (!metallb.files) {
      if (process.env["CI"] === "true") throw new Error(metallb.missing.join("\n"));
      console.log(`      skipped: ${metallb.missing.join("; ")}`);
      this.skip();
    }
    ({ lab, cluster } = await startMetallbLab(tools.get("kubectl")!, metallb.files.crds));
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") failed = true;
  });

  after(async function () {
    if (failed && lab) console.log(`      lab logs kept in ${lab.dir}`);
    await cluster?.stop().catch(() => undefined);
    await lab?.destroy(failed);
  });

  it("nodeSelectors: the iBGP BGPPeer selects n1 and n2 only; n3 has no session with BIRD; MD5 (passwordSecret) sessions with FRR from every node", async () => {
    for (const node of ["n1", "n2"]) expect((await lab!.bird.session(address(node))).established, `BIRD with ${node}`).to.equal(true);
    for (const node of NODES) expect((await lab!.frr.session(node.address)).established, `FRR with ${node.name} (TCP MD5)`).to.equal(true);
    await sleep(3_000);
    const n3 = await lab!.bird.session(address("n3"));
    expect(n3.established, "BIRD with n3").to.equal(false);
    expect(lab!.speakers.get("n3")!.running).to.equal(true);
  });

  it("a Service gets an address from the IPAddressPool; iBGP (BIRD): empty AS_PATH, LOCAL_PREF 250, communities and large communities from every selected node; eBGP (FRR): AS_PATH = our AS from every node", async () => {
    await kubectl(["apply", "-f", "-"], service("web"));
    await kubectl(["apply", "-f", "-"], endpointSlice("web", ["n2"]));
    const ip = await waitFor("web's LoadBalancer IP", () => serviceIP("web"), { timeoutMs: 20_000 });
    expect(ip).to.equal("198.19.1.0");
    const prefix = `${ip}/32`;
    const bird = await waitFor(
      "BIRD paths from n1 and n2",
      async () => {
        const paths = await birdPaths(prefix);
        return paths.length === 2 ? paths : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(hops(bird)).to.deep.equal([address("n1"), address("n2")]);
    for (const path of bird) {
      expect(path.asPath, "iBGP AS_PATH").to.deep.equal([]);
      expect(path.localPref, "LOCAL_PREF on iBGP").to.equal(250);
      expect([...path.communities].sort(), "communities (64512:7 is the Community alias edge)").to.deep.equal(["64512:100", "64512:7"]);
      expect(path.largeCommunities).to.deep.equal(["4200000000:1:2"]);
    }
    const frr = await waitFor(
      "FRR paths from n1, n2 and n3",
      async () => {
        const paths = await frrPaths(prefix);
        return paths.length === 3 ? paths : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(hops(frr)).to.deep.equal(NODES.map((n) => n.address));
    for (const path of frr) {
      expect(path.asPath, "eBGP AS_PATH").to.deep.equal([MY_ASN]);
      expect([...path.communities].sort()).to.deep.equal(["64512:100", "64512:7"]);
      expect(path.largeCommunities).to.deep.equal(["4200000000:1:2"]);
    }
  });

  it("aggregation: a Service of the aggregated pool (address-pool annotation) reaches FRR as the /28 from rack a (n1) only, and BIRD not at all (peers)", async () => {
    await kubectl(["apply", "-f", "-"], service("agg", { annotations: { "metallb.io/address-pool": "aggregated" } }));
    await kubectl(["apply", "-f", "-"], endpointSlice("agg", ["n3"]));
    const ip = await waitFor("agg's LoadBalancer IP", () => serviceIP("agg"), { timeoutMs: 20_000 });
    expect(ip).to.match(/^198\.19\.2\.\d+$/);
    const frr = await waitFor(
      "FRR holding 198.19.2.0/28",
      async () => {
        const paths = await frrPaths("198.19.2.0/28");
        return paths.length > 0 ? paths : undefined;
      },
      { timeoutMs: 20_000 },
    );
    await sleep(2_000);
    expect(hops(await frrPaths("198.19.2.0/28"))).to.deep.equal([address("n1")]);
    expect(frr[0].asPath).to.deep.equal([MY_ASN]);
    expect(await frrPaths(`${ip}/32`)).to.deep.equal([]);
    expect((await lab!.bird.routes()).filter((r) => r.prefix.startsWith("198.19.2."))).to.deep.equal([]);
  });

  it("externalTrafficPolicy Local: only the node with a ready endpoint advertises, and the route follows the EndpointSlice", async () => {
    await kubectl(["apply", "-f", "-"], service("local", { policy: "Local" }));
    await kubectl(["apply", "-f", "-"], endpointSlice("local", ["n1"]));
    const ip = await waitFor("local's LoadBalancer IP", () => serviceIP("local"), { timeoutMs: 20_000 });
    const prefix = `${ip}/32`;
    await waitFor("FRR path from n1 only", async () => (JSON.stringify(hops(await frrPaths(prefix))) === JSON.stringify([address("n1")]) ? true : undefined), {
      timeoutMs: 20_000,
    });
    expect(hops(await birdPaths(prefix))).to.deep.equal([address("n1")]);
    await kubectl(["apply", "-f", "-"], endpointSlice("local", ["n3"]));
    await waitFor("FRR path from n3 only", async () => (JSON.stringify(hops(await frrPaths(prefix))) === JSON.stringify([address("n3")]) ? true : undefined), {
      timeoutMs: 20_000,
    });
    await waitFor("BIRD without the route (n3 has no BIRD session)", async () => ((await birdPaths(prefix)).length === 0 ? true : undefined), {
      timeoutMs: 20_000,
    });
  });

  it("TCP MD5: a wrong password in the passwordSecret takes the FRR sessions down and keeps them down; the right one brings them back", async () => {
    const secret = (password: string) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "frr-md5", namespace: "metallb-system" },
        type: "kubernetes.io/basic-auth",
        stringData: { password },
      });
    await kubectl(["apply", "-f", "-"], secret("not-the-password"));
    await waitFor(
      "every FRR session down",
      async () => ((await Promise.all(NODES.map((n) => lab!.frr.session(n.address)))).every((s) => !s.established) ? true : undefined),
      { timeoutMs: 30_000 },
    );
    await sleep(5_000);
    for (const node of NODES) expect((await lab!.frr.session(node.address)).established, `FRR with ${node.name} under a wrong MD5 password`).to.equal(false);
    await kubectl(["apply", "-f", "-"], secret(MD5_PASSWORD));
    await waitFor(
      "every FRR session Established again",
      async () => ((await Promise.all(NODES.map((n) => lab!.frr.session(n.address)))).every((s) => s.established) ? true : undefined),
      { timeoutMs: 30_000 },
    );
  });

  it("graceful restart: FRR, whose BGPPeer has enableGracefulRestart, keeps n2's routes through a SIGKILL of n2's speaker and its restart; BIRD, whose BGPPeer has not (and runs BFD), drops them", async () => {
    const ip = await waitFor("web's IP", () => serviceIP("web"), { timeoutMs: 10_000 });
    const prefix = `${ip}/32`;
    await waitFor(
      "web from n2 in FRR and BIRD",
      async () => (hops(await frrPaths(prefix)).includes(address("n2")) && hops(await birdPaths(prefix)).includes(address("n2")) ? true : undefined),
      { timeoutMs: 30_000 },
    );
    lab!.speakers.get("n2")!.signal("SIGKILL");
    await waitFor(
      "FRR and BIRD sessions with n2 down",
      async () => (!(await lab!.frr.session(address("n2"))).established && !(await lab!.bird.session(address("n2"))).established ? true : undefined),
      { timeoutMs: 20_000 },
    );
    await waitFor("BIRD without n2's path (BFD down)", async () => (!hops(await birdPaths(prefix)).includes(address("n2")) ? true : undefined), {
      timeoutMs: 10_000,
    });
    await sleep(2_000);
    expect(hops(await frrPaths(prefix)), "FRR paths while n2's speaker is dead").to.include(address("n2"));
    lab!.startMetallbSpeaker("n2", lab!.speakerKubeconfig);
    await waitFor(
      "FRR and BIRD sessions with n2 Established again",
      async () => ((await lab!.frr.session(address("n2"))).established && (await lab!.bird.session(address("n2"))).established ? true : undefined),
      { timeoutMs: 60_000 },
    );
    await sleep(2_000);
    expect(hops(await frrPaths(prefix))).to.deep.equal(NODES.map((n) => n.address));
    expect(hops(await birdPaths(prefix))).to.deep.equal([address("n1"), address("n2")]);
  });

  it("BFD (bfdProfile 300 ms x 3): with BFD packets to n1 dropped, n1 finds BIRD's BFD session down and takes its BGP session down at once (BIRD drops n1's path); letting them through brings both back", async () => {
    const ip = await waitFor("web's IP", () => serviceIP("web"), { timeoutMs: 10_000 });
    const prefix = `${ip}/32`;
    await waitFor("web from n1 in BIRD", async () => (hops(await birdPaths(prefix)).includes(address("n1")) ? true : undefined), { timeoutMs: 30_000 });
    const n1 = { ns: lab!.ns("n1"), ipv4: address("n1"), ipv6: "" };
    const blocked = Date.now();
    await setBfdBlocked(n1, true);
    try {
      await waitFor("BIRD without n1's path", async () => (!hops(await birdPaths(prefix)).includes(address("n1")) ? true : undefined), {
        timeoutMs: 10_000,
        intervalMs: 50,
      });
      const goneMs = Date.now() - blocked;
      console.log(`      BFD: n1's path left BIRD ${goneMs} ms after its BFD packets were dropped (detection time 900 ms)`);
      expect(goneMs, "path gone within 3 s (BGP hold time is 9 s)").to.be.below(3_000);
      expect(hops(await birdPaths(prefix))).to.deep.equal([address("n2")]);
    } finally {
      await setBfdBlocked(n1, false);
    }
    await waitFor("BIRD path from n1 again", async () => (hops(await birdPaths(prefix)).includes(address("n1")) ? true : undefined), { timeoutMs: 30_000 });
  });

  it("side by side with MetalLB's own speaker v0.15.2 (native mode): the routers hold the same prefixes, next hops, AS_PATH, communities and LOCAL_PREF", async function () {
    const binary = requireTools(this, ["metallb-speaker"]).get("metallb-speaker")!;
    // MetalLB's native mode refuses large communities, BFD and enableGracefulRestart: the comparison runs without them
    // (enableGracefulRestart cannot change after creation: frr-ebgp is replaced by a copy without it)
    const frrPeer = (await cluster!.getJson("bgppeers.metallb.io", "frr-ebgp", "metallb-system")) as {
      metadata: Record<string, unknown>;
      spec: Record<string, unknown>;
    };
    delete frrPeer.spec.enableGracefulRestart;
    for (const server of ["resourceVersion", "uid", "creationTimestamp", "generation", "managedFields"]) delete frrPeer.metadata[server];
    await kubectl(["replace", "--force", "-f", "-"], JSON.stringify(frrPeer));
    await kubectl([
      "patch",
      "bgpadvertisements.metallb.io",
      "public",
      "-n",
      "metallb-system",
      "--type",
      "merge",
      "-p",
      JSON.stringify({ spec: { communities: ["64512:100", "edge"] } }),
    ]);
    await kubectl([
      "patch",
      "bgppeers.metallb.io",
      "bird-ibgp",
      "-n",
      "metallb-system",
      "--type",
      "json",
      "-p",
      JSON.stringify([{ op: "remove", path: "/spec/bfdProfile" }]),
    ]);
    await kubectl(["delete", "bfdprofiles.metallb.io", "fast", "-n", "metallb-system"]);
    await kubectl(["apply", "-f", "-"], service("side"));
    await kubectl(["apply", "-f", "-"], endpointSlice("side", ["n1"]));
    const ip = await waitFor("side's LoadBalancer IP", () => serviceIP("side"), { timeoutMs: 20_000 });
    const converged = async (what: string): Promise<string> => {
      let last = "";
      let stableSince = Date.now();
      return waitFor(
        `${what}: routers hold side's route from every node and stay unchanged for 3 s`,
        async () => {
          const bird = await lab!.bird.routesWithLocalPref();
          const frr = await lab!.frr.routesWithLocalPref();
          const text = JSON.stringify({ bird: normalized(bird), frr: normalized(frr) }, null, 1);
          if (text !== last) {
            last = text;
            stableSince = Date.now();
          }
          const complete =
            bird.filter((r) => r.prefix === `${ip}/32`).length === 2 &&
            frr.filter((r) => r.prefix === `${ip}/32`).length === 3 &&
            bird.every((r) => r.communities.length === 2);
          return complete && Date.now() - stableSince >= 3_000 ? text : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    };
    const ours = await converged("bgplb");
    for (const node of NODES) await lab!.speakers.get(node.name)!.stop();
    await waitFor(
      "routers empty once our speakers stopped",
      async () => ((await lab!.bird.routes()).length === 0 && (await lab!.frr.routes()).length === 0 ? true : undefined),
      { timeoutMs: 30_000 },
    );
    await kubectl(
      ["apply", "-f", "-"],
      JSON.stringify({ apiVersion: "v1", kind: "List", items: [NATIVE_SPEAKER_SERVICE_ACCOUNT, ...NODES.map((n) => nativeSpeakerPod(n.name))] }),
    );
    for (const node of NODES) lab!.startNativeMetallbSpeaker(node.name, cluster!.kubeconfig, binary);
    const theirs = await converged("MetalLB");
    expect(JSON.parse(theirs)).to.deep.equal(JSON.parse(ours));
    for (const node of NODES) await lab!.speakers.get(node.name)!.stop();
    for (const node of NODES) lab!.startMetallbSpeaker(node.name, lab!.speakerKubeconfig);
    await waitFor(
      "our speakers back: FRR sessions Established",
      async () => ((await Promise.all(NODES.map((n) => lab!.frr.session(n.address)))).every((s) => s.established) ? true : undefined),
      { timeoutMs: 60_000 },
    );
  });

  it("deleting a Service withdraws it from both routers", async () => {
    const ip = await waitFor("web's IP", () => serviceIP("web"), { timeoutMs: 10_000 });
    await kubectl(["delete", "service", "web", "-n", "default"]);
    await waitFor(
      "BIRD and FRR without web",
      async () => ((await birdPaths(`${ip}/32`)).length === 0 && (await frrPaths(`${ip}/32`)).length === 0 ? true : undefined),
      { timeoutMs: 20_000 },
    );
  });

  it("IPv6 over MP-BGP: an IPv6 pool's Service reaches FRR over the IPv4 sessions only once the BGPPeer has dualStackAddressFamily, next hop each node's IPv6 address", async () => {
    await kubectl(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "List",
        items: [
          {
            apiVersion: "metallb.io/v1beta1",
            kind: "IPAddressPool",
            metadata: { name: "public-v6", namespace: "metallb-system" },
            spec: { addresses: [V6_POOL] },
          },
          {
            apiVersion: "metallb.io/v1beta1",
            kind: "BGPAdvertisement",
            metadata: { name: "public-v6", namespace: "metallb-system" },
            spec: { ipAddressPools: ["public-v6"], peers: ["frr-ebgp"] },
          },
        ],
      }),
    );
    await kubectl(["apply", "-f", "-"], service("web6", { families: ["IPv6"] }));
    await kubectl(["apply", "-f", "-"], endpointSlice("web6", ["n2"]));
    const ip = await waitFor("web6's LoadBalancer IP", () => serviceIP("web6"), { timeoutMs: 20_000 });
    expect(ip).to.equal("2001:db8:19::");
    const prefix = `${ip}/128`;
    await sleep(3_000);
    expect(await frrPaths(prefix), "an IPv4 session carries IPv4 only (MetalLB v0.15)").to.deep.equal([]);
    const dualStack = (on: boolean) =>
      kubectl([
        "patch",
        "bgppeers.metallb.io",
        "frr-ebgp",
        "-n",
        "metallb-system",
        "--type",
        "merge",
        "-p",
        JSON.stringify({ spec: { dualStackAddressFamily: on } }),
      ]);
    await dualStack(true);
    const paths = await waitFor(
      "FRR paths to web6 from n1, n2 and n3",
      async () => {
        const found = await frrPaths(prefix);
        return found.length === 3 ? found : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(hops(paths)).to.deep.equal(NODES.map((n) => IPV6_ADDRESSES[n.name]));
    for (const path of paths) expect(path.asPath).to.deep.equal([MY_ASN]);
    expect((await lab!.bird.routes()).filter((r) => r.prefix === prefix)).to.deep.equal([]);
    await dualStack(false);
    await waitFor("FRR without web6 again", async () => ((await frrPaths(prefix)).length === 0 ? true : undefined), { timeoutMs: 60_000 });
    await waitFor(
      "FRR sessions Established again",
      async () => ((await Promise.all(NODES.map((n) => lab!.frr.session(n.address)))).every((s) => s.established) ? true : undefined),
      { timeoutMs: 60_000 },
    );
  });

  it("RBAC: every speaker ran as the ServiceAccount bgplb render --speaker --mode metallb made, and the API server refused none of its calls over the whole run (no 403 in any speaker log)", () => {
    expect(readFileSync(lab!.speakerKubeconfig, "utf8"), "the speakers' kubeconfig holds only the ServiceAccount token")
      .to.match(/"token":"[^"]+"/)
      .and.not.match(/client-certificate/);
    for (const node of NODES) {
      const log = lab!.path(`speaker-${node.name}.log`);
      expect(
        speakerLogEntries(log).some((entry) => entry.msg === "MetalLB-mode speaker started"),
        log,
      ).to.equal(true);
      expect(refusedCalls(log), log).to.deep.equal([]);
    }
  });
});
