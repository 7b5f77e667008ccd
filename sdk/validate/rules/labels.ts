import type { LabelSelector } from "../../model";

/** True when the labels satisfy the Kubernetes label selector (matchLabels and matchExpressions ANDed; empty matches all). */
export function matchesSelector(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (have[key] !== value) return false;
  for (const requirement of selector.matchExpressions ?? []) {
    const present = Object.prototype.hasOwnProperty.call(have, requirement.key);
    const values = requirement.values ?? [];
    switch (requirement.operator) {
      case "In":
        if (!present || !values.includes(have[requirement.key]!)) return false;
        break;
      case "NotIn":
        if (present && values.includes(have[requirement.key]!)) return false;
        break;
      case "Exists":
        if (!present) return false;
        break;
      case "DoesNotExist":
        if (present) return false;
        break;
    }
  }
  return true;
}

/** What one label key must satisfy under several requirements together. */
interface KeyConstraint {
  /** The values the label may take (undefined: any). */
  allowed?: Set<string>;
  readonly forbidden: Set<string>;
  mustExist: boolean;
  mustNotExist: boolean;
}

/** True when some set of labels satisfies both selectors at once. */
function selectorsIntersect(a: LabelSelector, b: LabelSelector): boolean {
  const keys = new Map<string, KeyConstraint>();
  const constraint = (key: string): KeyConstraint => {
    let found = keys.get(key);
    if (!found) keys.set(key, (found = { forbidden: new Set(), mustExist: false, mustNotExist: false }));
    return found;
  };
  const allow = (key: string, values: readonly string[]) => {
    const c = constraint(key);
    c.mustExist = true;
    c.allowed = new Set(c.allowed === undefined ? values : values.filter((v) => c.allowed!.has(v)));
  };
  for (const selector of [a, b]) {
    for (const [key, value] of Object.entries(selector.matchLabels ?? {})) allow(key, [value]);
    for (const requirement of selector.matchExpressions ?? []) {
      switch (requirement.operator) {
        case "In":
          allow(requirement.key, requirement.values ?? []);
          break;
        case "NotIn":
          for (const value of requirement.values ?? []) constraint(requirement.key).forbidden.add(value);
          break;
        case "Exists":
          constraint(requirement.key).mustExist = true;
          break;
        case "DoesNotExist":
          constraint(requirement.key).mustNotExist = true;
          break;
      }
    }
  }
  for (const c of keys.values()) {
    if (c.mustNotExist && c.mustExist) return false;
    if (c.allowed !== undefined && ![...c.allowed].some((value) => !c.forbidden.has(value))) return false;
  }
  return true;
}

/**
 * True when a node could be selected by both node-selector lists (each list
 * ORs its selectors; an empty or absent list selects every node). Decided
 * from the selectors alone, since the nodes are not in the manifests.
 */
export function nodeSelectionsOverlap(a: readonly LabelSelector[] | undefined, b: readonly LabelSelector[] | undefined): boolean {
  if (!a || a.length === 0 || !b || b.length === 0) return true;
  return a.some((x) => b.some((y) => selectorsIntersect(x, y)));
}
