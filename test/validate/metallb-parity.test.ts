import { expect } from "chai";
import { readdirSync } from "node:fs";
import path from "node:path";
import { bgplb } from "../cli/helpers";
import { caseFile, parityDir, parityTable, type Verdict } from "./metallb-parity-table";

/**
 * Cases where `bgplb validate` and MetalLB disagree today, each with the
 * issue 16 item that covers it. The list only shrinks: a listed case that
 * starts agreeing fails until it is removed from here.
 */
const KNOWN_DISAGREEMENTS: Readonly<Record<string, number>> = {
  "bfd-profile-absent": 19, // deliberate: bgplb keeps refusing a bfdProfile that is not in the set
};

async function bgplbVerdict(file: string): Promise<{ verdict: Verdict; output: string }> {
  const run = await bgplb("validate", file);
  return { verdict: run.code === 0 ? "accept" : "reject", output: `${run.stdout}${run.stderr}` };
}

describe("validate: parity with MetalLB's own validation (issue 16)", () => {
  const table = parityTable();
  let agreeing = 0;

  after(() => {
    console.log(`      MetalLB parity: ${agreeing} of ${table.length} cases agree, ${Object.keys(KNOWN_DISAGREEMENTS).length} known disagreements`);
  });

  it("has one row per case file, unique names, and a firing and a near-miss case for every issue item 1-19", () => {
    const files = readdirSync(path.join(parityDir, "cases"))
      .map((file) => file.replace(/\.yaml$/, ""))
      .sort();
    const names = table.map((row) => row.case);
    expect(new Set(names).size, "case names are unique").to.equal(names.length);
    expect([...names].sort()).to.deep.equal(files);
    for (let item = 1; item <= 19; item++) {
      const rows = table.filter((row) => row.item === item);
      expect(rows.length, `cases of item ${item}`).to.be.at.least(1);
    }
    for (const name of Object.keys(KNOWN_DISAGREEMENTS)) expect(names, "known disagreements name table cases").to.include(name);
  });

  for (const row of table) {
    const known = KNOWN_DISAGREEMENTS[row.case];
    it(`${row.case} (item ${row.item}): MetalLB ${row.metallb}s ${row.rule}${known === undefined ? "" : ` — known disagreement, item ${known}`}`, async () => {
      const { verdict, output } = await bgplbVerdict(caseFile(row));
      if (known === undefined) {
        expect(verdict, `bgplb validate ${caseFile(row)}:\n${output}`).to.equal(row.metallb);
        agreeing++;
      } else {
        expect(verdict, `${row.case} now agrees with MetalLB: remove it from KNOWN_DISAGREEMENTS`).to.not.equal(row.metallb);
        expect(known, "the known disagreement names the case's item").to.equal(row.item);
      }
    });
  }
});
