/**
 * The cluster-speaker lab: a bridge in the root namespace carrying the
 * throwaway API server's address (198.18.0.1), three node namespaces and two
 * router namespaces (BIRD with ADD-PATH receive, FRR with maximum-paths) on
 * that one L2 segment, and a `bgplb speaker` process per node.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bird } from "../interop/harness/bird";
import { Frr } from "../interop/harness/frr";
import { SPEAKER_MALLOC_ENV, SPEAKER_NODE_OPTIONS } from "../../sdk/deployment";
import { deleteNamespace, labId, type LabSpace, type LinkEnd } from "../interop/harness/lab";
import { NamespaceProcess, run, runInNamespace } from "../interop/harness/process";
import { waitFor } from "../interop/harness/wait";
import { ThrowawayCluster } from "./harness/cluster";
import { runChecked } from "./harness/command";
import { repoDir } from "./harness/tools";
import { parse } from "yaml";

/** The API server's address on the bridge. */
const BRIDGE_ADDRESS = "198.18.0.1";
/** The nodes: name and address. */
export const NODES = [
  { name: "n1", address: "198.18.0.11" },
  { name: "n2", address: "198.18.0.12" },
  { name: "n3", address: "198.18.0.13" },
] as const;
/** The floating IPs of the lab topology. */
export const FLOATING_IPS = ["198.18.0.100", "198.18.0.101"] as const;
/** The routers. */
export const BIRD_ADDRESS = "198.18.0.254";
export const FRR_ADDRESS = "198.18.0.253";

/** The IPv6 addresses on the segment (for IPv6 VIPs' next hops, carried over the IPv4 sessions): node or router name → address. */
export const IPV6_ADDRESSES: Readonly<Record<string, string>> = {
  n1: "2001:db8:18::11",
  n2: "2001:db8:18::12",
  n3: "2001:db8:18::13",
  bird: "2001:db8:18::254",
  frr: "2001:db8:18::253",
};
/** The throwaway API server's Service ClusterIP ranges: dual-stack, and room for the cluster-scale benchmark's 5,000 Services. */
const SERVICE_RANGE = "198.18.128.0/17,2001:db8:5::/112";

/** The namespace of the lab topology's objects. */
export const CLUSTER_NAMESPACE = "cluster-lab";

/** Where a lab's members sit on its bridge. */
export interface LabAddresses {
  /** The bridge's own address (the API server listens there). */
  readonly bridge: string;
  readonly nodes: readonly { readonly name: string; readonly address: string }[];
  readonly bird: string;
  readonly frr: string;
}

/** The cluster-speaker lab's addresses (its topology file names them). */
const CLUSTER_LAB_ADDRESSES: LabAddresses = { bridge: BRIDGE_ADDRESS, nodes: NODES, bird: BIRD_ADDRESS, frr: FRR_ADDRESS };

/** One namespace on the bridge. */
interface Member extends LinkEnd {
  readonly hostLink: string;
}

/** The lab; {@link ClusterLab.destroy} removes every namespace, link and process. */
export class ClusterLab implements LabSpace {
  readonly dir = mkdtempSync(join(tmpdir(), "bgplb-cluster-lab-"));
  private readonly processes: NamespaceProcess[] = [];
  private readonly members: Member[] = [];
  private readonly id = labId();
  readonly bridge = `bgplb${this.id.slice(-6)}`;
  readonly speakers = new Map<string, NamespaceProcess>();
  /** The kubeconfig the speakers use: the token of the ServiceAccount `bgplb render --speaker` made. */
  speakerKubeconfig = "";
  /**
   * How the speakers run: the compiled CLI by default; a benchmark gives the
   * image's bundle and the node options of the image's entry point.
   */
  speakerEntry: { readonly script: string; readonly nodeOptions: readonly string[] } = { script: join(repoDir, "dist/sdk/cli/main.js"), nodeOptions: [] };
  bird!: Bird;
  frr!: Frr;

  /** A lab on `addresses` (a /24 each; labs on different /24s can run at the same time). */
  constructor(readonly addresses: LabAddresses = CLUSTER_LAB_ADDRESSES) {}

