import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LocalWorkspace, PulumiCommand, type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import { runCommand } from "./command";
import type { StackRunRequest, StackRunResult } from "./stack-run";
import { launcherDir, repoDir, type E2ETool } from "./tools";

/**
 * One engine step of a run as the event stream reports it: the operation and
 * which resource, plus the changed property paths for updates.
 */
export interface StepSummary {
  /** `create`, `update`, `same`, `delete`, `replace`, `refresh`… */
  readonly op: string;
  /** The resource type token. */
  readonly type: string;
  /** The resource's logical name. */
  readonly name: string;
  /** The property paths that differ (updates and replacements). */
  readonly changed: readonly string[];
}

/**
 * The step summaries of a run, from its engine events: one per resource, its
 * last reported operation and the changed paths any of its events reported.
 */
export function stepsOf(events: readonly EngineEvent[]): StepSummary[] {
  const steps = new Map<string, StepSummary>();
  for (const event of events) {
    const metadata = event.resOutputsEvent?.metadata ?? event.resourcePreEvent?.metadata;
    if (metadata === undefined) continue;
    const name = metadata.urn.slice(metadata.urn.lastIndexOf("::") + 2);
    const reported = Object.keys(metadata.detailedDiff ?? {}).sort();
    const changed = reported.length > 0 ? reported : (steps.get(metadata.urn)?.changed ?? []);
    steps.set(metadata.urn, { op: metadata.op, type: metadata.type, name, changed });
  }
  return [...steps.values()];
}

/** A change to a program's text: the first occurrence of `from` becomes `to`. */
export interface ProgramEdit {
  readonly from: string;
  readonly to: string;
}

/**
 * A Pulumi CLI (built by test/e2e/tools/build.sh) with a file backend and its
 * own PULUMI_HOME in a scratch directory. TypeScript programs run through the
 * Automation API as inline programs, so no Node.js language host is needed;
 * the engine still starts resource plugins: the Kubernetes provider and our
 * `pulumi-resource-pulumi-nodejs` launcher for dynamic providers, found on
 * PATH (with the test host `pulumi-language-nodejs`, which runs source
 * plugins for programs in other languages).
 */
export class PulumiBackend {
  private constructor(
    /** Scratch directory holding the state, PULUMI_HOME and the programs. */
    readonly dir: string,
    private readonly command: PulumiCommand,
    /** The Pulumi CLI binary. */
    private readonly pulumiPath: string,
    /** Environment of every CLI run. */
    readonly env: Record<string, string>,
  ) {}

  /**
   * Sets up the scratch backend; `tools` maps each of `pulumiTools`
   * (and any other tool the engine should find, e.g. a language host) to its
   * binary.
   */
  static async create(tools: ReadonlyMap<E2ETool, string>): Promise<PulumiBackend> {
    const dir = mkdtempSync(path.join(tmpdir(), "bgplb-e2e-pulumi-"));
    mkdirSync(path.join(dir, "state"));
    const pulumi = tools.get("pulumi") as string;
    const binDirs = [...new Set([...tools.values()].map((binary) => path.dirname(binary)))];
    const env: Record<string, string> = {
      PATH: [...binDirs, launcherDir, path.join(repoDir, "node_modules/.bin"), process.env["PATH"] ?? ""].join(path.delimiter),
      PULUMI_HOME: path.join(dir, "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "bgplb-e2e",
      PULUMI_SKIP_UPDATE_CHECK: "1",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    };
    const command = await PulumiCommand.get({ root: path.dirname(path.dirname(pulumi)), skipVersionCheck: true });
    return new PulumiBackend(dir, command, pulumi, env);
  }

  /**
   * Writes the program of `name` into its directory: a copy of a compiled
   * program whose relative imports of this repository are made absolute, next
   * to a node_modules link (the dynamic-provider launcher runs from there),
   * with `edits` applied (an edited input). Returns the directory.
   * @throws Error when an edit's text is not in the program
   */
  writeProgram(name: string, compiledProgram: string, edits: readonly ProgramEdit[] = []): string {
    const dir = path.join(this.dir, "programs", name);
    mkdirSync(dir, { recursive: true });
    try {
      symlinkSync(path.join(repoDir, "node_modules"), path.join(dir, "node_modules"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let source = readFileSync(compiledProgram, "utf8").replace(
      /require\("(\.\.?\/[^"]*)"\)/g,
      (_match, relative: string) => `require(${JSON.stringify(path.resolve(path.dirname(compiledProgram), relative))})`,
    );
    for (const edit of edits) {
      if (!source.includes(edit.from)) throw new Error(`${compiledProgram}: ${JSON.stringify(edit.from)} is not in the program`);
      source = source.replace(edit.from, edit.to);
    }
    writeFileSync(path.join(dir, "index.js"), source);
    return dir;
  }

  /**
   * The stack `e2e` of project `project` for its configuration (the program
   * of `programDir` runs only through {@link run}).
   */
  async stack(project: string, programDir: string): Promise<Stack> {
    return LocalWorkspace.createOrSelectStack(
      { stackName: "e2e", projectName: project, program: async () => ({}) },
      {
        workDir: programDir,
        pulumiCommand: this.command,
        envVars: this.env,
        secretsProvider: "passphrase",
        projectSettings: { name: project, runtime: "nodejs", backend: { url: this.env["PULUMI_BACKEND_URL"] } },
      },
    );
  }

  /**
   * Runs `op` on the stack `e2e` of project `project`, whose inline program is
   * the `index.js` of `programDir` as it is now, in a process of its own
   * (harness/stack-run.ts says why). Rejects with the CLI's output when the
   * operation fails.
   */
  async run(
    project: string,
    programDir: string,
    op: StackRunRequest["op"],
    options: StackRunRequest["options"] = {},
  ): Promise<Extract<StackRunResult, { ok: true }>> {
    const request: StackRunRequest = { project, programDir, pulumiRoot: path.dirname(path.dirname(this.pulumiPath)), op, options };
    const child = await runCommand(process.execPath, [path.join(__dirname, "stack-run.js"), JSON.stringify(request)], {
      env: { ...process.env, ...this.env },
      timeoutMs: 540_000,
    });
    const last = child.stdout.trim().split("\n").pop() ?? "";
    let result: StackRunResult;
    try {
      result = JSON.parse(last) as StackRunResult;
    } catch {
      throw new Error(`pulumi ${op} of ${project}: no result (exit ${child.code})\n${child.stdout}\n${child.stderr}`);
    }
    if (!result.ok) throw new Error(result.message);
    return result;
  }

  /** The stack `e2e` of the project in `projectDir`, run by the CLI with the project's own runtime. */
  async projectStack(projectDir: string): Promise<Stack> {
    return LocalWorkspace.createOrSelectStack(
      { stackName: "e2e", workDir: projectDir },
      { pulumiCommand: this.command, envVars: this.env, secretsProvider: "passphrase" },
    );
  }

  /** Removes the scratch directory. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
