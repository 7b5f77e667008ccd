import type { LabelSelector } from "../../sdk/model";
import type { SelectorOperator } from "../enums";

/** One set-based requirement of a node selector. */
export interface SelectorRequirementArgs {
  /** Label key, e.g. `kubernetes.io/hostname`. */
  key: string;
  /** How the label is matched. */
  operator: SelectorOperator;
  /** Values for `In` / `NotIn`. */
  values?: string[];
}

/** A Kubernetes label selector (both parts must match). */
export interface LabelSelectorArgs {
  /** Exact label matches. */
  matchLabels?: Record<string, string>;
  /** Set-based requirements. */
  matchExpressions?: SelectorRequirementArgs[];
}

/** The model form of selector arguments, keys with no value left out. */
export function labelSelector(args: LabelSelectorArgs): LabelSelector {
  return {
    ...(args.matchLabels === undefined ? {} : { matchLabels: { ...args.matchLabels } }),
    ...(args.matchExpressions === undefined
      ? {}
      : {
          matchExpressions: args.matchExpressions.map((requirement) => ({
            key: requirement.key,
            operator: requirement.operator,
            ...(requirement.values === undefined ? {} : { values: [...requirement.values] }),
          })),
        }),
  };
}
