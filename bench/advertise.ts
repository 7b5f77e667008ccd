/**
 * `npm run bench -- advertise [N]`: bgplb `advertise`, GoBGP and BIRD 2 as
 * senders of N distinct IPv4 /32s to one BIRD 2 receiver, side by side, in
 * network namespaces created and removed here (test/interop/harness).
 *
 * Each sender is started and loaded with its routes before the receiver
 * starts, so the session comes up with the whole table waiting. T_conv is
 * the same for all: from the receiver's protocol reaching Established to it
 * having imported all N routes, polled over the receiver's control socket.
 * Sender CPU is read from /proc/<pid>/stat over T_conv; RSS from
 * /proc/<pid>/status once converged, and in a run with no routes (idle);
 * withdraw time is from SIGTERM to the receiver holding no route. The
 * first-UPDATE latency is read from the receiver's own trace (BIRD's
 * microsecond timestamps): from its session coming up to the first UPDATE
 * it got. bgplb also reports the event loop's delay while it streamed the
 * table (its "update sent" log line).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { Bird } from "../test/interop/harness/bird";
import { Gobgp } from "../test/interop/harness/gobgp";
import { Lab, reapStaleLabs } from "../test/interop/harness/lab";
import type { NamespaceProcess } from "../test/interop/harness/process";
import { SpeakerProcess } from "../test/interop/harness/speaker";
import { sleep, waitFor } from "../test/interop/harness/wait";
import { formatIpv4, parseIpv4 } from "../sdk/net";
import { Origin } from "../sdk/bgp/messages";
import { BirdControl, parseProtocol } from "./bird-control";
import { mrtHostRoutes } from "./mrt";

const SENDER_ASN = 65001;
const RECEIVER_ASN = 65002;
/** The advertised /32s: 10.0.0.0, 10.0.0.1, ... (data only; no traffic goes to them). */
const FIRST_ROUTE = (10 << 24) >>> 0;
/** Receiver poll interval. */
const POLL_MS = 2;

/** One sender kind: starts in the lab's speaker namespace with `count` routes loaded, its session not up yet. */
interface Sender {
  readonly name: string;
  start(lab: Lab, count: number, label: string): Promise<RunningSender>;
}

/** A started, loaded sender. */
interface RunningSender {
  readonly process: NamespaceProcess;
  /**
   * Replaces the first 10% of the routes by as many new ones, the way an
   * operator would (bgplb: advertise file + SIGHUP; BIRD: config + configure).
   */
  replaceTenth?(): Promise<void>;
  /** Replaces the next 10% by as many new ones through the `--control` socket (bgplb with --control only). */
  replaceTenthByControl?(): Promise<void>;
  /** Called between receiver polls (BIRD: wakes its event loop, see {@link birdSender}). */
  tick?(): Promise<void>;
  /** The 99th percentile of the sender's event-loop delay while it sent the table, in ms (bgplb only). */
  loopDelayMs?(): number | undefined;
  close?(): void;
}

/** What one run of one sender measured. */
interface RunResult {
  readonly convMs: number;
  readonly cpuMs: number;
  readonly rssBytes: number;
  readonly withdrawMs: number;
  /** Time to replace 10% of the routes (see {@link RunningSender.replaceTenth}), or undefined. */
  readonly changeMs: number | undefined;
  /** The same through the control socket (see {@link RunningSender.replaceTenthByControl}), or undefined. */
  readonly controlChangeMs: number | undefined;
  /** From the receiver's session coming up to its first UPDATE, or undefined when its trace does not show both. */
  readonly firstUpdateMs: number | undefined;
  readonly loopDelayMs: number | undefined;
}

/** The addresses after replacing the first 10% of `count` by new ones. */
function changedAddresses(count: number): string[] {
  const tenth = Math.floor(count / 10);
  return Array.from({ length: count }, (_, i) => routeAddress(i < tenth ? count + i : i));
}

