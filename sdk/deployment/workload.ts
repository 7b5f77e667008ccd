/**
 * The speaker's container and the three shapes that run it: a DaemonSet
 * (one speaker per node), a static pod for control-plane mode (kubelet runs
 * it from a file on the node, before the API server is up), and the bare
 * container spec to add to an existing pod as a sidecar.
 */
import { formatImageReference, type ImageReference } from "./image-reference";
import type { PlainManifest } from "../manifest";

/** A toleration as rendered. */
export interface Toleration {
  readonly key?: string;
  readonly operator?: "Exists" | "Equal";
  readonly value?: string;
  readonly effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** CPU and memory requests and limits (Kubernetes quantities). */
export interface ResourceRequirements {
  readonly requests?: Readonly<Record<string, string>>;
  readonly limits?: Readonly<Record<string, string>>;
}

/** How the speaker container runs. */
export interface SpeakerContainerOptions {
  /** The image, pinned by digest. */
  readonly image: ImageReference;
  /** GKE mode: the namespace of the Cluster and the BGP objects (`cluster-<name>`). One of this and `metallbNamespace` is given. */
  readonly clusterNamespace?: string;
  /** MetalLB mode (`--mode metallb`): MetalLB's namespace, where its objects, Secrets and the allocator Lease are. */
  readonly metallbNamespace?: string;
  /** Port of /healthz, /readyz and /metrics on the node's addresses. @default 7473 */
  readonly healthPort?: number;
  /** `--lease-duration` in seconds. @default the speaker's (2) */
  readonly leaseDurationSeconds?: number;
  /** Requests and limits. @default requests cpu 50m, memory 64Mi; limit memory 256Mi */
  readonly resources?: ResourceRequirements;
  /** More speaker flags, appended as given (e.g. `--hold-time`, `90`). */
  readonly extraArgs?: readonly string[];
}

/** The default health port: unused by kubelet, node-exporter or MetalLB (7472). */
export const DEFAULT_HEALTH_PORT = 7473;
/** The speaker container's name. */
export const SPEAKER_CONTAINER = "speaker";
/** What the speaker needs of the kernel: rtnetlink for floating IPs (NET_ADMIN); gratuitous ARP, BFD Echo and sockets bound to a VRF device (NET_RAW). */
export const SPEAKER_CAPABILITIES = ["NET_ADMIN", "NET_RAW"] as const;

const DEFAULT_RESOURCES: ResourceRequirements = { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } };

/**
 * Node's heap settings for the speaker under the default 256Mi limit. A
 * burst of API writes allocates fast and V8 then grows its heap: RSS
 * reached 350–450 MiB with Node's defaults. A 1 MiB young generation and a
 * 160 MiB old one (with {@link SPEAKER_MALLOC_ENV}, and the image's
 * `--optimize-for-size`) kept it at ~115–124 MiB with 5,000 Services,
 * ~182 MiB with a 4 MiB young generation alone (`npm run bench --
 * cluster-allocator 5000`). Set through NODE_OPTIONS only with the default
 * resources: with its own limit Node sizes the heap from the container's
 * memory.
 */
export const SPEAKER_NODE_OPTIONS = "--max-semi-space-size=1 --max-old-space-size=160";

/**
 * glibc malloc settings for the speaker under the default limit: one arena
 * (the per-thread arenas of V8's and libuv's threads each kept freed memory
 * of their own), and buffers from 128 KiB up in their own mappings, given
 * back when freed rather than left in the heap: with 5,000 Services they
 * took ~20 MiB off its RSS (`npm run bench -- cluster-allocator 5000`).
 */
export const SPEAKER_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: "1",
  MALLOC_MMAP_THRESHOLD_: "131072",
  MALLOC_TRIM_THRESHOLD_: "131072",
};

/**
 * The speaker container: `bgplb speaker` with NODE_NAME from the downward
 * API, probes on /healthz and /readyz, a read-only root file system and
 * every capability dropped but {@link SPEAKER_CAPABILITIES}. It runs as
 * uid 0: Kubernetes gives added capabilities to a non-root process only
 * through ambient capabilities, which it does not set, so `ip addr add`
 * would fail as uid 65532; privilege escalation stays off.
 */
