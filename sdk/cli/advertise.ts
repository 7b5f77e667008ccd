import { unlinkSync } from "node:fs";
import type { Server } from "node:net";
import { DEFAULT_MAX_INPUT_BYTES, InputFileError, parseByteSize, readTextInput, STDIN_PATH } from "../io";
import { parseCommandArgs } from "./args";
import type { Command, CommandIo } from "./command";
import { UsageError } from "./command";
import { keepRunningOnClosedOutput } from "./run";
import { ConfigError, parseListenAddress, parseSpeakerConfig, type SpeakerConfig } from "../speaker/config";
import { errorFields } from "../speaker/log";
import { formatIpValue, type IpValue } from "../net";
import { parseVip, parseVipValues, type Vip } from "../speaker/vips";

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
                          withdrawn, new ones advertised (- reads standard
                          input once, at the start)
  --control PATH          listen on a Unix socket (mode 0600) for changes,
                          one per line: "announce 192.0.2.10" or
                          "withdraw 2001:db8::10"; a batch ends with an
                          empty line or when the client closes its side, is
                          applied whole (only the difference is sent) and
                          answered with one line, "ok announced N withdrawn M
                          advertised K" or "error: line L: ..." (then nothing
                          of it is applied); lines up to 256 characters, batches
                          up to 262144 lines. Example:
                          printf 'announce 192.0.2.10\n' | socat - UNIX:PATH
                          A SIGHUP makes the set the listed VIPs again.
  --health-listen H:P     health server address (overrides healthListen):
                          GET /healthz 200 while running, /readyz 200 when
                          every session is Established, /metrics Prometheus
  --max-input-size SIZE   refuse a --config or --advertise-file larger than
                          SIZE (default 64MiB; e.g. 512KiB, 1GiB)
  --debug-log             also log every message sent and received

Signals: SIGTERM/SIGINT withdraw every route, send NOTIFICATION Cease /
Administrative Shutdown, close and exit 0, also when they arrive during
start-up. SIGHUP re-reads --advertise-file (the VIPs announced or withdrawn
through --control since are replaced by the listed ones); a file that cannot be read or
parsed is logged and the VIPs advertised stay as they were. Started by npm
(npx, npm exec, npm run), whose shell does not pass SIGTERM on, the speaker
also shuts down this way when its launcher exits; in containers and service
managers start the binary itself (bgplb or node .../main.js), not npx.
Exit codes: 0 after a clean shutdown, 1 when the speaker cannot start (e.g.
the listen address is in use), 2 for bad flags or a bad config file.`;

/** Parsed command-line flags of `advertise`. */
interface AdvertiseFlags {
  readonly configFile: string;
  readonly advertiseIps: readonly Vip[];
  readonly advertiseFile?: string;
  readonly control?: string;
  readonly healthListen?: string;
  readonly maxInputBytes: number;
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

/** Prefixes the message of an error thrown by `parse` with the flag it is about. */
function withFlag<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new Error(`${flag}: ${(err as Error).message}`, { cause: err });
  }
}

function parseFlags(args: readonly string[]): AdvertiseFlags {
  const { values, positionals } = parseCommandArgs(args, {
    config: { type: "string" },
    "advertise-ip": { type: "string", multiple: true },
    "advertise-file": { type: "string" },
    control: { type: "string" },
    "health-listen": { type: "string" },
    "max-input-size": { type: "string" },
    "debug-log": { type: "boolean" },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} (see --help)`);
  const configFile = values.config;
  if (configFile === undefined) throw new UsageError("--config FILE is required");
  const advertiseIps = (values["advertise-ip"] ?? []).map((ip) => usage(() => parseVip(ip, "--advertise-ip")));
  const advertiseFile = values["advertise-file"];
  const control = values.control;
  if (control === "") throw new UsageError("--control: give the path of the socket to create");
  if (advertiseIps.length === 0 && advertiseFile === undefined && control === undefined) {
    throw new UsageError("give at least one --advertise-ip IP (or --advertise-file FILE, or --control PATH)");
  }
  const listen = values["health-listen"];
  const healthListen = listen === undefined ? undefined : usage(() => parseListenAddress(listen, "--health-listen"));
  const size = values["max-input-size"];
  const maxInputBytes = size === undefined ? DEFAULT_MAX_INPUT_BYTES : usage(() => withFlag("--max-input-size", () => parseByteSize(size)));
  return { configFile, advertiseIps, advertiseFile, control, healthListen, maxInputBytes, debugLog: values["debug-log"] ?? false };
}

