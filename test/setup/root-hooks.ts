/**
 * Loaded by mocha for every run (`require` in .mocharc.json and the npm
 * scripts). Fixes fast-check's seed for the whole run and prints it when a
 * test failed; lists what was skipped for missing prerequisites, and why.
 */
import fc from "fast-check";
import { isCi, skippedForPrerequisites } from "./prerequisites";

/** The fast-check seed of every CI run that does not set `FC_SEED`. */
export const CI_DEFAULT_SEED = 20261203;

/** The run's fast-check seed: `FC_SEED` when set, the fixed CI seed under `CI=true`, else a random one. */
function chooseSeed(env: NodeJS.ProcessEnv): { seed: number; source: string } {
  const text = env.FC_SEED;
  if (text !== undefined && text !== "") {
    const seed = Number(text);
    if (!/^-?[0-9]+$/.test(text) || !Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(text.slice(0, 40))}`);
    return { seed, source: "FC_SEED" };
  }
  if (isCi(env)) return { seed: CI_DEFAULT_SEED, source: "fixed for CI=true" };
  return { seed: Math.floor(Math.random() * 2 ** 31), source: "random" };
}

const { seed, source } = chooseSeed(process.env);
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
let failed = false;

/** Root hooks: notes whether any test failed. */
export const mochaHooks = {
  afterEach(this: Mocha.Context): void {
    if (this.currentTest?.state === "failed") failed = true;
  },
};

/** After mocha's own summary: the seed to replay a failed run, and what was skipped for missing prerequisites. */
export function mochaGlobalTeardown(): void {
  if (failed) console.log(`\nfast-check seed of this run: ${seed} (${source}); FC_SEED=${seed} replays its property tests`);
  const skipped = skippedForPrerequisites();
  if (skipped.length === 0) return;
  console.log("\nSkipped for missing prerequisites (under CI=true these fail):");
  for (const { title, reasons } of skipped) {
    console.log(`  ${title}`);
    for (const reason of reasons) console.log(`    ${reason}`);
  }
}
