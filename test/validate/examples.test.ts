import { expect } from "chai";
import fc from "fast-check";
import { EXAMPLE_NAMES, exampleText, parseManifests } from "../../sdk/manifest";
import { validate } from "../../sdk/validate";
import { arbConsistentGkeTopology, arbConsistentMetalLBTopology } from "../arbitraries";
import { SEED_SUBNETS, errors } from "./fixtures";

const withoutErrors = (diagnostics: ReturnType<typeof validate>): string[] => errors(diagnostics).map((d) => `${d.code} ${d.path}: ${d.message}`);

describe("validate: bundled examples and generated topologies", () => {
  for (const name of EXAMPLE_NAMES) {
    it(`example ${name} parses and validates without errors, also with the node subnets`, () => {
      const parsed = parseManifests([{ file: `${name}.yaml`, text: exampleText(name) }]);
      expect(parsed.issues.filter((issue) => issue.severity === "error")).to.deep.equal([]);
      expect(withoutErrors(validate(parsed.topology))).to.deep.equal([]);
      expect(withoutErrors(validate(parsed.topology, { nodeSubnets: SEED_SUBNETS }))).to.deep.equal([]);
    });
  }

  it("the GKE examples report the node-subnet rules as skipped, not passed, without node subnets", () => {
    const parsed = parseManifests(exampleText("gke-shared-peers"));
    const skipped = validate(parsed.topology)
      .filter((d) => d.severity === "skipped")
      .map((d) => d.code);
    expect(skipped).to.include.members(["BGPLB034", "BGPLB054", "BGPLB064"]);
    const withSubnets = validate(parsed.topology, { nodeSubnets: SEED_SUBNETS })
      .filter((d) => d.severity === "skipped")
      .map((d) => d.code);
    expect(withSubnets).to.not.include.members(["BGPLB034"]);
    expect(withSubnets).to.not.include("BGPLB054");
  });

  it("generated consistent GKE topologies have no errors (node subnets given)", () => {
    const subnets = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.0.4.0/24"];
    fc.assert(
      fc.property(arbConsistentGkeTopology, (topology) => {
        expect(withoutErrors(validate(topology, { nodeSubnets: subnets }))).to.deep.equal([]);
      }),
      { numRuns: 200 },
    );
  });

  it("generated consistent MetalLB topologies have no errors", () => {
    fc.assert(
      fc.property(arbConsistentMetalLBTopology, (topology) => {
        expect(withoutErrors(validate(topology))).to.deep.equal([]);
      }),
      { numRuns: 200 },
    );
  });

  it("is deterministic: the same input gives the same diagnostics", () => {
    fc.assert(
      fc.property(arbConsistentGkeTopology, (topology) => {
        expect(validate(topology)).to.deep.equal(validate(topology));
      }),
      { numRuns: 50 },
    );
  });
});
