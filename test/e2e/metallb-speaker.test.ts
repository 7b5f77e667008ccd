/**
 * `bgplb speaker --mode metallb` end to end: a throwaway API server with
 * MetalLB's CRDs, three node namespaces each running the speaker, BIRD as an
 * iBGP router and FRR as an eBGP router with TCP MD5. The assertions read
 * the routers' own RIBs and the API server.
 */
import { expect } from "chai";
import { NODES } from "./cluster-speaker-lab";
import type { ThrowawayCluster } from "./harness/cluster";
import { clusterTools, requireTools, toolPaths } from "./harness/tools";
import { metallbFiles } from "./metallb/oracle";
import { MY_ASN, MetallbLab, startMetallbLab } from "./metallb-speaker-lab";
import { sleep, waitFor } from "../interop/harness/wait";
import type { RouteWithLocalPref } from "../interop/harness/peer";

const address = (node: string): string => NODES.find((n) => n.name === node)!.address;

function service(name: string, extra: { policy?: "Local"; annotations?: Record<string, string> } = {}): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "default", ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: { type: "LoadBalancer", ports: [{ port: 80 }], selector: { app: name }, ...(extra.policy ? { externalTrafficPolicy: extra.policy } : {}) },
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
    ((JSON.parse((await kubectl(["get", "service", name, "-n", "default", "-o", "json"])).stdout) as { status?: { loadBalancer?: { ingress?: { ip: string }[] } } }).status?.loadBalancer?.ingress?.[0]?.ip);
  const birdPaths = async (prefix: string): Promise<RouteWithLocalPref[]> => (await lab!.bird.routesWithLocalPref()).filter((r) => r.prefix === prefix).sort((a, b) => (a.nextHop < b.nextHop ? -1 : 1));
  const frrPaths = async (prefix: string): Promise<RouteWithLocalPref[]> => (await lab!.frr.routesWithLocalPref()).filter((r) => r.prefix === prefix).sort((a, b) => (a.nextHop < b.nextHop ? -1 : 1));
  const hops = (paths: readonly RouteWithLocalPref[]): string[] => paths.map((p) => p.nextHop);

  before(async function () {
    if (process.getuid?.() !== 0) {
      console.log("      skipped: the lab needs root (network namespaces)");
      this.skip();
    }
    const tools = requireTools(this, clusterTools);
    const metallb = metallbFiles(toolPaths() as ReadonlyMap<string, string>);
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
    const bird = await waitFor("BIRD paths from n1 and n2", async () => {
      const paths = await birdPaths(prefix);
      return paths.length === 2 ? paths : undefined;
    }, { timeoutMs: 20_000 });
    expect(hops(bird)).to.deep.equal([address("n1"), address("n2")]);
    for (const path of bird) {
      expect(path.asPath, "iBGP AS_PATH").to.deep.equal([]);
      expect(path.localPref, "LOCAL_PREF on iBGP").to.equal(250);
      expect([...path.communities].sort(), "communities (64512:7 is the Community alias edge)").to.deep.equal(["64512:100", "64512:7"]);
      expect(path.largeCommunities).to.deep.equal(["4200000000:1:2"]);
    }
    const frr = await waitFor("FRR paths from n1, n2 and n3", async () => {
      const paths = await frrPaths(prefix);
      return paths.length === 3 ? paths : undefined;
    }, { timeoutMs: 20_000 });
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
    const frr = await waitFor("FRR holding 198.19.2.0/28", async () => {
      const paths = await frrPaths("198.19.2.0/28");
      return paths.length > 0 ? paths : undefined;
    }, { timeoutMs: 20_000 });
    await sleep(2_000);
    expect(hops(await frrPaths("198.19.2.0/28"))).to.deep.equal([address("n1")]);
    expect(frr[0]!.asPath).to.deep.equal([MY_ASN]);
    expect(await frrPaths(`${ip}/32`)).to.deep.equal([]);
    expect((await lab!.bird.routes()).filter((r) => r.prefix.startsWith("198.19.2."))).to.deep.equal([]);
  });

  it("externalTrafficPolicy Local: only the node with a ready endpoint advertises, and the route follows the EndpointSlice", async () => {
    await kubectl(["apply", "-f", "-"], service("local", { policy: "Local" }));
    await kubectl(["apply", "-f", "-"], endpointSlice("local", ["n1"]));
    const ip = await waitFor("local's LoadBalancer IP", () => serviceIP("local"), { timeoutMs: 20_000 });
    const prefix = `${ip}/32`;
    await waitFor("FRR path from n1 only", async () => (JSON.stringify(hops(await frrPaths(prefix))) === JSON.stringify([address("n1")]) ? true : undefined), { timeoutMs: 20_000 });
    expect(hops(await birdPaths(prefix))).to.deep.equal([address("n1")]);
    await kubectl(["apply", "-f", "-"], endpointSlice("local", ["n3"]));
    await waitFor("FRR path from n3 only", async () => (JSON.stringify(hops(await frrPaths(prefix))) === JSON.stringify([address("n3")]) ? true : undefined), { timeoutMs: 20_000 });
    await waitFor("BIRD without the route (n3 has no BIRD session)", async () => ((await birdPaths(prefix)).length === 0 ? true : undefined), { timeoutMs: 20_000 });
  });

  it("deleting a Service withdraws it from both routers", async () => {
    const ip = await waitFor("web's IP", () => serviceIP("web"), { timeoutMs: 10_000 });
    await kubectl(["delete", "service", "web", "-n", "default"]);
    await waitFor("BIRD and FRR without web", async () => ((await birdPaths(`${ip}/32`)).length === 0 && (await frrPaths(`${ip}/32`)).length === 0 ? true : undefined), { timeoutMs: 20_000 });
  });
});
