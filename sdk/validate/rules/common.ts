import { ASN_MAX, ASN_MIN, type FieldPath, type UnknownField } from "../../model";
import { RULES } from "../catalogue";
import type { AnyObject, Reporter } from "../report";
import { echoValue } from "../../manifest/echo";

/** Reports BGPLB001 unless the value is an integer AS number in 1-4294967295; true when it is valid. */
export function checkAsn(reporter: Reporter, object: AnyObject, path: FieldPath, asn: unknown): boolean {
  if (typeof asn === "number" && Number.isInteger(asn) && asn >= ASN_MIN && asn <= ASN_MAX) return true;
  const message =
    asn === 0
      ? "0 is not a usable AS number (AS 0 is reserved, RFC 7607); valid ASNs are 1-4294967295"
      : `${echoValue(asn)} is outside the AS number range 1-4294967295`;
  reporter.report(
    RULES.asnRange,
    object,
    path,
    message,
    "use the 2- or 4-octet AS number assigned to this network (private: 64512-65534, 4200000000-4294967294)",
  );
  return false;
}

/** True when the unknown field sits under `base` and its last key names a password or MD5 setting. */
export function isPasswordField(field: UnknownField, base: FieldPath): boolean {
  if (field.path.length <= base.length) return false;
  for (let i = 0; i < base.length; i++) if (field.path[i] !== base[i]) return false;
  const last = field.path[field.path.length - 1];
  return typeof last === "string" && /pass(word)?|md5|auth/i.test(last);
}

/** Reads the value at a path of a plain object, or undefined. */
export function valueAt(root: unknown, path: FieldPath): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** Names for a message: up to five, then a count, so 5,000 pools do not make a 5,000-name line. */
export function listNames(names: readonly string[]): string {
  if (names.length === 0) return "none";
  return names.length <= 5 ? names.join(", ") : `${names.slice(0, 5).join(", ")} and ${names.length - 5} more`;
}
