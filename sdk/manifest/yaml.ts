/**
 * A small, fast YAML writer for plain manifest data (maps, lists, strings,
 * numbers, booleans, null). Block style, two-space indentation, list items
 * indented under their key, no comments, no line folding. A string is written
 * plain only when both a YAML 1.2 core reader and a YAML 1.1 reader
 * (Kubernetes tooling) would read it back as that same string; otherwise it
 * is double-quoted.
 */

/** Plain scalars a YAML 1.2 core reader resolves to something other than a string. */
const CORE_NON_STRING =
  /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;

/** Plain scalars a YAML 1.1 reader resolves to something other than a string. */
const YAML11_NON_STRING = new RegExp(
  [
    "^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|<<|=)$",
    "^[-+]?0b[01_]+$",
    "^[-+]?0x[0-9a-fA-F_]+$",
    "^[-+]?[0-9][0-9_]*$",
    "^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?$",
    "^[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*(?:[eE][-+]?[0-9]+)?$",
    "^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt \\t]|$)",
  ].join("|"),
);

/** Characters allowed in a plain scalar: a conservative subset with no YAML indicators. */
const PLAIN = /^[A-Za-z0-9._/(~$^+=][A-Za-z0-9 ._/:=+@()~$^%,-]*$/;

/** Characters that must be escaped inside a double-quoted scalar beyond what JSON escapes. */
const NON_PRINTABLE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

function isPlainSafe(text: string): boolean {
  return (
    PLAIN.test(text) &&
    !text.endsWith(" ") &&
    !text.endsWith(":") &&
    !text.includes(": ") &&
    !text.includes(" #") &&
    !CORE_NON_STRING.test(text) &&
    !YAML11_NON_STRING.test(text)
  );
}

function quote(text: string): string {
  return JSON.stringify(text).replace(NON_PRINTABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return isPlainSafe(value) ? value : quote(value);
  if (typeof value === "number") {
    if (Number.isNaN(value)) return ".nan";
    if (!Number.isFinite(value)) return value > 0 ? ".inf" : "-.inf";
    return Object.is(value, -0) ? "-0" : String(value);
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return "[]";
  if (typeof value === "object") return "{}";
  return quote(String(value));
}

type PlainMap = Record<string, unknown>;

function isMap(value: unknown): value is PlainMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function entriesOf(map: PlainMap): [string, unknown][] {
  return Object.entries(map).filter(([, value]) => value !== undefined);
}

function isBlock(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : isMap(value) && entriesOf(value).length > 0;
}

function writeMap(map: PlainMap, indent: number, firstInline: boolean, out: string[]): void {
  const pad = " ".repeat(indent);
  entriesOf(map).forEach(([key, value], index) => {
    const head = `${index === 0 && firstInline ? "" : pad}${scalar(key)}:`;
    if (isBlock(value)) {
      out.push(`${head}\n`);
      if (Array.isArray(value)) writeList(value, indent + 2, false, out);
      else writeMap(value as PlainMap, indent + 2, false, out);
    } else {
      out.push(`${head} ${scalar(value)}\n`);
    }
  });
}

function writeList(list: readonly unknown[], indent: number, firstInline: boolean, out: string[]): void {
  const pad = " ".repeat(indent);
  list.forEach((item, index) => {
    out.push(`${index === 0 && firstInline ? "" : pad}- `);
    if (Array.isArray(item) && item.length > 0) writeList(item, indent + 2, true, out);
    else if (isMap(item) && isBlock(item)) writeMap(item, indent + 2, true, out);
    else out.push(`${scalar(item)}\n`);
  });
}

/** Writes one plain manifest (a map) as a YAML document, ending in a newline. */
export function toYamlDocument(plain: unknown): string {
  const out: string[] = [];
  if (isMap(plain) && isBlock(plain)) writeMap(plain, 0, false, out);
  else if (Array.isArray(plain) && plain.length > 0) writeList(plain, 0, false, out);
  else out.push(`${scalar(plain)}\n`);
  return out.join("");
}
