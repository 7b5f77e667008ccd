import { Document, Scalar, visit } from "yaml";

/**
 * Plain scalars a YAML 1.2 core reader would not read back as strings
 * (numbers, booleans, null, octal/hex, infinities). The writer already quotes
 * what a YAML 1.1 reader (Kubernetes tooling) would misread; these are quoted
 * as well so both readers see a string.
 */
const CORE_NON_STRING =
  /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|)$/;

/**
 * Writes one plain manifest as a YAML document (no comments, no line
 * folding, strings quoted whenever a YAML 1.1 or 1.2 reader could take them
 * for another type).
 */
export function toYamlDocument(plain: unknown): string {
  const doc = new Document(plain, { version: "1.1" });
  visit(doc, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value === "string" && CORE_NON_STRING.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ lineWidth: 0, minContentWidth: 0 });
}
