import { formatPath } from "../model";
import type { CelRule, FieldEntry, FieldSchema, KindDeclaration, ObjectSchema } from "./declaration";

type OpenApi = Record<string, unknown>;

/** Adds the entries whose value is defined, in order. */
function defined(entries: readonly (readonly [string, unknown])[]): OpenApi {
  const result: OpenApi = {};
  for (const [key, value] of entries) if (value !== undefined) result[key] = value;
  return result;
}

function nonEmpty<T>(list: readonly T[] | undefined): readonly T[] | undefined {
  return list === undefined || list.length === 0 ? undefined : list;
}

/** A CEL literal of a default value. */
function celLiteral(value: string | number | boolean): string {
  return typeof value === "string" ? `'${value}'` : String(value);
}

/** The transition rule that keeps an immutable field of this object as it was created. */
function immutabilityRule(entry: FieldEntry, path: readonly string[]): CelRule {
  const name = entry.name;
  const rule =
    entry.default !== undefined
      ? `(has(self.${name}) ? self.${name} : ${celLiteral(entry.default)}) == (has(oldSelf.${name}) ? oldSelf.${name} : ${celLiteral(entry.default)})`
      : `has(self.${name}) == has(oldSelf.${name}) && (!has(self.${name}) || self.${name} == oldSelf.${name})`;
  return { rule, message: `${formatPath([...path, name])}: ${entry.immutable!}` };
}

function fieldSchema(schema: FieldSchema, entry: FieldEntry | undefined, path: readonly string[]): OpenApi {
  const description = entry?.doc;
  const fallback = entry?.serverDefault ? entry.default : undefined;
  switch (schema.type) {
    case "string":
      return defined([
        ["type", "string"],
        ["format", schema.format],
        ["description", description],
        ["enum", schema.oneOf],
        ["minLength", schema.minLength],
        ["maxLength", schema.maxLength],
        ["default", fallback],
        ["x-kubernetes-validations", nonEmpty(schema.validations)],
      ]);
    case "integer":
      return defined([
        ["type", "integer"],
        ["format", schema.format],
        ["description", description],
        ["minimum", schema.minimum],
        ["maximum", schema.maximum],
        ["default", fallback],
      ]);
    case "boolean":
      return defined([
        ["type", "boolean"],
        ["description", description],
        ["default", fallback],
      ]);
    case "stringMap":
      return defined([
        ["type", "object"],
        ["description", description],
        ["maxProperties", schema.maxProperties],
        [
          "additionalProperties",
          defined([
            ["type", "string"],
            ["maxLength", schema.maxLength],
          ]),
        ],
      ]);
    case "list":
      return defined([
        ["type", "array"],
        ["description", description],
        ["minItems", schema.minItems],
        ["maxItems", schema.maxItems],
        ["x-kubernetes-list-type", schema.key !== undefined ? "map" : schema.set ? "set" : undefined],
        ["x-kubernetes-list-map-keys", schema.key === undefined ? undefined : [schema.key]],
        ["items", fieldSchema(schema.items, undefined, path)],
      ]);
    case "object":
      return objectSchema(schema, description, path);
  }
}

function objectSchema(schema: ObjectSchema, description: string | undefined, path: readonly string[]): OpenApi {
  const rules = [
    ...(schema.validations ?? []),
    ...schema.fields.filter((entry) => entry.immutable !== undefined).map((entry) => immutabilityRule(entry, path)),
  ];
  const properties: OpenApi = {};
  for (const entry of schema.fields) properties[entry.name] = fieldSchema(entry.schema, entry, [...path, entry.name]);
  return defined([
    ["type", "object"],
    ["description", description],
    ["required", nonEmpty(schema.fields.filter((entry) => entry.required).map((entry) => entry.name))],
    ["x-kubernetes-preserve-unknown-fields", schema.openEnded || (schema.passthrough?.length ?? 0) > 0 ? true : undefined],
    ["x-kubernetes-validations", nonEmpty(rules)],
    ["properties", properties],
  ]);
}

/** The `openAPIV3Schema` of a kind: apiVersion, kind, metadata, its spec and its status. */
function openApiSchema(declaration: KindDeclaration): OpenApi {
  const status = declaration.status
    ? fieldSchema(declaration.status.schema, { name: "status", schema: declaration.status.schema, doc: declaration.status.doc }, ["status"])
    : { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  return defined([
    ["type", "object"],
    ["description", declaration.doc],
    ["x-kubernetes-validations", nonEmpty(declaration.crd?.validations)],
    [
      "properties",
      {
        apiVersion: { type: "string" },
        kind: { type: "string" },
        metadata: { type: "object" },
        spec: fieldSchema(declaration.spec, { name: "spec", schema: declaration.spec, doc: declaration.specDoc }, ["spec"]),
        status,
      },
    ],
  ]);
}

/** The file name of a kind's CRD in `sdk/crds/`: `<group>_<plural>.yaml`. */
export function crdFileName(declaration: KindDeclaration): string {
  return `${declaration.apiVersion.split("/")[0]}_${declaration.crd!.names.plural}.yaml`;
}

/** The CustomResourceDefinition of a kind that declares one, as plain data. */
export function customResourceDefinition(declaration: KindDeclaration): OpenApi {
  const crd = declaration.crd;
  if (crd === undefined) throw new Error(`${declaration.apiVersion} ${declaration.kind} has no CRD declaration`);
  const [group, version] = declaration.apiVersion.split("/") as [string, string];
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${crd.names.plural}.${group}` },
    spec: {
      group,
      names: defined([
        ["kind", declaration.kind],
        ["listKind", `${declaration.kind}List`],
        ["plural", crd.names.plural],
        ["singular", crd.names.singular],
        ["shortNames", crd.names.shortNames],
      ]),
      scope: "Namespaced",
      versions: [
        defined([
          ["name", version],
          ["served", true],
          ["storage", true],
          ["additionalPrinterColumns", nonEmpty(crd.printerColumns)],
          ["schema", { openAPIV3Schema: openApiSchema(declaration) }],
          ["subresources", { status: {} }],
        ]),
      ],
    },
  };
}
