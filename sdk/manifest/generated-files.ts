/**
 * Writes what is generated from the kind declarations in sdk/schema: the
 * model's TypeScript types (sdk/model/<vendor>/<kind>.ts) and the CRDs of the
 * GKE kinds (sdk/crds/). `npm run generate`; a unit test checks that the
 * files in the repository are what this writes.
 */
import { renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { KIND_DECLARATIONS, crdFileName, customResourceDefinition, modelTypeScript } from "../schema";
import { toYamlDocument } from "./yaml";

/** One generated file: its path from the repository root and its text. */
export interface GeneratedFile {
  readonly path: string;
  readonly text: string;
}

/** Every generated file, in declaration order. */
export function generatedFiles(): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (const declaration of KIND_DECLARATIONS) {
    files.push({ path: `sdk/model/${declaration.file}.ts`, text: modelTypeScript(declaration) });
    if (declaration.crd === undefined) continue;
    const header = [...declaration.crd.header, "Generated from sdk/schema by `npm run generate`; do not edit."].map((line) => `# ${line}\n`).join("");
    files.push({ path: `sdk/crds/${crdFileName(declaration)}`, text: header + toYamlDocument(customResourceDefinition(declaration)) });
  }
  return files;
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..", "..", "..");
  for (const file of generatedFiles()) {
    // written beside and renamed, so an interrupted run leaves no half-written file
    const target = path.join(root, file.path);
    writeFileSync(`${target}.partial`, file.text);
    renameSync(`${target}.partial`, target);
    console.log(`wrote ${file.path}`);
  }
}
