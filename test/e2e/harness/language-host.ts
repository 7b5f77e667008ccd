/**
 * A minimal Node.js language host for the e2e tests: the Go module of
 * `pulumi-language-nodejs` is not served, and TypeScript programs run through
 * the Automation API, which needs none. What still needs one is a source
 * plugin (`provider/PulumiPlugin.yaml`, runtime nodejs) used from another
 * language: the engine asks the nodejs host to RunPlugin. This host answers
 * only that (plus the handshake, plugin info and the dependency queries, with
 * nothing to report); running Node.js programs is refused.
 *
 * Started by the engine as `pulumi-language-nodejs ENGINE_ADDRESS`; prints the
 * port it serves on, as every plugin does.
 */
import { spawn } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { LanguageRuntimeService } from "@pulumi/pulumi/proto/language_grpc_pb";
import * as language from "@pulumi/pulumi/proto/language_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";

const sdkVersion = (require("@pulumi/pulumi/package.json") as { version: string }).version;

function unimplemented(what: string): grpc.ServiceError {
  return Object.assign(new Error(`${what}: this test host only runs source plugins (RunPlugin); run programs through the Automation API`), {
    code: grpc.status.UNIMPLEMENTED,
    details: what,
    metadata: new grpc.Metadata(),
  });
}

/** Runs the plugin in `info.programDirectory` with the run-plugin entry point of the @pulumi/pulumi it resolves. */
function runPlugin(call: grpc.ServerWritableStream<language.RunPluginRequest, language.RunPluginResponse>): void {
  const request = call.request;
  const directory = request.getInfo()?.getProgramDirectory() ?? request.getPwd();
  let entry: string;
  try {
    entry = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [directory] });
  } catch (error) {
    call.destroy(
      Object.assign(new Error(`${directory}: no @pulumi/pulumi to run the plugin with: ${(error as Error).message}`), {
        code: grpc.status.FAILED_PRECONDITION,
      }),
    );
    return;
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const pair of request.getEnvList()) {
    const at = pair.indexOf("=");
    if (at > 0) env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const child = spawn(process.execPath, [entry, "--pwd", request.getPwd() || directory, directory, ...request.getArgsList()], {
    cwd: request.getPwd() || directory,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk: Buffer) => call.write(new language.RunPluginResponse().setStdout(chunk)));
  child.stderr.on("data", (chunk: Buffer) => call.write(new language.RunPluginResponse().setStderr(chunk)));
  child.once("close", (code) => {
    call.write(new language.RunPluginResponse().setExitcode(code ?? 1));
    call.end();
  });
  call.once("cancelled", () => child.kill("SIGTERM"));
}

const server = new grpc.Server();
server.addService(LanguageRuntimeService, {
  handshake: (_call: unknown, callback: grpc.sendUnaryData<language.LanguageHandshakeResponse>) => callback(null, new language.LanguageHandshakeResponse()),
  getPluginInfo: (_call: unknown, callback: grpc.sendUnaryData<PluginInfo>) => callback(null, new PluginInfo().setVersion(sdkVersion)),
  getRequiredPlugins: (_call: unknown, callback: grpc.sendUnaryData<language.GetRequiredPluginsResponse>) =>
    callback(null, new language.GetRequiredPluginsResponse()),
  getRequiredPackages: (_call: unknown, callback: grpc.sendUnaryData<language.GetRequiredPackagesResponse>) =>
    callback(null, new language.GetRequiredPackagesResponse()),
  installDependencies: (call: grpc.ServerWritableStream<language.InstallDependenciesRequest, language.InstallDependenciesResponse>) => call.end(),
  runPlugin,
  run: (_call: unknown, callback: grpc.sendUnaryData<language.RunResponse>) => callback(unimplemented("Run"), null),
  cancel: (_call: unknown, callback: grpc.sendUnaryData<Empty>) => callback(null, new Empty()),
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error !== null) {
    console.error(`pulumi-language-nodejs (test host): ${error.message}`);
    process.exit(1);
  }
  console.log(String(port));
});
