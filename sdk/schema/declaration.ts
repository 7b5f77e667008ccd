import { ASN_MAX, type ModelGroup } from "../model";

/**
 * The declaration of a manifest field: its type and the limits the vendor's
 * API server enforces. One declaration per kind drives the TypeScript types,
 * parsing, rendering order, defaults, immutability, the validator's range
 * checks and the CRD schema.
 */
export type FieldSchema = StringSchema | IntegerSchema | BooleanSchema | StringMapSchema | ListSchema | ObjectSchema;

/** A string; `oneOf` makes it an enum. */
export interface StringSchema {
  readonly type: "string";
  /** The allowed values (an enum). */
  readonly oneOf?: readonly string[];
  /** The TypeScript name of the enum's union type, when it has one. */
  readonly typeName?: string;
  /** The JSDoc of the enum's union type. */
  readonly typeDoc?: string;
  /** OpenAPI format the API server checks (`ipv4`, `cidr`, `date-time`). */
  readonly format?: "ipv4" | "cidr" | "date-time";
  readonly minLength?: number;
  readonly maxLength?: number;
  /** A Go duration (`90s`) and, when given, its bounds in seconds; `wholeSeconds` refuses `1500ms`. */
  readonly duration?: { readonly minSeconds?: number; readonly maxSeconds?: number; readonly wholeSeconds?: boolean };
  /** CEL rules the CRD checks on the value (`self` is the string). */
  readonly validations?: readonly CelRule[];
}

/** An integer; the bounds are inclusive. */
export interface IntegerSchema {
  readonly type: "integer";
  /** OpenAPI integer format; `int32` also bounds the value to a signed 32-bit integer. */
  readonly format?: "int32" | "int64";
  readonly minimum?: number;
  readonly maximum?: number;
  /** Set on AS numbers: the rule that checks them. */
  readonly rule?: typeof ASN_RULE;
}

/** true or false. */
export interface BooleanSchema {
  readonly type: "boolean";
}

/** A map of strings (labels, selectors). */
export interface StringMapSchema {
  readonly type: "stringMap";
  readonly maxProperties?: number;
  /** Longest value. */
  readonly maxLength?: number;
}

/** A list. */
export interface ListSchema {
  readonly type: "list";
  readonly items: FieldSchema;
  /** Items are objects identified by this field (`x-kubernetes-list-type: map`); the diff matches them by it. */
  readonly key?: string;
  /** Order does not matter (`x-kubernetes-list-type: set` where the CRD says so); the diff compares as a set. */
  readonly unordered?: boolean;
  /** The CRD declares the list a set (values unique). */
  readonly set?: boolean;
  readonly minItems?: number;
  readonly maxItems?: number;
}

/** A CEL rule of a CRD (`x-kubernetes-validations`). */
export interface CelRule {
  readonly rule: string;
  readonly message: string;
}

/** An object: its known fields in render order. */
export interface ObjectSchema {
  readonly type: "object";
  /** Known fields, in the order rendering writes them. */
  readonly fields: readonly FieldEntry[];
  /**
   * Fields the vendor defines but bgplb does not type: kept verbatim as
   * unknown fields, with no warning (and preserved by the CRD).
   */
  readonly passthrough?: readonly string[];
  /** The CRD keeps fields it does not declare (`x-kubernetes-preserve-unknown-fields`). */
  readonly openEnded?: boolean;
  /** The TypeScript interface name; objects without one are {@link ref}s to a hand-written type. */
  readonly typeName?: string;
  /** The interface's JSDoc. */
  readonly typeDoc?: string;
  /** A hand-written model type (in `sdk/model/meta.ts`) this object is, e.g. `LabelSelector`. */
  readonly ref?: string;
  /** Cross-field rules the CRD checks on this object. */
  readonly validations?: readonly CelRule[];
}

/** One known field of an object. */
export interface FieldEntry {
  readonly name: string;
  readonly schema: FieldSchema;
  /** Parsing reports its absence as an error. */
  readonly required?: boolean;
  /** What the field is: its JSDoc and its CRD description. */
  readonly doc?: string;
  /** The value the vendor uses when the field is absent: the diff treats absent and this value as equal. */
  readonly default?: string | number | boolean;
  /** The API server writes {@link default} into stored objects (the CRD's `default`). */
  readonly serverDefault?: boolean;
  /** The default in words, for the JSDoc, when it is not a single value. */
  readonly defaultDoc?: string;
  /** Set when the field cannot change after the object is created: why. */
  readonly immutable?: string;
  /** The value is a secret: never echoed. */
  readonly secret?: boolean;
  /** The validation rule (code, e.g. `BGPLB106`) that reports a value outside this field's declared limits. */
  readonly rule?: string;
  /** On an IPv4-only field: the rule (code) that itself reports an IPv6 value, with the reason (e.g. BGPLB013). */
  readonly ipv6Rule?: string;
  /** On a keyed list or a set: the rule (code) that itself reports a repeated item (e.g. BGPLB019 for peers). */
  readonly uniqueRule?: string;
  /** The unit the values are written in, for messages (`ms`). */
  readonly unit?: string;
}