  /** The namespace of a node or router. */
  ns(name: string): string {
    return `${this.id}-${name}`;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  start(label: string, ns: string, file: string, args: readonly string[], env?: NodeJS.ProcessEnv): NamespaceProcess {
    const proc = new NamespaceProcess(label, ns, file, args, join(this.dir, `${label}.log`), env);
    this.processes.push(proc);
    return proc;
  }

  /** Makes the bridge with the API server's address and every namespace on it. */
  async create(): Promise<void> {
    // two labs would both route 198.18.0.0/24 from the root namespace: the second's nodes could not reach its API server
    const bridgeAddress = this.addresses.bridge;
    const taken = (await run("ip", ["-br", "-4", "addr", "show"])).stdout.split("\n").find((line) => line.includes(` ${bridgeAddress}/`));
    if (taken) throw new Error(`another cluster lab holds ${bridgeAddress} (${taken.split(/\s+/)[0]}); run one lab at a time`);
    await run("ip", ["link", "add", this.bridge, "type", "bridge"]);
    await run("ip", ["addr", "add", `${this.addresses.bridge}/24`, "dev", this.bridge]);
    await run("ip", ["link", "set", this.bridge, "up"]);
    const all = [
      ...this.addresses.nodes.map((n) => ({ name: n.name, address: n.address })),
      { name: "bird", address: this.addresses.bird },
      { name: "frr", address: this.addresses.frr },
    ];
    for (const [i, m] of all.entries()) {
      const ns = this.ns(m.name);
      const hostLink = `${this.bridge.slice(0, 11)}v${i}`;
      await run("ip", ["netns", "add", ns]);
      const ipv6 = IPV6_ADDRESSES[m.name];
      this.members.push({ ns, ipv4: m.address, ipv6, hostLink });
      await runInNamespace(ns, "ip", ["link", "set", "lo", "up"]);
      await run("ip", ["link", "add", hostLink, "type", "veth", "peer", "name", "eth0", "netns", ns]);
      await run("ip", ["link", "set", hostLink, "master", this.bridge, "up"]);
      await runInNamespace(ns, "ip", ["addr", "add", `${m.address}/24`, "dev", "eth0"]);
      await runInNamespace(ns, "ip", ["-6", "addr", "add", `${ipv6}/64`, "dev", "eth0", "nodad"]);
      await runInNamespace(ns, "ip", ["link", "set", "eth0", "up"]);
    }
  }

  /** Starts BIRD (ADD-PATH receive, neighbors: the floating IPs and the control-plane node) and FRR (no ADD-PATH, maximum-paths 8). */
  async startRouters(): Promise<void> {
    const bird = this.members.find((m) => m.ns === this.ns("bird"))!;
    const frr = this.members.find((m) => m.ns === this.ns("frr"))!;
    this.bird = new Bird(this, bird, {
      asn: 65002,
      address: BIRD_ADDRESS,
      neighbors: [...FLOATING_IPS.map((address) => ({ address, asn: 65001 })), { address: NODES[0].address, asn: 65001 }],
      addPathReceive: true,
      passive: true,
    });
    this.frr = new Frr(this, frr, {
      asn: 65003,
      address: FRR_ADDRESS,
      neighbors: FLOATING_IPS.map((address) => ({ address, asn: 65001 })),
      addPathReceive: false,
      passive: true,
      maximumPaths: 8,
    });
    await this.bird.start();
    await this.frr.start();
  }

  /**
   * Starts (or restarts) the speaker of `node`, logging to `<label>.log` in
   * the lab directory; a control-plane node advertises the control-plane VIP
   * only while the API server of `kubeconfig` answers /readyz.
   */
  startSpeaker(node: string, kubeconfig = this.speakerKubeconfig, label = `speaker-${node}`): NamespaceProcess {
    const address = NODES.find((n) => n.name === node)!.address;
    // the kubeconfig is YAML (the admin's) or JSON (the ServiceAccount's)
    const server = /\bserver"?\s*:\s*"?(https?:\/\/[^"\s,}]+)/.exec(readFileSync(kubeconfig, "utf8"))?.[1];
    if (!server) throw new Error(`${kubeconfig} names no server`);
    // the heap and malloc settings the DaemonSet gives the speaker: the lab measures what a cluster runs
    const proc = this.start(
      label,
      this.ns(node),
      process.execPath,
      [
        ...SPEAKER_NODE_OPTIONS.split(" "),
        ...this.speakerEntry.nodeOptions,
        this.speakerEntry.script,
        "speaker",
        "--node-name",
        node,
        "--kubeconfig",
        kubeconfig,
        "--cluster-namespace",
        "cluster-lab",
        "--lease-duration",
        "2",
        "--connect-retry",
        "1",
        "--health-listen",
        `${address}:8080`,
        "--control-plane-readyz",
        `${server}/readyz`,
      ],
      { ...process.env, ...SPEAKER_MALLOC_ENV },
    );
    this.speakers.set(node, proc);
    return proc;
  }

  /** Stops every process, deletes the namespaces and the bridge; keeps the logs when `keepDir`. */
  async destroy(keepDir = false): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop().catch(() => undefined)));
    for (const m of this.members) await deleteNamespace(m.ns);
    await run("ip", ["link", "del", this.bridge]).catch(() => undefined);
    if (!keepDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The speaker's ServiceAccount, as `bgplb render --speaker` names it. */
export const SPEAKER_ACCOUNT = { name: "bgplb-speaker", namespace: "kube-system" } as const;
/** An image reference for the rendered DaemonSet; nothing runs or pulls it in the lab (no kubelet). */
const LAB_IMAGE = `bgplb/speaker@sha256:${"0".repeat(64)}`;

/**
 * Applies what `bgplb render --speaker` prints for the lab (ServiceAccount,
 * RBAC, status CRDs, DaemonSet; `renderArgs` choose the mode) and writes a
 * kubeconfig that authenticates as that ServiceAccount (`account`, as the
 * render names it) with a token from the TokenRequest API.
 * @returns the kubeconfig's path
 */
export async function speakerAccountKubeconfig(
  lab: ClusterLab,
  cluster: ThrowawayCluster,
  renderArgs: readonly string[] = ["--cluster-namespace", CLUSTER_NAMESPACE],
  account: { readonly name: string; readonly namespace: string } = SPEAKER_ACCOUNT,
): Promise<string> {
  const rendered = await runChecked(process.execPath, [join(repoDir, "dist/sdk/cli/main.js"), "render", "--speaker", ...renderArgs, "--image", LAB_IMAGE]);
  await cluster.kubectlChecked(["apply", "--server-side", "-f", "-"], rendered.stdout);
  const token = (await cluster.kubectlChecked(["create", "token", account.name, "-n", account.namespace, "--duration", "24h"])).stdout.trim();
  const admin = parse(readFileSync(cluster.kubeconfig, "utf8")) as { clusters: { cluster: { server: string; "certificate-authority": string } }[] };
  const { server, "certificate-authority": ca } = admin.clusters[0].cluster;
  const kubeconfig = lab.path("speaker.kubeconfig");
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "lab", cluster: { server, "certificate-authority": ca } }],
      users: [{ name: account.name, user: { token } }],
      contexts: [{ name: "lab", context: { cluster: "lab", user: account.name } }],
      "current-context": "lab",
    }),
  );
  return kubeconfig;
}

