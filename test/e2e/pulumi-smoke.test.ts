import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runChecked, runCommand, type CommandOutcome } from "./harness/command";
import { ThrowawayCluster } from "./harness/cluster";
import { clusterTools, launcherDir, pulumiTools, repoDir, requireTools } from "./harness/tools";

describe("e2e: Pulumi smoke (engine, language host, Kubernetes provider, dynamic-provider launcher)", function () {
  this.timeout(600_000);
  let cluster: ThrowawayCluster | undefined;
  let scratch: string | undefined;
  let env: NodeJS.ProcessEnv = {};
  let pulumiPath = "";
  const token = `smoke-${randomBytes(12).toString("hex")}`;

  before(async function () {
    const tools = requireTools(this, [...clusterTools, ...pulumiTools]);
    pulumiPath = tools.get("pulumi") as string;
    cluster = await ThrowawayCluster.start(tools.get("kubectl") as string);
    await cluster.kubectlChecked(["create", "namespace", "metallb-system"]);

    scratch = mkdtempSync(path.join(tmpdir(), "bgplb-e2e-pulumi-"));
    const program = path.join(scratch, "program");
    mkdirSync(program);
    copyFileSync(path.join(repoDir, "test/e2e/fixtures/smoke/Pulumi.yaml"), path.join(program, "Pulumi.yaml"));
    copyFileSync(path.join(repoDir, "dist/test/e2e/fixtures/smoke/index.js"), path.join(program, "index.js"));
    writeFileSync(path.join(program, "package.json"), JSON.stringify({ name: "bgplb-e2e-smoke", private: true, main: "index.js" }));
    symlinkSync(path.join(repoDir, "node_modules"), path.join(program, "node_modules"));

    const binDirs = pulumiTools.map((tool) => path.dirname(tools.get(tool) as string));
    env = {
      ...process.env,
      PATH: [...binDirs, launcherDir, path.join(repoDir, "node_modules/.bin"), process.env["PATH"] ?? ""].join(path.delimiter),
      PULUMI_HOME: path.join(scratch, "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${path.join(scratch, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "bgplb-e2e",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      KUBECONFIG: cluster.kubeconfig,
    };
    mkdirSync(path.join(scratch, "state"));
    await pulumi(["login", `file://${path.join(scratch, "state")}`]);
    await pulumi(["stack", "init", "e2e", "--secrets-provider", "passphrase"]);
    await pulumi(["config", "set", "--secret", "token", token]);
  });

  after(async function () {
    await cluster?.stop();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  function pulumi(args: readonly string[]): Promise<CommandOutcome> {
    return runChecked(pulumiPath, [...args, "--non-interactive"], { env, cwd: path.join(scratch as string, "program"), timeoutMs: 300_000 });
  }

  it("runs the Pulumi CLI built at the version of the installed @pulumi/pulumi", async function () {
    const sdk = JSON.parse(readFileSync(path.join(repoDir, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string };
    const version = await runCommand(pulumiPath, ["version"], { env });
    expect(version.stdout.trim()).to.equal(`v${sdk.version}`);
  });

  it("creates the custom resource on `pulumi up`", async function () {
    await pulumi(["up", "--yes", "--skip-preview"]);
    const stored = await (cluster as ThrowawayCluster).getJson("bfdprofiles.metallb.io", "fast", "metallb-system");
    expect(stored.spec).to.deep.equal({ receiveInterval: 300, transmitInterval: 300, detectMultiplier: 3 });
    const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
    expect(outputs["profileName"]).to.equal("fast");
    expect(outputs["echoId"]).to.equal("echo-fast");
  });

  it("reports no changes on a second `pulumi up`", async function () {
    await pulumi(["up", "--yes", "--expect-no-changes"]);
  });

  it("reports no drift on `pulumi refresh`", async function () {
    await pulumi(["refresh", "--yes", "--expect-no-changes"]);
  });

  it("keeps the secret encrypted in the state file", function () {
    const stateFile = path.join(scratch as string, "state/.pulumi/stacks/bgplb-e2e-smoke/e2e.json");
    const state = readFileSync(stateFile, "utf8");
    expect(state).to.not.include(token);
    expect(state).to.include("ciphertext");
  });

  it("removes the custom resource on `pulumi destroy`", async function () {
    await pulumi(["destroy", "--yes"]);
    const lookup = await (cluster as ThrowawayCluster).kubectl(["get", "bfdprofiles.metallb.io", "fast", "-n", "metallb-system"]);
    expect(lookup.code).to.not.equal(0);
    expect(lookup.stderr).to.include("NotFound");
  });

});
