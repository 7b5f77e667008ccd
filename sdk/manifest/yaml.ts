/**
 * A small, fast YAML writer for plain manifest data (maps, lists, strings,
 * numbers, booleans, null). Block style, two-space indentation, list items
 * indented under their key, no comments, no line folding. A string is written
 * plain only when no YAML 1.2 or YAML 1.1 reader would resolve it to anything
 * but that same string; otherwise it is double-quoted.
 */

/**
 * Plain scalars some reader resolves to a non-string, one grammar per line,
 * transcribed from each specification's resolution regexes (not from
 * examples). The YAML 1.2 JSON schema's scalars are a subset of the core
 * schema's, so the core grammar covers both.
 */
const NON_STRING_GRAMMARS: readonly RegExp[] = [
  // YAML 1.2.2 core schema (§10.3.2): null, bool, int (base 8, 10, 16), float, .inf, .nan.
  /^(?:null|Null|NULL|~||true|True|TRUE|false|False|FALSE)$/,
  /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/,
  /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  // YAML 1.1 type library (yaml.org/type): bool, int, float, timestamp, merge, value
  // (its null is the core schema's). The float's `\.[0-9.]*` is read as
  // `\.[0-9_]*`, as every maintained 1.1 reader does, so `10.0.0.1` stays plain.
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/,
  /^[-+]?(?:0b[01_]+|0[0-7_]+|0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*)$/,
  // Timestamp: both of its forms (and the `yaml` package's one-digit months) begin with this.
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:$|[Tt \t])/,
  /^(?:<<|=)$/,
  // The `yaml` package in 1.1 mode, beyond the 1.1 regexes: an exponent without
  // mantissa or sign (`E0`, `1e3`), sexagesimal ints with a leading 0 (`0:20`).
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
];

/**
 * Kubernetes' Go reader (go-yaml v2 under sigs.k8s.io/yaml) drops every `_`
 * from a scalar that starts like a number, then parses it with Go's strconv:
 * base prefixes in either case (`0X1F`, `0O7`, `0B1`) and `_` anywhere.
 */
const GO_NUMBER = /^[-+]?(?:0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;

/** Every grammar above in one expression: one pass per string. */
const NON_STRING = new RegExp(NON_STRING_GRAMMARS.map((grammar) => `(?:${grammar.source})`).join("|"));

/** True when some YAML 1.2 or 1.1 reader would resolve plain `text` to a non-string. */
function resolvesToNonString(text: string): boolean {
  return NON_STRING.test(text) || GO_NUMBER.test(text.includes("_") ? text.replaceAll("_", "") : text);
}

/** Characters allowed in a plain scalar: a conservative subset with no YAML indicators. */
const PLAIN = /^[A-Za-z0-9._/(~$^+=][A-Za-z0-9 ._/:=+@()~$^%,-]*$/;

/** Characters that must be escaped inside a double-quoted scalar beyond what JSON escapes. */
const NON_PRINTABLE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

function isPlainSafe(text: string): boolean {
  return PLAIN.test(text) && !text.endsWith(" ") && !text.endsWith(":") && !text.includes(": ") && !text.includes(" #") && !resolvesToNonString(text);
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
    if (Object.is(value, -0)) return "-0";
    // YAML 1.1 floats need a dot: `1e+21` is a string there, `1.0e+21` a number.
    return String(value).replace(/^(-?[0-9]+)e/, "$1.0e");
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return "[]";
  if (typeof value === "object") return "{}";
  // What is left is a symbol or a function.
  return quote((value as symbol | (() => unknown)).toString());
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
