import { expect } from "chai";
import { compileFunction } from "node:vm";
import ts from "typescript";
import * as sdk from "../../sdk";
import { EXAMPLE_NAMES, examplePath, exampleText, parseManifests, renderYaml } from "../../sdk/manifest";
import type { Topology } from "../../sdk/model";
import { bgplb, scratchDirectory } from "./helpers";
import { typeProblems } from "./import-type-check";

/** Compiles a generated program and runs it with `bgplb` bound to this package's core; returns its exports. */
function runProgram(source: string): { topology: Topology } {
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const module = { exports: {} as Record<string, unknown> };
  const requireBgplb = (name: string) => {
    if (name !== "bgplb") throw new Error(`the generated program imports ${name}`);
    return sdk;
  };
  const body = compileFunction(outputText, ["require", "module", "exports"]) as (load: typeof requireBgplb, m: typeof module, exports: unknown) => void;
  body(requireBgplb, module, module.exports);
  return module.exports as unknown as { topology: Topology };
}

describe("bgplb import --target sdk", () => {
  const dir = scratchDirectory();
  after(() => dir.remove());

  for (const name of EXAMPLE_NAMES) {
    it(`turns ${name} into a program that builds the same topology`, async () => {
      const run = await bgplb("import", "--target", "sdk", examplePath(name));
      expect(run.code, run.stderr).to.equal(0);
      const { topology } = runProgram(run.stdout);
      expect(renderYaml(topology)).to.equal(renderYaml(parseManifests(exampleText(name)).topology));
    });
  }

  it("uses builders where they reproduce an object exactly and typed literals for the rest", async () => {
    const withUnknown = dir.write("unknown-field.yaml", exampleText("metallb-vrf").replace(/(kind: BGPPeer\n(?:.*\n)*?spec:\n)/, "$1  futureKnob: 3\n"));
    const run = await bgplb("import", "--target", "sdk", withUnknown);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/: bgplb\.MetalLBBGPPeer = \{/);
    expect(run.stdout).to.contain("futureKnob");
    expect(run.stdout).to.contain("bgplb.ipAddressPool(");
    expect(renderYaml(runProgram(run.stdout).topology)).to.equal(
      renderYaml(parseManifests(exampleText("metallb-vrf").replace(/(kind: BGPPeer\n(?:.*\n)*?spec:\n)/, "$1  futureKnob: 3\n")).topology),
    );
  });

  it("generates programs that type-check against the package's declarations", async function () {
    this.timeout(60_000);
    const files = await Promise.all(
      EXAMPLE_NAMES.map(async (name) => dir.write(`${name}.ts`, (await bgplb("import", "--target", "sdk", examplePath(name))).stdout)),
    );
    const problems = typeProblems(files, "bgplb", "sdk/index.d.ts");
    expect(problems).to.deep.equal([]);
  });
});
