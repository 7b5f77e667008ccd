import { readFileSync, writeFileSync } from "node:fs";
import type { LabSpace, LinkEnd } from "./lab";
import type { NamespaceProcess } from "./process";
import { runInNamespace } from "./process";
import type { PeerDaemon, PeerSpec, ReceivedRoute, RouteWithLocalPref, SessionView } from "./peer";
import { waitFor } from "./wait";

function protocolName(index: number): string {
  return `n${index}`;
}

function renderConfig(spec: PeerSpec): string {
  const addPath = spec.addPathReceive ? " add paths rx;" : "";
  const lines = [
    `router id ${spec.address};`,
    "log stderr all;",
    "protocol device { scan time 1; }",
    ...(spec.bfd
      ? [
          "protocol bfd {",
          `  interface "eth0" { min rx interval ${spec.bfd.intervalMs} ms; min tx interval ${spec.bfd.intervalMs} ms; multiplier ${spec.bfd.detectMultiplier}; };`,
          "}",
        ]
      : []),
  ];
  spec.neighbors.forEach((n, i) => {
    lines.push(
      `protocol bgp ${protocolName(i)} {`,
      `  local ${spec.address} as ${spec.asn};`,
      `  neighbor ${n.address} port ${n.port ?? 179} as ${n.asn};`,
      `  hold time ${spec.holdTimeSeconds ?? 9};`,
      "  startup hold time 1;",
      "  connect delay time 1;",
      "  connect retry time 1;",
      "  error wait time 1, 2;",
      ...(spec.passive ? ["  passive on;"] : []),
      // iBGP on one segment: resolve next hops directly, as for eBGP (iBGP defaults to multihop, recursive)
      ...(n.asn === spec.asn ? ["  direct;"] : []),
      ...(n.password === undefined ? [] : [`  password "${n.password}";`]),
      ...(spec.gracefulRestart ? ["  graceful restart on;"] : []),
      ...(spec.bfd ? ["  bfd on;"] : []),
      `  ipv4 { import all; export none;${addPath} };`,
      `  ipv6 { import all; export none;${addPath} };`,
      "}",
    );
  });
  return `${lines.join("\n")}\n`;
}

/** Collects the attribute lines of one path from `show route all`. */
interface PathLines {
  prefix: string;
  attrs: Map<string, string>;
}

function toRoute(p: PathLines): ReceivedRoute {
  const pairs = (text: string | undefined): string[] =>
    [...(text ?? "").matchAll(/\(([^)]*)\)/g)].map((m) =>
      (m[1] ?? "")
        .split(",")
        .map((s) => s.trim())
        .join(":"),
    );
  const nextHop = (p.attrs.get("BGP.next_hop") ?? "").split(/\s+/)[0] ?? "";
  return {
    prefix: p.prefix,
    nextHop,
    origin: p.attrs.get("BGP.origin") ?? "",
    asPath: (p.attrs.get("BGP.as_path") ?? "").split(/\s+/).filter(Boolean).map(Number),
    communities: pairs(p.attrs.get("BGP.community")),
    largeCommunities: pairs(p.attrs.get("BGP.large_community")),
  };
}

/**
 * Parses `birdc show route all`: a line starting in column 0 opens a prefix
 * and its first path, an indented line naming a route type opens a further
 * path of the same prefix, tab-indented `Key: value` lines are attributes.
 */
export function parseShowRouteAll(text: string): ReceivedRoute[] {
  return showRouteAllPaths(text).map(toRoute);
}

function showRouteAllPaths(text: string): PathLines[] {
  const paths: PathLines[] = [];
  let prefix = "";
  for (const line of text.split("\n")) {
    if (/^[0-9a-f][0-9a-f.:]*\/\d+\s/i.test(line)) {
      prefix = line.split(/\s+/)[0] ?? "";
      paths.push({ prefix, attrs: new Map() });
    } else if (/^ +\S/.test(line) && prefix) {
      paths.push({ prefix, attrs: new Map() });
    } else if (line.startsWith("\t")) {
      const m = /^\t([\w.]+):\s*(.*)$/.exec(line);
      const current = paths[paths.length - 1];
      if (m && current) current.attrs.set(m[1] ?? "", m[2] ?? "");
    }
  }
  return paths;
}

/** BIRD 2 (`bird`), foreground, queried with `birdc` over its control socket. */
export class Bird implements PeerDaemon {
  readonly kind = "bird";
  private proc: NamespaceProcess | undefined;
  private readonly socket: string;

  /** A BIRD instance in `end`'s namespace. */
  constructor(
    private readonly lab: LabSpace,
    private readonly end: LinkEnd,
    private readonly spec: PeerSpec,
  ) {
    this.socket = lab.path("bird.ctl");
  }

  private cli(args: readonly string[]): Promise<string> {
    return runInNamespace(this.end.ns, "birdc", ["-s", this.socket, ...args]).then((r) => r.stdout);
  }

  async start(): Promise<void> {
    const config = this.lab.path("bird.conf");
    writeFileSync(config, this.spec.configText ?? renderConfig(this.spec));
    this.proc = this.lab.start("bird", this.end.ns, "bird", ["-f", "-c", config, "-s", this.socket]);
    const proc = this.proc;
    await waitFor(
      "bird control socket",
      async () => {
        if (!proc.running) throw new Error(`bird exited (${proc.code}); see ${proc.logFile}`);
        return (await this.cli(["show", "status"])).includes("Daemon is up") ? true : undefined;
      },
      { timeoutMs: 10_000 },
    );
  }

  async session(neighbor: string): Promise<SessionView> {
    if (this.spec.configText !== undefined) {
      // a configuration of its own names its protocols: find the one with this neighbor address
      const all = await this.cli(["show", "protocols", "all"]);
      const block = all.split(/\n(?=\S)/).find((b) => new RegExp(`Neighbor address:\\s+${neighbor.replace(/\./g, "\\.")}\\s`).test(b)) ?? "";
      return { established: /BGP state:\s+Established/.test(block), detail: block };
    }
    const index = this.spec.neighbors.findIndex((n) => n.address === neighbor);
    if (index < 0) throw new Error(`bird has no neighbor ${neighbor}`);
    const out = await this.cli(["show", "protocols", "all", protocolName(index)]);
    return { established: /BGP state:\s+Established/.test(out), detail: out };
  }

  /** The output of a `birdc` command (words as arguments). */
  command(words: readonly string[]): Promise<string> {
    return this.cli(words);
  }

  async lastError(neighbor: string): Promise<string> {
    return (await this.session(neighbor)).detail;
  }

  async routes(): Promise<ReceivedRoute[]> {
    return parseShowRouteAll(await this.cli(["show", "route", "all"]));
  }

  /** Every route with its LOCAL_PREF (`BGP.local_pref`). */
  async routesWithLocalPref(): Promise<RouteWithLocalPref[]> {
    return showRouteAllPaths(await this.cli(["show", "route", "all"])).map((p) => {
      const text = p.attrs.get("BGP.local_pref");
      return { ...toRoute(p), localPref: text === undefined ? undefined : Number(text) };
    });
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
