import { expect } from "chai";
import fc from "fast-check";
import { parse } from "yaml";
import { toYamlDocument } from "../../sdk/manifest";
import { arbLabelValue, arbPlainValue } from "../arbitraries";

describe("manifest: YAML writer", () => {
  it("writes strings that YAML 1.2 core and YAML 1.1 readers both read back unchanged", () => {
    fc.assert(
      fc.property(fc.oneof(arbLabelValue, fc.string({ unit: "grapheme" }), fc.ipV6(), fc.ipV4()), (text) => {
        const yaml = toYamlDocument({ key: text, list: [text] });
        expect(parse(yaml)).to.deep.equal({ key: text, list: [text] });
        expect(parse(yaml, { version: "1.1" })).to.deep.equal({ key: text, list: [text] });
      }),
      { numRuns: 2000 },
    );
  });

  it("quotes what a YAML 1.1 reader would take for a boolean, number or date, and leaves addresses plain", () => {
    expect(toYamlDocument({ a: "yes", b: "on", c: "10:20", d: "0755", e: "2021-06-14", f: "10.0.0.1", g: "2001:db8::1-2001:db8::20", h: "65535:65282", n: 1 })).to.equal(
      'a: "yes"\nb: "on"\nc: "10:20"\nd: "0755"\ne: "2021-06-14"\nf: 10.0.0.1\ng: 2001:db8::1-2001:db8::20\nh: 65535:65282\n"n": 1\n',
    );
  });

  it("writes nested lists and maps in block style that reads back equal", () => {
    expect(toYamlDocument({ a: [[1, 2], { b: [] }, {}], c: { d: null } })).to.equal("a:\n  - - 1\n    - 2\n  - b: []\n  - {}\nc:\n  d: null\n");
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 5 }), arbPlainValue, { maxKeys: 4 }), (value) => {
        expect(parse(toYamlDocument(value)) ?? {}).to.deep.equal(value);
      }),
      { numRuns: 500 },
    );
  });
});
