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
        if (!present || !values.includes(have[requirement.key])) return false;
        break;
      case "NotIn":
        if (present && values.includes(have[requirement.key])) return false;
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

/** What one label key must satisfy under one selector's requirements together. */
interface KeyConstraint {
  /** The values the label may take (undefined: any). */
  allowed?: Set<string>;
  readonly forbidden: Set<string>;
  mustExist: boolean;
  mustNotExist: boolean;
}

const compiled = new WeakMap<LabelSelector, ReadonlyMap<string, KeyConstraint>>();

/** A selector's requirements per label key, computed once per selector object. */
function constraintsOf(selector: LabelSelector): ReadonlyMap<string, KeyConstraint> {
  const cached = compiled.get(selector);
  if (cached) return cached;
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
  compiled.set(selector, keys);
  return keys;
}

/** True when one label value (or its absence) satisfies both constraints on a key. */
function keySatisfiable(a: KeyConstraint | undefined, b: KeyConstraint | undefined): boolean {
  const mustExist = (a?.mustExist ?? false) || (b?.mustExist ?? false);
  const mustNotExist = (a?.mustNotExist ?? false) || (b?.mustNotExist ?? false);
  if (mustExist && mustNotExist) return false;
  const allowedA = a?.allowed;
  const allowedB = b?.allowed;
  if (allowedA === undefined && allowedB === undefined) return true;
  const [small, other] =
    allowedA === undefined ? [allowedB!, undefined] : allowedB === undefined || allowedA.size <= allowedB.size ? [allowedA, allowedB] : [allowedB, allowedA];
  for (const value of small) {
    if ((other === undefined || other.has(value)) && !a?.forbidden.has(value) && !b?.forbidden.has(value)) return true;
  }
  return false;
}

/** True when some set of labels satisfies both selectors at once. */
function selectorsIntersect(a: LabelSelector, b: LabelSelector): boolean {
  const ca = constraintsOf(a);
  const cb = constraintsOf(b);
  for (const [key, constraint] of ca) if (!keySatisfiable(constraint, cb.get(key))) return false;
  for (const [key, constraint] of cb) if (!ca.has(key) && !keySatisfiable(undefined, constraint)) return false;
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
