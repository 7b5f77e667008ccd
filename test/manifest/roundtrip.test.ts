import { expect } from "chai";
import fc from "fast-check";
import { canonicalTopology, parseManifests, renderYaml } from "../../sdk/manifest";
import { topologyObjects, topologyOf } from "../../sdk/model";
import { arbConsistentGkeTopology, arbConsistentMetalLBTopology, arbTopology } from "../arbitraries";

describe("manifest: render/parse round trip", () => {
  it("parse(render(x)) deep-equals x for any topology, with no errors or warnings except for unknown fields", () => {
    fc.assert(
      fc.property(arbTopology(), (topology) => {
        const yaml = renderYaml(topology);
        const parsed = parseManifests([{ file: "x.yaml", text: yaml }]);
        const unexpected = parsed.issues.filter((issue) => issue.code !== "unknown-field" && issue.code !== "unknown-kind");
        expect(unexpected).to.deep.equal([]);
        expect(parsed.topology).to.deep.equal(canonicalTopology(topology));
      }),
      { numRuns: 300 },
    );
  });

  it("renders the same objects in any order to byte-identical YAML", () => {
    fc.assert(
      fc.property(arbTopology(), fc.func(fc.integer()), (topology, rank) => {
        const shuffled = topologyObjects(topology)
          .map((object, index) => ({ object, key: rank(index) }))
          .sort((a, b) => a.key - b.key)
          .map((entry) => entry.object);
        expect(renderYaml(topologyOf(shuffled))).to.equal(renderYaml(topology));
      }),
      { numRuns: 200 },
    );
  });

  it("renders the same regardless of the key order of any map (labels, selectors, unknown fields, unmodelled kinds)", () => {
    const reversedKeys = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(reversedKeys);
      if (typeof value !== "object" || value === null || value instanceof Uint8Array) return value;
      return Object.fromEntries(
        Object.entries(value)
          .reverse()
          .map(([key, item]) => [key, reversedKeys(item)]),
      );
    };
    fc.assert(
      fc.property(arbTopology(), (topology) => {
        expect(renderYaml(reversedKeys(topology) as typeof topology)).to.equal(renderYaml(topology));
      }),
      { numRuns: 200 },
    );
  });

  it("is a fixed point: render(parse(render(x))) equals render(x)", () => {
    fc.assert(
      fc.property(fc.oneof(arbConsistentGkeTopology, arbConsistentMetalLBTopology, arbTopology()), (topology) => {
        const once = renderYaml(topology);
        expect(renderYaml(parseManifests(once).topology)).to.equal(once);
      }),
      { numRuns: 200 },
    );
  });
});
