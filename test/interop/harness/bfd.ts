/**
 * Router daemons with BFD for the BFD interop suite: FRR (zebra, bfdd and
 * bgpd with `neighbor X bfd profile`) and BIRD 2 (`protocol bfd` and `bfd
 * on` in the BGP protocol), each in the lab's peer namespace with its own
 * config, sockets and logs; plus a way to cut BFD alone off on a link.
 */
import { chownSync, writeFileSync } from "node:fs";
import type { Lab, LinkEnd } from "./lab";
import type { NamespaceProcess } from "./process";
import { runInNamespace } from "./process";
import { parseShowRouteAll } from "./bird";
import { prepareFrrRunDir } from "./frr";
import { waitFor } from "./wait";

/** The BFD timers both sides run with, ms (MetalLB's defaults). */
export interface BfdTimers {
  readonly intervalMs: number;
  readonly detectMultiplier: number;
}

/** What a router with BFD is started with: one eBGP neighbor, the speaker. */
export interface BfdRouterSpec {
  readonly asn: number;
  /** The neighbor (speaker) address and AS. */
  readonly neighbor: { readonly address: string; readonly asn: number };
  readonly timers: BfdTimers;
  /** Wait for the speaker's BFD packets before sending (FRR `passive-mode`, BIRD `passive`). @default false */
  readonly passive?: boolean;
  /** The Echo function at this interval, ms, both ways (FRR `echo-mode`; BIRD has none). @default no Echo */
  readonly echoIntervalMs?: number;
  /** A further BFD session configured statically, without BGP (e.g. over IPv6 to a BFD-only probe). */
  readonly staticSession?: { readonly peer: string; readonly local: string };
  /** FRR: a whole configuration (e.g. `bgplb router-config`'s) given to bfdd and bgpd alike, instead of the one built from the fields above. */
  readonly configText?: string;
}

/** A router running BGP with BFD to the speaker. */
export interface BfdRouter {
  readonly kind: "frr" | "bird";
  start(): Promise<void>;
  /** True when the router's BGP session to the neighbor is Established. */
  bgpEstablished(): Promise<boolean>;
  /** The router's own word for its BFD session to `peer` (default: the neighbor), lower case ("up", "down", "init"), or "none". */
  bfdState(peer?: string): Promise<string>;
  /** The prefixes the router holds from the neighbor. */
  prefixes(): Promise<string[]>;
  /** Freezes the BFD daemon (FRR: bfdd alone; BIRD: the whole daemon) with SIGSTOP. */
  pauseBfd(): void;
  resumeBfd(): void;
}

/** Where Debian's frr package installs the daemons. */
const FRR_DAEMONS = "/usr/lib/frr";

/** The programs this module runs. */
export const BFD_ROUTER_PROGRAMS = [`${FRR_DAEMONS}/zebra`, `${FRR_DAEMONS}/bfdd`, `${FRR_DAEMONS}/bgpd`, "vtysh", "bird", "birdc", "iptables", "ip6tables"];

/** FRR zebra + bfdd + bgpd sharing one zserv socket, config and vty directory in the lab. */
export class FrrBfd implements BfdRouter {
  readonly kind = "frr";
  private readonly runDir: string;
  private bfdd: NamespaceProcess | undefined;

  constructor(
    private readonly lab: Lab,
    private readonly end: LinkEnd,
    private readonly spec: BfdRouterSpec,
  ) {
    this.runDir = lab.path("frr-bfd");
  }

  private async cli(daemon: string, command: string): Promise<string> {
    return (await runInNamespace(this.end.ns, "vtysh", ["--vty_socket", this.runDir, "-d", daemon, "-c", command])).stdout;
  }

  private config(name: string, text: string, uid: number, gid: number): string {
    const file = `${this.runDir}/${name}.conf`;
    writeFileSync(file, text);
    chownSync(file, uid, gid);
    return file;
  }