/** Reads a file given with `flag`, bounded by `--max-input-size`; any failure is a usage error naming the flag and the file. */
function readText(file: string, flag: string, maxBytes: number): string {
  try {
    return readTextInput(file, { maxBytes, limitSetting: "--max-input-size" });
  } catch (err) {
    if (err instanceof InputFileError) throw new UsageError(`${flag} ${err.message}`);
    throw err;
  }
}

function loadConfig(file: string, maxBytes: number): SpeakerConfig {
  const text = readText(file, "--config", maxBytes);
  try {
    return parseSpeakerConfig(text);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`--config ${file}: ${err.message}`);
    throw err;
  }
}

function loadVipFile(file: string, maxBytes: number): IpValue[] {
  const text = readText(file, "--advertise-file", maxBytes);
  try {
    return parseVipValues(text, file);
  } catch (err) {
    throw new UsageError(`--advertise-file ${(err as Error).message}`);
  }
}

/** Stops taking control connections and removes the socket file. */
function closeControl(server: Server, path: string): void {
  server.close();
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Checks that the VIPs can be advertised with the config: an IPv6 next hop for IPv6 VIPs, attributes that fit an UPDATE. */
function checkVips(config: SpeakerConfig, vips: readonly IpValue[], configFile: string, checkAdvertisable: SpeakerModule["checkAdvertisable"]): void {
  const v6 = vips.find((v) => typeof v === "bigint");
  if (v6 !== undefined && config.ipv6NextHops.length === 0) {
    throw new UsageError(
      `--config ${configFile}: ipv6NextHops: is empty, but IPv6 VIP ${formatIpValue(v6)} is to be advertised (give the IPv6 next hop, e.g. ipv6NextHops: ["2001:db8::1"])`,
    );
  }
  try {
    checkAdvertisable(config, vips);
  } catch (err) {
    throw new UsageError(`--config ${configFile}: the routes cannot be advertised: ${(err as Error).message}`);
  }
}

/** The speaker and its logs, loaded when `advertise` runs (pino, prom-client and the protocol core are not needed by the other commands). */
type SpeakerModule = typeof import("../speaker/speaker");

/** How often the speaker checks that its npm launcher is still there. */
const LAUNCHER_POLL_MS = 250;

/**
 * npm (npx, npm exec, npm run) starts a binary through `sh -c` and passes
 * SIGTERM to that shell only: the shell dies, npm exits, and the speaker
 * would run on as an orphan, its routes still advertised. So when npm is the
 * launcher (it sets `npm_lifecycle_event`), the launcher exiting, seen as a
 * change of the parent process, counts as a stop signal. Returns the
 * function that stops watching.
 */
function watchNpmLauncher(onGone: () => void): () => void {
  if (process.env.npm_lifecycle_event === undefined) return () => undefined;
  const launcher = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== launcher) onGone();
  }, LAUNCHER_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * SIGHUP while there is nothing to re-read: before the speaker runs (the
 * files are being read for the start anyway) and once it shuts down.
 */
const IGNORE_HANGUP = (): void => undefined;

