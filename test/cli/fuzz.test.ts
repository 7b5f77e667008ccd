import { expect } from "chai";
import fc from "fast-check";
import { EXAMPLE_NAMES, examplePath } from "../../sdk/manifest";
import { scratchDirectory } from "./helpers";
import { arbMutatedManifest, mutatedText, outcomeProblem, runCli, VERBS } from "./mutations";

/**
 * Cases per unit-suite run. Each runs the whole CLI in process on a document
 * of up to ~600 kB, about 0.3 s of CPU, so the unit suite keeps to a sample;
 * `npm run bench -- fuzz-cli 10000 SEED` runs the same property at depth.
 */
const RUNS = 50;

describe("bgplb on mutated examples (property)", () => {
  const dir = scratchDirectory();
  after(() => dir.remove());

  it("every mutated example ends with exit 0, 1 or 2, never an internal error, and no message line over 1,000 characters", async function () {
    this.timeout(300_000);
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(arbMutatedManifest, fc.nat(VERBS.length - 1), async (manifest, verb) => {
        const file = dir.write("mutated.yaml", mutatedText(manifest));
        const outcome = await runCli(VERBS[verb], file, examplePath(EXAMPLE_NAMES[manifest.example]));
        runs++;
        expect(outcomeProblem(outcome), `${outcome.verb}`).to.equal(undefined);
      }),
      { seed: 20261203, numRuns: RUNS, endOnFailure: true },
    );
    expect(runs).to.be.at.least(RUNS);
  });
});
