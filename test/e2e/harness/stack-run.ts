/**
 * Runs one Pulumi operation on the stack `e2e` of an inline program, in a
 * process of its own: inline programs share the Node.js process with the
 * Automation API, and an operation that failed (a refused preview) can leave
 * work pending that stalls the next one in the same process.
 *
 *   node stack-run.js '{"project": …, "programDir": …, "pulumiRoot": …, "op": "up", "options": {…}}'
 *
 * Prints one JSON line: `{"ok": true, "summary", "outputs", "steps"}` or
 * `{"ok": false, "message"}`. The environment (backend, passphrase, PATH)
 * comes from the parent.
 */
import path from "node:path";
import { LocalWorkspace, PulumiCommand, type EngineEvent } from "@pulumi/pulumi/automation";
import { stepsOf, type StepSummary } from "./pulumi";

/** The request {@link runOperation} serves. */
export interface StackRunRequest {
  readonly project: string;
  readonly programDir: string;
  readonly pulumiRoot: string;
  readonly op: "up" | "preview" | "refresh" | "destroy";
  readonly options?: { readonly expectNoChanges?: boolean; readonly diff?: boolean };
}

/** What the operation reported. */
export type StackRunResult =
  | { readonly ok: true; readonly summary: Record<string, number>; readonly outputs: Record<string, unknown>; readonly steps: StepSummary[] }
  | { readonly ok: false; readonly message: string };

async function runOperation(request: StackRunRequest): Promise<StackRunResult> {
  const entry = path.join(request.programDir, "index.js");
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "e2e", projectName: request.project, program: async () => require(entry) as Record<string, unknown> },
    {
      workDir: request.programDir,
      pulumiCommand: await PulumiCommand.get({ root: request.pulumiRoot, skipVersionCheck: true }),
      secretsProvider: "passphrase",
      projectSettings: { name: request.project, runtime: "nodejs", backend: { url: process.env["PULUMI_BACKEND_URL"] } },
    },
  );
  const events: EngineEvent[] = [];
  const onEvent = (event: EngineEvent): void => void events.push(event);
  const options = { ...request.options, onEvent };
  try {
    switch (request.op) {
      case "up": {
        const result = await stack.up(options);
        const outputs = Object.fromEntries(Object.entries(result.outputs).map(([key, value]) => [key, value.value]));
        return { ok: true, summary: result.summary.resourceChanges ?? {}, outputs, steps: stepsOf(events) };
      }
      case "preview": {
        const result = await stack.preview(options);
        return { ok: true, summary: result.changeSummary, outputs: {}, steps: stepsOf(events) };
      }
      case "refresh": {
        const result = await stack.refresh(options);
        return { ok: true, summary: result.summary.resourceChanges ?? {}, outputs: {}, steps: stepsOf(events) };
      }
      case "destroy": {
        const result = await stack.destroy(options);
        return { ok: true, summary: result.summary.resourceChanges ?? {}, outputs: {}, steps: stepsOf(events) };
      }
    }
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

if (require.main === module) {
  runOperation(JSON.parse(process.argv[2] ?? "{}") as StackRunRequest).then(
    (result) => console.log(JSON.stringify(result)),
    (error: Error) => console.log(JSON.stringify({ ok: false, message: error.stack ?? error.message })),
  );
}
