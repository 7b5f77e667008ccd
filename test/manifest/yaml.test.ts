import { execFileSync } from "node:child_process";
import { expect } from "chai";
import fc from "fast-check";
import { parse } from "yaml";
import { toYamlDocument } from "../../sdk/manifest";
import { arbGrammarNearString, arbLabelValue, arbPlainValue } from "../arbitraries";
import { requirePrerequisites } from "../setup/prerequisites";

/** Asserts that `text` reads back as the same string in YAML 1.2 (core) and YAML 1.1, as a value, a list item and a key. */
function expectStringRoundTrip(text: string): void {
  const asValue = toYamlDocument({ value: text, list: [text] });
  const asKey = toYamlDocument({ [text]: 1 });
  for (const version of ["1.2", "1.1"] as const) {
    expect(parse(asValue, { version }), `YAML ${version} reading:\n${asValue}`).to.deep.equal({ value: text, list: [text] });
    expect(parse(asKey, { version }), `YAML ${version} reading:\n${asKey}`).to.deep.equal({ [text]: 1 });
  }
}

describe("manifest: YAML writer", () => {
  it("writes strings near every YAML 1.1 and 1.2 scalar grammar so that both readers read back the same string", () => {
    fc.assert(fc.property(arbGrammarNearString, expectStringRoundTrip), { numRuns: 3000 });
  });

  it("writes any string, label value and address so that YAML 1.2 core and YAML 1.1 readers both read it back unchanged", () => {
    fc.assert(fc.property(fc.oneof(arbLabelValue, fc.string({ unit: "grapheme" }), fc.ipV6(), fc.ipV4()), expectStringRoundTrip), { numRuns: 2000 });
  });

  it("regression: seed 1910204867 drew `E0`, which was written plain and read back by YAML 1.1 as the number 0", () => {
    fc.assert(
      fc.property(fc.oneof(arbLabelValue, fc.string({ unit: "grapheme" }), fc.ipV6(), fc.ipV4()), (text) => {
        const yaml = toYamlDocument({ key: text, list: [text] });
        expect(parse(yaml)).to.deep.equal({ key: text, list: [text] });
        expect(parse(yaml, { version: "1.1" })).to.deep.equal({ key: text, list: [text] });
      }),
      { numRuns: 2000, seed: 1910204867 },
    );
    expect(toYamlDocument({ a: "E0" })).to.equal('a: "E0"\n');
  });

  it("quotes what any YAML 1.1, 1.2 or Kubernetes (Go) reader takes for a non-string, and leaves addresses and communities plain", () => {
    const quoted = [
      ["1.2 core", "null", "NULL", "~", "True", "FALSE", "-12", "0o17", "0x1F", "+1.5e-3", ".5", "1.", "-.Inf", ".NaN"],
      [
        "1.1",
        "y",
        "N",
        "yes",
        "Off",
        "ON",
        "0b1_01",
        "0755",
        "1_000",
        "0x_1F",
        "190:20:30",
        "190:20:30.15",
        "._5",
        "1_0.5",
        "1.0e+3",
        "2001-12-14",
        "2001-12-14t21:59:43.10-05:00",
        "2001-1-1 1:02:03",
        "<<",
        "=",
      ],
      ["yaml package 1.1", "E0", "e5", "1e3", "0:20", ".e7"],
      ["Go strconv", "0X1F", "0O17", "0B101", "1__0", "0_x1", "-0B1", "1_e3"],
    ];
    for (const [reader, ...texts] of quoted) {
      for (const text of texts) expect(toYamlDocument({ a: text }), `${reader}: ${text}`).to.equal(`a: ${JSON.stringify(text)}\n`);
    }
    const plain = [
      "10.0.0.1",
      "1.2.3",
      "2001:db8::1",
      "2001:db8::1-2001:db8::20",
      "65535:65282",
      "64512:100:1",
      "1:100",
      "E",
      "e5x",
      "x1",
      "0x",
      "0b2",
      "infinity",
      "yess",
      "2001-12",
      "v1.0",
    ];
    for (const text of plain) expect(toYamlDocument({ a: text }), text).to.equal(`a: ${text}\n`);
  });

  it("writes every number so that YAML 1.2 core and YAML 1.1 readers read back the same number (exponents get a dot for 1.1)", () => {
    expect(toYamlDocument({ big: 1e21, small: -5e-7, int: 65535 })).to.equal("big: 1.0e+21\nsmall: -5.0e-7\nint: 65535\n");
    fc.assert(
      fc.property(fc.double(), (n) => {
        const yaml = toYamlDocument({ x: n });
        expect(parse(yaml)).to.deep.equal({ x: n });
        expect(parse(yaml, { version: "1.1" })).to.deep.equal({ x: n });
        if (/e/.test(yaml)) expect(yaml).to.match(/^x: -?[0-9]+\.[0-9]*e[-+][0-9]+\n$/);
      }),
      { numRuns: 1000 },
    );
  });

  describe("against PyYAML, a strict YAML 1.1 reader", () => {
    /** Each top-level value of `yaml` as PyYAML's safe loader reads it: its Python type, and the string or the repr. */
    const readWithPyYaml = (yaml: string): Record<string, [string, string]> =>
      JSON.parse(
        execFileSync(
          "python3",
          [
            "-c",
            "import sys, json, yaml\nprint(json.dumps({k: [type(v).__name__, v if isinstance(v, str) else repr(v)] for k, v in yaml.safe_load(sys.stdin).items()}))",
          ],
          {
            input: yaml,
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
          },
        ),
      ) as Record<string, [string, string]>;

    before(function () {
      let missing: string[] = [];
      try {
        execFileSync("python3", ["-c", "import yaml"], { stdio: "ignore" });
      } catch {
        missing = ["python3 with PyYAML: not installed (python3-yaml; bash .ci/install-system-packages)"];
      }
      requirePrerequisites(this, missing);
    });

    it("reads every grammar-near string back as that string", () => {
      const texts = [...new Set(fc.sample(arbGrammarNearString, 3000))];
      const read = readWithPyYaml(toYamlDocument(Object.fromEntries(texts.map((text, index) => [`k${index}`, text]))));
      const misread = texts.filter((text, index) => read[`k${index}`]?.[0] !== "str" || read[`k${index}`]?.[1] !== text);
      expect(misread).to.deep.equal([]);
    });

    it("reads every finite number back as that number", () => {
      const numbers = [1e21, -5e-7, 0.1, 65535, ...fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), 1000)];
      const read = readWithPyYaml(toYamlDocument(Object.fromEntries(numbers.map((n, index) => [`k${index}`, n]))));
      const misread = numbers.filter((n, index) => !["int", "float"].includes(read[`k${index}`][0]) || Number(read[`k${index}`][1]) !== n);
      expect(misread).to.deep.equal([]);
    });
  });

  it("quotes what a YAML 1.1 reader would take for a boolean, number or date, and leaves addresses plain", () => {
    expect(
      toYamlDocument({ a: "yes", b: "on", c: "10:20", d: "0755", e: "2021-06-14", f: "10.0.0.1", g: "2001:db8::1-2001:db8::20", h: "65535:65282", n: 1 }),
    ).to.equal('a: "yes"\nb: "on"\nc: "10:20"\nd: "0755"\ne: "2021-06-14"\nf: 10.0.0.1\ng: 2001:db8::1-2001:db8::20\nh: 65535:65282\n"n": 1\n');
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
