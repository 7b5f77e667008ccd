import type { FieldPath, UnknownField } from "../model";
import { echoText, echoValue } from "./echo";
import type { FieldEntry, FieldSchema, ObjectSchema } from "./schema";

/** A problem found while checking a value against its schema. */
export interface DecodeProblem {
  readonly severity: "error" | "warning";
  readonly code: "missing-field" | "type-error" | "unknown-field";
  readonly path: FieldPath;
  readonly message: string;
}

/** The typed copy of a value, the fields the schema does not know, and what is wrong. */
export interface Decoded {
  readonly value: unknown;
  readonly unknownFields: UnknownField[];
  readonly problems: DecodeProblem[];
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list (${echoValue(value)})`;
  if (typeof value === "object") return "a map";
  if (typeof value === "string") return `the string ${echoValue(value)}`;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return `${typeof value} ${echoText(String(value))}`;
  return typeof value;
}

/** Edit distance (insert, delete, substitute) between two short names. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The known field an unknown key is most likely a typo of (`ingresVIP` →
 * `ingressVIP`): the closest by edit distance, ignoring case, within a third
 * of the name's length (at most 3 edits).
 */
export function closestField(key: string, known: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.ceil(key.length / 3)) + 1;
  for (const name of known) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

const FIELDS_BY_NAME = new WeakMap<ObjectSchema, ReadonlyMap<string, FieldEntry>>();

/** An object schema's fields by name, built once per schema. */
function fieldsByName(schema: ObjectSchema): ReadonlyMap<string, FieldEntry> {
  let fields = FIELDS_BY_NAME.get(schema);
  if (fields === undefined) {
    fields = new Map(schema.fields.map((entry) => [entry.name, entry]));
    FIELDS_BY_NAME.set(schema, fields);
  }
  return fields;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks a parsed manifest against its kind's schema. Returns a copy holding
 * only known fields (nulls dropped, as Kubernetes treats them as absent),
 * the unknown fields with their paths, and the problems found.
 */
export function decodeManifest(raw: Record<string, unknown>, schema: ObjectSchema): Decoded {
  const unknownFields: UnknownField[] = [];
  const problems: DecodeProblem[] = [];

  function walk(value: unknown, fieldSchema: FieldSchema, path: (string | number)[]): unknown {
    switch (fieldSchema.type) {
      case "string":
        if (typeof value !== "string") {
          const hint = typeof value === "number" || typeof value === "boolean" ? ` (quote it: "${echoText(String(value))}")` : "";
          problems.push({ severity: "error", code: "type-error", path: [...path], message: `expected a string, got ${describe(value)}${hint}` });
          return undefined;
        }
        if (fieldSchema.oneOf && !fieldSchema.oneOf.includes(value)) {
          problems.push({
            severity: "error",
            code: "type-error",
            path: [...path],
            message: `${echoValue(value)} is not one of ${fieldSchema.oneOf.map((option) => JSON.stringify(option)).join(", ")}`,
          });
          return undefined;
        }
        return value;
      case "integer":
        if (typeof value !== "number" || !Number.isSafeInteger(value)) {
          problems.push({ severity: "error", code: "type-error", path: [...path], message: `expected an integer, got ${describe(value)}` });
          return undefined;
        }
        return value;
      case "boolean":
        if (typeof value !== "boolean") {
          problems.push({ severity: "error", code: "type-error", path: [...path], message: `expected true or false, got ${describe(value)}` });
          return undefined;
        }
        return value;
      case "stringMap": {
        if (!isPlainObject(value)) {
          problems.push({ severity: "error", code: "type-error", path: [...path], message: `expected a map of strings, got ${describe(value)}` });
          return undefined;
        }
        const result: Record<string, string> = {};
        for (const [key, item] of Object.entries(value)) {
          const checked = walk(item, { type: "string" }, [...path, key]);
          // defineProperty: a `__proto__` label is a label, not the map's prototype
          if (typeof checked === "string") Object.defineProperty(result, key, { value: checked, enumerable: true, writable: true, configurable: true });
        }
        return result;
      }
      case "list": {
        if (!Array.isArray(value)) {
          problems.push({ severity: "error", code: "type-error", path: [...path], message: `expected a list, got ${describe(value)}` });
          return undefined;
        }
        return value.map((item, index) => walk(item, fieldSchema.items, [...path, index]));
      }
      case "object": {
        if (!isPlainObject(value)) {
          problems.push({ severity: "error", code: "type-error", path: [...path], message: `expected a map, got ${describe(value)}` });
          return undefined;
        }
        const result: Record<string, unknown> = {};
        const known = fieldsByName(fieldSchema);
        for (const [key, item] of Object.entries(value)) {
          const entry = known.get(key);
          if (entry) {
            if (item === null) continue;
            const checked = walk(item, entry.schema, [...path, key]);
            if (checked !== undefined) result[key] = checked;
            continue;
          }
          unknownFields.push({ path: [...path, key], value: item });
          if (!fieldSchema.passthrough?.includes(key)) {
            const suggestion = closestField(
              key,
              fieldSchema.fields.map((known) => known.name),
            );
            const message = suggestion ? `unknown field (did you mean ${suggestion}?), kept as is` : "unknown field, kept as is";
            problems.push({ severity: "warning", code: "unknown-field", path: [...path, key], message });
          }
        }
        for (const entry of fieldSchema.fields) {
          if (entry.required && !(entry.name in result) && (value[entry.name] === undefined || value[entry.name] === null)) {
            problems.push({ severity: "error", code: "missing-field", path: [...path, entry.name], message: "required field is missing" });
          }
        }
        return result;
      }
    }
  }

  const value = walk(raw, schema, []);
  unknownFields.sort((a, b) => comparePaths(a.path, b.path));
  return { value, unknownFields, problems };
}

/** Orders field paths segment by segment: indexes before names, indexes numerically, names by code point. */
export function comparePaths(a: FieldPath, b: FieldPath): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    if (typeof x === "number") return -1;
    if (typeof y === "number") return 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
