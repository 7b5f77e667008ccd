/**
 * The speaker's API client against a fake API server on 127.0.0.1 (HTTPS,
 * HTTP/1.1 as client-node speaks it): requests share their TLS connections
 * (the server counts them), informers cache objects trimmed.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubeClients, loadKubeConfig, watchCollection } from "../../sdk/cluster/kube";
import { serviceEssentials } from "../../sdk/cluster/trim";
import { waitFor } from "../interop/harness/wait";
import { fakeKubeconfig, selfSignedCertificate } from "./fake-api-tls";

/** A Service as the API server sends it, with the fields informers drop. */
function serviceObject(name: string, resourceVersion: string): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "ns", uid: `uid-${name}`, resourceVersion, managedFields: [{ manager: "kubectl", operation: "Update" }] },
    spec: { type: "LoadBalancer", selector: { app: name } },
  };
}

describe("speaker API client", () => {
  let dir: string;
  let server: Server;
  let kubeconfig: string;
  let connections = 0;
  const quiet = { log: () => undefined };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "bgplb-kube-connections-"));
    const { key, cert } = selfSignedCertificate(dir);
    server = createServer({ key, cert }, (req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "application/json" });
      const url = new URL(req.url ?? "/", "https://127.0.0.1");
      if (url.pathname === "/api/v1/services" && url.searchParams.get("watch") === "true") {
        res.write(`${JSON.stringify({ type: "ADDED", object: serviceObject("b", "2") })}\n`);
      } else if (url.pathname === "/api/v1/services") {
        res.end(JSON.stringify({ apiVersion: "v1", kind: "ServiceList", metadata: { resourceVersion: "1" }, items: [serviceObject("a", "1")] }));
      } else {
        res.end(JSON.stringify({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "l", namespace: "n", resourceVersion: "1" } }));
      }
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

  it("an informer caches what its keep function returns, of listed objects and of watch events", async () => {
    const config = loadKubeConfig(kubeconfig);
    const { core } = kubeClients(config);
    const informer = watchCollection(
      config,
      "/api/v1/services",
      () => core.listServiceForAllNamespaces(),
      () => undefined,
      quiet,
      undefined,
      undefined,
      serviceEssentials,
    );
    await informer.start();
    await waitFor("both Services", async () => (informer.list().length === 2 ? true : undefined), { timeoutMs: 5_000, intervalMs: 20 });
    await informer.stop();
    config.abortRequests();
    const names = informer.list().map((s) => s.metadata?.name);
    expect(names.sort()).to.deep.equal(["a", "b"]);
    for (const cached of informer.list())
      expect(cached).to.have.keys("apiVersion", "kind", "metadata", "spec").and.not.have.nested.property("metadata.managedFields");
    expect(informer.list().map((s) => (s as { spec?: unknown }).spec)).to.deep.equal([{ type: "LoadBalancer" }, { type: "LoadBalancer" }]);
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