  async start(): Promise<void> {
    const { uid, gid } = prepareFrrRunDir(this.lab.dir, this.runDir);
    const { asn, neighbor, timers } = this.spec;
    const common = (daemon: string): string[] => [
      "--vty_socket",
      this.runDir,
      "-z",
      `${this.runDir}/zserv.api`,
      "-u",
      "frr",
      "-g",
      "frr",
      "-i",
      `${this.runDir}/${daemon}.pid`,
      "--log",
      "stdout",
    ];
    const zebra = this.config("zebra", "hostname peer\nlog stdout debugging\n", uid, gid);
    this.lab.start("frr-zebra", this.end.ns, `${FRR_DAEMONS}/zebra`, [...common("zebra"), "-f", zebra]);
    await waitFor("frr zebra vty", async () => ((await this.cli("zebra", "show version").catch(() => "")).includes("FRRouting") ? true : undefined), {
      timeoutMs: 15_000,
    });
    const bfdd = this.config(
      "bfdd",
      this.spec.configText ??
        [
          "hostname peer",
          "log stdout debugging",
          "bfd",
          " profile metallb",
          `  detect-multiplier ${timers.detectMultiplier}`,
          `  receive-interval ${timers.intervalMs}`,
          `  transmit-interval ${timers.intervalMs}`,
          ...(this.spec.passive ? ["  passive-mode"] : []),
          ...(this.spec.echoIntervalMs === undefined
            ? []
            : ["  echo-mode", `  echo receive-interval ${this.spec.echoIntervalMs}`, `  echo transmit-interval ${this.spec.echoIntervalMs}`]),
          " exit",
          ...(this.spec.staticSession
            ? [` peer ${this.spec.staticSession.peer} local-address ${this.spec.staticSession.local} interface veth0`, "  profile metallb", " exit"]
            : []),
          "exit",
          "",
        ].join("\n"),
      uid,
      gid,
    );
    this.bfdd = this.lab.start("frr-bfdd", this.end.ns, `${FRR_DAEMONS}/bfdd`, [...common("bfdd"), "--bfdctl", `${this.runDir}/bfdd.sock`, "-f", bfdd]);
    await waitFor("frr bfdd vty", async () => ((await this.cli("bfdd", "show bfd peers").catch(() => "")).includes("BFD Peers") ? true : undefined), {
      timeoutMs: 15_000,
    });
    const bgpd = this.config(
      "bgpd",
      this.spec.configText ??
        [
          "frr defaults traditional",
          "hostname peer",
          "log stdout debugging",
          `router bgp ${asn}`,
          ` bgp router-id ${this.end.ipv4}`,
          " no bgp ebgp-requires-policy",
          " no bgp default ipv4-unicast",
          ` neighbor ${neighbor.address} remote-as ${neighbor.asn}`,
          ` neighbor ${neighbor.address} timers 3 9`,
          ` neighbor ${neighbor.address} timers connect 1`,
          ` neighbor ${neighbor.address} bfd profile metallb`,
          " address-family ipv4 unicast",
          `  neighbor ${neighbor.address} activate`,
          " exit-address-family",
          "",
        ].join("\n"),
      uid,
      gid,
    );
    this.lab.start("frr-bgpd", this.end.ns, `${FRR_DAEMONS}/bgpd`, [...common("bgpd"), "-l", this.end.ipv4, "-f", bgpd]);
    await waitFor("frr bgpd vty", async () => ((await this.cli("bgpd", "show bgp summary json").catch(() => "")).includes("{") ? true : undefined), {
      timeoutMs: 15_000,
    });
  }

  async bgpEstablished(): Promise<boolean> {
    const out = JSON.parse(await this.cli("bgpd", `show bgp neighbors ${this.spec.neighbor.address} json`)) as Record<string, { bgpState?: string }>;
    return out[this.spec.neighbor.address]?.bgpState === "Established";
  }

  async bfdState(peer = this.spec.neighbor.address): Promise<string> {
    const peers = JSON.parse(await this.cli("bfdd", "show bfd peers json")) as { peer?: string; status?: string }[];
    return peers.find((p) => p.peer === peer)?.status ?? "none";
  }

  /** bfdd's own view of the session, for failure messages and the timers it agreed. */
  async bfdDetail(): Promise<string> {
    return this.cli("bfdd", `show bfd peer ${this.spec.neighbor.address}`);
  }

  async prefixes(): Promise<string[]> {
    const table = JSON.parse(await this.cli("bgpd", "show bgp ipv4 unicast json")) as { routes?: Record<string, unknown> };
    return Object.keys(table.routes ?? {});
  }

  pauseBfd(): void {
    this.bfdd?.signal("SIGSTOP");
  }

  resumeBfd(): void {
    this.bfdd?.signal("SIGCONT");
  }
}

/** BIRD 2 with `protocol bfd` and a BGP protocol with `bfd on`. */
export class BirdBfd implements BfdRouter {
  readonly kind = "bird";
  private readonly socket: string;
  private proc: NamespaceProcess | undefined;

  constructor(
    private readonly lab: Lab,
    private readonly end: LinkEnd,
    private readonly spec: BfdRouterSpec,
  ) {
    this.socket = lab.path("bird-bfd.ctl");
  }

  private cli(...args: string[]): Promise<string> {
    return runInNamespace(this.end.ns, "birdc", ["-s", this.socket, ...args]).then((r) => r.stdout);
  }