/**
 * The whole lab up: namespaces and bridge, the API server on the bridge
 * (RBAC authorization), the topology from `bgplb render` applied with
 * kubectl, the speaker's ServiceAccount and RBAC from
 * `bgplb render --speaker`, Node objects (Ready, InternalIP), BIRD and FRR,
 * a speaker per node authenticated as that ServiceAccount; resolves once
 * both routers have a session with both floating IPs. On failure it tears
 * down what it made (keeping the logs) and rejects.
 */
export async function startClusterLab(kubectlPath: string, speakerEntry?: ClusterLab["speakerEntry"]): Promise<{ lab: ClusterLab; cluster: ThrowawayCluster }> {
  const lab = new ClusterLab();
  if (speakerEntry) lab.speakerEntry = speakerEntry;
  let cluster: ThrowawayCluster | undefined;
  try {
    await lab.create();
    cluster = await ThrowawayCluster.start(kubectlPath, BRIDGE_ADDRESS, SERVICE_RANGE);
    const kubectl = cluster.kubectlChecked.bind(cluster);
    await kubectl(["create", "namespace", CLUSTER_NAMESPACE]);
    const rendered = await runChecked(process.execPath, [
      join(repoDir, "dist/sdk/cli/main.js"),
      "render",
      join(repoDir, "test/e2e/cluster-speaker-topology.yaml"),
    ]);
    await kubectl(["apply", "-f", "-"], rendered.stdout);
    lab.speakerKubeconfig = await speakerAccountKubeconfig(lab, cluster);
    for (const node of NODES) {
      await kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "Node", metadata: { name: node.name } }));
      const now = new Date().toISOString();
      const addresses = [
        { type: "InternalIP", address: node.address },
        { type: "InternalIP", address: IPV6_ADDRESSES[node.name] },
      ];
      const status = {
        status: {
          addresses,
          conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "lab", lastHeartbeatTime: now, lastTransitionTime: now }],
        },
      };
      await kubectl(["patch", "node", node.name, "--subresource", "status", "--type", "merge", "-p", JSON.stringify(status)]);
    }
    await lab.startRouters();
    for (const node of NODES) lab.startSpeaker(node.name);
    for (const fip of FLOATING_IPS) {
      await waitFor(`BIRD session with ${fip}`, async () => ((await lab.bird.session(fip)).established ? true : undefined), { timeoutMs: 30_000 });
      await waitFor(`FRR session with ${fip}`, async () => ((await lab.frr.session(fip)).established ? true : undefined), { timeoutMs: 30_000 });
    }
    return { lab, cluster };
  } catch (error) {
    console.log(`      cluster lab failed to start; logs kept in ${lab.dir}`);
    await cluster?.stop().catch(() => undefined);
    await lab.destroy(true);
    throw error;
  }
}

/** One JSON line of a speaker log. */
export type SpeakerLogEntry = Record<string, unknown> & { readonly msg?: string };

/** The JSON entries of a speaker log (other lines, e.g. a Node warning, are skipped). */
export function speakerLogEntries(file: string): SpeakerLogEntry[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text.split("\n").flatMap((line): SpeakerLogEntry[] => {
    try {
      const entry = JSON.parse(line) as unknown;
      return typeof entry === "object" && entry !== null ? [entry as SpeakerLogEntry] : [];
    } catch {
      return [];
    }
  });
}

/** The log entries that report a call the API server refused (HTTP 403). */
export function refusedCalls(file: string): SpeakerLogEntry[] {
  return speakerLogEntries(file).filter((entry) => /\bHTTP 403\b|forbidden/i.test(JSON.stringify(entry)));
}
