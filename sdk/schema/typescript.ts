import type { FieldEntry, FieldSchema, KindDeclaration, ObjectSchema, StringSchema } from "./declaration";

/** The first line of every generated model file. */
const GENERATED_HEADER = "// Generated from sdk/schema by `npm run generate`; do not edit.";

/** A JSDoc comment, wrapped at 120 columns, at the given indent. */
function jsDoc(text: string, indent: string): string {
  const single = `${indent}/** ${text} */`;
  if (single.length <= 120) return single;
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && indent.length + 3 + line.length + 1 + word.length > 110) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return [`${indent}/**`, ...lines.map((part) => `${indent} * ${part}`), `${indent} */`].join("\n");
}

/** The field's JSDoc text: its doc and its default. */
function fieldDoc(entry: FieldEntry): string | undefined {
  const fallback = entry.default !== undefined ? JSON.stringify(entry.default) : entry.defaultDoc;
  if (entry.doc === undefined) return undefined;
  const doc = entry.immutable === undefined ? entry.doc : `${entry.doc} Cannot change after creation.`;
  return fallback === undefined ? doc : `${doc} @default ${fallback}`;
}

/** What one generated file declares, in order, and the names it imports. */
class ModelFile {
  readonly blocks: string[] = [];
  readonly declared = new Set<string>();
  readonly metaImports = new Set<string>(["ModelObjectBase"]);
  readonly apiImports = new Set<string>();

  typeOf(schema: FieldSchema): string {
    switch (schema.type) {
      case "string":
        return this.stringType(schema);
      case "integer":
        return "number";
      case "boolean":
        return "boolean";
      case "stringMap":
        return "Readonly<Record<string, string>>";
      case "list":
        return `readonly ${this.typeOf(schema.items)}[]`;
      case "object":
        return this.objectType(schema);
    }
  }

  private stringType(schema: StringSchema): string {
    if (schema.oneOf === undefined) return "string";
    const union = schema.oneOf.map((value) => JSON.stringify(value)).join(" | ");
    if (schema.typeName === undefined) return union;
    if (!this.declared.has(schema.typeName)) {
      this.declared.add(schema.typeName);
      this.blocks.push(`${schema.typeDoc === undefined ? "" : `${jsDoc(schema.typeDoc, "")}\n`}export type ${schema.typeName} = ${union};`);
    }
    return schema.typeName;
  }

  private objectType(schema: ObjectSchema): string {
    if (schema.ref !== undefined) {
      this.metaImports.add(schema.ref);
      return schema.ref;
    }
    const name = schema.typeName;
    if (name === undefined) throw new Error("an object schema needs a typeName or a ref");
    if (!this.declared.has(name)) {
      this.declared.add(name);
      const members = schema.fields.map((entry) => this.member(entry));
      this.blocks.push(`${schema.typeDoc === undefined ? "" : `${jsDoc(schema.typeDoc, "")}\n`}export interface ${name} {\n${members.join("\n")}\n}`);
    }
    return name;
  }

  member(entry: FieldEntry, type = this.typeOf(entry.schema)): string {
    const doc = fieldDoc(entry);
    return `${doc === undefined ? "" : `${jsDoc(doc, "  ")}\n`}  readonly ${entry.name}${entry.required ? "" : "?"}: ${type};`;
  }
}

/** The TypeScript source of a kind's model file: its spec (and status) interfaces and the object interface. */
export function modelTypeScript(declaration: KindDeclaration): string {
  const file = new ModelFile();
  const spec = file.typeOf(declaration.spec);
  const status = declaration.status ? file.typeOf(declaration.status.schema) : undefined;
  const versions = [declaration.apiVersionConstant, ...(declaration.servedVersions ?? []).map((served) => served.apiVersionConstant)];
  for (const constant of versions) file.apiImports.add(constant);
  const apiVersionType = [...new Set(versions)].map((constant) => `typeof ${constant}`).join(" | ");
  const members = [
    `  readonly apiVersion: ${apiVersionType};`,
    `  readonly kind: ${JSON.stringify(declaration.kind)};`,
    file.member({ name: "spec", schema: declaration.spec, required: true, doc: declaration.specDoc }, spec),
    ...(declaration.status && status ? [file.member({ name: "status", schema: declaration.status.schema, doc: declaration.status.doc }, status)] : []),
  ];
  file.blocks.push(`${jsDoc(declaration.doc, "")}\nexport interface ${declaration.typeName} extends ModelObjectBase {\n${members.join("\n")}\n}`);
  const imports = [
    `import type { ${[...file.apiImports].sort().join(", ")} } from "../api";`,
    `import type { ${[...file.metaImports].sort().join(", ")} } from "../meta";`,
  ];
  return `${GENERATED_HEADER}\n${imports.join("\n")}\n\n${file.blocks.join("\n\n")}\n`;
}
