/**
 * Service address allocation compared with MetalLB's own controller
 * v0.15.2, on a throwaway API server (127.0.0.1, free ports; no network
 * namespaces, no BGP): the same IPAddressPools and the same Services,
 * created one after the other (only single-family or serviceAllocation
 * pools where MetalLB would pick among several: it takes the pools without
 * serviceAllocation in Go map order), get their addresses first from
 * `bgplb speaker --mode metallb` (the Lease holder allocates), then — after
 * our speaker stopped and the new Services were deleted — from MetalLB's
 * controller (webhooks off). Both must give every Service the same
 * addresses, and MetalLB's controller must keep what ours assigned before.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { sleep, waitFor } from "../interop/harness/wait";
import { requirePrerequisites } from "../setup/prerequisites";
import { ThrowawayCluster } from "./harness/cluster";
import { clusterTools, repoDir, requireTools, toolPaths } from "./harness/tools";
import { installMetallbCrds, metallbFiles } from "./metallb/oracle";

const NAMESPACE = "metallb-system";
const SERVICE_RANGE = "198.51.100.0/24,2001:db8:51::/112";

/** The pools: MetalLB's documented kinds (auto, manual, IPv6, namespace-scoped by serviceAllocation, avoidBuggyIPs). */
const POOLS = [
  { name: "public", spec: { addresses: ["198.19.1.0/28"] } },
  { name: "manual", spec: { addresses: ["198.19.2.0/28"], autoAssign: false } },
  { name: "v6", spec: { addresses: ["2001:db8:19::/124"] } },
  { name: "team", spec: { addresses: ["198.19.3.0/28"], serviceAllocation: { priority: 10, namespaces: ["team"] } } },
  { name: "buggy", spec: { addresses: ["198.19.4.255-198.19.5.1"], avoidBuggyIPs: true, serviceAllocation: { priority: 20, namespaces: ["buggy"] } } },
  { name: "dual", spec: { addresses: ["198.19.6.0/28", "2001:db8:1a::/124"], serviceAllocation: { priority: 30, namespaces: ["duals"] } } },
];
const NAMESPACES = ["apps", "team", "buggy", "duals"];

interface ServiceCase {
  readonly name: string;
  readonly namespace: string;
  /** Whether an address is expected (the run waits for it before the next Service). */
  readonly assigned: boolean;
  readonly annotations?: Record<string, string>;
  readonly ports?: { port: number; protocol?: string }[];
  readonly local?: boolean;
  readonly families?: string[];
  readonly familyPolicy?: string;
}

const SHARE = "metallb.io/allow-shared-ip";
/** Services that exist before the switch (MetalLB's controller must keep their addresses). */
const BEFORE: ServiceCase[] = [
  { name: "old-1", namespace: "default", assigned: true },
  { name: "old-2", namespace: "default", assigned: true },
];
/** Services created by each allocator in turn, in this order. */
const CASES: ServiceCase[] = [
  { name: "plain", namespace: "apps", assigned: true },
  { name: "dns-udp", namespace: "apps", assigned: true, annotations: { [SHARE]: "dns" }, ports: [{ port: 53, protocol: "UDP" }] },
  { name: "dns-tcp", namespace: "apps", assigned: true, annotations: { [SHARE]: "dns" }, ports: [{ port: 53, protocol: "TCP" }] },
  { name: "dns-clash", namespace: "apps", assigned: true, annotations: { [SHARE]: "dns" }, ports: [{ port: 53, protocol: "UDP" }] },
  { name: "other-key", namespace: "apps", assigned: true, annotations: { [SHARE]: "web" }, ports: [{ port: 443 }] },
  { name: "asks", namespace: "apps", assigned: true, annotations: { "metallb.io/loadBalancerIPs": "198.19.1.14" } },
  {
    name: "asks-shared",
    namespace: "apps",
    assigned: false,
    annotations: { [SHARE]: "x", "metallb.io/loadBalancerIPs": "198.19.1.14" },
    ports: [{ port: 8443 }],
  },
  { name: "manual", namespace: "apps", assigned: true, annotations: { "metallb.io/address-pool": "manual" } },
  { name: "manual-asks", namespace: "apps", assigned: true, annotations: { "metallb.io/loadBalancerIPs": "198.19.2.9" } },
  { name: "v6", namespace: "apps", assigned: true, families: ["IPv6"] },
  { name: "dual", namespace: "apps", assigned: false, families: ["IPv4", "IPv6"], familyPolicy: "RequireDualStack" },
  { name: "prefer", namespace: "apps", assigned: true, families: ["IPv4", "IPv6"], familyPolicy: "PreferDualStack" },
  { name: "dual", namespace: "duals", assigned: true, families: ["IPv6", "IPv4"], familyPolicy: "RequireDualStack" },
  { name: "local-a", namespace: "apps", assigned: true, local: true, annotations: { [SHARE]: "loc" }, ports: [{ port: 80 }] },
  { name: "local-b", namespace: "apps", assigned: true, local: true, annotations: { [SHARE]: "loc" }, ports: [{ port: 81 }] },
  { name: "team-1", namespace: "team", assigned: true },
  { name: "buggy-1", namespace: "buggy", assigned: true },
  { name: "buggy-2", namespace: "buggy", assigned: true },
];