  async start(): Promise<void> {
    const { asn, neighbor, timers } = this.spec;
    const config = this.lab.path("bird-bfd.conf");
    writeFileSync(
      config,
      [
        `router id ${this.end.ipv4};`,
        "log stderr all;",
        "protocol device { scan time 1; }",
        "protocol bfd {",
        '  interface "veth0" {',
        `    min rx interval ${timers.intervalMs} ms;`,
        `    min tx interval ${timers.intervalMs} ms;`,
        `    multiplier ${timers.detectMultiplier};`,
        ...(this.spec.passive ? ["    passive on;"] : []),
        "  };",
        ...(this.spec.staticSession ? [`  neighbor ${this.spec.staticSession.peer} dev "veth0" local ${this.spec.staticSession.local};`] : []),
        "}",
        "protocol bgp speaker {",
        `  local ${this.end.ipv4} as ${asn};`,
        `  neighbor ${neighbor.address} as ${neighbor.asn};`,
        "  hold time 9;",
        "  connect retry time 1;",
        "  error wait time 1, 2;",
        "  bfd on;",
        "  ipv4 { import all; export none; };",
        "}",
        "",
      ].join("\n"),
    );
    this.proc = this.lab.start("bird-bfd", this.end.ns, "bird", ["-f", "-c", config, "-s", this.socket]);
    const proc = this.proc;
    await waitFor(
      "bird control socket",
      async () => {
        if (!proc.running) throw new Error(`bird exited (${proc.code}); see ${proc.logFile}`);
        return (await this.cli("show", "status").catch(() => "")).includes("Daemon is up") ? true : undefined;
      },
      { timeoutMs: 10_000 },
    );
  }

  async bgpEstablished(): Promise<boolean> {
    return /BGP state:\s+Established/.test(await this.cli("show", "protocols", "all", "speaker"));
  }

  async bfdState(peer = this.spec.neighbor.address): Promise<string> {
    const line = (await this.cli("show", "bfd", "sessions")).split("\n").find((l) => l.trim().split(/\s+/)[0] === peer);
    return line?.trim().split(/\s+/)[2]?.toLowerCase() ?? "none";
  }

  /** `birdc show bfd sessions`, for failure messages. */
  bfdDetail(): Promise<string> {
    return this.cli("show", "bfd", "sessions");
  }

  async prefixes(): Promise<string[]> {
    return parseShowRouteAll(await this.cli("show", "route", "all", "protocol", "speaker")).map((r) => r.prefix);
  }

  pauseBfd(): void {
    this.proc?.signal("SIGSTOP");
  }

  resumeBfd(): void {
    this.proc?.signal("SIGCONT");
  }
}

/**
 * Drops (or, with `blocked` false, lets through again) BFD Control packets
 * arriving in `end`'s namespace, IPv4 and IPv6; BGP on TCP is untouched.
 */
export async function setBfdBlocked(end: LinkEnd, blocked: boolean): Promise<void> {
  for (const tool of ["iptables", "ip6tables"]) {
    await runInNamespace(end.ns, tool, [blocked ? "-I" : "-D", "INPUT", "-p", "udp", "--dport", "3784", "-j", "DROP"]);
  }
}

/**
 * Adds counting rules (no verdict) for BFD Control packets arriving in
 * `end`'s namespace: all of them, and those that meet RFC 5881 (source
 * port 49152-65535, TTL / hop limit 255); read with {@link bfdPacketCounts}.
 */
export async function countBfdPackets(end: LinkEnd): Promise<void> {
  for (const [tool, match] of [
    ["iptables", ["-m", "ttl", "--ttl-eq", "255"]],
    ["ip6tables", ["-m", "hl", "--hl-eq", "255"]],
  ] as const) {
    await runInNamespace(end.ns, tool, ["-A", "INPUT", "-p", "udp", "--dport", "3784"]);
    await runInNamespace(end.ns, tool, ["-A", "INPUT", "-p", "udp", "--sport", "49152:65535", "--dport", "3784", ...match]);
  }
}

/** The counters of {@link countBfdPackets} for one family: every BFD packet, and the RFC 5881-conformant ones. */
export async function bfdPacketCounts(end: LinkEnd, family: 4 | 6): Promise<{ all: number; conformant: number }> {
  const out = (await runInNamespace(end.ns, family === 4 ? "iptables" : "ip6tables", ["-L", "INPUT", "-v", "-n", "-x"])).stdout;
  const rules = out.split("\n").filter((l) => l.includes("dpt:3784") && !l.includes("DROP"));
  const packets = (line: string | undefined): number => Number(line?.trim().split(/\s+/)[0] ?? NaN);
  return {
    all: packets(rules.find((l) => !l.includes("spts:"))),
    conformant: packets(rules.find((l) => l.includes("spts:49152:65535") && /(TTL|HL) match (TTL|HL) == 255/.test(l))),
  };
}
