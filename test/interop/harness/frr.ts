import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import type { LabSpace, LinkEnd } from "./lab";
import type { NamespaceProcess } from "./process";
import { runInNamespace } from "./process";
import type { PeerDaemon, PeerSpec, ReceivedRoute, RouteWithLocalPref, SessionView } from "./peer";
import { waitFor } from "./wait";

/** Where Debian's frr package installs the daemons. */
const FRR_BGPD = "/usr/lib/frr/bgpd";

/**
 * Makes `runDir` (vty sockets, pid files, configs) for FRR daemons, which drop
 * to the `frr` user: the lab directory is opened to them and `runDir` is
 * theirs. Returns that user's uid and gid, for config files.
 */
export function prepareFrrRunDir(labDir: string, runDir: string): { uid: number; gid: number } {
  const uid = Number(execFileSync("id", ["-u", "frr"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "frr"]).toString().trim());
  chmodSync(labDir, 0o755);
  mkdirSync(runDir, { recursive: true });
  chownSync(runDir, uid, gid);
  return { uid, gid };
}

function renderConfig(spec: PeerSpec): string {
  const hold = spec.holdTimeSeconds ?? 9;
  const lines = [
    "frr defaults traditional",
    "hostname peer",
    "log stdout debugging",
    `router bgp ${spec.asn}`,
    ` bgp router-id ${spec.address}`,
    " bgp log-neighbor-changes",
    " no bgp ebgp-requires-policy",
    " no bgp default ipv4-unicast",
    ...(spec.gracefulRestart ? [" bgp graceful-restart"] : []),
  ];
  for (const n of spec.neighbors) {
    lines.push(
      ` neighbor ${n.address} remote-as ${n.asn}`,
      ` neighbor ${n.address} port ${n.port ?? 179}`,
      ` neighbor ${n.address} timers ${Math.max(1, Math.floor(hold / 3))} ${hold}`,
      ` neighbor ${n.address} timers connect 1`,
      ...(spec.passive ? [` neighbor ${n.address} passive`] : []),
      ...(n.password === undefined ? [] : [` neighbor ${n.address} password ${n.password}`]),
    );
  }
  for (const family of ["ipv4", "ipv6"]) {
    lines.push(` address-family ${family} unicast`);
    if (spec.maximumPaths !== undefined) lines.push(`  maximum-paths ${spec.maximumPaths}`);
    for (const n of spec.neighbors) {
      lines.push(`  neighbor ${n.address} activate`);
      if (spec.addPathReceive === false) lines.push(`  neighbor ${n.address} disable-addpath-rx`);
    }
    lines.push(" exit-address-family");
  }
  return `${lines.join("\n")}\n`;
}

/** A path in `show bgp <afi> unicast <prefix> json`. */
interface FrrPath {
  origin?: string;
  aspath?: { string?: string };
  community?: { string?: string };
  largeCommunity?: { string?: string };
  locPrf?: number;
  nexthops?: { ip?: string; scope?: string }[];
}

function toRoute(prefix: string, p: FrrPath): ReceivedRoute {
  const words = (s: string | undefined): string[] => (s ?? "").split(/\s+/).filter(Boolean);
  const nextHop = (p.nexthops ?? []).find((n) => n.scope !== "link-local")?.ip ?? "";
  return {
    prefix,
    nextHop,
    origin: (p.origin ?? "").toUpperCase() === "INCOMPLETE" ? "INCOMPLETE" : (p.origin ?? "").toUpperCase(),
    asPath: words(p.aspath?.string).map(Number),
    communities: words(p.community?.string),
    largeCommunities: words(p.largeCommunity?.string),
  };
}

/**
 * FRR's `bgpd` run standalone (`-Z`, no zebra), listening on the peer
 * address only, queried with `vtysh` over its own vty socket directory.
 */
export class Frr implements PeerDaemon {
  readonly kind = "frr";
  private proc: NamespaceProcess | undefined;
  private readonly runDir: string;

