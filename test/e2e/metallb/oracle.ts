import { spawn, execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import type { ThrowawayCluster } from "../harness/cluster";

/** The namespace MetalLB's webhooks accept objects in. */
const metallbNamespace = "metallb-system";

/** The port MetalLB's controller serves its webhooks on (fixed in its code). */
const webhookPort = 9443;

/** The kinds of MetalLB objects, peers first so that BFD profiles are no longer in use when they go. */
const metallbResources = ["bgppeers", "bgpadvertisements", "l2advertisements", "ipaddresspools", "communities", "bfdprofiles"].map((r) => `${r}.metallb.io`);

/** What the oracle said about one case: the verdict and, for a rejection, the refused object and why. */
export interface OracleVerdict {
  readonly verdict: "accept" | "reject";
  /** `Kind name` of the refused object. */
  readonly refused?: string;
  /** kubectl's message for the refusal. */
  readonly reason?: string;
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A CA and a serving certificate for 127.0.0.1, made with openssl in `dir` (tls.crt, tls.key, ca.crt). */
function makeCertificates(dir: string): void {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const openssl = (args: readonly string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  openssl([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "2",
    "-subj",
    "/CN=bgplb-e2e-metallb-ca",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  openssl(["req", ...ec, "-keyout", "tls.key", "-out", "tls.csr", "-subj", "/CN=metallb-webhook"]);
  writeFileSync(path.join(dir, "tls.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n");
  openssl([
    "x509",
    "-req",
    "-in",
    "tls.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-set_serial",
    "0x1",
    "-days",
    "2",
    "-out",
    "tls.crt",
    "-extfile",
    "tls.ext",
  ]);
}

/**
 * MetalLB's own controller run out of cluster as a webhook server against a
 * throwaway API server (which up.sh gave MetalLB's CRDs from its Go module),
 * and MetalLB's ValidatingWebhookConfiguration is
 * registered with a URL on 127.0.0.1 and a CA made here. Every object applied
 * to the cluster afterwards gets MetalLB's own verdict.
 */
export class MetallbOracle {
  private constructor(
    private readonly cluster: ThrowawayCluster,
    private readonly dir: string,
    private readonly controllerPid: number,
  ) {}

  /** The controller's log (for failure messages). */
  log(): string {
    return readFileSync(path.join(this.dir, "controller.log"), "utf8");
  }

  /**
   * Installs MetalLB's CRDs from `files.crds` (a folder of the MetalLB module
   * in the Go module cache), starts `controllerPath`, registers the webhooks
   * of `files.webhooks` and waits until they refuse an object outside
   * metallb-system.
   */
  static async start(cluster: ThrowawayCluster, controllerPath: string, files: MetallbFiles): Promise<MetallbOracle> {
    if (await portInUse(webhookPort)) throw new Error(`127.0.0.1:${webhookPort} is in use; MetalLB's controller serves its webhooks on that fixed port`);
    await installMetallbCrds(cluster, files.crds);

    const dir = mkdtempSync(path.join(tmpdir(), "bgplb-e2e-metallb-"));
    // The webhook server reads its certificate from TMPDIR/k8s-webhook-server/serving-certs
    // (controller-runtime's default; --cert-dir only feeds MetalLB's certificate rotation).
    const certDir = path.join(dir, "k8s-webhook-server/serving-certs");
    mkdirSync(certDir, { recursive: true });
    makeCertificates(certDir);
    const logFd = openSync(path.join(dir, "controller.log"), "w");
    const controller = spawn(
      controllerPath,
      [
        "--namespace",
        metallbNamespace,
        "--webhook-mode",
        "onlywebhook",
        "--disable-cert-rotation",
        "--cert-dir",
        certDir,
        "--port",
        "0",
        "--kubeconfig",
        cluster.kubeconfig,
        "--log-level",
        "info",
      ],
      { detached: true, stdio: ["ignore", logFd, logFd], env: { ...process.env, TMPDIR: dir, METALLB_BGP_TYPE: "frr-k8s" } },
    );
    closeSync(logFd);
    if (controller.pid === undefined) throw new Error(`${controllerPath} did not start`);
    controller.unref();
    spawn(
      "bash",
      [
        "-c",
        'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 2; done; kill "$2" 2>/dev/null',
        "watchdog",
        String(process.pid),
        String(controller.pid),
      ],
      {
        detached: true,
        stdio: "ignore",
      },
    ).unref();
    const oracle = new MetallbOracle(cluster, dir, controller.pid);
    try {
      await oracle.registerWebhooks(files.webhooks, readFileSync(path.join(certDir, "ca.crt")));
      await oracle.waitReady();
    } catch (error) {
      await oracle.stop();
      throw error;
    }
    return oracle;
  }

  /** MetalLB's webhook configuration, each webhook pointed at the local controller. */
  private async registerWebhooks(manifest: string, ca: Buffer): Promise<void> {
    const docs = parseAllDocuments(readFileSync(manifest, "utf8")).map(
      (doc) => doc.toJS() as { kind?: string; metadata: { name: string }; webhooks: { clientConfig: { service?: { path: string } } }[] } | null,
    );
    const configuration = docs.find((doc) => doc?.kind === "ValidatingWebhookConfiguration");
    if (!configuration) throw new Error(`${manifest} has no ValidatingWebhookConfiguration`);
    configuration.metadata = { name: "metallb-webhook-configuration" };
    for (const webhook of configuration.webhooks) {
      const webhookPath = webhook.clientConfig.service?.path;
      if (webhookPath === undefined) throw new Error(`${manifest}: a webhook without a service path`);
      webhook.clientConfig = { url: `https://127.0.0.1:${webhookPort}${webhookPath}`, caBundle: ca.toString("base64") } as never;
    }
    await this.cluster.kubectlChecked(["apply", "--server-side", "-f", "-"], stringify(configuration));
  }

  private async waitReady(): Promise<void> {
    const probe = stringify({
      apiVersion: "metallb.io/v1beta1",
      kind: "IPAddressPool",
      metadata: { name: "probe", namespace: "default" },
      spec: { addresses: ["192.0.2.0/24"] },
    });
    let last = "";
    for (let attempt = 0; attempt < 120; attempt++) {
      const outcome = await this.cluster.kubectl(["create", "--dry-run=server", "-f", "-"], probe);
      last = `${outcome.stdout}${outcome.stderr}`;
      if (outcome.code !== 0 && last.includes(`must be created in ${metallbNamespace} namespace`)) return;
      try {
        process.kill(this.controllerPid, 0);
      } catch {
        throw new Error(`MetalLB's controller exited during start-up:\n${this.log()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`MetalLB's webhooks did not answer within 60 s (last answer: ${last.trim()}):\n${this.log()}`);
  }

  /** Removes every MetalLB object, Secret in metallb-system and Node a case left behind. */
  private async reset(): Promise<void> {
    for (const resource of metallbResources) await this.cluster.kubectlChecked(["delete", resource, "--all", "--all-namespaces", "--wait"]);
    await this.cluster.kubectlChecked(["delete", "secrets", "--all", "-n", metallbNamespace]);
    await this.cluster.kubectlChecked(["delete", "nodes", "--all"]);
  }

  /**
   * MetalLB's verdict on the objects of `file`, applied one by one in file
   * order (each first as a server-side dry run, then for real) to an empty
   * metallb-system: a rejection names the first object refused.
   */
  async verdict(file: string): Promise<OracleVerdict> {
    await this.reset();
    for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
      const object = doc.toJS() as { kind: string; metadata: { name: string } } | null;
      if (object === null) continue;
      const text = stringify(object);
      for (const dryRun of [["--dry-run=server"], []]) {
        const outcome = await this.cluster.kubectl(["apply", "--server-side", ...dryRun, "-f", "-"], text);
        if (outcome.code !== 0) return { verdict: "reject", refused: `${object.kind} ${object.metadata.name}`, reason: outcome.stderr.trim() };
      }
    }
    return { verdict: "accept" };
  }

  /** Stops the controller, removes its webhook configuration and the certificates. */
  async stop(): Promise<void> {
    try {
      process.kill(-this.controllerPid, "SIGTERM");
    } catch {
      // already gone
    }
    await this.cluster.kubectl(["delete", "validatingwebhookconfiguration", "metallb-webhook-configuration", "--ignore-not-found"]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Applies MetalLB's own CRDs (from `crds`, a folder of the MetalLB module;
 * up.sh installs them too, so this is idempotent) and creates the
 * metallb-system namespace.
 */
export async function installMetallbCrds(cluster: ThrowawayCluster, crds: string): Promise<void> {
  await cluster.kubectlChecked(["apply", "--server-side", "-f", crds]);
  await cluster.kubectlChecked(["wait", "--for", "condition=Established", "crd", "--all", "--timeout", "60s"]);
  await cluster.kubectlChecked(["create", "namespace", metallbNamespace]);
}

/** Where MetalLB's CRDs and webhook configuration are in the Go module cache. */
export interface MetallbFiles {
  /** The folder of MetalLB's CRDs (config/crd/bases). */
  readonly crds: string;
  /** MetalLB's webhook configuration (config/webhook/manifests.yaml). */
  readonly webhooks: string;
}

/** MetalLB's files as build.sh --print-paths names them, or why they are not there. */
export function metallbFiles(paths: ReadonlyMap<string, string>): { files?: MetallbFiles; missing: readonly string[] } {
  const crds = paths.get("metallb-crds");
  const webhooks = paths.get("metallb-webhooks");
  const missing: string[] = [];
  if (crds === undefined || !existsSync(crds) || readdirSync(crds).length === 0)
    missing.push(`MetalLB's CRDs are not in the module cache (${crds ?? "build.sh names none"})`);
  if (webhooks === undefined || !existsSync(webhooks))
    missing.push(`MetalLB's webhook configuration is not in the module cache (${webhooks ?? "build.sh names none"})`);
  if (missing.length > 0) return { missing: [...missing, "run test/e2e/tools/build.sh metallb-controller"] };
  return { files: { crds: crds!, webhooks: webhooks! }, missing };
}
