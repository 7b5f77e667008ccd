import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { run, runInNamespace, NamespaceProcess } from "./process";

/** Prefix of every namespace the harness creates; the creating pid follows it. */
const NAMESPACE_PREFIX = "bgplb-it-";

/** A fresh namespace-name prefix for one lab: the harness prefix, this pid (base 36), random hex. */
export function labId(): string {
  return `${NAMESPACE_PREFIX}${process.pid.toString(36)}-${randomBytes(3).toString("hex")}`;
}

/** What a router daemon needs of a lab: its scratch directory and a way to start processes in it. */
export type LabSpace = Pick<Lab, "dir" | "path" | "start">;

/** Addresses of the two ends of a lab link. */
export interface LinkEnd {
  /** The network namespace. */
  readonly ns: string;
  /** IPv4 address on the link (198.18.0.0/24). */
  readonly ipv4: string;
  /** IPv6 address on the link (2001:db8::/64). */
  readonly ipv6: string;
}

/** Fixed link addressing; every lab has its own namespaces, so labs never clash. */
export const LINK = {
  speaker: { ipv4: "198.18.0.1", ipv6: "2001:db8::1" },
  peer: { ipv4: "198.18.0.2", ipv6: "2001:db8::2" },
  /** A second next hop on the link for ADD-PATH tests (an LB node that is not the speaker). */
  secondNextHop: { ipv4: "198.18.0.3", ipv6: "2001:db8::3" },
} as const;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Kills every process in a namespace and deletes it. */
export async function deleteNamespace(ns: string): Promise<void> {
  const pids = await run("ip", ["netns", "pids", ns]).then(
    (r) => r.stdout.split(/\s+/).filter(Boolean).map(Number),
    () => [] as number[],
  );
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGCONT");
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await run("ip", ["netns", "del", ns]).catch(() => undefined);
}

/**
 * Deletes namespaces left behind by earlier harness runs whose process is
 * gone (a crashed run cannot clean up after itself). Namespaces of runs that
 * are still alive are left alone, so parallel runs do not disturb each other.
 */
export async function reapStaleLabs(): Promise<void> {
  const { stdout } = await run("ip", ["netns", "list"]);
  for (const line of stdout.split("\n")) {
    const ns = line.split(" ")[0] ?? "";
    if (!ns.startsWith(NAMESPACE_PREFIX)) continue;
    const pid = Number.parseInt(ns.slice(NAMESPACE_PREFIX.length).split("-")[0] ?? "", 36);
    if (Number.isFinite(pid) && !pidAlive(pid)) await deleteNamespace(ns);
  }
}

/**
 * A lab: two network namespaces, `speaker` and `peer`, joined by a veth pair
 * named `veth0` on both sides, with IPv4 and IPv6 documentation addresses;
 * a scratch directory for configs, sockets and logs; and every process
 * started in it, so {@link Lab.destroy} can clean up all of it.
 */
export class Lab {
  private readonly processes: NamespaceProcess[] = [];
  private destroyed = false;

  private constructor(
    /** Speaker side of the link. */
    readonly speaker: LinkEnd,
    /** Peer (router daemon) side of the link. */
    readonly peer: LinkEnd,
    /** Scratch directory, removed on destroy. */
    readonly dir: string,
  ) {}

  /** Creates the namespaces and the link; on any failure removes what was made. */
  static async create(): Promise<Lab> {
    const id = labId();
    const dir = mkdtempSync(join(tmpdir(), "bgplb-interop-"));
    const lab = new Lab({ ns: `${id}-spk`, ...LINK.speaker }, { ns: `${id}-peer`, ...LINK.peer }, dir);
    try {
      for (const end of [lab.speaker, lab.peer]) {
        await run("ip", ["netns", "add", end.ns]);
        await runInNamespace(end.ns, "ip", ["link", "set", "lo", "up"]);
      }
      await run("ip", ["link", "add", "veth0", "netns", lab.speaker.ns, "type", "veth", "peer", "name", "veth0", "netns", lab.peer.ns]);
      for (const end of [lab.speaker, lab.peer]) {
        await runInNamespace(end.ns, "ip", ["addr", "add", `${end.ipv4}/24`, "dev", "veth0"]);
        await runInNamespace(end.ns, "ip", ["-6", "addr", "add", `${end.ipv6}/64`, "dev", "veth0", "nodad"]);
        await runInNamespace(end.ns, "ip", ["link", "set", "veth0", "up"]);
      }
    } catch (err) {
      await lab.destroy();
      throw err;
    }
    return lab;
  }

  /** Starts a process inside `ns`, logging to `<dir>/<label>.log`; it is stopped on destroy. */
  start(label: string, ns: string, file: string, args: readonly string[], env?: NodeJS.ProcessEnv): NamespaceProcess {
    if (this.destroyed) throw new Error(`lab already destroyed, cannot start ${label}`);
    const proc = new NamespaceProcess(label, ns, file, args, join(this.dir, `${label}.log`), env);
    this.processes.push(proc);
    return proc;
  }

  /** Path of a file in the lab's scratch directory. */
  path(name: string): string {
    return join(this.dir, name);
  }

  /**
   * Stops every process, deletes both namespaces (killing anything left in
   * them) and removes the scratch directory unless `keepDir` (for debugging a
   * failure: the logs stay). Safe to call more than once.
   */
  async destroy(keepDir = false): Promise<void> {
    this.destroyed = true;
    await Promise.all(this.processes.map((p) => p.stop().catch(() => undefined)));
    await deleteNamespace(this.speaker.ns);
    await deleteNamespace(this.peer.ns);
    if (!keepDir) rmSync(this.dir, { recursive: true, force: true });
  }
}