  /** An FRR bgpd in `end`'s namespace. */
  constructor(
    private readonly lab: LabSpace,
    private readonly end: LinkEnd,
    private readonly spec: PeerSpec,
  ) {
    this.runDir = lab.path("frr");
  }

  private async cli(command: string): Promise<string> {
    return (await runInNamespace(this.end.ns, "vtysh", ["--vty_socket", this.runDir, "-d", "bgpd", "-c", command])).stdout;
  }

  async start(): Promise<void> {
    const { uid, gid } = prepareFrrRunDir(this.lab.dir, this.runDir);
    const config = `${this.runDir}/bgpd.conf`;
    writeFileSync(config, this.spec.configText ?? renderConfig(this.spec));
    chownSync(config, uid, gid);
    this.proc = this.lab.start("frr-bgpd", this.end.ns, FRR_BGPD, [
      "-Z",
      "-l",
      this.spec.address,
      "--vty_socket",
      this.runDir,
      "-u",
      "frr",
      "-g",
      "frr",
      "-f",
      config,
      "-i",
      `${this.runDir}/bgpd.pid`,
      "--log",
      "stdout",
    ]);
    const proc = this.proc;
    await waitFor(
      "frr bgpd vty",
      async () => {
        if (!proc.running) throw new Error(`bgpd exited (${proc.code}); see ${proc.logFile}`);
        return (await this.cli("show bgp summary json")).includes("{") ? true : undefined;
      },
      { timeoutMs: 15_000 },
    );
  }

  async session(neighbor: string): Promise<SessionView> {
    const out = JSON.parse(await this.cli(`show bgp neighbors ${neighbor} json`)) as Record<string, { bgpState?: string }>;
    const view = out[neighbor] ?? {};
    return { established: view.bgpState === "Established", detail: JSON.stringify(view) };
  }

  async lastError(neighbor: string): Promise<string> {
    const log = this.proc ? readFileSync(this.proc.logFile, "utf8") : "";
    const notifications = log.split("\n").filter((l) => l.includes("NOTIFICATION") && l.includes(neighbor));
    return [(await this.session(neighbor)).detail, ...notifications].join("\n");
  }

  async routes(): Promise<ReceivedRoute[]> {
    return (await this.paths()).map(([prefix, p]) => toRoute(prefix, p));
  }

  /** Every route with its LOCAL_PREF (`locPrf`; FRR shows none for eBGP routes). */
  async routesWithLocalPref(): Promise<RouteWithLocalPref[]> {
    return (await this.paths()).map(([prefix, p]) => ({ ...toRoute(prefix, p), localPref: p.locPrf }));
  }

  private async paths(): Promise<[string, FrrPath][]> {
    const paths: [string, FrrPath][] = [];
    for (const family of ["ipv4", "ipv6"]) {
      const table = JSON.parse(await this.cli(`show bgp ${family} unicast json`)) as { routes?: Record<string, unknown> };
      for (const prefix of Object.keys(table.routes ?? {})) {
        const detail = JSON.parse(await this.cli(`show bgp ${family} unicast ${prefix} json`)) as { paths?: FrrPath[] };
        for (const p of detail.paths ?? []) paths.push([prefix, p]);
      }
    }
    return paths;
  }

  /** The next hops of the paths FRR uses for `prefix` (best path plus ECMP multipaths). */
  async multipathNextHops(family: "ipv4" | "ipv6", prefix: string): Promise<string[]> {
    const detail = JSON.parse(await this.cli(`show bgp ${family} unicast ${prefix} json`)) as {
      paths?: (FrrPath & { multipath?: boolean; bestpath?: { overall?: boolean } })[];
    };
    return (detail.paths ?? []).filter((p) => p.multipath === true || p.bestpath?.overall === true).map((p) => toRoute(prefix, p).nextHop);
  }

  /** The daemon's log so far. */
  logText(): string {
    return this.proc ? readFileSync(this.proc.logFile, "utf8") : "";
  }

  pause(): void {
    this.proc?.signal("SIGSTOP");
  }

  resume(): void {
    this.proc?.signal("SIGCONT");
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }
}
