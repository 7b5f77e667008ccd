import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLE_NAMES, examplePath } from "../sdk/manifest";
import { arbMutatedManifest, mutatedText, outcomeProblem, runCli, VERBS } from "../test/cli/mutations";

/**
 * `npm run bench -- fuzz-cli [CASES] [SEED]`: the CLI on CASES mutated
 * examples (default 10,000; seed printed, random unless given), each through
 * one verb in process. Prints the exit codes, the slowest case, and every
 * problem (exit 3, a message line over 1,000 characters) grouped by its
 * first line; exits 1 when there is any.
 */
export async function fuzzCli(cases: number, seed: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bgplb-fuzz-"));
  const file = join(dir, "mutated.yaml");
  const codes = new Map<number, number>();
  const problems = new Map<string, { count: number; example: string }>();
  let slowest = { ms: 0, verb: "", text: "" };
  const start = process.hrtime.bigint();
  console.log(`fuzz-cli: ${cases} cases, seed ${seed} (rerun: npm run bench -- fuzz-cli ${cases} ${seed})`);
  try {
    const samples = fc.sample(fc.tuple(arbMutatedManifest, fc.nat(VERBS.length - 1)), { numRuns: cases, seed });
    for (const [index, [manifest, verb]] of samples.entries()) {
      const text = mutatedText(manifest);
      writeFileSync(file, text);
      const caseStart = process.hrtime.bigint();
      const outcome = await runCli(VERBS[verb], file, examplePath(EXAMPLE_NAMES[manifest.example]));
      const ms = Number(process.hrtime.bigint() - caseStart) / 1e6;
      if (ms > slowest.ms) slowest = { ms, verb: outcome.verb, text: `${EXAMPLE_NAMES[manifest.example]} ${JSON.stringify(manifest.mutations).slice(0, 300)}` };
      codes.set(outcome.code, (codes.get(outcome.code) ?? 0) + 1);
      const problem = outcomeProblem(outcome);
      if (problem !== undefined) {
        const key = problem.split("\n")[0].replace(/\d+/g, "N").slice(0, 160);
        const entry = problems.get(key) ?? {
          count: 0,
          example: `${outcome.verb} on ${EXAMPLE_NAMES[manifest.example]} ${JSON.stringify(manifest.mutations).slice(0, 400)}`,
        };
        entry.count++;
        problems.set(key, entry);
      }
      if ((index + 1) % 1000 === 0) console.log(`  ${index + 1} cases, ${[...problems.values()].reduce((n, p) => n + p.count, 0)} problems`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `exit codes: ${[...codes]
      .sort(([a], [b]) => a - b)
      .map(([code, n]) => `${code}: ${n}`)
      .join(", ")}`,
  );
  console.log(`${cases} cases in ${seconds.toFixed(1)} s; slowest ${slowest.ms.toFixed(0)} ms (${slowest.verb}: ${slowest.text})`);
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  if (problems.size === 0) {
    console.log("problems: none");
    return;
  }
  for (const [key, entry] of problems) console.log(`problem x${entry.count}: ${key}\n  e.g. ${entry.example}`);
  process.exitCode = 1;
}