/** The control-socket batch that replaces the second 10% of `count` (still the original ones after {@link changedAddresses}) by new ones. */
function controlReplacement(count: number): string[] {
  const tenth = Math.floor(count / 10);
  const lines: string[] = [];
  for (let i = tenth; i < 2 * tenth; i++) lines.push(`withdraw ${routeAddress(i)}`, `announce ${routeAddress(count + i)}`);
  return lines;
}

function routeAddress(i: number): string {
  return formatIpv4((FIRST_ROUTE + i) >>> 0);
}

const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** User + system CPU of `pid` so far, in milliseconds. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** Resident set size of `pid`, in bytes. */
function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** bgplb `advertise`; the current build also gets a `--control` socket (an older `binary` may not have it). */
function bgplbSender(name: string, binary?: string): Sender {
  return {
    name,
    async start(lab, count, label) {
      const speaker = new SpeakerProcess(
        lab,
        {
          config: {
            localIP: lab.speaker.ipv4,
            localASN: SENDER_ASN,
            holdTime: 9,
            connectRetryTime: 1,
            peers: [{ peerIP: lab.peer.ipv4, peerASN: RECEIVER_ASN }],
          },
          advertiseFile: Array.from({ length: count }, (_, i) => routeAddress(i)),
          control: binary === undefined,
        },
        label,
        ...(binary ? [binary] : []),
      );
      speaker.start();
      // Peers start (and dial) after the advertise set is loaded into their RIB-out.
      await speaker.waitLog("first connect attempt", (l) => l.msg === "connecting", 60_000);
      return {
        process: speaker.process,
        loopDelayMs() {
          const delays = speaker.logs().flatMap((l) => (l.msg === "update sent" && typeof l.loopDelayP99Ms === "number" ? [l.loopDelayP99Ms] : []));
          return delays.length > 0 ? Math.max(...delays) : undefined;
        },
        async replaceTenth() {
          speaker.setAdvertiseFile(changedAddresses(count));
          speaker.signal("SIGHUP");
        },
        ...(binary === undefined
          ? {
              async replaceTenthByControl() {
                const reply = await speaker.control(controlReplacement(count));
                if (!reply.startsWith("ok ")) throw new Error(`control socket: ${reply}`);
              },
            }
          : {}),
      };
    },
  };
}

const gobgpSender: Sender = {
  name: "GoBGP",
  async start(lab, count, label) {
    const gobgp = new Gobgp(
      lab,
      lab.speaker,
      { asn: SENDER_ASN, address: lab.speaker.ipv4, neighbors: [{ address: lab.peer.ipv4, asn: RECEIVER_ASN }] },
      label,
      "info",
    );
    await gobgp.start();
    if (count > 0) {
      const file = lab.path(`${label}.mrt`);
      const attributes = { origin: Origin.Igp, asPath: [], nextHop: parseIpv4(lab.speaker.ipv4) };
      writeFileSync(file, mrtHostRoutes(FIRST_ROUTE, count, attributes, 0, 0, 4096));
      await gobgp.cli(["mrt", "inject", "global", file], 300_000);
      await waitFor(
        `${label} holding ${count} routes`,
        async () => {
          const summary = await gobgp.cli(["global", "rib", "summary", "-a", "ipv4"]);
          return new RegExp(`Path: ${count}\\b`).test(summary) ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 100 },
      );
    }
    return { process: gobgp.process };
  },
};

function birdSenderConfig(lab: Lab, addresses: readonly string[]): string {
  const lines = [`router id ${lab.speaker.ipv4};`, "protocol device { scan time 10; }", "protocol static originated {", "  ipv4;"];
  for (const address of addresses) lines.push(`  route ${address}/32 blackhole;`);
  lines.push(
    "}",
    "protocol bgp receiver {",
    `  local ${lab.speaker.ipv4} as ${SENDER_ASN};`,
    `  neighbor ${lab.peer.ipv4} as ${RECEIVER_ASN};`,
    "  hold time 9;",
    "  connect delay time 1;",
    "  connect retry time 1;",
    "  error wait time 1, 2;",
    "  ipv4 { import none; export all; };",
    "}",
  );
  return `${lines.join("\n")}\n`;
}

