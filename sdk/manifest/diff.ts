import {
  formatPath,
  objectKey,
  formatObjectKey,
  topologyObjects,
  type FieldPath,
  type ModelObject,
  type ObjectKey,
  type OpaqueObject,
  type Topology,
} from "../model";
import { defaultAt, immutableFieldAt, isSecretField } from "../schema";
import { renderObject } from "./encode";
import { compareObjects } from "./render";
import { SERVER_METADATA_FIELDS, schemaOf, type FieldSchema } from "./schema";

/** What happened to a field: set where it was absent, removed, or replaced. */
export type FieldOp = "add" | "remove" | "replace";

/** One field-level change of a changed object. */
export interface FieldChange {
  /**
   * Where, as reviewers read it. Items of keyed lists are named by their key
   * (`spec.loadBalancer.bgpPeers[ip=10.0.1.254].asn`); for unordered lists of
   * values the path is the list and the value is the element added or removed.
   */
  readonly path: string;
  /** The structural path (list indexes in the object the value comes from). */
  readonly fieldPath: FieldPath;
  /** add, remove or replace. */
  readonly op: FieldOp;
  /** The old value (absent for `add`). */
  readonly before?: unknown;
  /** The new value (absent for `remove`). */
  readonly after?: unknown;
  /** Set when the field cannot change after the object is created: the reason. */
  readonly immutableReason?: string;
}

/** An object added, removed or changed. */
export interface ObjectChange {
  /** added, removed or changed. */
  readonly change: "added" | "removed" | "changed";
  /** apiVersion, kind, namespace, name. */
  readonly key: ObjectKey;
  /** Field changes (for `changed`; empty otherwise). */
  readonly fields: readonly FieldChange[];
}

/** The semantic difference between two manifest sets. */
export interface ManifestDiff {
  /** Changed objects in document order. */
  readonly changes: readonly ObjectChange[];
  /** Objects present and equal on both sides. */
  readonly unchanged: number;
  /** True when any field change cannot be applied after the object was created. */
  readonly hasImmutableChanges: boolean;
}

/** Options of {@link diffTopologies}. */
export interface DiffOptions {
  /** Report server-managed metadata (uid, resourceVersion, managedFields…) too. @default false */
  readonly includeServerMetadata?: boolean;
}

type Plain = Record<string, unknown>;

/** What a diff shows instead of the value of a secret field (a BGP password). */
const SECRET_SHOWN_AS = "(secret, not shown)";

const IGNORED_ANNOTATIONS = new Set(["kubectl.kubernetes.io/last-applied-configuration"]);

function isPlainObject(value: unknown): value is Plain {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}

function scalarKey(value: unknown): string {
  return typeof value === "string" ? `s:${value}` : `j:${JSON.stringify(value)}`;
}

function childSchema(schema: FieldSchema | undefined, key: string): FieldSchema | undefined {
  if (!schema) return undefined;
  if (schema.type === "stringMap") return { type: "string" };
  if (schema.type === "object") return schema.fields.find((entry) => entry.name === key)?.schema;
  return undefined;
}

