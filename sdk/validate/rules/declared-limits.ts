import { DurationError, durationSeconds, formatPath, topologyObjects, type FieldPath } from "../../model";
import { ASN_RULE, integerBounds, schemaOf, type FieldEntry, type FieldSchema, type IntegerSchema, type ObjectSchema } from "../../schema";
import { echoValue } from "../../manifest/echo";
import { RULES, type RuleInfo } from "../catalogue";
import type { Inventory } from "../inventory";
import type { AnyObject, Reporter } from "../report";
import { checkAsn } from "./common";

const RULE_BY_CODE = new Map<string, RuleInfo>(Object.values(RULES).map((rule) => [rule.code, rule]));

/** The rule that reports a value outside the field's declared limits: the field's own, else BGPLB006. */
function limitRule(entry: FieldEntry | undefined): RuleInfo {
  const rule = entry?.rule === undefined ? undefined : RULE_BY_CODE.get(entry.rule);
  if (entry?.rule !== undefined && rule === undefined) throw new Error(`field ${entry.name} names rule ${entry.rule}, which is not in the catalogue`);
  return rule ?? RULES.valueOutOfRange;
}

function range(minimum: number | undefined, maximum: number | undefined, unit: string): string {
  if (minimum !== undefined && maximum !== undefined) return `outside ${minimum}-${maximum}${unit}`;
  return minimum !== undefined ? `below ${minimum}${unit}` : `above ${maximum}${unit}`;
}

/**
 * Every field-level limit a kind's declaration states (integer bounds and
 * formats, duration bounds, string lengths, the most list items), checked on
 * every modelled object: what the API server would refuse field by field.
 * AS numbers go through checkAsn (BGPLB001, which also refuses AS 0), IPv4
 * and CIDR formats through the reporter's address parsing (BGPLB002/003);
 * enums and types are checked by parsing.
 */
export function checkDeclaredLimits(inventory: Inventory, reporter: Reporter): void {
  let apiVersion = "";
  let kind = "";
  let schema: ObjectSchema | undefined;
  for (const object of topologyObjects(inventory.topology)) {
    if ("body" in object) continue;
    // objects come grouped by kind: look the schema up once per run of one kind
    if (object.apiVersion !== apiVersion || object.kind !== kind) {
      ({ apiVersion, kind } = object);
      const found = schemaOf(apiVersion, kind);
      schema = found !== undefined && limitedEntries(found).length > 0 ? found : undefined;
    }
    if (schema !== undefined) checkObject(reporter, object, schema, object, []);
  }
}

/** True when the schema or anything under it declares a limit this rule checks. */
function hasLimits(schema: FieldSchema): boolean {
  switch (schema.type) {
    case "integer":
      return schema.minimum !== undefined || schema.maximum !== undefined || schema.format === "int32" || schema.rule === ASN_RULE;
    case "string":
      return (
        schema.format === "ipv4" ||
        schema.format === "cidr" ||
        schema.maxLength !== undefined ||
        schema.minLength !== undefined ||
        schema.duration !== undefined
      );
    case "stringMap":
      return schema.maxProperties !== undefined || schema.maxLength !== undefined;
    case "list":
      return schema.maxItems !== undefined || schema.key !== undefined || schema.set === true || hasLimits(schema.items);
    case "object":
      return limitedEntries(schema).length > 0;
    case "boolean":
      return false;
  }
}

const BOUNDS = new WeakMap<IntegerSchema, ReturnType<typeof integerBounds>>();

/** An integer schema's bounds, its format included, computed once per schema. */
function boundsOf(schema: IntegerSchema): ReturnType<typeof integerBounds> {
  let bounds = BOUNDS.get(schema);
  if (bounds === undefined) {
    bounds = integerBounds(schema);
    BOUNDS.set(schema, bounds);
  }
  return bounds;
}

const LIMITED = new WeakMap<ObjectSchema, readonly FieldEntry[]>();

/** The fields of an object that hold a limit (directly or below), computed once per schema: the walk skips the rest. */
function limitedEntries(schema: ObjectSchema): readonly FieldEntry[] {
  let entries = LIMITED.get(schema);
  if (entries === undefined) {
    entries = schema.fields.filter((entry) => hasLimits(entry.schema));
    LIMITED.set(schema, entries);
  }
  return entries;
}

function checkObject(reporter: Reporter, object: AnyObject, schema: ObjectSchema, value: unknown, path: FieldPath): void {
  if (typeof value !== "object" || value === null) return;
  const fields = value as Record<string, unknown>;
  for (const entry of limitedEntries(schema)) {
    const item = fields[entry.name];
    if (item !== undefined) checkValue(reporter, object, entry.schema, entry, item, path, entry.name);
  }
}

/** Reports a value outside the entry's limits; the message names the field from the entry's name on (`floatingIPs[2]`). */
function report(reporter: Reporter, object: AnyObject, entry: FieldEntry, path: FieldPath, problem: string, hint: string): void {
  const from = path.lastIndexOf(entry.name);
  reporter.report(limitRule(entry), object, path, `${formatPath(path.slice(from))} ${problem}`, hint);
}

