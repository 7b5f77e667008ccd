import { readFileSync } from "node:fs";
import { parseCommandArgs } from "./args";
import type { Command, CommandIo } from "./command";
import { UsageError } from "./command";
import { ConfigError, parseListenAddress, parseSpeakerConfig, type SpeakerConfig } from "../speaker/config";
import { jsonLogger } from "../speaker/log";
import { Speaker } from "../speaker/speaker";
import { parseVip, parseVipFile, uniqueVips, type Vip } from "../speaker/vips";

const USAGE = `Usage: bgplb advertise --config FILE --advertise-ip IP [--advertise-ip IP]... [options]
       bgpadvertiser --config FILE --advertise-ip IP [options]

Runs a BGP speaker that connects to every peer in the config file and
advertises each VIP as a /32 (IPv4) or /128 (IPv6) host route with ORIGIN
IGP, AS_PATH = localASN and next hop localIP (IPv6 VIPs: ipv6NextHops[0]),
travelling over the IPv4 sessions with multiprotocol BGP. Compatible with the
vendor's bgpadvertiser: same config file and flags. Logs are JSON lines; FSM
transitions use the BGP_FSM_* names.

Options:
  --config FILE           YAML: localIP, localASN, peers: [{peerIP, peerASN}]
                          optional: peers[].peerPort (179), holdTime (90),
                          connectRetryTime (30), listenPort (179, 0 = no
                          listener), routerID (localIP), communities
                          ["65000:100"], largeCommunities ["4200000000:1:2"],
                          nextHops [IPv4...] (localIP), ipv6NextHops [IPv6...],
                          addPath (false; true = ADD-PATH send: one path per
                          next hop), healthListen ("127.0.0.1:8080")
  --advertise-ip IP       a VIP to advertise; repeat for several
  --advertise-file FILE   VIPs to advertise, one per line (# comments);
                          re-read on SIGHUP: VIPs no longer listed are
                          withdrawn, new ones advertised
  --health-listen H:P     health server address (overrides healthListen):
                          GET /healthz 200 while running, /readyz 200 when
                          every session is Established, /metrics Prometheus
  --debug-log             also log every message sent and received

Signals: SIGTERM/SIGINT withdraw every route, send NOTIFICATION Cease /
Administrative Shutdown, close and exit 0. SIGHUP re-reads --advertise-file.
Exit codes: 0 after a clean shutdown, 1 when the speaker cannot start (e.g.
the listen address is in use), 2 for bad flags or a bad config file.`;

/** Parsed command-line flags of `advertise`. */
interface AdvertiseFlags {
  readonly configFile: string;
  readonly advertiseIps: readonly Vip[];
  readonly advertiseFile?: string;
  readonly healthListen?: string;
  readonly debugLog: boolean;
}

/** Turns a parse error of a flag value into a usage error (exit 2). */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function parseFlags(args: readonly string[]): AdvertiseFlags {
  const { values, positionals } = parseCommandArgs(args, {
    config: { type: "string" },
    "advertise-ip": { type: "string", multiple: true },
    "advertise-file": { type: "string" },
    "health-listen": { type: "string" },
    "debug-log": { type: "boolean" },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} (see --help)`);
  const configFile = values.config;
  if (configFile === undefined) throw new UsageError("--config FILE is required");
  const advertiseIps = (values["advertise-ip"] ?? []).map((ip) => usage(() => parseVip(ip, "--advertise-ip")));
  const advertiseFile = values["advertise-file"];
  if (advertiseIps.length === 0 && advertiseFile === undefined) throw new UsageError("give at least one --advertise-ip IP (or --advertise-file FILE)");
  const listen = values["health-listen"];
  const healthListen = listen === undefined ? undefined : usage(() => parseListenAddress(listen, "--health-listen"));
  return { configFile, advertiseIps, advertiseFile, healthListen, debugLog: values["debug-log"] ?? false };
}

function readText(file: string, flag: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`${flag} ${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function loadConfig(file: string): SpeakerConfig {
  const text = readText(file, "--config");
  try {
    return parseSpeakerConfig(text);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`--config ${file}: ${err.message}`);
    throw err;
  }
}

function loadVipFile(file: string): Vip[] {
  const text = readText(file, "--advertise-file");
  try {
    return parseVipFile(text, file);
  } catch (err) {
    throw new UsageError(`--advertise-file ${(err as Error).message}`);
  }
}

function checkNextHops(config: SpeakerConfig, vips: readonly Vip[], configFile: string): void {
  const v6 = vips.find((v) => v.family === 6);
  if (v6 && config.ipv6NextHops.length === 0) {
    throw new UsageError(`--config ${configFile}: ipv6NextHops: is empty, but IPv6 VIP ${v6.address} is to be advertised (give the IPv6 next hop, e.g. ipv6NextHops: ["2001:db8::1"])`);
  }
}

/** `bgplb advertise`: the bgpadvertiser-compatible BGP speaker. */
export const advertiseCommand: Command = {
  name: "advertise",
  summary: "run a BGP speaker that advertises VIPs to peers (bgpadvertiser-compatible)",
  usage: USAGE,
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    const flags = parseFlags(args);
    const base = loadConfig(flags.configFile);
    const config: SpeakerConfig = flags.healthListen ? { ...base, healthListen: flags.healthListen } : base;
    const currentVips = (): Vip[] => uniqueVips(flags.advertiseIps, flags.advertiseFile ? loadVipFile(flags.advertiseFile) : []);
    const vips = currentVips();
    checkNextHops(config, vips, flags.configFile);
    const logger = jsonLogger(io.stdout, io.stderr, flags.debugLog);
    const speaker = new Speaker(config, logger);
    try {
      await speaker.start(vips);
    } catch (err) {
      logger.log("error", "speaker failed to start", { error: (err as Error).message });
      await speaker.stop();
      return 1;
    }
    return new Promise<number>((resolve) => {
      const onHangup = (): void => {
        try {
          const next = currentVips();
          checkNextHops(config, next, flags.configFile);
          speaker.advertise(next);
        } catch (err) {
          logger.log("error", "SIGHUP: advertise set not changed", { error: (err as Error).message });
        }
      };
      const onStop = (signal: NodeJS.Signals): void => {
        process.off("SIGHUP", onHangup);
        process.off("SIGTERM", onStop);
        process.off("SIGINT", onStop);
        logger.log("info", "shutting down", { signal });
        speaker.stop().then(() => resolve(0), (err: Error) => {
          logger.log("error", "shutdown failed", { error: err.message });
          resolve(1);
        });
      };
      process.on("SIGHUP", onHangup);
      process.on("SIGTERM", onStop);
      process.on("SIGINT", onStop);
    });
  },
};