/** `bgplb advertise`: the bgpadvertiser-compatible BGP speaker. */
export const advertiseCommand: Command = {
  name: "advertise",
  daemon: true,
  summary: "run a BGP speaker that advertises VIPs to peers (bgpadvertiser-compatible)",
  usage: USAGE,
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    // Signal handling comes first, before any file is read or socket opened:
    // a stop that arrives during start-up is kept and honoured once started.
    let stopRequested: string | undefined;
    let wake: (reason: string) => void = () => undefined;
    let hangup = IGNORE_HANGUP;
    const onStop = (reason: string): void => {
      stopRequested ??= reason;
      wake(stopRequested);
    };
    const onHangup = (): void => hangup();
    process.on("SIGTERM", onStop);
    process.on("SIGINT", onStop);
    process.on("SIGHUP", onHangup);
    const unwatch = watchNpmLauncher(() => onStop("launcher exited"));
    let lastResort: ((error: unknown) => void) | undefined;
    try {
      const flags = parseFlags(args);
      const [{ checkAdvertisable, Speaker }, { jsonLogger }, { keepYoungGenerationSmall }, { startControlServer }] = await Promise.all([
        import("../speaker/speaker.js"),
        import("../speaker/json-logger.js"),
        import("../speaker/heap.js"),
        import("../speaker/control.js"),
      ]);
      keepYoungGenerationSmall();
      const base = loadConfig(flags.configFile, flags.maxInputBytes);
      const config: SpeakerConfig = flags.healthListen ? { ...base, healthListen: flags.healthListen } : base;
      /** Every VIP given, in order, duplicates included. */
      const listedVips = (): IpValue[] => {
        const fromFile = flags.advertiseFile ? loadVipFile(flags.advertiseFile, flags.maxInputBytes) : [];
        return flags.advertiseIps.length === 0 ? fromFile : [...flags.advertiseIps.map((v) => v.value), ...fromFile];
      };
      // Dropped once the speaker has started (it keeps what it needs): this frame lives as long as the speaker.
      let vips: IpValue[] | undefined = listedVips();
      checkVips(config, vips, flags.configFile, checkAdvertisable);
      const logger = jsonLogger(io.stdout, io.stderr, flags.debugLog);
      // Defence in depth only: every peer session catches its own errors
      // (see PeerDriver). Anything that still escapes is logged, and the
      // speaker keeps its sessions and routes rather than dropping them all.
      lastResort = (error: unknown): void => logger.log("error", "uncaught error, speaker keeps running", errorFields(error));
      process.on("uncaughtException", lastResort);
      process.on("unhandledRejection", lastResort);
      keepRunningOnClosedOutput();
      const speaker = new Speaker(config, logger);
      let control: Server | undefined;
      try {
        await speaker.start(vips);
        vips = undefined;
        if (flags.control !== undefined) {
          control = await startControlServer(
            flags.control,
            (announce, withdraw) => {
              checkVips(config, announce, flags.configFile, checkAdvertisable);
              const { added, removed } = speaker.change(announce, withdraw);
              return `announced ${added.length} withdrawn ${removed.length} advertised ${speaker.vipCount}`;
            },
            logger,
          );
          logger.log("info", "control socket listening", { path: flags.control });
        }
      } catch (err) {
        logger.log("error", "speaker failed to start", { error: (err as Error).message });
        await speaker.stop();
        return 1;
      }
      hangup = (): void => {
        if (flags.advertiseFile === STDIN_PATH) {
          // Standard input was read to its end at the start; reading it again would withdraw every VIP.
          logger.log("warn", "SIGHUP: --advertise-file is standard input, which cannot be re-read; advertise set not changed");
          return;
        }
        logger.log("info", "SIGHUP: reading the advertise set again", { file: flags.advertiseFile });
        try {
          // The speaker drops duplicates itself while comparing with what it advertises.
          const next = listedVips();
          checkVips(config, next, flags.configFile, checkAdvertisable);
          speaker.advertise(next);
        } catch (err) {
          logger.log("error", "SIGHUP: advertise set not changed", { error: (err as Error).message });
        }
      };
      const reason = stopRequested ?? (await new Promise<string>((resolve) => (wake = resolve)));
      hangup = IGNORE_HANGUP;
      logger.log("info", "shutting down", { signal: reason });
      if (control) closeControl(control, flags.control as string);
      try {
        await speaker.stop();
        return 0;
      } catch (err) {
        logger.log("error", "shutdown failed", { error: (err as Error).message });
        return 1;
      }
    } finally {
      unwatch();
      if (lastResort) {
        process.off("uncaughtException", lastResort);
        process.off("unhandledRejection", lastResort);
      }
      // Once stopping, the handlers stay: a repeated signal while the process
      // exits is ignored instead of killing it with a signal status.
      if (stopRequested === undefined) {
        process.off("SIGTERM", onStop);
        process.off("SIGINT", onStop);
        process.off("SIGHUP", onHangup);
      }
    }
  },
};
