import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Lab, LinkEnd } from "./lab";
import type { NamespaceProcess } from "./process";
import type { PeerDaemon, PeerSpec, ReceivedRoute, SessionView } from "./peer";
import { waitFor } from "./wait";

/** The API process: appends every JSON message ExaBGP writes to it to a file. */
const RECEIVER = ["import sys", "with open(sys.argv[1], 'a') as out:", "    for line in sys.stdin:", "        out.write(line)", "        out.flush()", ""].join(
  "\n",
);

function renderConfig(spec: PeerSpec, receiver: string, received: string): string {
  const lines = ["process receiver {", `  run /usr/bin/python3 ${receiver} ${received};`, "  encoder json;", "}"];
  for (const n of spec.neighbors) {
    lines.push(
      `neighbor ${n.address} {`,
      `  router-id ${spec.address};`,
      `  local-address ${spec.address};`,
      `  local-as ${spec.asn};`,
      `  peer-as ${n.asn};`,
      `  connect ${n.port ?? 179};`,
      `  passive ${spec.passive ? "true" : "false"};`,
      `  hold-time ${spec.holdTimeSeconds ?? 9};`,
      "  family { ipv4 unicast; ipv6 unicast; }",
      `  capability { add-path ${spec.addPathReceive ? "receive" : "disable"}; }`,
      "  api { processes [ receiver ]; neighbor-changes; receive { parsed; update; notification; } }",
      "}",
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The parts of an ExaBGP JSON message the harness reads. */
interface ExabgpMessage {
  type?: string;
  neighbor?: {
    address?: { peer?: string };
    state?: string;
    reason?: string;
    message?: {
      update?: {
        attribute?: Record<string, unknown>;
        announce?: Record<string, Record<string, { nlri: string; "path-information"?: string }[]>>;
        withdraw?: Record<string, { nlri: string; "path-information"?: string }[]>;
      };
      notification?: unknown;
    };
  };
}

function flatNumbers(v: unknown): number[] {
  if (typeof v === "number") return [v];
  if (Array.isArray(v)) return v.flatMap(flatNumbers);
  if (v && typeof v === "object") return Object.values(v).flatMap(flatNumbers);
  return [];
}

function originName(v: unknown): string {
  return (typeof v === "string" ? v : "").toUpperCase();
}

/**
 * ExaBGP 4.2 with an API process that records every received message as a
 * JSON line; the harness folds those lines into a RIB and a session state.
 */
export class Exabgp implements PeerDaemon {
  readonly kind = "exabgp";
  private proc: NamespaceProcess | undefined;
  private readonly received: string;

  /** An ExaBGP instance in `end`'s namespace. */
  constructor(
    private readonly lab: Lab,
    private readonly end: LinkEnd,
    private readonly spec: PeerSpec,
  ) {
    this.received = lab.path("exabgp-received.jsonl");
  }

  async start(): Promise<void> {
    const receiver = this.lab.path("exabgp-receiver.py");
    writeFileSync(receiver, RECEIVER);
    writeFileSync(this.received, "");
    const config = this.lab.path("exabgp.conf");
    writeFileSync(config, renderConfig(this.spec, receiver, this.received));
    const env = {
      ...process.env,
      "exabgp.daemon.user": "root",
      "exabgp.daemon.drop": "false",
      "exabgp.api.ack": "false",
      "exabgp.api.cli": "false",
      "exabgp.log.level": "INFO",
      "exabgp.tcp.bind": this.spec.address,
      "exabgp.tcp.port": "179",
    };
    this.proc = this.lab.start("exabgp", this.end.ns, "exabgp", [config], env);
    const proc = this.proc;
    await waitFor(
      "exabgp API process",
      async () => {
        if (!proc.running) throw new Error(`exabgp exited (${proc.code}); see ${proc.logFile}`);
        return existsSync(proc.logFile) && /[Ll]oaded|receiver|Connected|connect/.test(readFileSync(proc.logFile, "utf8")) ? true : undefined;
      },
      { timeoutMs: 10_000 },
    );
  }

  /** Every message ExaBGP has passed to the API process so far, oldest first. */
  messages(): ExabgpMessage[] {
    return readFileSync(this.received, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as ExabgpMessage);
  }

  async session(neighbor: string): Promise<SessionView> {
    const states = this.messages().filter((m) => m.type === "state" && m.neighbor?.address?.peer === neighbor);
    const last = states[states.length - 1];
    return { established: last?.neighbor?.state === "up", detail: JSON.stringify(last ?? {}) };
  }

  async lastError(neighbor: string): Promise<string> {
    const errors = this.messages().filter((m) => (m.type === "notification" || m.neighbor?.state === "down") && m.neighbor?.address?.peer === neighbor);
    return errors.map((m) => JSON.stringify(m.neighbor)).join("\n");
  }

  async routes(): Promise<ReceivedRoute[]> {
    const rib = new Map<string, ReceivedRoute>();
    for (const m of this.messages()) {
      const peer = m.neighbor?.address?.peer ?? "";
      if (m.type === "state" && m.neighbor?.state === "down") {
        for (const key of [...rib.keys()]) if (key.startsWith(`${peer} `)) rib.delete(key);
      }
      const update = m.neighbor?.message?.update;
      if (m.type !== "update" || !update) continue;
      for (const [family, nlris] of Object.entries(update.withdraw ?? {})) {
        for (const n of nlris) rib.delete(`${peer} ${family} ${n.nlri} ${n["path-information"] ?? ""}`);
      }
      const attr = update.attribute ?? {};
      const pairs = (v: unknown): string[] => (Array.isArray(v) ? v.map((c) => flatNumbers(c).join(":")) : []);
      for (const [family, byNextHop] of Object.entries(update.announce ?? {})) {
        for (const [nextHop, nlris] of Object.entries(byNextHop)) {
          for (const n of nlris) {
            rib.set(`${peer} ${family} ${n.nlri} ${n["path-information"] ?? ""}`, {
              prefix: n.nlri,
              nextHop,
              origin: originName(attr.origin),
              asPath: flatNumbers(attr["as-path"]),
              communities: pairs(attr.community),
              largeCommunities: pairs(attr["large-community"]),
            });
          }
        }
      }
    }
    return [...rib.values()];
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
