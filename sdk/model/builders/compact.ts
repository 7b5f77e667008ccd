/**
 * Drops keys whose value is undefined, so built objects deep-equal parsed ones
 * (a parsed manifest never holds an undefined-valued key).
 */
export function compact<T extends object>(value: T): T {
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) result[key] = item;
  return result as T;
}
