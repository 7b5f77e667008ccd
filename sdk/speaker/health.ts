/**
 * The health and metrics HTTP server: `GET /healthz` (200 while the process
 * runs), `GET /readyz` (200 only when every session is Established, else
 * 503 naming the peers that are not), `GET /metrics` (Prometheus text).
 */
import { createServer, type Server } from "node:http";
import { splitListenAddress } from "./config";

/** What the health server asks of the speaker. */
export interface HealthSource {
  /** Peers whose session is not Established; empty when ready. */
  notEstablished(): readonly string[];
  /** The metrics in Prometheus text format. */
  metrics(): Promise<string>;
  /** Reports a failure of the server or of one request; the server keeps running. */
  failed(error: Error): void;
}

/**
 * Starts the server on `listen` (`host:port`); resolves once it is
 * listening. A request that fails gets 500; no error of the server or of a
 * request ends the process: each goes to {@link HealthSource.failed}.
 */
export function startHealthServer(listen: string, source: HealthSource): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const reply = (status: number, body: string, type = "text/plain; charset=utf-8"): void => {
      res.writeHead(status, { "content-type": type });
      res.end(body);
    };
    const fail = (error: unknown): void => {
      source.failed(error instanceof Error ? error : new Error(String(error)));
      if (!res.headersSent) reply(500, "internal error\n");
      else res.destroy();
    };
    try {
      if (req.method !== "GET" && req.method !== "HEAD") return reply(405, "only GET\n");
      if (path === "/healthz") return reply(200, "ok\n");
      if (path === "/readyz") {
        const waiting = source.notEstablished();
        return waiting.length === 0 ? reply(200, "ready\n") : reply(503, `not established: ${waiting.join(", ")}\n`);
      }
      if (path === "/metrics") {
        source.metrics().then((text) => reply(200, text, "text/plain; version=0.0.4; charset=utf-8"), fail);
        return;
      }
      return reply(404, "not found (try /healthz, /readyz, /metrics)\n");
    } catch (error) {
      fail(error);
    }
  });
  const { host, port } = splitListenAddress(listen);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      server.on("error", (error) => source.failed(error));
      resolve(server);
    });
  });
}