/** Compares two rendered objects of one apiVersion/kind. */
function diffObject(before: Plain, after: Plain, apiVersion: string, kind: string, options: DiffOptions): FieldChange[] {
  const changes: FieldChange[] = [];
  const rootSchema: FieldSchema | undefined = schemaOf(apiVersion, kind);

  const push = (display: string, fieldPath: FieldPath, schemaPath: readonly (string | number)[], op: FieldOp, old: unknown, now: unknown) => {
    const immutable = immutableFieldAt(apiVersion, kind, schemaPath);
    const secret = isSecretField(apiVersion, kind, schemaPath);
    changes.push({
      path: display,
      fieldPath,
      op,
      ...(op === "add" ? {} : { before: secret ? SECRET_SHOWN_AS : old }),
      ...(op === "remove" ? {} : { after: secret ? SECRET_SHOWN_AS : now }),
      ...(immutable ? { immutableReason: immutable.reason } : {}),
    });
  };

  const ignored = (path: readonly (string | number)[]): boolean =>
    !options.includeServerMetadata &&
    path[0] === "metadata" &&
    ((path.length === 2 && SERVER_METADATA_FIELDS.includes(String(path[1]))) ||
      (path.length === 3 && path[1] === "annotations" && IGNORED_ANNOTATIONS.has(String(path[2]))));

  const walk = (old: unknown, now: unknown, schema: FieldSchema | undefined, path: (string | number)[], display: string, schemaPath: (string | number)[]) => {
    if (ignored(schemaPath) || deepEqual(old, now)) return;
    if (old === undefined || now === undefined) {
      const fallback = defaultAt(apiVersion, kind, schemaPath);
      if (fallback && deepEqual(old ?? fallback.value, now ?? fallback.value)) return;
      push(display, path, schemaPath, old === undefined ? "add" : "remove", old, now);
      return;
    }
    if (isPlainObject(old) && isPlainObject(now)) {
      const keys = [...Object.keys(old), ...Object.keys(now).filter((key) => !(key in old))];
      for (const key of keys) {
        walk(old[key], now[key], childSchema(schema, key), [...path, key], appendKey(display, key), [...schemaPath, key]);
      }
      return;
    }
    if (Array.isArray(old) && Array.isArray(now) && schema?.type === "list") {
      diffList(old, now, schema, path, display, schemaPath);
      return;
    }
    if (Array.isArray(old) && Array.isArray(now)) {
      diffByIndex(old, now, undefined, path, display, schemaPath);
      return;
    }
    push(display, path, schemaPath, "replace", old, now);
  };

  const diffByIndex = (
    old: readonly unknown[],
    now: readonly unknown[],
    items: FieldSchema | undefined,
    path: (string | number)[],
    display: string,
    schemaPath: (string | number)[],
  ) => {
    const length = Math.max(old.length, now.length);
    for (let i = 0; i < length; i++) walk(old[i], now[i], items, [...path, i], `${display}[${i}]`, [...schemaPath, i]);
  };

  const diffList = (
    old: readonly unknown[],
    now: readonly unknown[],
    schema: Extract<FieldSchema, { type: "list" }>,
    path: (string | number)[],
    display: string,
    schemaPath: (string | number)[],
  ) => {
    const key = schema.key;
    if (key) {
      const keyOf = (item: unknown) => (isPlainObject(item) && typeof item[key] === "string" ? item[key] : undefined);
      const oldKeys = old.map(keyOf);
      const newKeys = now.map(keyOf);
      const unique = (keys: (string | undefined)[]) => keys.every((k) => k !== undefined) && new Set(keys).size === keys.length;
      if (unique(oldKeys) && unique(newKeys)) {
        const newIndex = new Map(newKeys.map((k, index) => [k!, index]));
        const oldIndex = new Map(oldKeys.map((k, index) => [k!, index]));
        oldKeys.forEach((k, index) => {
          const label = `${display}[${key}=${k}]`;
          const match = newIndex.get(k!);
          if (match === undefined) push(label, [...path, index], [...schemaPath, index], "remove", old[index], undefined);
          else walk(old[index], now[match], schema.items, [...path, match], label, [...schemaPath, match]);
        });
        newKeys.forEach((k, index) => {
          if (!oldIndex.has(k!)) push(`${display}[${key}=${k}]`, [...path, index], [...schemaPath, index], "add", undefined, now[index]);
        });
        return;
      }
    }
    if (schema.unordered && schema.items.type !== "object" && schema.items.type !== "list") {
      const oldSet = new Set(old.map(scalarKey));
      const newSet = new Set(now.map(scalarKey));
      if (oldSet.size === old.length && newSet.size === now.length) {
        old.forEach((item, index) => {
          if (!newSet.has(scalarKey(item))) push(display, [...path, index], [...schemaPath, index], "remove", item, undefined);
        });
        now.forEach((item, index) => {
          if (!oldSet.has(scalarKey(item))) push(display, [...path, index], [...schemaPath, index], "add", undefined, item);
        });
        return;
      }
    }
    diffByIndex(old, now, schema.items, path, display, schemaPath);
  };

  walk(before, after, rootSchema, [], "", []);
  return changes;
}

function appendKey(display: string, key: string): string {
  const formatted = formatPath([key]);
  if (display === "") return formatted;
  return formatted.startsWith("[") ? `${display}${formatted}` : `${display}.${formatted}`;
}

function keyText(object: ModelObject | OpaqueObject): string {
  return formatObjectKey(objectKey(object));
}

/**
 * Compares two manifest sets object by object (keyed by apiVersion, kind,
 * namespace and name) and field by field. List items are matched by their
 * key where the vendor gives one (bgpPeers by `ip`, addressPools by `name`,
 * nodes by `address`); lists of values whose order does not matter (floating
 * IPs, pool addresses, advertisement peers…) are compared as sets. An absent
 * field equals the vendor default. Linear in the size of both sets.
 */
export function diffTopologies(before: Topology, after: Topology, options: DiffOptions = {}): ManifestDiff {
  const oldObjects = new Map(topologyObjects(before).map((object) => [keyText(object), object]));
  const newObjects = new Map(topologyObjects(after).map((object) => [keyText(object), object]));
  const entries: { object: ModelObject | OpaqueObject; change: ObjectChange }[] = [];
  let unchanged = 0;
  for (const [key, old] of oldObjects) {
    const now = newObjects.get(key);
    if (!now) {
      entries.push({ object: old, change: { change: "removed", key: objectKey(old), fields: [] } });
      continue;
    }
    const fields = diffObject(renderObject(old), renderObject(now), old.apiVersion, old.kind, options);
    if (fields.length === 0) unchanged++;
    else entries.push({ object: now, change: { change: "changed", key: objectKey(now), fields } });
  }
  for (const [key, now] of newObjects) {
    if (!oldObjects.has(key)) entries.push({ object: now, change: { change: "added", key: objectKey(now), fields: [] } });
  }
  entries.sort((a, b) => compareObjects(a.object, b.object));
  const changes = entries.map((entry) => entry.change);
  return { changes, unchanged, hasImmutableChanges: changes.some((change) => change.fields.some((field) => field.immutableReason !== undefined)) };
}
