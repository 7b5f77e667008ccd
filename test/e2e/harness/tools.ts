import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { requirePrerequisites } from "../../setup/prerequisites";

/** The repository root (this file runs from dist/test/e2e/harness). */
export const repoDir = path.resolve(__dirname, "../../../..");

/** The programs test/e2e/tools/build.sh builds. */
export type E2ETool =
  | "etcd"
  | "kube-apiserver"
  | "kube-controller-manager"
  | "kubectl"
  | "pulumi"
  | "pulumi-language-yaml"
  | "pulumi-resource-kubernetes"
  | "metallb-controller"
  | "metallb-speaker";

/** The tools a throwaway API server needs (the controller manager collects garbage, so foreground deletion completes). */
export const clusterTools: readonly E2ETool[] = ["etcd", "kube-apiserver", "kube-controller-manager", "kubectl"];

/**
 * The tools `pulumi up` of a TypeScript program against the throwaway API
 * server needs, beyond {@link clusterTools}: the tests run TypeScript programs
 * through the Automation API, which needs no Node.js language host.
 */
export const pulumiTools: readonly E2ETool[] = ["pulumi", "pulumi-resource-kubernetes"];

/** Directory holding our `pulumi-resource-pulumi-nodejs` launcher for dynamic providers. */
export const launcherDir = path.join(repoDir, "test/e2e/tools/bin");

/**
 * Where build.sh puts each tool for this checkout's versions (it resolves the
 * versions; this only asks it for the paths).
 */
export function toolPaths(): ReadonlyMap<E2ETool, string> {
  const out = execFileSync("bash", [path.join(repoDir, "test/e2e/tools/build.sh"), "--print-paths"], { encoding: "utf8" });
  const paths = new Map<E2ETool, string>();
  for (const line of out.split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) paths.set(line.slice(0, at) as E2ETool, line.slice(at + 1));
  }
  return paths;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why a tool is missing: the first error line of its failed build, if any. */
function missingReason(tool: E2ETool, binary: string): string {
  const errorLog = path.join(path.dirname(path.dirname(binary)), "build-error.log");
  if (!existsSync(errorLog)) return `${tool}: not built (${binary})`;
  const lines = readFileSync(errorLog, "utf8").split("\n");
  const firstError = lines.find((line) => /error|forbidden|cannot|not available/i.test(line)) ?? lines.find((line) => line.trim() !== "");
  return `${tool}: build failed (${errorLog}): ${firstError?.trim() ?? "empty log"}`;
}

/**
 * Checks that `tools` are built; returns their paths, or the reasons the
 * missing ones are not there (one line per tool).
 */
export function findTools(tools: readonly E2ETool[]): { paths: ReadonlyMap<E2ETool, string>; missing: readonly string[] } {
  const paths = toolPaths();
  const missing: string[] = [];
  for (const tool of tools) {
    const binary = paths.get(tool);
    if (binary === undefined) missing.push(`${tool}: build.sh does not know it`);
    else if (!isExecutable(binary)) missing.push(missingReason(tool, binary));
  }
  return { paths, missing };
}

/**
 * Returns the paths of `tools` when they are built; otherwise skips the
 * current mocha suite or test with the reasons (a failure under `CI=true`).
 */
export function requireTools(ctx: Mocha.Context, tools: readonly E2ETool[]): ReadonlyMap<E2ETool, string> {
  const { paths, missing } = findTools(tools);
  requirePrerequisites(ctx, missing.length === 0 ? [] : [...missing, "run test/e2e/tools/build.sh to build them"]);
  return paths;
}
