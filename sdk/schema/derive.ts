import type { FieldPath } from "../model";
import type { FieldEntry, ObjectSchema } from "./declaration";
import { servedSchemas } from "./kinds";

/** A declared field and where it sits: its path from the object root, without list indexes. */
export interface DeclaredField {
  readonly apiVersion: string;
  readonly kind: string;
  /** Field path from the object root, list items skipped (`spec.loadBalancer.addressPools.name`). */
  readonly path: readonly string[];
  /** The object the field belongs to. */
  readonly parent: ObjectSchema;
  readonly entry: FieldEntry;
}

function collect(apiVersion: string, kind: string, schema: ObjectSchema, path: readonly string[], out: DeclaredField[]): void {
  for (const entry of schema.fields) {
    const here = [...path, entry.name];
    out.push({ apiVersion, kind, path: here, parent: schema, entry });
    let inner = entry.schema;
    while (inner.type === "list") inner = inner.items;
    if (inner.type === "object" && inner.ref === undefined) collect(apiVersion, kind, inner, here, out);
  }
}

/** Every declared field of every apiVersion/kind bgplb reads, depth first in render order. */
export const DECLARED_FIELDS: readonly DeclaredField[] = servedSchemas().flatMap(({ apiVersion, kind, schema }) => {
  const out: DeclaredField[] = [];
  collect(apiVersion, kind, schema, [], out);
  return out;
});

/** A field whose absence means a known vendor default. */
export interface DefaultedField {
  readonly apiVersion: string;
  readonly kind: string;
  /** Field path from the object root (no list indexes). */
  readonly path: readonly string[];
  /** The value the vendor uses when the field is absent. */
  readonly value: unknown;
  /** The API server writes the value into stored objects (live objects carry it). */
  readonly serverDefault: boolean;
}

/** Fields the diff treats as equal whether absent or set to the default, from the declarations. */
export const DEFAULTED_FIELDS: readonly DefaultedField[] = DECLARED_FIELDS.filter((declared) => declared.entry.default !== undefined).map(
  ({ apiVersion, kind, path, entry }) => ({
    apiVersion,
    kind,
    path,
    value: entry.default,
    serverDefault: entry.serverDefault === true,
  }),
);

const DEFAULT_BY_KEY = new Map(DEFAULTED_FIELDS.map((entry) => [`${entry.apiVersion}|${entry.kind}|${entry.path.join(".")}`, entry.value]));

/** The default of the field at `path` (list indexes are skipped) of an object of this apiVersion/kind, if it has one. */
export function defaultAt(apiVersion: string, kind: string, path: readonly (string | number)[]): { readonly value: unknown } | undefined {
  const key = `${apiVersion}|${kind}|${path.filter((segment) => typeof segment === "string").join(".")}`;
  return DEFAULT_BY_KEY.has(key) ? { value: DEFAULT_BY_KEY.get(key) } : undefined;
}

/** A field that cannot change after the object is created. */
export interface ImmutableField {
  /** Object `apiVersion`. */
  readonly apiVersion: string;
  /** Object `kind`. */
  readonly kind: string;
  /** The field path; a change at or under it is not applied after creation. */
  readonly path: FieldPath;
  /** Why, for reviewers. */
  readonly reason: string;
}

/** The fields the vendors do not let change after creation, from the declarations. */
export const IMMUTABLE_AFTER_CREATION: readonly ImmutableField[] = DECLARED_FIELDS.filter((declared) => declared.entry.immutable !== undefined).map(
  ({ apiVersion, kind, path, entry }) => ({
    apiVersion,
    kind,
    path,
    reason: entry.immutable!,
  }),
);

/**
 * The immutable field a change at `path` of an object of this apiVersion/kind
 * touches, if any: the change is at or under the field, or replaces a subtree
 * holding it (e.g. the whole `spec.loadBalancer.vips`).
 */
export function immutableFieldAt(apiVersion: string, kind: string, path: FieldPath): ImmutableField | undefined {
  if (path.length === 0) return undefined;
  return IMMUTABLE_AFTER_CREATION.find((entry) => {
    if (entry.apiVersion !== apiVersion || entry.kind !== kind) return false;
    const shared = Math.min(entry.path.length, path.length);
    for (let i = 0; i < shared; i++) if (entry.path[i] !== path[i]) return false;
    return true;
  });
}

const SECRET_PATHS = new Set(
  DECLARED_FIELDS.filter((declared) => declared.entry.secret).map(({ apiVersion, kind, path }) => `${apiVersion}|${kind}|${path.join(".")}`),
);

/** True when the field at `path` (list indexes are skipped) of an object of this apiVersion/kind holds a secret, which is never shown. */
export function isSecretField(apiVersion: string, kind: string, path: readonly (string | number)[]): boolean {
  return SECRET_PATHS.has(`${apiVersion}|${kind}|${path.filter((segment) => typeof segment === "string").join(".")}`);
}
