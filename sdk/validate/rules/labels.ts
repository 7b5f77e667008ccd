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
