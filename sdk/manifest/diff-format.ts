import { formatObjectKey } from "../model";
import type { FieldChange, ManifestDiff, ObjectChange } from "./diff";
import { echoText, echoValue } from "./echo";

const show = echoValue;
const objectName = (change: ObjectChange) => echoText(formatObjectKey(change.key), 2 * 80);

function describeField(field: FieldChange): string {
  const line =
    field.op === "replace"
      ? `${echoText(field.path, 4 * 80)}: ${show(field.before)} → ${show(field.after)}`
      : field.op === "add"
        ? `${echoText(field.path, 4 * 80)}: added ${show(field.after)}`
        : `${echoText(field.path, 4 * 80)}: removed ${show(field.before)}`;
  return field.immutableReason ? `${line}  [not allowed after creation: ${field.immutableReason}]` : line;
}

const SIGN: Readonly<Record<ObjectChange["change"], string>> = { added: "+", removed: "-", changed: "~" };

/**
 * The diff as a reviewer would write it in a pull-request comment: a
 * summary line, a warning block listing changes that cannot be applied after
 * creation, then one block per object (`+` added, `-` removed, `~`
 * changed) with one line per field change.
 */
export function formatDiff(diff: ManifestDiff): string {
  const count = (change: ObjectChange["change"]) => diff.changes.filter((entry) => entry.change === change).length;
  const lines = [`${count("added")} added, ${count("removed")} removed, ${count("changed")} changed, ${diff.unchanged} unchanged`];
  if (diff.changes.length === 0) return `${lines[0]}\nNo changes.\n`;
  const immutable = diff.changes.flatMap((change) =>
    change.fields
      .filter((field) => field.immutableReason)
      .map((field) => `  - ${objectName(change)} ${echoText(field.path, 4 * 80)}: ${field.immutableReason}`),
  );
  if (immutable.length > 0) {
    lines.push("", "WARNING: these changes cannot be applied after creation (recreate the object or revert them):");
    for (const line of immutable) lines.push(line);
  }
  for (const change of diff.changes) {
    lines.push("", `${SIGN[change.change]} ${objectName(change)}`);
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
      ? change.fields.map((field) => `~ ${objectName(change)} ${describeField(field)}`)
      : [`${SIGN[change.change]} ${objectName(change)}`],
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
