import { formatObjectKey } from "../model";
import type { FieldChange, ManifestDiff, ObjectChange } from "./diff";

function show(value: unknown): string {
  return JSON.stringify(value);
}

function describeField(field: FieldChange): string {
  const line =
    field.op === "replace"
      ? `${field.path}: ${show(field.before)} → ${show(field.after)}`
      : field.op === "add"
        ? `${field.path}: added ${show(field.after)}`
        : `${field.path}: removed ${show(field.before)}`;
  return field.immutableReason ? `${line}  [not allowed after cluster creation: ${field.immutableReason}]` : line;
}

const SIGN: Readonly<Record<ObjectChange["change"], string>> = { added: "+", removed: "-", changed: "~" };

/**
 * The diff as a reviewer would write it in a pull-request comment: a
 * summary line, a warning block listing changes that cannot be applied after
 * cluster creation, then one block per object (`+` added, `-` removed, `~`
 * changed) with one line per field change.
 */
export function formatDiff(diff: ManifestDiff): string {
  const count = (change: ObjectChange["change"]) => diff.changes.filter((entry) => entry.change === change).length;
  const lines = [`${count("added")} added, ${count("removed")} removed, ${count("changed")} changed, ${diff.unchanged} unchanged`];
  if (diff.changes.length === 0) return `${lines[0]}\nNo changes.\n`;
  const immutable = diff.changes.flatMap((change) =>
    change.fields.filter((field) => field.immutableReason).map((field) => `  - ${formatObjectKey(change.key)} ${field.path}: ${field.immutableReason}`),
  );
  if (immutable.length > 0) {
    lines.push("", "WARNING: these changes cannot be applied after cluster creation (recreate the cluster or revert them):", ...immutable);
  }
  for (const change of diff.changes) {
    lines.push("", `${SIGN[change.change]} ${formatObjectKey(change.key)}`);
    for (const field of change.fields) lines.push(`    ${describeField(field)}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The diff one line per change, for logs and resource outputs:
 * `+ <object>`, `- <object>`, `~ <object> <path>: <old> → <new>` (with the
 * not-allowed-after-creation note where it applies), in document order.
 */
export function diffLines(diff: ManifestDiff): string[] {
  return diff.changes.flatMap((change) =>
    change.change === "changed"
      ? change.fields.map((field) => `~ ${formatObjectKey(change.key)} ${describeField(field)}`)
      : [`${SIGN[change.change]} ${formatObjectKey(change.key)}`],
  );
}

/** The JSON form of a diff (stable field order), for `--json` and for machines. */
export function diffToJson(diff: ManifestDiff): object {
  const count = (change: ObjectChange["change"]) => diff.changes.filter((entry) => entry.change === change).length;
  return {
    summary: { added: count("added"), removed: count("removed"), changed: count("changed"), unchanged: diff.unchanged },
    hasImmutableChanges: diff.hasImmutableChanges,
    changes: diff.changes.map((change) => ({
      change: change.change,
      apiVersion: change.key.apiVersion,
      kind: change.key.kind,
      namespace: change.key.namespace,
      name: change.key.name,
      fields: change.fields.map((field) => ({
        path: field.path,
        op: field.op,
        ...(field.op === "add" ? {} : { before: field.before }),
        ...(field.op === "remove" ? {} : { after: field.after }),
        ...(field.immutableReason ? { immutableReason: field.immutableReason } : {}),
      })),
    })),
  };
}
