import { isModelObject, type ModelObject, type OpaqueObject, type UnknownField } from "../model";
import { comparePaths } from "./decode";
import { schemaOf, type FieldSchema } from "./schema";

/** A manifest as plain data, ready for YAML or for a Kubernetes API call. */
export type PlainManifest = Record<string, unknown>;

/**
 * Free-form data (label maps, unknown fields, objects of unmodelled kinds)
 * with map keys in code-point order at every depth, so its rendering does not
 * depend on the order the keys came in (a YAML file, a Pulumi engine that
 * sorts inputs, a hand-built object); lists keep their order.
 */
function canonicalData(value: unknown, first: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((item) => canonicalData(item));
  if (typeof value !== "object" || value === null) return value;
  const source = value as Record<string, unknown>;
  const rank = (key: string) => (first.includes(key) ? first.indexOf(key) : first.length);
  const keys = Object.keys(source).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const result: Record<string, unknown> = {};
  for (const key of keys) result[key] = canonicalData(source[key]);
  return result;
}

function encode(value: unknown, schema: FieldSchema): unknown {
  switch (schema.type) {
    case "list":
      return (value as readonly unknown[]).map((item) => encode(item, schema.items));
    case "stringMap":
      return canonicalData(value);
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
    const segment = field.path[i];
    const holder = container as Record<string | number, unknown>;
    if (holder[segment] === undefined || holder[segment] === null) holder[segment] = {};
    container = holder[segment];
  }
  (container as Record<string | number, unknown>)[field.path[field.path.length - 1]] = canonicalData(field.value);
}

/**
 * Renders one object to plain data: known fields in the vendor's documented
 * order, then its unknown fields written back at their paths (sorted by
 * path). Free-form maps (labels, selectors, unknown values) and objects of
 * unmodelled kinds have their keys sorted (apiVersion, kind, metadata first).
 */
export function renderObject(object: ModelObject | OpaqueObject): PlainManifest {
  if (!isModelObject(object)) return canonicalData(object.body, ["apiVersion", "kind", "metadata"]) as PlainManifest;
  const plain = encode(object, schemaOf(object.apiVersion, object.kind)!) as PlainManifest;
  const unknown = [...(object.unknownFields ?? [])].sort((a, b) => comparePaths(a.path, b.path));
  for (const field of unknown) place(plain, field);
  return plain;
}
