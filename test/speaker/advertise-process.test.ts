/**
 * The real `advertise` binary on loopback against a raw peer: signals during
 * start-up and through every supported launcher, SIGHUP with a bad file,
 * and input files over the size limit.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ErrorCode, CeaseSubcode, type BgpMessage } from "../../sdk/bgp";
import { BGPLB, NODE } from "../interop/harness/speaker";
import { sleep, waitFor } from "../interop/harness/wait";
import { RawPeer } from "../interop/harness/raw-peer";
import { formatIpValue } from "../../sdk/net";
import { ip4 } from "../ip";

/** A running (or exited) speaker process with its output. */
class Run {
  stdout = "";
  stderr = "";
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.on("data", (d: Buffer) => (this.stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve();
      }),
    );
  }

  /** Log lines (JSON) from stdout and stderr. */
  logs(): { msg: string; [key: string]: unknown }[] {
    return `${this.stdout}\n${this.stderr}`
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string });
  }

  waitLog(msg: string, timeoutMs = 10_000): Promise<unknown> {
    return waitFor(
      `log "${msg}"`,
      async () => {
        const found = this.logs().find((l) => l.msg === msg);
        if (!found && this.exit) throw new Error(`exited ${JSON.stringify(this.exit)}: ${this.stdout}${this.stderr}`);
        return found;
      },
      { timeoutMs, intervalMs: 20 },
    );
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` right now. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Whether any process of process group `pgid` is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const isCease =
  (subcode: number) =>
  (m: BgpMessage): boolean =>
    m.kind === "notification" && m.code === ErrorCode.Cease && m.subcode === subcode;
const isUpdateOf =
  (prefix: string) =>
  (m: BgpMessage): boolean =>
    m.kind === "update" && m.nlri.some((p) => `${formatIpValue(p.address)}/${p.length}` === prefix);
const isWithdrawOf =
  (prefix: string) =>
  (m: BgpMessage): boolean =>
    m.kind === "update" && m.withdrawn.some((p) => `${formatIpValue(p.address)}/${p.length}` === prefix);

describe("bgplb advertise process (loopback, raw peer)", function () {
  this.timeout(120_000);
  let dir: string;
  let peer: RawPeer;
  const runs: Run[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "bgplb-speaker-"));
    peer = await RawPeer.listen({ asn: 65001, bgpId: ip4("192.0.2.2"), host: "127.0.0.2" });
  });

  afterEach(async () => {
    for (const run of runs.splice(0)) {
      if (run.child.pid !== undefined && groupAlive(run.child.pid)) process.kill(-run.child.pid, "SIGKILL");
      if (!run.exit) await run.exited;
    }
  });

  after(async () => {
    await peer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function config(extra = ""): Promise<{ file: string; healthPort: number }> {
    const healthPort = await freePort();
    const file = join(dir, `config-${healthPort}.yaml`);
    writeFileSync(
      file,
      `localIP: 127.0.0.1\nlocalASN: 65000\nlistenPort: 0\nholdTime: 30\nconnectRetryTime: 1\nhealthListen: 127.0.0.1:${healthPort}\n` +
        `peers:\n  - {peerIP: 127.0.0.2, peerASN: 65001, peerPort: ${peer.port}}\n${extra}`,
    );
    return { file, healthPort };
  }

  /** Starts `command` in a process group of its own (so the test can tell when every process of it is gone). */
  function launch(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Run {
    const run = new Run(spawn(command, args, { detached: true, stdio: ["ignore", "pipe", "pipe"], env, cwd: dir }));
    runs.push(run);
    return run;
  }

  const advertise = (args: readonly string[]): Run => launch(NODE, [BGPLB, "advertise", ...args]);

  /** The index of the next connection the raw peer will see. */
  const nextConnection = (): number => peer.connections.length;

  it("SIGTERM (twice) at any point of start-up: a clean shutdown with Cease for a session that came up, or death before any socket opened", async () => {
    let clean = 0;
    // Fixed delays after spawn, then (undefined) once the session is up: on a
    // slow machine the early ones may all land before Node runs any of our code.
    for (const delayMs of [0, 10, 20, 30, 45, 60, 80, 100, 125, 150, 200, 250, 300, 400, 600, undefined]) {
      const { file, healthPort } = await config();
      const first = nextConnection();
      const run = advertise(["--config", file, "--advertise-ip", "192.0.2.10"]);
      let healthUp = false;
      const probe = (async () => {
        while (!run.exit && !healthUp) {
          healthUp = await accepts(healthPort);
          await sleep(2);
        }
      })();
      if (delayMs === undefined) await peer.waitMessage(first, "UPDATE with the VIP", isUpdateOf("192.0.2.10/32"));
      else await sleep(delayMs);
      run.child.kill("SIGTERM");
      await sleep(5);
      if (!run.exit) run.child.kill("SIGTERM");
      await run.exited;
      await probe;
      const what = `SIGTERM after ${delayMs ?? "the session came up, some"} ms: ${JSON.stringify(run.exit)} ${run.stdout}${run.stderr}`;
      const messages = run.logs().map((l) => l.msg);
      if (messages.includes("speaker stopped")) {
        // Exit 0; or, when the second signal met the process in its last
        // moments of exiting, that signal's status: the shutdown was done.
        clean++;
        expect(run.exit?.code === 0 || run.exit?.signal === "SIGTERM", what).to.equal(true);
        for (const connection of peer.connections.slice(first)) {
          if (connection.received.some((r) => r.message.kind === "keepalive")) {
            expect(
              connection.received.some((r) => isCease(CeaseSubcode.AdministrativeShutdown)(r.message)),
              `${what}: Cease on a session that came up`,
            ).to.equal(true);
          }
        }
      } else {
        expect(run.exit, what).to.deep.equal({ code: null, signal: "SIGTERM" });
        expect([run.stdout, run.stderr, healthUp, peer.connections.length - first], what).to.deep.equal(["", "", false, 0]);
      }
    }
    expect(clean).to.be.at.least(1);
  });

  describe("SIGTERM to the outermost process leaves no speaker process, and the session ends with Cease", () => {
    let bin: string;
    before(() => {
      bin = join(dir, "bin");
      rmSync(bin, { recursive: true, force: true });
      mkdirSync(bin);
      chmodSync(BGPLB, 0o755);
      symlinkSync(BGPLB, join(bin, "bgplb"));
    });

    // `bgplb` resolves through PATH to the compiled bin, whose `#!/usr/bin/env node` finds Node 24 first.
    const env = (): NodeJS.ProcessEnv => ({ ...process.env, PATH: `${bin}:${dirname(NODE)}:${process.env.PATH}` });
    const launchers: readonly { name: string; command: (args: string) => [string, string[]] }[] = [
      { name: "node main.js", command: (args) => [NODE, [BGPLB, "advertise", ...args.split(" ")]] },
      { name: "the bgplb bin", command: (args) => [join(bin, "bgplb"), ["advertise", ...args.split(" ")]] },
      { name: "npm exec", command: (args) => ["npm", ["exec", "--offline", "-c", `bgplb advertise ${args}`]] },
      { name: "npx", command: (args) => ["npx", ["--offline", "-c", `bgplb advertise ${args}`]] },
    ];
    for (const launcher of launchers) {
      it(`started as ${launcher.name}`, async () => {
        const { file } = await config();
        const index = nextConnection();
        const [command, args] = launcher.command(`--config ${file} --advertise-ip 192.0.2.10`);
        const run = launch(command, args, env());
        await peer.waitMessage(index, "UPDATE with the VIP", isUpdateOf("192.0.2.10/32"), 30_000);
        process.kill(run.child.pid!, "SIGTERM");
        await waitFor("no process of the launcher's group left", async () => (groupAlive(run.child.pid!) ? undefined : true), {
          timeoutMs: 10_000,
          intervalMs: 50,
        });
        expect(
          peer.connections[index].received.some((r) => isCease(CeaseSubcode.AdministrativeShutdown)(r.message)),
          `${run.stdout}${run.stderr}`,
        ).to.equal(true);
        expect(peer.connections[index].received.some((r) => isWithdrawOf("192.0.2.10/32")(r.message))).to.equal(true);
      });
    }
  });

  it("a closed log pipe does not end the speaker: it keeps its session, /healthz answers, SIGTERM still withdraws", async () => {
    const { file, healthPort } = await config();
    const index = nextConnection();
    const run = advertise(["--config", file, "--advertise-ip", "192.0.2.10"]);
    run.child.stdout!.destroy();
    await peer.waitMessage(index, "UPDATE with the VIP", isUpdateOf("192.0.2.10/32"));
    run.child.kill("SIGHUP");
    await sleep(200);
    expect(run.exit, run.stderr).to.equal(undefined);
    expect((await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status).to.equal(200);
    run.child.kill("SIGTERM");
    await run.exited;
    expect(run.exit, run.stderr).to.deep.equal({ code: 0, signal: null });
    expect(peer.connections[index].received.some((r) => isWithdrawOf("192.0.2.10/32")(r.message))).to.equal(true);
  });

  it("SIGHUP with a bad, missing or oversized advertise file keeps the VIPs and the process; a good one applies", async () => {
    const { file, healthPort } = await config();
    const vips = join(dir, "vips.txt");
    writeFileSync(vips, "192.0.2.10\n");
    const index = nextConnection();
    const run = advertise(["--config", file, "--advertise-file", vips, "--max-input-size", "1KiB"]);
    await peer.waitMessage(index, "UPDATE with the VIP", isUpdateOf("192.0.2.10/32"));
    const bad: readonly [string, () => void, RegExp][] = [
      ["not an address", () => writeFileSync(vips, "192.0.2.10\nnot-an-ip\n"), /line 2: "not-an-ip" is not an IPv4 or IPv6 address/],
      ["missing", () => unlinkSync(vips), /cannot read: ENOENT/],
      [
        "over --max-input-size",
        () => writeFileSync(vips, `192.0.2.10\n${"#".repeat(2000)}\n`),
        /larger than the 1KiB input limit \(raise it with --max-input-size\)/,
      ],
    ];
    for (const [what, write, reason] of bad) {
      const before = run.logs().filter((l) => l.msg === "SIGHUP: advertise set not changed").length;
      write();
      run.child.kill("SIGHUP");
      const logged = await waitFor(
        `SIGHUP refusal of a file ${what}`,
        async () => run.logs().filter((l) => l.msg === "SIGHUP: advertise set not changed")[before],
        { timeoutMs: 10_000, intervalMs: 20 },
      );
      expect(String(logged.error), what).to.match(reason);
      expect(run.exit, what).to.equal(undefined);
      const health = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
      expect(health.status, what).to.equal(200);
    }
    expect(peer.connections[index].received.some((r) => isWithdrawOf("192.0.2.10/32")(r.message))).to.equal(false);
    writeFileSync(vips, "192.0.2.11\n");
    run.child.kill("SIGHUP");
    await peer.waitMessage(index, "UPDATE with the new VIP", isUpdateOf("192.0.2.11/32"));
    await peer.waitMessage(index, "withdrawal of the old VIP", isWithdrawOf("192.0.2.10/32"));
    expect(peer.connections).to.have.length(index + 1);
  });

  it("--advertise-file - reads standard input once: SIGHUP keeps the VIPs instead of reading an empty stream", async () => {
    const { file } = await config();
    const index = nextConnection();
    const run = new Run(spawn(NODE, [BGPLB, "advertise", "--config", file, "--advertise-file", "-"], { detached: true, stdio: ["pipe", "pipe", "pipe"] }));
    runs.push(run);
    run.child.stdin!.end("192.0.2.10\n");
    await peer.waitMessage(index, "UPDATE with the VIP", isUpdateOf("192.0.2.10/32"));
    run.child.kill("SIGHUP");
    await run.waitLog("SIGHUP: --advertise-file is standard input, which cannot be re-read; advertise set not changed");
    await sleep(200);
    expect(peer.connections[index].received.some((r) => isWithdrawOf("192.0.2.10/32")(r.message))).to.equal(false);
    expect(run.exit).to.equal(undefined);
  });

  it("--config /dev/zero and a config over --max-input-size exit 2 naming the file and the limit; a bad size exits 2 naming the flag", async () => {
    const zero = advertise(["--config", "/dev/zero", "--advertise-ip", "192.0.2.10"]);
    await zero.exited;
    expect([zero.exit?.code, zero.stderr]).to.deep.equal([
      2,
      "bgplb advertise: --config /dev/zero: larger than the 64MiB input limit (raise it with --max-input-size)\n",
    ]);
    const { file } = await config();
    const small = advertise(["--config", file, "--advertise-ip", "192.0.2.10", "--max-input-size", "100"]);
    await small.exited;
    expect([small.exit?.code, small.stderr]).to.deep.equal([
      2,
      `bgplb advertise: --config ${file}: larger than the 100B input limit (raise it with --max-input-size)\n`,
    ]);
    const badSize = advertise(["--config", file, "--advertise-ip", "192.0.2.10", "--max-input-size", "lots"]);
    await badSize.exited;
    expect([badSize.exit?.code, badSize.stderr]).to.deep.equal([
      2,
      'bgplb advertise: --max-input-size: "lots" is not a size (e.g. 64MiB, 512KiB, 1GiB or a byte count above 0)\n',
    ]);
  });

  it("exits 2 for communities that leave no room for a prefix in an UPDATE, instead of failing every session that comes up", async () => {
    const communities = Array.from({ length: 1100 }, (_, i) => `"65000:${i}"`).join(", ");
    const { file } = await config(`communities: [${communities}]\n`);
    const index = nextConnection();
    const run = advertise(["--config", file, "--advertise-ip", "192.0.2.10"]);
    await run.exited;
    expect([run.exit?.code, run.stderr]).to.deep.equal([
      2,
      `bgplb advertise: --config ${file}: the routes cannot be advertised: ipv4-unicast announcement: attributes leave no room for a single prefix in a 4096-octet UPDATE\n`,
    ]);
    expect(peer.connections).to.have.length(index);
  });
});
