/**
 * The MetalLB-mode lab: the cluster-speaker lab's bridge, API server and
 * three node namespaces (n1 rack=a, n2 rack=b, n3 rack=c), MetalLB's own
 * CRDs, and two routers: BIRD as an iBGP peer with BFD of nodes n1 and n2 only (the
 * BGPPeer's nodeSelectors leave n3 out; BIRD is configured for all three so
 * n3's absence is a missing session, not a refused one) and FRR as an eBGP
 * peer of every node with TCP MD5 (the BGPPeer's passwordSecret). The MetalLB
 * objects follow MetalLB's documented examples: an IPAddressPool, a
 * BGPAdvertisement with communities (standard, large, a Community alias)
 * and localPref, an aggregated pool advertised to FRR only from rack a.
 */
import { join } from "node:path";
import { Bird } from "../interop/harness/bird";
import { Frr } from "../interop/harness/frr";
import type { NamespaceProcess } from "../interop/harness/process";
import { waitFor } from "../interop/harness/wait";
import { ClusterLab, IPV6_ADDRESSES, speakerAccountKubeconfig, type LabAddresses } from "./cluster-speaker-lab";
import { ThrowawayCluster } from "./harness/cluster";
import { repoDir } from "./harness/tools";
import { installMetallbCrds } from "./metallb/oracle";

/**
 * The lab's addresses: a /24 of its own, so it runs while a cluster-speaker
 * lab (198.18.0.0/24) is up.
 */
export const METALLB_LAB_ADDRESSES = {
  bridge: "198.18.64.1",
  nodes: [
    { name: "n1", address: "198.18.64.11" },
    { name: "n2", address: "198.18.64.12" },
    { name: "n3", address: "198.18.64.13" },
  ],
  bird: "198.18.64.254",
  frr: "198.18.64.253",
} as const satisfies LabAddresses;
const { nodes: NODES, bird: BIRD_ADDRESS, frr: FRR_ADDRESS, bridge: BRIDGE_ADDRESS } = METALLB_LAB_ADDRESSES;

/** Our AS: 4-octet, as in MetalLB's examples. */
export const MY_ASN = 4200000000;
/** FRR's AS (eBGP). */
const FRR_ASN = 65003;
/** The TCP MD5 password FRR expects; the BGPPeer reads it from a Secret. */
export const MD5_PASSWORD = "lab-md5-secret";
/** Node labels. */
const RACKS: Readonly<Record<string, string>> = { n1: "a", n2: "b", n3: "c" };
/** The pools. */
const PUBLIC_POOL = "198.19.1.0/28";
const AGGREGATED_POOL = "198.19.2.0/28";

const NAMESPACE = "metallb-system";
/** The API server's Service ClusterIP ranges: dual-stack, for the IPv6 Services. */
const SERVICE_RANGE = "198.51.100.0/24,2001:db8:51::/112";

/** The MetalLB-mode speaker's ServiceAccount, as `bgplb render --speaker --mode metallb` names it. */
const METALLB_SPEAKER_ACCOUNT = { name: "bgplb-speaker", namespace: NAMESPACE } as const;

