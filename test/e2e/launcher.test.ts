import { expect } from "chai";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { launcherDir, repoDir } from "./harness/tools";

/** Resolves to the first line `child` writes to stdout; rejects if it exits first. */
function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const end = out.indexOf("\n");
      if (end >= 0) resolve(out.slice(0, end).trim());
    });
    child.once("exit", (code) => reject(new Error(`launcher exited ${code} before printing a port\n${err}`)));
  });
}

describe("e2e: pulumi-resource-pulumi-nodejs launcher", function () {
  this.timeout(60_000);
  let scratch: string | undefined;
  let child: ChildProcessWithoutNullStreams | undefined;
  let client: ResourceProviderClient | undefined;

  after(async function () {
    client?.close();
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  it("starts the program's dynamic-provider host, which answers GetPluginInfo with the @pulumi/pulumi version", async function () {
    scratch = mkdtempSync(path.join(tmpdir(), "bgplb-e2e-launcher-"));
    symlinkSync(path.join(repoDir, "node_modules"), path.join(scratch, "node_modules"));
    const env = { ...process.env, PATH: [path.join(repoDir, "node_modules/.bin"), process.env["PATH"] ?? ""].join(path.delimiter) };
    // The engine passes its own address; the host only dials it when a provider logs.
    child = spawn(path.join(launcherDir, "pulumi-resource-pulumi-nodejs"), ["127.0.0.1:1"], { cwd: scratch, env });
    const port = await firstLine(child);
    expect(port).to.match(/^\d+$/);

    client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const live = client;
    const info = await new Promise<PluginInfo>((resolve, reject) =>
      live.getPluginInfo(new Empty(), (error, response) => (error ? reject(error) : resolve(response))),
    );
    const sdk = JSON.parse(readFileSync(path.join(repoDir, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string };
    expect(info.getVersion()).to.equal(sdk.version);
  });
});
