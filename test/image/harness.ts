import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { waitFor } from "../interop/harness/wait";
import { IMAGE_MAIN } from "../../image/build";

/** The Debian packages the image tests run, by the program each provides. */
const TOOLS: Readonly<Record<string, string>> = {
  skopeo: "skopeo",
  umoci: "umoci",
  runc: "runc",
  "docker-registry": "docker-registry",
  "apt-get": "apt",
  "dpkg-deb": "dpkg",
  strip: "binutils",
  ldd: "libc-bin",
  git: "git",
  tar: "tar",
  bird: "bird2",
  ip: "iproute2",
};

/**
 * Skips the calling suite unless root (network namespaces, runc); throws
 * naming the Debian packages to install when a program is missing.
 */
export function requireImageHost(ctx: Mocha.Context): void {
  if (process.getuid?.() !== 0) ctx.skip();
  const missing = Object.keys(TOOLS).filter((tool) => {
    try {
      execFileSync("sh", ["-c", 'command -v "$1"', "sh", tool], { stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new Error(`image tests need ${missing.join(", ")}: apt-get install ${[...new Set(missing.map((t) => TOOLS[t]))].join(" ")}`);
  }
}

/** Proxy variables removed so that skopeo talks to the loopback registry directly. */
const NO_PROXY_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(https?|all|no)_proxy$/i.test(k)));

/** Runs a tool and resolves to its stdout; rejects with the command line and stderr. */
export function tool(file: string, args: readonly string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: NO_PROXY_ENV }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${[file, ...args].join(" ")} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** A `docker-registry` (distribution 2.x) on 127.0.0.1, storing under a scratch directory. */
export class LocalRegistry {
  private constructor(
    private readonly child: ChildProcess,
    /** `127.0.0.1:port`. */
    readonly address: string,
    private readonly logFile: string,
  ) {}

  /** Writes its config into `dir`, starts it and waits until `/v2/` answers. */
  static async start(dir: string): Promise<LocalRegistry> {
    const port = await freePort();
    const config = join(dir, "registry.yml");
    writeFileSync(
      config,
      [
        "version: 0.1",
        "log: {level: warn}",
        "storage:",
        `  filesystem: {rootdirectory: ${join(dir, "storage")}}`,
        "http:",
        `  addr: 127.0.0.1:${port}`,
        "",
      ].join("\n"),
    );
    const logFile = join(dir, "registry.log");
    const fd = openSync(logFile, "a");
    const child = spawn("docker-registry", ["serve", config], { stdio: ["ignore", fd, fd], env: NO_PROXY_ENV });
    closeSync(fd);
    const registry = new LocalRegistry(child, `127.0.0.1:${port}`, logFile);
    await waitFor(
      "docker-registry /v2/",
      async () => {
        if (child.exitCode !== null) throw new Error(`docker-registry exited ${child.exitCode}: ${readFileSync(logFile, "utf8")}`);
        return (await fetch(`http://${registry.address}/v2/`)).status === 200 ? true : undefined;
      },
      { timeoutMs: 15_000 },
    );
    return registry;
  }

  /** Stops it (SIGTERM, then SIGKILL). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }

  /** Its log, for failure messages. */
  log(): string {
    return readFileSync(this.logFile, "utf8");
  }
}

/** The parts of an OCI runtime config (from `umoci unpack`) the test changes. */
interface RuntimeConfig {
  process: {
    terminal: boolean;
    args: string[];
    user: { uid: number; gid: number };
    capabilities: Record<string, string[]>;
  };
  root: { path: string; readonly?: boolean };
  mounts: { destination: string; type: string; source: string; options: string[] }[];
  linux: { namespaces: { type: string; path?: string }[] };
}

/**
 * Adapts the runtime bundle `umoci unpack` made from the image: no terminal,
 * the given command after the image's entrypoint, a read-only root, only
 * `capabilities`, the network namespace `netns` (from `ip netns`), and a
 * read-only bind mount of `configDir` at `/config`. The user stays the
 * image's.
 */
export function prepareBundle(
  bundle: string,
  options: { readonly command: readonly string[]; readonly capabilities: readonly string[]; readonly netns: string; readonly configDir: string },
): RuntimeConfig {
  const file = join(bundle, "config.json");
  const config = JSON.parse(readFileSync(file, "utf8")) as RuntimeConfig;
  // the image's Entrypoint (node, its options, the CLI), without its Cmd
  const main = config.process.args.indexOf(IMAGE_MAIN);
  if (main < 0) throw new Error(`the bundle's process args ${JSON.stringify(config.process.args)} do not run ${IMAGE_MAIN}`);
  const entrypoint = config.process.args.slice(0, main + 1);
  config.process.terminal = false;
  config.process.args = [...entrypoint, ...options.command];
  for (const set of Object.keys(config.process.capabilities)) config.process.capabilities[set] = [...options.capabilities];
  config.root.readonly = true;
  config.linux.namespaces = config.linux.namespaces.map((ns) => (ns.type === "network" ? { type: "network", path: `/run/netns/${options.netns}` } : ns));
  config.mounts.push({ destination: "/config", type: "bind", source: options.configDir, options: ["rbind", "ro"] });
  writeFileSync(file, JSON.stringify(config, null, 2));
  return config;
}

/** A container `runc run` started in the foreground, its output in a log file. */
export class RuncContainer {
  private readonly child: ChildProcess;
  private readonly done: Promise<void>;

  /** Starts `runc --root state run --bundle bundle id`. */
  constructor(
    private readonly state: string,
    private readonly id: string,
    bundle: string,
    private readonly logFile: string,
  ) {
    const fd = openSync(logFile, "a");
    this.child = spawn("runc", ["--root", state, "run", "--bundle", bundle, id], { stdio: ["ignore", fd, fd] });
    closeSync(fd);
    this.done = new Promise((resolve) => this.child.once("exit", () => resolve()));
  }

  /** True once `runc run` has exited. */
  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** The container's output so far. */
  log(): string {
    return readFileSync(this.logFile, "utf8");
  }

  /** The host pid of the container's first process, from `runc state`. */
  async pid(): Promise<number> {
    return (JSON.parse(await tool("runc", ["--root", this.state, "state", this.id])) as { pid: number }).pid;
  }

  /** Runs a command in the container and resolves to its stdout. */
  exec(args: readonly string[]): Promise<string> {
    return tool("runc", ["--root", this.state, "exec", this.id, ...args]);
  }

  /** Kills and deletes the container and waits for `runc run` to end. */
  async remove(): Promise<void> {
    await tool("runc", ["--root", this.state, "delete", "--force", this.id]).catch(() => undefined);
    if (!this.exited) this.child.kill("SIGKILL");
    await this.done;
  }
}