/** MetalLB's objects for the lab. */
function metallbObjects(): Record<string, unknown>[] {
  const meta = (name: string, labels?: Record<string, string>) => ({ name, namespace: NAMESPACE, ...(labels ? { labels } : {}) });
  return [
    { apiVersion: "v1", kind: "Secret", metadata: meta("frr-md5"), type: "kubernetes.io/basic-auth", stringData: { password: MD5_PASSWORD } },
    {
      apiVersion: "metallb.io/v1beta1",
      kind: "BFDProfile",
      metadata: meta("fast"),
      spec: { receiveInterval: 300, transmitInterval: 300, detectMultiplier: 3 },
    },
    { apiVersion: "metallb.io/v1beta1", kind: "Community", metadata: meta("aliases"), spec: { communities: [{ name: "edge", value: "64512:7" }] } },
    { apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: meta("public"), spec: { addresses: [PUBLIC_POOL] } },
    {
      apiVersion: "metallb.io/v1beta1",
      kind: "IPAddressPool",
      metadata: meta("aggregated", { tier: "agg" }),
      spec: { addresses: [AGGREGATED_POOL], autoAssign: false },
    },
    {
      apiVersion: "metallb.io/v1beta2",
      kind: "BGPPeer",
      metadata: meta("bird-ibgp"),
      spec: {
        myASN: MY_ASN,
        peerASN: MY_ASN,
        peerAddress: BIRD_ADDRESS,
        holdTime: "9s",
        bfdProfile: "fast",
        nodeSelectors: [{ matchExpressions: [{ key: "rack", operator: "In", values: ["a", "b"] }] }],
      },
    },
    {
      apiVersion: "metallb.io/v1beta2",
      kind: "BGPPeer",
      metadata: meta("frr-ebgp"),
      spec: {
        myASN: MY_ASN,
        peerASN: FRR_ASN,
        peerAddress: FRR_ADDRESS,
        holdTime: "9s",
        passwordSecret: { name: "frr-md5", namespace: NAMESPACE },
        enableGracefulRestart: true,
      },
    },
    {
      apiVersion: "metallb.io/v1beta1",
      kind: "BGPAdvertisement",
      metadata: meta("public"),
      spec: { ipAddressPools: ["public"], communities: ["64512:100", "large:4200000000:1:2", "edge"], localPref: 250 },
    },
    {
      apiVersion: "metallb.io/v1beta1",
      kind: "BGPAdvertisement",
      metadata: meta("aggregated"),
      spec: {
        ipAddressPoolSelectors: [{ matchLabels: { tier: "agg" } }],
        aggregationLength: 28,
        peers: ["frr-ebgp"],
        nodeSelectors: [{ matchLabels: { rack: "a" } }],
      },
    },
  ];
}

/** The ServiceAccount of {@link nativeSpeakerPod} (the lab's API server has no controller making `default`). */
export const NATIVE_SPEAKER_SERVICE_ACCOUNT = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "speaker", namespace: NAMESPACE } };

/** The Pod MetalLB's speaker on `node` runs as (never scheduled: there is no kubelet; the speaker only reads it). */
export function nativeSpeakerPod(node: string): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `speaker-${node}`, namespace: NAMESPACE, labels: { app: "metallb", component: "speaker" } },
    spec: {
      nodeName: node,
      serviceAccountName: "speaker",
      automountServiceAccountToken: false,
      containers: [{ name: "speaker", image: "quay.io/metallb/speaker:v0.15.2" }],
    },
  };
}

/** The lab with MetalLB-mode speakers. */
export class MetallbLab extends ClusterLab {
  constructor() {
    super(METALLB_LAB_ADDRESSES);
  }

  /** Starts BIRD (iBGP, passive, BFD 300 ms × 3, neighbors n1–n3) and FRR (eBGP, passive, MD5, graceful restart, neighbors n1–n3). */
  async startMetallbRouters(): Promise<void> {
    const end = (name: string, address: string) => ({ ns: this.ns(name), ipv4: address, ipv6: "" });
    this.bird = new Bird(this, end("bird", BIRD_ADDRESS), {
      asn: MY_ASN,
      address: BIRD_ADDRESS,
      neighbors: NODES.map((n) => ({ address: n.address, asn: MY_ASN })),
      passive: true,
      bfd: { intervalMs: 300, detectMultiplier: 3 },
    });
    this.frr = new Frr(this, end("frr", FRR_ADDRESS), {
      asn: FRR_ASN,
      address: FRR_ADDRESS,
      neighbors: NODES.map((n) => ({ address: n.address, asn: MY_ASN, password: MD5_PASSWORD })),
      passive: true,
      addPathReceive: false,
      gracefulRestart: true,
    });
    await this.bird.start();
    await this.frr.start();
  }