/** Kubernetes names of a kind, for its CRD. */
export interface CrdNames {
  readonly plural: string;
  readonly singular: string;
  readonly shortNames?: readonly string[];
}

/** A column of `kubectl get`. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: "string" | "integer" | "date";
  readonly jsonPath: string;
}

/** What a kind's CRD needs beyond its fields. */
export interface CrdDeclaration {
  readonly names: CrdNames;
  /** Comment lines at the top of the generated file. */
  readonly header: readonly string[];
  readonly printerColumns?: readonly PrinterColumn[];
  /** Rules on the whole object (e.g. on `metadata.name`). */
  readonly validations?: readonly CelRule[];
}

/** One modelled kind, declared once. */
export interface KindDeclaration {
  /** The apiVersion bgplb renders and its builders produce. */
  readonly apiVersion: string;
  readonly kind: string;
  /** The Topology list holding its objects. */
  readonly group: ModelGroup;
  /** The TypeScript interface name of the object. */
  readonly typeName: string;
  /** The object's JSDoc and CRD description. */
  readonly doc: string;
  /** The model file (under `sdk/model/`, without `.ts`) its types are generated into. */
  readonly file: string;
  /** The name of the apiVersion constant in `sdk/model/api.ts`. */
  readonly apiVersionConstant: string;
  /** The spec. */
  readonly spec: ObjectSchema;
  /** The spec's JSDoc on the object. */
  readonly specDoc: string;
  /** A status the model types, with its JSDoc. */
  readonly status?: { readonly schema: ObjectSchema; readonly doc: string };
  /** Older apiVersions the API server still serves, read like this one, with the spec each version has. */
  readonly servedVersions?: readonly { readonly apiVersion: string; readonly apiVersionConstant: string; readonly spec: ObjectSchema }[];
  /** Set for kinds whose CRD bgplb generates (the GKE kinds, which have no public CRDs). */
  readonly crd?: CrdDeclaration;
}

/** Builds an object schema. */
export function object(fields: readonly FieldEntry[], extra: Omit<ObjectSchema, "type" | "fields"> = {}): ObjectSchema {
  return { type: "object", fields, ...extra };
}

/** An optional field. */
export function field(name: string, schema: FieldSchema, doc?: string, extra: Omit<FieldEntry, "name" | "schema" | "doc"> = {}): FieldEntry {
  return { name, schema, ...(doc === undefined ? {} : { doc }), ...extra };
}

/** A required field. */
export function required(name: string, schema: FieldSchema, doc?: string, extra: Omit<FieldEntry, "name" | "schema" | "doc" | "required"> = {}): FieldEntry {
  return field(name, schema, doc, { ...extra, required: true });
}

/** A plain string. */
export const string: StringSchema = { type: "string" };
/** true or false. */
export const boolean: BooleanSchema = { type: "boolean" };
/** A map of strings. */
export const stringMap: StringMapSchema = { type: "stringMap" };
/** A list of strings whose order does not matter. */
export const stringSet: ListSchema = { type: "list", items: string, unordered: true };

/** The rule that reports AS numbers outside their range (it also refuses AS 0, which some CRDs take). */
export const ASN_RULE = "BGPLB001";

/** An IPv4 address the API server checks. */
export const ipv4: StringSchema = { type: "string", format: "ipv4" };
/** A 4-octet AS number (the bounds of AS numbers, RFC 6793), from `minimum`. */
export function asn(minimum: 0 | 1): IntegerSchema {
  return { type: "integer", format: "int64", minimum, maximum: ASN_MAX, rule: ASN_RULE };
}
/** An enum of strings. */
export function oneOf(values: readonly string[], typeName?: string, typeDoc?: string): StringSchema {
  return { type: "string", oneOf: values, ...(typeName === undefined ? {} : { typeName }), ...(typeDoc === undefined ? {} : { typeDoc }) };
}

/** The range of an OpenAPI `int32`. */
const INT32_RANGE = { minimum: -2147483648, maximum: 2147483647 } as const;

/** The inclusive bounds an integer schema allows, its format included. */
export function integerBounds(schema: IntegerSchema): { readonly minimum?: number; readonly maximum?: number } {
  const formatMin = schema.format === "int32" ? INT32_RANGE.minimum : undefined;
  const formatMax = schema.format === "int32" ? INT32_RANGE.maximum : undefined;
  const minimum = schema.minimum ?? formatMin;
  const maximum = schema.maximum ?? formatMax;
  return { ...(minimum === undefined ? {} : { minimum }), ...(maximum === undefined ? {} : { maximum }) };
}
