import { isModelObject, modelKindOf, type ModelObject, type OpaqueObject, type UnknownField } from "../model";
import { comparePaths } from "./decode";
import { KIND_SCHEMAS, type FieldSchema } from "./schema";

/** A manifest as plain data, ready for YAML or for a Kubernetes API call. */
export type PlainManifest = Record<string, unknown>;

function encode(value: unknown, schema: FieldSchema): unknown {
  switch (schema.type) {
    case "list":
      return (value as readonly unknown[]).map((item) => encode(item, schema.items));
    case "stringMap":
      return { ...(value as Record<string, string>) };
    case "object": {
      const source = value as Record<string, unknown>;
      const result: Record<string, unknown> = {};
      for (const entry of schema.fields) {
        const item = source[entry.name];
        if (item !== undefined) result[entry.name] = encode(item, entry.schema);
      }
      return result;
    }
    default:
      return value;
  }
}

function place(target: Record<string, unknown>, field: UnknownField): void {
  let container: unknown = target;
  for (let i = 0; i < field.path.length - 1; i++) {
    const segment = field.path[i]!;
    const holder = container as Record<string | number, unknown>;
    if (holder[segment] === undefined || holder[segment] === null) holder[segment] = {};
    container = holder[segment];
  }
  (container as Record<string | number, unknown>)[field.path[field.path.length - 1]!] = structuredClone(field.value);
}

/**
 * Renders one object to plain data: known fields in the vendor's documented
 * order, then its unknown fields written back at their paths (sorted by
 * path). Opaque objects come back as a copy of what was parsed.
 */
export function renderObject(object: ModelObject | OpaqueObject): PlainManifest {
  if (!isModelObject(object)) return structuredClone(object.body) as PlainManifest;
  const kind = modelKindOf(object.apiVersion, object.kind)!;
  const plain = encode(object, KIND_SCHEMAS[kind.group]) as PlainManifest;
  const unknown = [...(object.unknownFields ?? [])].sort((a, b) => comparePaths(a.path, b.path));
  for (const field of unknown) place(plain, field);
  return plain;
}