/**
 * BIRD as a sender flushes the last routes of a burst only when its event
 * loop next wakes (a tail of seconds); a control-socket command every
 * 10 ms during the run wakes it, which gives its real transfer time.
 */
const birdSender: Sender = {
  name: "BIRD",
  async start(lab, count, label) {
    const config = lab.path(`${label}.conf`);
    const socket = lab.path(`${label}.ctl`);
    writeFileSync(
      config,
      birdSenderConfig(
        lab,
        Array.from({ length: count }, (_, i) => routeAddress(i)),
      ),
    );
    const proc = lab.start(label, lab.speaker.ns, "bird", ["-f", "-c", config, "-s", socket]);
    const control = await waitFor(
      `${label} control socket`,
      async () => {
        if (!proc.running) throw new Error(`${label} exited (${proc.code}); see ${proc.logFile}`);
        return BirdControl.open(socket);
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    await waitFor(
      `${label} holding ${count} routes`,
      async () => {
        const reply = await control.command("show route count");
        return new RegExp(`\\b${count} of ${count} routes`).test(reply) ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    let last = 0;
    return {
      process: proc,
      async tick() {
        const now = performance.now();
        if (now - last < 10) return;
        last = now;
        // Once stopped (the withdraw run), the sender's socket is gone: nothing left to wake.
        await control.command("show status").catch(() => undefined);
      },
      close: () => control.close(),
      async replaceTenth() {
        writeFileSync(config, birdSenderConfig(lab, changedAddresses(count)));
        const reply = await control.command("configure");
        if (!/Reconfigur/i.test(reply)) throw new Error(`${label}: configure failed: ${reply}`);
      },
    };
  },
};

/**
 * The receiver: BIRD importing everything from protocol n0, tracing state
 * changes and packets with microsecond timestamps (see {@link firstUpdateMs}).
 */
function receiverConfig(lab: Lab): string {
  return [
    `router id ${lab.peer.ipv4};`,
    "log stderr all;",
    'timeformat log "%T.%6f";',
    "protocol device { scan time 10; }",
    "protocol bgp n0 {",
    `  local ${lab.peer.ipv4} as ${RECEIVER_ASN};`,
    `  neighbor ${lab.speaker.ipv4} as ${SENDER_ASN};`,
    "  hold time 9;",
    "  startup hold time 1;",
    "  connect delay time 1;",
    "  connect retry time 1;",
    "  error wait time 1, 2;",
    "  debug { states, packets };",
    "  ipv4 { import all; export none; };",
    "}",
    "",
  ].join("\n");
}

/** Seconds since midnight of a BIRD trace line's `HH:MM:SS.ffffff` timestamp. */
function traceSeconds(line: string): number | undefined {
  const m = /^(\d\d):(\d\d):(\d\d\.\d+) /.exec(line);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined;
}

/**
 * From the receiver's session reaching Established to the first UPDATE it
 * got, in ms, from its trace (`log`): the time the sender took to start
 * sending after its own Established, plus one hop on a veth pair.
 */
export function firstUpdateMs(log: string): number | undefined {
  const lines = log.split("\n");
  const up = lines.findIndex((l) => / n0: State changed to up$/.test(l));
  const update = lines.findIndex((l, i) => i > up && / n0: Got UPDATE$/.test(l));
  if (up < 0 || update < 0) return undefined;
  const [from, to] = [traceSeconds(lines[up]), traceSeconds(lines[update])];
  return from === undefined || to === undefined ? undefined : Math.round((to - from + (to < from ? 86_400 : 0)) * 1e6) / 1e3;
}

/** Polls the receiver until `done` holds; returns the time it held and the last view. */
async function pollReceiver(
  control: BirdControl,
  sender: RunningSender,
  timeoutMs: number,
  done: (v: ReturnType<typeof parseProtocol>) => boolean,
  what: string,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const view = parseProtocol(await control.command("show protocols all n0"));
    const now = performance.now();
    if (done(view)) return now;
    if (now > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (receiver: ${JSON.stringify(view)})`);
    await sender.tick?.();
    await sleep(POLL_MS);
  }
}

/** One run: sender loaded, receiver started, T_conv, RSS, withdraw on SIGTERM. */
async function runOnce(lab: Lab, sender: Sender, count: number, label: string): Promise<RunResult> {
  const running = await sender.start(lab, count, label);
  const pid = running.process.pid;
  const receiver = new Bird(lab, lab.peer, {
    asn: RECEIVER_ASN,
    address: lab.peer.ipv4,
    neighbors: [{ address: lab.speaker.ipv4, asn: SENDER_ASN }],
    configText: receiverConfig(lab),
  });
  const receiverUp = receiver.start();
  // Every run's receiver appends to one log file: this run's trace starts here (BIRD writes nothing before it has started).
  const traceFrom = receiver.logText().length;
  let control: BirdControl | undefined;
  try {
    // The control socket exists before BIRD starts its protocols, so polling from here sees the session come up.
    control = await waitFor("receiver control socket", () => BirdControl.open(lab.path("bird.ctl")), { timeoutMs: 10_000, intervalMs: 1 });
    const timeoutMs = 60_000 + count / 5;
    const established = await pollReceiver(control, running, timeoutMs, (v) => v.established, "receiver Established");
    const cpuStart = cpuMs(pid);
    const converged = await pollReceiver(control, running, timeoutMs, (v) => v.imported >= count, `receiver holding ${count} routes`);
    const cpuEnd = cpuMs(pid);
    await receiverUp;
    await sleep(1000);
    const rss = rssBytes(pid);
    const firstUpdate = firstUpdateMs(receiver.logText().slice(traceFrom));
    const loopDelayMs = running.loopDelayMs?.();
    const tenth = Math.floor(count / 10);
    /** Time from `change` to the receiver having got `tenth` more withdrawals and announcements and holding `count` routes again. */
    const timeChange = async (change: () => Promise<void>, what: string): Promise<number | undefined> => {
      const before = parseProtocol(await (control as BirdControl).command("show protocols all n0"));
      const changeAt = performance.now();
      try {
        // The receiver is polled while the change is under way (the control socket's reply comes after the speaker applied it, not after the peer has it).
        const changing = change();
        const changed = await pollReceiver(
          control as BirdControl,
          running,
          60_000,
          (v) => v.withdrawsReceived - before.withdrawsReceived >= tenth && v.updatesReceived - before.updatesReceived >= tenth && v.imported === count,
          `receiver holding the changed ${tenth} routes`,
        );
        await changing;
        return changed - changeAt;
      } catch (err) {
        process.stderr.write(`${label}: ${what} not measured: ${(err as Error).message}\n`);
        return undefined;
      } finally {
        await sleep(500);
      }
    };
    const changeMs = running.replaceTenth && tenth > 0 ? await timeChange(() => running.replaceTenth!(), "replace 10%") : undefined;
    const controlChangeMs =
      running.replaceTenthByControl && tenth > 0 ? await timeChange(() => running.replaceTenthByControl!(), "replace 10% via control socket") : undefined;
    const stopAt = performance.now();
    running.process.signal("SIGTERM");
    const emptied = await pollReceiver(control, running, timeoutMs, (v) => v.imported === 0, "receiver holding no route");
    await running.process.waitExit(30_000).catch(() => running.process.stop());
    return {
      convMs: converged - established,
      cpuMs: cpuEnd - cpuStart,
      rssBytes: rss,
      withdrawMs: emptied - stopAt,
      changeMs,
      controlChangeMs,
      firstUpdateMs: firstUpdate,
      loopDelayMs,
    };
  } finally {
    control?.close();
    running.close?.();
    await receiverUp.catch(() => undefined);
    await receiver.stop();
    await running.process.stop();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Medians over the runs of one sender, and its idle RSS. */
interface SenderResult {
  readonly name: string;
  readonly convMs: number;
  /** The fastest run: the least disturbed by other load on the machine. */
  readonly bestConvMs: number;
  readonly cpuMs: number;
  readonly rssBytes: number;
  readonly idleRssBytes: number;
  readonly withdrawMs: number;
  readonly changeMs: number | undefined;
  readonly controlChangeMs: number | undefined;
  readonly firstUpdateMs: number | undefined;
  /** The worst run's event-loop delay p99 (bgplb only). */
  readonly loopDelayMs: number | undefined;
}

/** The median of the values that are defined, or undefined when none is. */
function medianOfDefined(values: readonly (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length > 0 ? median(defined) : undefined;
}

/** Why the benchmark cannot run here, or undefined when it can. */
function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root (network namespaces)";
  for (const tool of ["ip", "bird", "birdc", "gobgpd", "gobgp"]) {
    try {
      execFileSync("which", [tool], { stdio: "ignore" });
    } catch {
      return `${tool} is not installed`;
    }
  }
  return undefined;
}

function printTable(count: number, runs: number, results: readonly SenderResult[]): void {
  const columns = results.map((r) => r.name);
  const rows: [string, (r: SenderResult) => string][] = [
    ["T_conv (s)", (r) => (r.convMs / 1000).toFixed(3)],
    ["T_conv, best run (s)", (r) => (r.bestConvMs / 1000).toFixed(3)],
    ["sender CPU over T_conv (s)", (r) => (r.cpuMs / 1000).toFixed(2)],
    ["RSS with routes (MiB)", (r) => (r.rssBytes / 1048576).toFixed(1)],
    ["RSS per route (B)", (r) => (count > 0 ? Math.round((r.rssBytes - r.idleRssBytes) / count).toLocaleString("en-US") : "-")],
    ["idle RSS, session up, 0 routes (MiB)", (r) => (r.idleRssBytes / 1048576).toFixed(1)],
    ["withdraw all on SIGTERM (s)", (r) => (r.withdrawMs / 1000).toFixed(3)],
    ["replace 10% (s)", (r) => (r.changeMs === undefined ? "-" : (r.changeMs / 1000).toFixed(3))],
    ["replace 10% / T_conv", (r) => (r.changeMs === undefined ? "-" : (r.changeMs / r.convMs).toFixed(2))],
    ["replace 10% via control socket (s)", (r) => (r.controlChangeMs === undefined ? "-" : (r.controlChangeMs / 1000).toFixed(3))],
    ["replace 10% via control / T_conv", (r) => (r.controlChangeMs === undefined ? "-" : (r.controlChangeMs / r.convMs).toFixed(2))],
    ["first UPDATE after Established (ms)", (r) => (r.firstUpdateMs === undefined ? "-" : r.firstUpdateMs.toFixed(1))],
    ["event-loop delay p99, worst run (ms)", (r) => (r.loopDelayMs === undefined ? "-" : r.loopDelayMs.toFixed(1))],
  ];
  const width = Math.max(12, ...columns.map((c) => c.length + 2));
  console.log(
    `N = ${count.toLocaleString("en-US")} /32s, medians of ${runs} runs (Node ${process.versions.node}, ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")})`,
  );
  console.log(["".padEnd(38), ...columns.map((c) => c.padStart(width))].join(""));
  for (const [label, cell] of rows) console.log([label.padEnd(38), ...results.map((r) => cell(r).padStart(width))].join(""));
  const ours = results[0];
  for (const other of results.slice(1)) {
    const ratio = (f: (r: SenderResult) => number | undefined): string => {
      const [a, b] = [f(ours), f(other)];
      return a !== undefined && b !== undefined && b > 0 ? (a / b).toFixed(2) : "-";
    };
    console.log(
      `${ours.name}/${other.name}: T_conv ${ratio((r) => r.convMs)} (best runs ${ratio((r) => r.bestConvMs)}), CPU ${ratio((r) => r.cpuMs)}, RSS per route ${ratio((r) => r.rssBytes - r.idleRssBytes)}, idle RSS ${ratio((r) => r.idleRssBytes)}, withdraw ${ratio((r) => r.withdrawMs)}, replace 10% ${ratio((r) => r.changeMs)}, first UPDATE ${ratio((r) => r.firstUpdateMs)}`,
    );
  }
}

/**
 * Runs the side-by-side benchmark. `args`: [N] [--runs R] [--baseline DIST_MAIN_JS]
 * [--senders bgplb,gobgp,bird] [--keep] (--baseline adds another bgplb build,
 * e.g. the code before a change, as a column; --senders runs only those
 * named; --keep leaves the daemons' logs and configs in the lab directory).
 */
export async function advertiseBench(args: readonly string[]): Promise<void> {
  const reason = skipReason();
  if (reason) {
    console.log(`advertise benchmark skipped: ${reason}`);
    return;
  }
  const flag = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const positional = args.find((a, i) => !a.startsWith("--") && (i === 0 || !args[i - 1].startsWith("--")));
  const count = Number(positional ?? 100_000);
  const runs = Number(flag("--runs") ?? 3);
  if (!Number.isInteger(count) || count < 1 || count > 4_000_000) throw new Error(`N: ${positional} is not a route count in 1..4000000`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: ${flag("--runs")} is not a positive integer`);
  const baseline = flag("--baseline");
  const keep = args.includes("--keep");
  const all: Sender[] = [bgplbSender("bgplb"), ...(baseline ? [bgplbSender("bgplb-before", baseline)] : []), gobgpSender, birdSender];
  const only = flag("--senders")?.toLowerCase().split(",");
  const senders = only ? all.filter((s) => only.includes(s.name.toLowerCase())) : all;
  if (senders.length === 0) throw new Error(`--senders: ${flag("--senders")} names none of ${all.map((s) => s.name).join(", ")}`);
  await reapStaleLabs();
  const lab = await Lab.create();
  const results: SenderResult[] = [];
  try {
    for (const sender of senders) {
      const label = sender.name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
      const idle = await runOnce(lab, sender, 0, `${label}-idle`);
      const measured: RunResult[] = [];
      for (let i = 0; i < runs; i++) {
        measured.push(await runOnce(lab, sender, count, `${label}-${i}`));
        const run = measured[i];
        process.stderr.write(
          `${sender.name} run ${i + 1}: T_conv ${(run.convMs / 1000).toFixed(3)} s, first UPDATE ${run.firstUpdateMs ?? "-"} ms, loop delay p99 ${run.loopDelayMs ?? "-"} ms, replace 10% ${run.changeMs === undefined ? "-" : (run.changeMs / 1000).toFixed(3)} s, via control ${run.controlChangeMs === undefined ? "-" : (run.controlChangeMs / 1000).toFixed(3)} s (load ${loadavg()[0].toFixed(2)})\n`,
        );
      }
      results.push({
        name: sender.name,
        convMs: median(measured.map((r) => r.convMs)),
        bestConvMs: Math.min(...measured.map((r) => r.convMs)),
        cpuMs: median(measured.map((r) => r.cpuMs)),
        rssBytes: median(measured.map((r) => r.rssBytes)),
        idleRssBytes: idle.rssBytes,
        withdrawMs: median(measured.map((r) => r.withdrawMs)),
        changeMs: medianOfDefined(measured.map((r) => r.changeMs)),
        controlChangeMs: medianOfDefined(measured.map((r) => r.controlChangeMs)),
        firstUpdateMs: medianOfDefined(measured.map((r) => r.firstUpdateMs)),
        loopDelayMs: measured.some((r) => r.loopDelayMs !== undefined) ? Math.max(...measured.flatMap((r) => r.loopDelayMs ?? [])) : undefined,
      });
    }
  } finally {
    await lab.destroy(keep);
    if (keep) process.stderr.write(`logs kept in ${lab.path("")}\n`);
  }
  printTable(count, runs, results);
}
