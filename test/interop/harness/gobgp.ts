import { writeFileSync } from "node:fs";
import type { Lab, LinkEnd } from "./lab";
import type { NamespaceProcess } from "./process";
import { runInNamespace } from "./process";
import type { PeerDaemon, PeerSpec, ReceivedRoute, SessionView } from "./peer";
import { waitFor } from "./wait";

/** gRPC address of gobgpd's API; loopback of the daemon's own namespace. */
const API_HOST = "127.0.0.1";
const API_PORT = "50051";

const ORIGINS = ["IGP", "EGP", "INCOMPLETE"];
const SESSION_STATES = ["unknown", "idle", "connect", "active", "opensent", "openconfirm", "established"];

/** One attribute in `gobgp global rib -j` output (fields vary by type). */
interface GobgpAttribute {
  type: number;
  value?: unknown;
  nexthop?: string;
  as_paths?: { asns?: number[] }[];
  communities?: number[];
}

function renderConfig(spec: PeerSpec): string {
  const lines = ["[global.config]", `  as = ${spec.asn}`, `  router-id = "${spec.address}"`, `  local-address-list = ["${spec.address}"]`];
  for (const n of spec.neighbors) {
    lines.push(
      "[[neighbors]]",
      "  [neighbors.config]",
      `    neighbor-address = "${n.address}"`,
      `    peer-as = ${n.asn}`,
      "  [neighbors.timers.config]",
      `    hold-time = ${spec.holdTimeSeconds ?? 9}`,
      `    keepalive-interval = ${Math.max(1, Math.floor((spec.holdTimeSeconds ?? 9) / 3))}`,
      "    connect-retry = 1",
      "  [neighbors.transport.config]",
      `    local-address = "${spec.address}"`,
      `    remote-port = ${n.port ?? 179}`,
      `    passive-mode = ${spec.passive ? "true" : "false"}`,
    );
    for (const family of ["ipv4-unicast", "ipv6-unicast"]) {
      lines.push("  [[neighbors.afi-safis]]", "    [neighbors.afi-safis.config]", `      afi-safi-name = "${family}"`);
      if (spec.addPathReceive) lines.push("    [neighbors.afi-safis.add-paths.config]", "      receive = true");
    }
  }
  return `${lines.join("\n")}\n`;
}

function toRoute(prefix: string, attrs: GobgpAttribute[]): ReceivedRoute {
  let nextHop = "";
  let origin = "";
  let asPath: number[] = [];
  let communities: string[] = [];
  let largeCommunities: string[] = [];
  for (const a of attrs) {
    if (a.type === 1) origin = ORIGINS[Number(a.value)] ?? String(a.value);
    else if (a.type === 2) asPath = (a.as_paths ?? []).flatMap((s) => s.asns ?? []);
    else if ((a.type === 3 || a.type === 14) && a.nexthop) nextHop = a.nexthop;
    else if (a.type === 8) communities = (a.communities ?? []).map((c) => `${c >>> 16}:${c & 0xffff}`);
    else if (a.type === 32) {
      const values = (a.value ?? []) as { ASN: number; LocalData1: number; LocalData2: number }[];
      largeCommunities = values.map((v) => `${v.ASN}:${v.LocalData1}:${v.LocalData2}`);
    }
  }
  return { prefix, nextHop, origin, asPath, communities, largeCommunities };
}

/** GoBGP (`gobgpd`), configured from a TOML file, queried with the `gobgp` CLI. */
export class Gobgp implements PeerDaemon {
  readonly kind = "gobgp";
  private proc: NamespaceProcess | undefined;

  /**
   * A GoBGP instance in `end`'s namespace, named `label` in the lab, logging
   * at `logLevel` (debug for the suites; benchmarks pass "info", since
   * debug logging slows gobgpd down).
   */
  constructor(
    private readonly lab: Lab,
    private readonly end: LinkEnd,
    private readonly spec: PeerSpec,
    private readonly label = "gobgpd",
    private readonly logLevel = "debug",
  ) {}

  /** The process; throws before {@link start}. */
  get process(): NamespaceProcess {
    if (!this.proc) throw new Error(`${this.label} not started`);
    return this.proc;
  }

  /** Runs the `gobgp` CLI against this instance and resolves to its output. */
  cli(args: readonly string[], timeoutMs?: number): Promise<string> {
    return runInNamespace(this.end.ns, "gobgp", ["-u", API_HOST, "-p", API_PORT, ...args], timeoutMs).then((r) => r.stdout);
  }

  async start(): Promise<void> {
    const config = this.lab.path(`${this.label}.toml`);
    writeFileSync(config, renderConfig(this.spec));
    this.proc = this.lab.start(this.label, this.end.ns, "gobgpd", [
      "-f",
      config,
      "--api-hosts",
      `${API_HOST}:${API_PORT}`,
      "--pprof-disable",
      "-p",
      "-l",
      this.logLevel,
    ]);
    const proc = this.proc;
    await waitFor(
      `${this.label} API`,
      async () => {
        if (!proc.running) throw new Error(`${this.label} exited (${proc.code}); see ${proc.logFile}`);
        return (await this.cli(["global"])).includes("AS") ? true : undefined;
      },
      { timeoutMs: 10_000 },
    );
  }

  async session(neighbor: string): Promise<SessionView> {
    const out = JSON.parse(await this.cli(["neighbor", neighbor, "-j"])) as { state?: { session_state?: number | string } };
    const raw = out.state?.session_state;
    const state = typeof raw === "number" ? (SESSION_STATES[raw] ?? String(raw)) : String(raw ?? "unknown").toLowerCase();
    return { established: state === "established", detail: JSON.stringify(out.state ?? {}) };
  }

  /** GoBGP names no reason for a received NOTIFICATION; it reports how many arrived. */
  async lastError(neighbor: string): Promise<string> {
    const out = JSON.parse(await this.cli(["neighbor", neighbor, "-j"])) as { state?: { messages?: { received?: { notification?: number } } } };
    return `notifications received: ${out.state?.messages?.received?.notification ?? 0}`;
  }

  async routes(): Promise<ReceivedRoute[]> {
    const routes: ReceivedRoute[] = [];
    for (const family of ["ipv4", "ipv6"]) {
      const rib = JSON.parse((await this.cli(["global", "rib", "-a", family, "-j"])) || "{}") as Record<string, { attrs: GobgpAttribute[] }[]>;
      for (const [prefix, paths] of Object.entries(rib)) {
        for (const path of paths) routes.push(toRoute(prefix, path.attrs));
      }
    }
    return routes;
  }

  /** Originates `prefix` from this instance (used when GoBGP plays the reference speaker). */
  async announce(prefix: string, nextHop: string, communities: readonly string[] = []): Promise<void> {
    const family = prefix.includes(":") ? "ipv6" : "ipv4";
    const args = ["global", "rib", "add", "-a", family, prefix, "origin", "igp", "nexthop", nextHop];
    if (communities.length > 0) args.push("community", communities.join(","));
    await this.cli(args);
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
