import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect } from "chai";
import { CI_DEFAULT_SEED } from "./root-hooks";

const repoDir = path.resolve(__dirname, "../../..");

/** Runs mocha with the root hooks on one fixture spec of dist/test/setup/fixtures, in a clean CI/FC_SEED environment plus `env`. */
function runFixture(fixture: string, env: NodeJS.ProcessEnv): { status: number | null; stdout: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "CI" && key !== "FC_SEED"));
  const run = spawnSync(
    process.execPath,
    [
      require.resolve("mocha/bin/mocha.js"),
      "--no-config",
      "--no-colors",
      "--require",
      path.join(__dirname, "root-hooks.js"),
      path.join(__dirname, "fixtures", `${fixture}.fixture.js`),
    ],
    { cwd: repoDir, env: { ...clean, ...env }, encoding: "utf8", timeout: 60_000 },
  );
  return { status: run.status, stdout: run.stdout };
}

describe("test setup: missing prerequisites and property-test seeds", function () {
  this.timeout(60_000);

  it("outside CI, a suite missing a prerequisite is pending and the summary lists it with the reason", () => {
    const run = runFixture("missing-tool", {});
    expect(run.status, run.stdout).to.equal(0);
    expect(run.stdout)
      .to.match(/1 passing/)
      .and.match(/1 pending/);
    expect(run.stdout).to.include(
      "Skipped for missing prerequisites (under CI=true these fail):\n  fixture: a suite that needs a program this host lacks\n    not installed: bgplb-fixture-no-such-program\n",
    );
  });

  it("under CI=true, a missing prerequisite fails the run, naming it", () => {
    const run = runFixture("missing-tool", { CI: "true" });
    expect(run.status).to.equal(1);
    expect(run.stdout)
      .to.match(/1 passing/)
      .and.match(/1 failing/)
      .and.not.match(/pending/);
    expect(run.stdout).to.include("missing prerequisites under CI=true (.ci/run installs them):\n  not installed: bgplb-fixture-no-such-program");
    expect(run.stdout).to.not.include("Skipped for missing prerequisites");
  });

  it("under CI=true, property tests run with the fixed seed, printed on failure", () => {
    const run = runFixture("failing-property", { CI: "true" });
    expect(run.status).to.equal(1);
    expect(run.stdout).to.include(`{ seed: ${CI_DEFAULT_SEED}, path: `);
    expect(run.stdout).to.include(`fast-check seed of this run: ${CI_DEFAULT_SEED} (fixed for CI=true); FC_SEED=${CI_DEFAULT_SEED} replays its property tests`);
  });

  it("FC_SEED sets the seed of every property test, with or without CI", () => {
    for (const env of [{ FC_SEED: "1910204867" }, { FC_SEED: "-7", CI: "true" }]) {
      const run = runFixture("failing-property", env);
      expect(run.status).to.equal(1);
      expect(run.stdout).to.include(`{ seed: ${env.FC_SEED}, path: `);
      expect(run.stdout).to.include(`fast-check seed of this run: ${env.FC_SEED} (FC_SEED)`);
    }
  });

  it("outside CI without FC_SEED, the seed is random and printed on failure", () => {
    const run = runFixture("failing-property", {});
    expect(run.status).to.equal(1);
    const seed = /fast-check seed of this run: (\d+) \(random\); FC_SEED=\1 replays/.exec(run.stdout)?.[1];
    expect(seed, run.stdout).to.be.a("string");
    expect(run.stdout).to.include(`{ seed: ${seed}, path: `);
  });

  it("a malformed FC_SEED stops the run with a message naming it", () => {
    const run = spawnSync(
      process.execPath,
      [
        require.resolve("mocha/bin/mocha.js"),
        "--no-config",
        "--require",
        path.join(__dirname, "root-hooks.js"),
        path.join(__dirname, "fixtures", "missing-tool.fixture.js"),
      ],
      {
        cwd: repoDir,
        env: { ...process.env, FC_SEED: "12abc" },
        encoding: "utf8",
      },
    );
    expect(run.status).to.not.equal(0);
    expect(run.stderr).to.include('FC_SEED must be an integer, got "12abc"');
  });
});
