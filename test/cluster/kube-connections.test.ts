/**
 * The speaker's API requests share their TLS connections: a fake API server
 * on 127.0.0.1 (HTTPS, HTTP/1.1 as client-node speaks it) counts the
 * connections a burst of requests opens.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubeClients, loadKubeConfig } from "../../sdk/cluster/kube";
import { fakeKubeconfig, selfSignedCertificate } from "./fake-api-tls";

describe("speaker API client: connections", () => {
  let dir: string;
  let server: Server;
  let kubeconfig: string;
  let connections = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "bgplb-kube-connections-"));
    const { key, cert } = selfSignedCertificate(dir);
    server = createServer({ key, cert }, (req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "l", namespace: "n", resourceVersion: "1" } }));
    });
    server.on("secureConnection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    kubeconfig = join(dir, "kubeconfig");
    writeFileSync(kubeconfig, fakeKubeconfig((server.address() as AddressInfo).port, cert));
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("120 requests, 8 at a time, open at most 16 TLS connections (client-node alone opens one per request)", async () => {
    connections = 0;
    const config = loadKubeConfig(kubeconfig);
    const { coordination } = kubeClients(config);
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next++ < 120) expect((await coordination.readNamespacedLease({ name: "l", namespace: "n" })).metadata?.name).to.equal("l");
      }),
    );
    config.abortRequests();
    // 8 in use at once, and undici opens a few more while a finished request's socket goes back to its pool (12 seen)
    expect(connections).to.be.within(1, 16);
  });

  it("after abortRequests every request fails at once, also on a kept connection", async () => {
    const config = loadKubeConfig(kubeconfig);
    const { coordination } = kubeClients(config);
    await coordination.readNamespacedLease({ name: "l", namespace: "n" });
    config.abortRequests();
    const error = await coordination.readNamespacedLease({ name: "l", namespace: "n" }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).to.equal("AbortError");
  });
});
