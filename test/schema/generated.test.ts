import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { generatedFiles } from "../../sdk/manifest/generated-files";
import { KIND_DECLARATIONS, DECLARED_FIELDS } from "../../sdk/schema";
import { MODEL_KINDS } from "../../sdk/model";
import { ruleCatalogue } from "../../sdk/validate";

const repo = path.resolve(__dirname, "..", "..", "..");

describe("schema: what is generated from the kind declarations", () => {
  for (const file of generatedFiles()) {
    it(`${file.path} is what \`npm run generate\` writes, byte for byte`, () => {
      expect(readFileSync(path.join(repo, file.path), "utf8"), `${file.path} differs from its declaration: run npm run generate`).to.equal(file.text);
    });
  }

  it("sdk/crds holds only generated CRDs, one per GKE kind (MetalLB's come from MetalLB)", () => {
    const generated = generatedFiles()
      .filter((file) => file.path.startsWith("sdk/crds/"))
      .map((file) => path.basename(file.path))
      .sort();
    expect(readdirSync(path.join(repo, "sdk/crds")).sort()).to.deep.equal(generated);
    expect(generated).to.have.length(KIND_DECLARATIONS.filter((declaration) => declaration.apiVersion.includes("gke.io")).length);
  });

  it("declares every kind the model reads, served older versions included", () => {
    const declared = KIND_DECLARATIONS.flatMap((declaration) =>
      [declaration.apiVersion, ...(declaration.servedVersions ?? []).map((served) => served.apiVersion)].map(
        (apiVersion) => `${apiVersion} ${declaration.kind} ${declaration.group}`,
      ),
    );
    expect(MODEL_KINDS.map((entry) => `${entry.apiVersion} ${entry.kind} ${entry.group}`).sort()).to.deep.equal(declared.sort());
  });

  it("names only rules of the catalogue for out-of-range values", () => {
    const codes = new Set(ruleCatalogue.map((rule) => rule.code));
    const named = DECLARED_FIELDS.flatMap((declared) =>
      [declared.entry.rule, declared.entry.ipv6Rule].filter((code) => code !== undefined).map((code) => ({ declared, code })),
    );
    expect(named.length).to.be.greaterThan(5);
    for (const { declared, code } of named) expect(codes, `${declared.kind} ${declared.path.join(".")}`).to.include(code);
  });
});
