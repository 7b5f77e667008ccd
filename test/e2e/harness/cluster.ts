import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runChecked, runCommand, type CommandOutcome } from "./command";
import { repoDir } from "./tools";

/**
 * A throwaway API server (etcd + kube-apiserver on 127.0.0.1, CRDs of
 * sdk/crds installed) started by test/e2e/cluster/up.sh and removed by
 * down.sh. A watchdog tears it down if this process dies without stop().
 */
export class ThrowawayCluster {
  private constructor(
    /** The directory holding the certificates, etcd data and logs. */
    readonly dir: string,
    /** Path of the admin kubeconfig. */
    readonly kubeconfig: string,
    /** Path of the kubectl binary to use. */
    private readonly kubectlPath: string,
    /** The summary line up.sh printed (start-up timings). */
    readonly startupReport: string,
  ) {}

  /**
   * Starts a cluster; rejects with up.sh's output (logs included) on failure.
   * `listenAddress` is where kube-apiserver listens (default 127.0.0.1);
   * `serviceRange` its Service ClusterIP range (default 198.51.100.0/24;
   * `v4cidr,v6cidr` for dual-stack).
   */
  static async start(kubectlPath: string, listenAddress?: string, serviceRange?: string): Promise<ThrowawayCluster> {
    const dir = mkdtempSync(path.join(tmpdir(), "bgplb-e2e-cluster-"));
    const listen = listenAddress === undefined ? [] : ["--listen-address", listenAddress];
    const range = serviceRange === undefined ? [] : ["--service-range", serviceRange];
    const up = await runCommand(path.join(repoDir, "test/e2e/cluster/up.sh"), [dir, "--owner-pid", String(process.pid), ...listen, ...range], {
      timeoutMs: 180_000,
    });
    if (up.code !== 0) throw new Error(`test/e2e/cluster/up.sh failed (exit ${up.code}):\n${up.stdout}\n${up.stderr}`);
    const lines = up.stdout.trim().split("\n");
    const last = lines[lines.length - 1] ?? "";
    if (!last.startsWith("KUBECONFIG=")) throw new Error(`up.sh printed no KUBECONFIG line:\n${up.stdout}`);
    return new ThrowawayCluster(dir, last.slice("KUBECONFIG=".length), kubectlPath, lines[lines.length - 2] ?? "");
  }

  /** Runs kubectl against the cluster; resolves to its outcome whatever the exit code. */
  kubectl(args: readonly string[], input?: string): Promise<CommandOutcome> {
    return runCommand(this.kubectlPath, ["--kubeconfig", this.kubeconfig, ...args], { input, timeoutMs: 60_000 });
  }

  /** Runs kubectl against the cluster; rejects unless it exits 0. */
  kubectlChecked(args: readonly string[], input?: string): Promise<CommandOutcome> {
    return runChecked(this.kubectlPath, ["--kubeconfig", this.kubeconfig, ...args], { input, timeoutMs: 60_000 });
  }

  /** `kubectl get -o json` of one object, parsed. */
  async getJson(resource: string, name: string, namespace?: string): Promise<KubeObject> {
    const ns = namespace === undefined ? [] : ["-n", namespace];
    const { stdout } = await this.kubectlChecked(["get", resource, name, ...ns, "-o", "json"]);
    return JSON.parse(stdout) as KubeObject;
  }

  /** Stops the API server and etcd and removes the directory. */
  async stop(): Promise<void> {
    await runChecked(path.join(repoDir, "test/e2e/cluster/down.sh"), [this.dir], { timeoutMs: 60_000 });
  }
}

/** A Kubernetes object as `kubectl get -o json` returns it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly resourceVersion?: string;
  };
  readonly spec?: Record<string, unknown>;
  readonly status?: Record<string, unknown>;
}