/** Checks the value at `parent`.`key`; the path is built only when needed, as most values are within their limits. */
function checkValue(
  reporter: Reporter,
  object: AnyObject,
  schema: FieldSchema,
  entry: FieldEntry,
  value: unknown,
  parent: FieldPath,
  key: string | number,
): void {
  switch (schema.type) {
    case "integer": {
      if (schema.rule === ASN_RULE) {
        checkAsn(reporter, object, [...parent, key], value);
        return;
      }
      if (typeof value !== "number") return;
      const { minimum, maximum } = boundsOf(schema);
      if (!Number.isInteger(value) || (minimum !== undefined && value < minimum) || (maximum !== undefined && value > maximum)) {
        const unit = entry.unit === undefined ? "" : ` ${entry.unit}`;
        report(
          reporter,
          object,
          entry,
          [...parent, key],
          `${value}${unit} is ${Number.isInteger(value) ? range(minimum, maximum, unit) : "not a whole number"}`,
          `use a whole number ${range(minimum, maximum, unit).replace("outside", "in")}`,
        );
      }
      return;
    }
    case "string":
      if (typeof value === "string") checkString(reporter, object, schema, entry, value, parent, key);
      return;
    case "list": {
      if (!Array.isArray(value)) return;
      const path = [...parent, key];
      if (schema.maxItems !== undefined && value.length > schema.maxItems)
        report(reporter, object, entry, path, `has ${value.length} items, more than ${schema.maxItems}`, `keep at most ${schema.maxItems} items`);
      if ((schema.key !== undefined || schema.set === true) && entry.uniqueRule === undefined) checkUnique(reporter, object, entry, schema.key, value, path);
      if (!hasLimits(schema.items)) return;
      for (let index = 0; index < value.length; index++) {
        if (schema.items.type === "object") checkObject(reporter, object, schema.items, value[index], [...path, index]);
        else checkValue(reporter, object, schema.items, entry, value[index], path, index);
      }
      return;
    }
    case "stringMap": {
      if (typeof value !== "object" || value === null) return;
      const path = [...parent, key];
      const entries = Object.entries(value as Record<string, unknown>);
      if (schema.maxProperties !== undefined && entries.length > schema.maxProperties)
        report(
          reporter,
          object,
          entry,
          path,
          `has ${entries.length} entries, more than ${schema.maxProperties}`,
          `keep at most ${schema.maxProperties} entries`,
        );
      if (schema.maxLength !== undefined) {
        for (const [label, item] of entries) {
          if (typeof item === "string" && item.length > schema.maxLength)
            report(
              reporter,
              object,
              entry,
              [...path, label],
              `${echoValue(item)} is longer than ${schema.maxLength} characters`,
              `shorten it to at most ${schema.maxLength} characters`,
            );
        }
      }
      return;
    }
    case "object":
      checkObject(reporter, object, schema, value, [...parent, key]);
      return;
    case "boolean":
      return;
  }
}

/** Reports the second of two items with the same key (or, in a set, the same value): the API server keeps them unique. */
function checkUnique(reporter: Reporter, object: AnyObject, entry: FieldEntry, key: string | undefined, items: readonly unknown[], path: FieldPath): void {
  const seen = new Map<unknown, number>();
  items.forEach((item, index) => {
    const identity = key === undefined ? item : typeof item === "object" && item !== null ? (item as Record<string, unknown>)[key] : undefined;
    if (identity === undefined) return;
    const first = seen.get(identity);
    if (first === undefined) seen.set(identity, index);
    else
      report(
        reporter,
        object,
        entry,
        key === undefined ? [...path, index] : [...path, index, key],
        `${echoValue(identity)} is listed twice (also at index ${first}); the items must be unique${key === undefined ? "" : ` by ${key}`}`,
        "remove the repeated item",
      );
  });
}

function checkString(
  reporter: Reporter,
  object: AnyObject,
  schema: Extract<FieldSchema, { type: "string" }>,
  entry: FieldEntry,
  value: string,
  parent: FieldPath,
  key: string | number,
): void {
  if (schema.format === "cidr") reporter.cidr(object, [...parent, key], value);
  if (schema.format === "ipv4") {
    const path = [...parent, key];
    const ip = reporter.ip(object, path, value);
    if (ip !== undefined && ip.family !== 4 && entry.ipv6Rule === undefined)
      report(reporter, object, entry, path, `${ip.text} is not an IPv4 address`, "this field takes an IPv4 address");
  }
  if (schema.maxLength !== undefined && value.length > schema.maxLength)
    report(
      reporter,
      object,
      entry,
      [...parent, key],
      `${echoValue(value)} is longer than ${schema.maxLength} characters`,
      `shorten it to at most ${schema.maxLength} characters`,
    );
  if (schema.minLength !== undefined && value.length < schema.minLength)
    report(
      reporter,
      object,
      entry,
      [...parent, key],
      `${echoValue(value)} is shorter than ${schema.minLength} characters`,
      `give at least ${schema.minLength} characters`,
    );
  const limits = schema.duration;
  if (limits === undefined || (limits.minSeconds === undefined && limits.maxSeconds === undefined && !limits.wholeSeconds)) return;
  let seconds: number;
  try {
    seconds = durationSeconds(value);
  } catch (error) {
    if (error instanceof DurationError) return; // BGPLB123 reports malformed durations
    throw error;
  }
  if (
    (limits.wholeSeconds && !Number.isInteger(seconds)) ||
    (limits.minSeconds !== undefined && seconds < limits.minSeconds) ||
    (limits.maxSeconds !== undefined && seconds > limits.maxSeconds)
  ) {
    const span = `from ${limits.minSeconds ?? 0}s${limits.maxSeconds === undefined ? "" : ` to ${limits.maxSeconds}s`}`;
    report(
      reporter,
      object,
      entry,
      [...parent, key],
      `${echoValue(value)} is not ${limits.wholeSeconds ? "a whole number of seconds" : "a duration"} ${span}`,
      `write ${limits.wholeSeconds ? "whole seconds" : "a duration"} ${span}, e.g. 10s or 2m`,
    );
  }
}
