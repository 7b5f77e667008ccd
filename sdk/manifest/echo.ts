import { ECHO_LIMIT, echoText } from "../io";
import { formatPath, type FieldPath } from "../model";

export { ECHO_LIMIT, echoText };

/** A value as JSON (strings quoted), capped like {@link echoText}; `undefined` reads `absent`. */
export function echoValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(echoText(value));
  return echoText(JSON.stringify(value) ?? "absent");
}

/** A field path as users read it (`spec.peers[0]`), each key capped like {@link echoText}. */
export function echoPath(path: FieldPath): string {
  return echoText(formatPath(path.map((segment) => (typeof segment === "string" ? echoText(segment) : segment))), 4 * ECHO_LIMIT);
}