function serviceObject(c: ServiceCase): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: c.name, namespace: c.namespace, ...(c.annotations ? { annotations: c.annotations } : {}) },
    spec: {
      type: "LoadBalancer",
      ports: c.ports ?? [{ port: 80 }],
      selector: { app: c.name },
      ...(c.local ? { externalTrafficPolicy: "Local" } : {}),
      ...(c.families ? { ipFamilies: c.families, ipFamilyPolicy: c.familyPolicy ?? "SingleStack" } : {}),
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

describe("e2e: Service addresses from bgplb speaker --mode metallb and from MetalLB's controller v0.15.2 are the same", function () {
  this.timeout(300_000);
  let cluster: ThrowawayCluster | undefined;
  let controllerPath = "";
  const dir = mkdtempSync(path.join(tmpdir(), "bgplb-e2e-allocations-"));
  const running: ChildProcess[] = [];

  const kubectl = (args: readonly string[], input?: string) => cluster!.kubectlChecked(args, input);

  function start(label: string, file: string, args: readonly string[]): ChildProcess {
    const log = openSync(path.join(dir, `${label}.log`), "w");
    const child = spawn(file, args, { stdio: ["ignore", log, log] });
    running.push(child);
    return child;
  }

  async function stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(10_000).then(() => child.kill("SIGKILL"))]);
    await exited;
  }

  async function ingress(namespace: string): Promise<Record<string, string[]>> {
    const list = JSON.parse((await kubectl(["get", "services", "-n", namespace, "-o", "json"])).stdout) as {
      items: { metadata: { name: string }; status?: { loadBalancer?: { ingress?: { ip: string }[] } } }[];
    };
    return Object.fromEntries(list.items.map((item) => [item.metadata.name, (item.status?.loadBalancer?.ingress ?? []).map((i) => i.ip)]));
  }

  async function createInTurn(cases: readonly ServiceCase[]): Promise<void> {
    for (const c of cases) {
      await kubectl(["apply", "-f", "-"], JSON.stringify(serviceObject(c)));
      if (c.assigned)
        await waitFor(`${c.namespace}/${c.name}'s address`, async () => ((await ingress(c.namespace))[c.name]?.length ? true : undefined), {
          timeoutMs: 30_000,
        });
    }
    await sleep(2_000);
  }

  async function allocations(): Promise<Record<string, string[]>> {
    const result: Record<string, string[]> = {};
    for (const namespace of NAMESPACES) for (const [name, ips] of Object.entries(await ingress(namespace))) result[`${namespace}/${name}`] = ips;
    return result;
  }

  before(async function () {
    const tools = requireTools(this, [...clusterTools, "metallb-controller"]);
    const metallb = metallbFiles(toolPaths());
    requirePrerequisites(this, metallb.missing);
    controllerPath = tools.get("metallb-controller")!;
    cluster = await ThrowawayCluster.start(tools.get("kubectl")!, undefined, SERVICE_RANGE);
    await installMetallbCrds(cluster, metallb.files!.crds);
    const items: Record<string, unknown>[] = NAMESPACES.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } }));
    for (const pool of POOLS)
      items.push({ apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: { name: pool.name, namespace: NAMESPACE }, spec: pool.spec });
    await kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items }));
  });

  after(async function () {
    for (const child of running) await stop(child);
    if (this.currentTest?.state === "failed" || running.some((c) => c.exitCode !== null && c.exitCode !== 0)) console.log(`      logs kept in ${dir}`);
    await cluster?.stop();
  });

  it("same addresses for every Service: first free, allow-shared-ip (same key other port / same port / other key / Local selectors), loadBalancerIPs, manual pool, IPv6, dual-stack from one pool (Require, Prefer), serviceAllocation, avoidBuggyIPs", async () => {
    const health = await freePort();
    const ours = start("bgplb-speaker", process.execPath, [
      path.join(repoDir, "dist/sdk/cli/main.js"),
      "speaker",
      "--mode",
      "metallb",
      "--node-name",
      "n1",
      "--kubeconfig",
      cluster!.kubeconfig,
      "--lease-duration",
      "2",
      "--health-listen",
      `127.0.0.1:${health}`,
    ]);
    await createInTurn(BEFORE);
    const before = await ingress("default");
    await createInTurn(CASES);
    const bgplb = await allocations();
    expect(bgplb["apps/dns-udp"], "same key, other port: shared").to.deep.equal(bgplb["apps/dns-tcp"]);
    expect(bgplb["apps/dns-clash"], "same key, same port: another address").to.not.deep.equal(bgplb["apps/dns-udp"]);
    expect(bgplb["apps/asks-shared"], "the address asked for is held by a Service that does not share").to.deep.equal([]);
    expect(bgplb["buggy/buggy-1"], "avoidBuggyIPs skips .255 and .0").to.deep.equal(["198.19.5.1"]);
    expect(bgplb["apps/dual"], "no pool of apps holds both families").to.deep.equal([]);
    expect(bgplb["apps/prefer"], "PreferDualStack: the primary family alone")
      .to.have.length(1)
      .and.to.satisfy((ips: string[]) => ips[0].startsWith("198.19.1."));
    expect(bgplb["duals/dual"], "both families from the dual pool, IPv4 first in the status as MetalLB writes it").to.deep.equal([
      "198.19.6.0",
      "2001:db8:1a::",
    ]);

    await stop(ours);
    for (const namespace of NAMESPACES) await kubectl(["delete", "services", "--all", "-n", namespace]);
    const metrics = await freePort();
    start("metallb-controller", controllerPath, [
      "--namespace",
      NAMESPACE,
      "--kubeconfig",
      cluster!.kubeconfig,
      "--webhook-mode",
      "disabled",
      "--disable-cert-rotation",
      "--port",
      String(metrics),
    ]);
    await createInTurn(CASES);
    expect(await ingress("default"), "MetalLB's controller keeps the addresses ours assigned").to.deep.equal(before);
    expect(await allocations()).to.deep.equal(bgplb);
  });
});