export function speakerContainer(options: SpeakerContainerOptions, moreArgs: readonly string[] = []): PlainManifest {
  const port = options.healthPort ?? DEFAULT_HEALTH_PORT;
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: "monitoring" },
    periodSeconds,
    failureThreshold,
    timeoutSeconds: 2,
  });
  return {
    name: SPEAKER_CONTAINER,
    image: formatImageReference(options.image),
    args: [
      "speaker",
      ...(options.metallbNamespace === undefined
        ? ["--cluster-namespace", String(options.clusterNamespace)]
        : ["--mode", "metallb", "--namespace", options.metallbNamespace]),
      "--health-listen",
      `0.0.0.0:${port}`,
      ...(options.leaseDurationSeconds === undefined ? [] : ["--lease-duration", String(options.leaseDurationSeconds)]),
      ...moreArgs,
      ...(options.extraArgs ?? []),
    ],
    env: [
      { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
      ...(options.resources === undefined
        ? [{ name: "NODE_OPTIONS", value: SPEAKER_NODE_OPTIONS }, ...Object.entries(SPEAKER_MALLOC_ENV).map(([name, value]) => ({ name, value }))]
        : []),
    ],
    ports: [{ name: "monitoring", containerPort: port, protocol: "TCP" }],
    livenessProbe: probe("/healthz", 10, 3),
    readinessProbe: probe("/readyz", 5, 1),
    resources: options.resources ?? DEFAULT_RESOURCES,
    securityContext: {
      runAsUser: 0,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"], add: [...SPEAKER_CAPABILITIES] },
      seccompProfile: { type: "RuntimeDefault" },
    },
  };
}

/** Where and how the DaemonSet's pods are placed. */
export interface SpeakerPlacement {
  /** Node labels a node must have. @default `kubernetes.io/os: linux` */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** @default the control-plane taints (so control-plane nodes run a speaker too) */
  readonly tolerations?: readonly Toleration[];
  /** @default "system-node-critical" */
  readonly priorityClassName?: string;
}

/** The default tolerations: the control-plane taints (current and legacy name). */
export const CONTROL_PLANE_TOLERATIONS: readonly Toleration[] = [
  { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
  { key: "node-role.kubernetes.io/master", operator: "Exists", effect: "NoSchedule" },
];

/** Names and labels of the workload. */
export interface WorkloadNames {
  readonly name: string;
  readonly namespace: string;
  /** Labels on the objects; the pod selector is the `app.kubernetes.io/name` and `app.kubernetes.io/instance` ones. */
  readonly labels: Readonly<Record<string, string>>;
  /** The pod selector. */
  readonly selector: Readonly<Record<string, string>>;
}

/**
 * The DaemonSet: one host-network speaker per selected node, with the
 * ServiceAccount `names.name`; a rolling update replaces one node's speaker
 * at a time, and the 30 s grace period covers withdraw + Cease + Lease release.
 */
export function speakerDaemonSet(names: WorkloadNames, container: SpeakerContainerOptions, placement: SpeakerPlacement = {}): PlainManifest {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: names.name, namespace: names.namespace, labels: { ...names.labels } },
    spec: {
      selector: { matchLabels: { ...names.selector } },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: { ...names.labels } },
        spec: {
          serviceAccountName: names.name,
          hostNetwork: true,
          dnsPolicy: "ClusterFirstWithHostNet",
          priorityClassName: placement.priorityClassName ?? "system-node-critical",
          nodeSelector: { ...(placement.nodeSelector ?? { "kubernetes.io/os": "linux" }) },
          tolerations: (placement.tolerations ?? CONTROL_PLANE_TOLERATIONS).map((t) => ({ ...t })),
          terminationGracePeriodSeconds: 30,
          containers: [speakerContainer(container)],
        },
      },
    },
  };
}

/** What the control-plane static pod needs besides the container options. */
export interface StaticPodOptions {
  /** Host path of the kubeconfig the speaker uses (a static pod cannot use a ServiceAccount). @default "/etc/kubernetes/bgplb-speaker.conf" */
  readonly kubeconfigPath?: string;
  /** The local kube-apiserver's /readyz: the control-plane VIP is advertised only while it answers 200. @default "https://127.0.0.1:6443/readyz" */
  readonly apiServerReadyz?: string;
}

/**
 * The static pod for control-plane mode (a file for the kubelet's
 * manifest directory, e.g. /etc/kubernetes/manifests): the same container
 * with a kubeconfig from the node (mounted read-only) and the local API
 * server's /readyz gating the control-plane VIP.
 */
export function speakerStaticPod(names: WorkloadNames, container: SpeakerContainerOptions, options: StaticPodOptions = {}): PlainManifest {
  const kubeconfig = options.kubeconfigPath ?? "/etc/kubernetes/bgplb-speaker.conf";
  const mounted = "/etc/bgplb/kubeconfig";
  const base = speakerContainer(container, ["--kubeconfig", mounted, "--control-plane-readyz", options.apiServerReadyz ?? "https://127.0.0.1:6443/readyz"]);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: names.name, namespace: names.namespace, labels: { ...names.labels } },
    spec: {
      hostNetwork: true,
      priorityClassName: "system-node-critical",
      terminationGracePeriodSeconds: 30,
      containers: [{ ...base, volumeMounts: [{ name: "kubeconfig", mountPath: mounted, readOnly: true }] }],
      volumes: [{ name: "kubeconfig", hostPath: { path: kubeconfig, type: "File" } }],
    },
  };
}
