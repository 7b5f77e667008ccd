import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { resolve } from "node:path";
import { stringify } from "yaml";
import type { Lab } from "./lab";
import type { NamespaceProcess } from "./process";
import { runInNamespace } from "./process";
import { waitFor } from "./wait";

/** Repository root, from `dist/test/interop/harness/`. */
const REPO = resolve(__dirname, "../../../..");
/** Node 24 from the `node` devDependency (the system node may be older). */
export const NODE = resolve(REPO, "node_modules/.bin/node");
/** The compiled `bgplb` binary. */
export const BGPLB = resolve(REPO, "dist/sdk/cli/main.js");

/** Address of the speaker's health server inside its namespace. */
const HEALTH = "127.0.0.1:8080";

/** Prints the status line, a newline and the body of a GET of argv[1]. */
const FETCH = "fetch(process.argv[1]).then(async (r) => process.stdout.write(r.status + '\\n' + (await r.text())))";

/** One JSON log line of the speaker. */
export type SpeakerLogLine = Readonly<Record<string, unknown>> & { readonly msg: string };

/** How to start the speaker. */
export interface SpeakerRun {
  /** The YAML config document (written to a file). */
  readonly config: Readonly<Record<string, unknown>>;
  /** VIPs given with `--advertise-ip`. */
  readonly advertiseIps?: readonly string[];
  /** VIPs written to an `--advertise-file`, which {@link SpeakerProcess.setAdvertiseFile} rewrites. */
  readonly advertiseFile?: readonly string[];
  /** Health server address; give each of several speakers in one namespace its own. @default 127.0.0.1:8080 */
  readonly healthListen?: string;
  /** Start with `--control` (a socket in the lab directory, see {@link SpeakerProcess.control}). */
  readonly control?: boolean;
}

/** The real `bgplb advertise` binary running in the lab's speaker namespace. */
export class SpeakerProcess {
  private proc: NamespaceProcess | undefined;
  private readonly vipFile: string;

  constructor(
    private readonly lab: Lab,
    private readonly runSpec: SpeakerRun,
    private readonly label = "speaker",
    /** The compiled CLI to run (another build's, e.g. for a before/after benchmark). */
    private readonly binary = BGPLB,
  ) {
    this.vipFile = lab.path(`${label}-vips.txt`);
    this.controlPath = lab.path(`${label}-control.sock`);
  }

  /** Where the `--control` socket is. */
  readonly controlPath: string;

  /** Sends `lines` as one batch to the `--control` socket and returns the reply line. */
  control(lines: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.controlPath);
      let reply = "";
      socket.setEncoding("utf8");
      socket.on("data", (data: string) => (reply += data));
      socket.on("error", reject);
      socket.on("end", () => resolve(reply.trim()));
      socket.end(`${lines.join("\n")}\n`);
    });
  }

  /** Writes the config (and advertise file) and starts the binary; does not wait for sessions. */
  start(): void {
    const config = this.lab.path(`${this.label}.yaml`);
    writeFileSync(config, stringify(this.runSpec.config));
    const args = [this.binary, "advertise", "--config", config, "--health-listen", this.runSpec.healthListen ?? HEALTH];
    for (const ip of this.runSpec.advertiseIps ?? []) args.push("--advertise-ip", ip);
    if (this.runSpec.advertiseFile) {
      this.setAdvertiseFile(this.runSpec.advertiseFile);
      args.push("--advertise-file", this.vipFile);
    }
    if (this.runSpec.control) args.push("--control", this.controlPath);
    this.proc = this.lab.start(this.label, this.lab.speaker.ns, NODE, args);
  }

  /** Rewrites the advertise file atomically (the speaker reads it on start and on SIGHUP). */
  setAdvertiseFile(vips: readonly string[]): void {
    writeFileSync(`${this.vipFile}.tmp`, `${vips.join("\n")}\n`);
    renameSync(`${this.vipFile}.tmp`, this.vipFile);
  }

  /** The process; throws before {@link start}. */
  get process(): NamespaceProcess {
    if (!this.proc) throw new Error("speaker not started");
    return this.proc;
  }

  /** Every JSON log line so far (stdout and stderr), oldest first; other lines are skipped. */
  logs(): SpeakerLogLine[] {
    if (!this.proc || !existsSync(this.proc.logFile)) return [];
    return readFileSync(this.proc.logFile, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as SpeakerLogLine);
  }

  /** The raw log text, for failure messages. */
  logText(): string {
    return this.proc && existsSync(this.proc.logFile) ? readFileSync(this.proc.logFile, "utf8") : "";
  }

  /** Waits for a log line matching `match` and returns it. */
  waitLog(what: string, match: (l: SpeakerLogLine) => boolean, timeoutMs = 20_000): Promise<SpeakerLogLine> {
    return waitFor(
      `speaker log: ${what}`,
      async () => {
        const found = this.logs().find(match);
        if (!found && this.proc && !this.proc.running) throw new Error(`speaker exited (${this.proc.code}):\n${this.logText()}`);
        return found;
      },
      { timeoutMs },
    );
  }

  /** GET `path` from the health server inside the namespace (with Node's fetch); resolves to the status and body. */
  async http(path: string): Promise<{ status: number; body: string }> {
    const { stdout } = await runInNamespace(this.lab.speaker.ns, NODE, ["-e", FETCH, `http://${HEALTH}${path}`]);
    const at = stdout.indexOf("\n");
    return { status: Number(stdout.slice(0, at)), body: stdout.slice(at + 1) };
  }

  /** Sends a signal to the speaker. */
  signal(sig: NodeJS.Signals): void {
    this.process.signal(sig);
  }

  /** Sends SIGTERM and resolves to the exit code. */
  async terminate(timeoutMs = 10_000): Promise<number | null | undefined> {
    this.signal("SIGTERM");
    return this.process.waitExit(timeoutMs);
  }
}
