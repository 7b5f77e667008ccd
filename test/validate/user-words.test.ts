import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as ts from "typescript";
import { ruleCatalogue } from "../../sdk/validate";

/** Words users cannot act on: internal variables and the internal product documents. */
const INTERNAL = [/\bfacts\./, /\bSPEC\b/, /§/, /\bseed \d{3}\b/];

const SDK = join(__dirname, "..", "..", "..", "sdk");

/** Every string and template literal of the TypeScript files in a directory (comments and JSDoc excluded). */
function literals(directory: string): { file: string; text: string }[] {
  const found: { file: string; text: string }[] = [];
  for (const name of readdirSync(directory).filter((entry) => entry.endsWith(".ts"))) {
    const file = join(directory, name);
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) found.push({ file: name, text: node.text });
      else if (ts.isTemplateExpression(node))
        found.push({ file: name, text: [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join("…") });
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe("user-facing text uses the user's words", () => {
  it("no rule in the catalogue cites an internal document or variable (title, source)", () => {
    expect(ruleCatalogue.length).to.be.greaterThan(50);
    for (const rule of ruleCatalogue) {
      for (const pattern of INTERNAL) {
        expect(rule.title, `${rule.code} title`).not.to.match(pattern);
        expect(rule.source, `${rule.code} source`).not.to.match(pattern);
      }
    }
  });

  it("no message, hint or CLI text in the rules, the validator, the manifest reader or the CLI does", () => {
    const texts = ["validate", join("validate", "rules"), "manifest", "cli"].flatMap((dir) => literals(join(SDK, dir)));
    expect(texts.length).to.be.greaterThan(300);
    const offending = texts.filter(({ text }) => INTERNAL.some((pattern) => pattern.test(text)));
    expect(offending.map(({ file, text }) => `${file}: ${text}`)).to.deep.equal([]);
  });
});