  /** Starts (or restarts) `bgplb speaker --mode metallb` on `node`, offering graceful restart (120 s) to the BGPPeers with enableGracefulRestart (frr-ebgp). */
  startMetallbSpeaker(node: string, kubeconfig: string): NamespaceProcess {
    const address = NODES.find((n) => n.name === node)!.address;
    const proc = this.start(`speaker-${node}`, this.ns(node), process.execPath, [
      join(repoDir, "dist/sdk/cli/main.js"),
      "speaker",
      "--mode",
      "metallb",
      "--node-name",
      node,
      "--kubeconfig",
      kubeconfig,
      "--lease-duration",
      "2",
      "--connect-retry",
      "1",
      "--health-listen",
      `${address}:8080`,
      "--graceful-restart-time",
      "120",
    ]);
    this.speakers.set(node, proc);
    return proc;
  }

  /**
   * Starts MetalLB's own speaker (native BGP mode, no memberlist) on `node`,
   * out of cluster, as Pod {@link nativeSpeakerPod} (which must exist: it
   * reads its own Pod at start).
   */
  startNativeMetallbSpeaker(node: string, kubeconfig: string, binary: string): NamespaceProcess {
    const proc = this.start(
      `metallb-speaker-${node}`,
      this.ns(node),
      binary,
      ["--node-name", node, "--pod-name", `speaker-${node}`, "--namespace", "metallb-system", "--kubeconfig", kubeconfig, "--log-level", "info"],
      { ...process.env, METALLB_BGP_TYPE: "native", METALLB_ML_BIND_PORT: "" },
    );
    this.speakers.set(node, proc);
    return proc;
  }
}

/**
 * The lab up: namespaces, API server on the bridge, MetalLB's CRDs from
 * `crds`, labelled Ready Nodes, the MetalLB objects, the ServiceAccount and
 * RBAC from `bgplb render --speaker --mode metallb`, the routers and a
 * speaker per node authenticated as that ServiceAccount; resolves once every planned session is Established
 * (BIRD with n1 and n2, FRR with all three). On failure it tears down what
 * it made (keeping the logs) and rejects.
 */
export async function startMetallbLab(kubectlPath: string, crds: string): Promise<{ lab: MetallbLab; cluster: ThrowawayCluster }> {
  const lab = new MetallbLab();
  let cluster: ThrowawayCluster | undefined;
  try {
    await lab.create();
    cluster = await ThrowawayCluster.start(kubectlPath, BRIDGE_ADDRESS, SERVICE_RANGE);
    const kubectl = cluster.kubectlChecked.bind(cluster);
    await installMetallbCrds(cluster, crds);
    for (const node of NODES) {
      await kubectl(
        ["apply", "-f", "-"],
        JSON.stringify({
          apiVersion: "v1",
          kind: "Node",
          metadata: { name: node.name, labels: { rack: RACKS[node.name], "kubernetes.io/hostname": node.name } },
        }),
      );
      const now = new Date().toISOString();
      const status = {
        status: {
          addresses: [
            { type: "InternalIP", address: node.address },
            { type: "InternalIP", address: IPV6_ADDRESSES[node.name] },
          ],
          conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "lab", lastHeartbeatTime: now, lastTransitionTime: now }],
        },
      };
      await kubectl(["patch", "node", node.name, "--subresource", "status", "--type", "merge", "-p", JSON.stringify(status)]);
    }
    await kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: metallbObjects() }));
    lab.speakerKubeconfig = await speakerAccountKubeconfig(lab, cluster, ["--mode", "metallb", "--namespace", NAMESPACE], METALLB_SPEAKER_ACCOUNT);
    await lab.startMetallbRouters();
    for (const node of NODES) lab.startMetallbSpeaker(node.name, lab.speakerKubeconfig);
    for (const node of NODES) {
      await waitFor(`FRR session with ${node.name} (MD5)`, async () => ((await lab.frr.session(node.address)).established ? true : undefined), {
        timeoutMs: 60_000,
      });
      if (node.name !== "n3")
        await waitFor(`BIRD session with ${node.name}`, async () => ((await lab.bird.session(node.address)).established ? true : undefined), {
          timeoutMs: 60_000,
        });
    }
    return { lab, cluster };
  } catch (error) {
    console.log(`      MetalLB lab failed to start; logs kept in ${lab.dir}`);
    await cluster?.stop().catch(() => undefined);
    await lab.destroy(true);
    throw error;
  }
}
