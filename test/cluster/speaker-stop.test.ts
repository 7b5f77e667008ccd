/**
 * `bgplb speaker` exits on its own after SIGTERM, in both modes, also after
 * its informers failed: a fake API server on 127.0.0.1 (HTTPS, a CA made
 * for the test) lists empty collections and refuses every watch and write
 * with 403, as an API server does to a speaker missing a grant.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createSecureServer, type Http2SecureServer, type ServerHttp2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BGPLB, NODE } from "../interop/harness/speaker";
import { fakeKubeconfig, selfSignedCertificate } from "./fake-api-tls";
import { waitFor } from "../interop/harness/wait";

/** A speaker process with its output and, once it ended, how. */
class Run {
  output = "";
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve();
      }),
    );
  }

  messages(): string[] {
    return this.output
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
  }
}

/** How long the fake API server takes to answer the first list of Services. */
const SLOW_LIST_MS = 4_000;

/**
 * The fake API server (HTTP/2, as the real one). Leases are refused (403)
 * on list, Nodes on watch, every write is refused. A list of BGPPeers and
 * a read of Node n1 are never answered (an API server gone mid-request). The first list of
 * Services (since `requests` was emptied) takes {@link SLOW_LIST_MS} (a
 * big cluster). Every other list is
 * empty, and every other watch stays open with a bookmark every 200 ms, as
 * a busy collection's does.
 */
function fakeApiServer(key: string, cert: string, requests: string[]): Promise<Http2SecureServer> {
  const server = createSecureServer({ key, cert, allowHTTP1: true }, (req, res) => {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    const watch = url.searchParams.get("watch") === "true";
    const request = `${req.method} ${url.pathname}${watch ? " watch" : ""}`;
    const first = !requests.includes(request);
    requests.push(request);
    req.resume();
    const refused = req.method !== "GET" || (!watch && /\/leases$/.test(url.pathname)) || (watch && /\/nodes$/.test(url.pathname));
    if (refused) {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "Forbidden", code: 403, message: "forbidden by the test" }));
    } else if (watch) {
      res.writeHead(200, { "content-type": "application/json" });
      const bookmarks = setInterval(() => res.write(`${JSON.stringify({ type: "BOOKMARK", object: { metadata: { resourceVersion: "1" } } })}\n`), 200);
      res.once("close", () => clearInterval(bookmarks));
    } else if (/\/bgppeers$|^\/api\/v1\/nodes\/n1$/.test(url.pathname)) {
      // never answered: an API server that went away mid-request
    } else {
      const list = JSON.stringify({ kind: "List", apiVersion: "v1", metadata: { resourceVersion: "1" }, items: [] });
      const delay = url.pathname === "/api/v1/services" && first ? SLOW_LIST_MS : 0;
      setTimeout(() => {
        requests.push(`listed ${url.pathname}`);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(list);
      }, delay);
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("bgplb speaker: SIGTERM after failed informers, with lists still on their way, ends the process", function () {
  this.timeout(60_000);
  let dir: string;
  let server: Http2SecureServer;
  let kubeconfig: string;
  const requests: string[] = [];
  const runs: Run[] = [];
  const sessions = new Set<ServerHttp2Session>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "bgplb-speaker-stop-"));
    const { key, cert } = selfSignedCertificate(dir);
    server = await fakeApiServer(key, cert, requests);
    server.on("session", (session: ServerHttp2Session) => sessions.add(session.once("close", () => sessions.delete(session))));
    const port = (server.address() as AddressInfo).port;
    kubeconfig = join(dir, "kubeconfig");
    writeFileSync(kubeconfig, fakeKubeconfig(port, cert));
  });

  afterEach(() => {
    for (const run of runs.splice(0)) if (!run.exit) run.child.kill("SIGKILL");
  });

  after(async () => {
    for (const session of sessions) session.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const modes: [string, string[], string][] = [
    ["gke", ["--cluster-namespace", "cluster-bm", "--interface", "lo", "--node-subnet", "127.0.0.0/8"], "cluster speaker stopped"],
    ["metallb", ["--mode", "metallb"], "MetalLB-mode speaker stopped"],
  ];
  it("gke mode: exits 0 after SIGTERM while reading its Node object, which the API server does not answer", async () => {
    requests.length = 0;
    const run = new Run(
      spawn(NODE, [BGPLB, "speaker", "--node-name", "n1", "--kubeconfig", kubeconfig, "--health-listen", "127.0.0.1:0", "--cluster-namespace", "cluster-bm"], {
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    runs.push(run);
    await waitFor("the Node read", async () => (requests.includes("GET /api/v1/nodes/n1") ? true : undefined), { timeoutMs: 20_000, intervalMs: 50 });
    run.child.kill("SIGTERM");
    await waitFor("the process to exit", async () => run.exit, { timeoutMs: 10_000, intervalMs: 50 }).catch((error: Error) => {
      throw new Error(`${error.message}\n${run.output}`);
    });
    expect(run.exit).to.deep.equal({ code: 0, signal: null });
    expect(requests.filter((r) => r === "GET /api/v1/nodes/n1")).to.have.length(1);
  });

  for (const [mode, args, stoppedMessage] of modes) {
    it(`${mode} mode: exits 0 after SIGTERM: pending requests aborted, no watch starts after the stop`, async () => {
      requests.length = 0;
      const run = new Run(
        spawn(NODE, [BGPLB, "speaker", "--node-name", "n1", "--kubeconfig", kubeconfig, "--health-listen", "127.0.0.1:0", "--lease-duration", "1", ...args], {
          stdio: ["ignore", "pipe", "pipe"],
        }),
      );
      runs.push(run);
      // the refused informers have failed and retried; the Services list is still on its way
      await waitFor(
        "refused lists and watches, retried",
        async () =>
          run.exit ? Promise.reject(new Error(run.output)) : run.messages().filter((m) => m === "watch failed; retrying").length >= 4 ? true : undefined,
        { timeoutMs: 20_000, intervalMs: 50 },
      );
      expect(requests).to.include("GET /api/v1/services");
      expect(requests).not.to.include("listed /api/v1/services");
      requests.push("SIGTERM");
      run.child.kill("SIGTERM");
      await waitFor(`"${stoppedMessage}"`, async () => (run.messages().includes(stoppedMessage) ? true : undefined), { timeoutMs: 10_000, intervalMs: 50 });
      await waitFor("the process to exit after it stopped", async () => run.exit, { timeoutMs: 10_000, intervalMs: 50 }).catch((error: Error) => {
        throw new Error(`${error.message}\n${run.output}`);
      });
      expect(run.exit).to.deep.equal({ code: 0, signal: null });
      expect(
        requests.slice(requests.indexOf("SIGTERM")).filter((r) => r.endsWith(" watch")),
        "watches asked for after SIGTERM",
      ).to.deep.equal([]);
    });
  }
});
