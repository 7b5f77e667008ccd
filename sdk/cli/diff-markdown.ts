/**
 * `bgplb diff --output markdown`: a pull-request-ready summary of a change:
 * the objects and fields that change, the changes not allowed after cluster
 * creation, and what the change does to the routers' paths (the same
 * comparison `bgplb plan` makes).
 */
import { echoText, echoValue, type FieldChange, type ManifestDiff, type ObjectChange } from "../manifest";
import { formatObjectKey, type Topology } from "../model";
import { comparePeerings, nodesOfManifests, planPeering, type ClusterNode, type FailurePlan, type PathCount } from "../routers";

const SIGN: Readonly<Record<ObjectChange["change"], string>> = { added: "➕ added", removed: "➖ removed", changed: "✏️ changed" };

/** Inline code safe inside a Markdown table cell. */
function code(text: string): string {
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "&#124;").replace(/\n/g, " ");
  return `<code>${escaped}</code>`;
}

function value(field: FieldChange, side: "before" | "after"): string {
  const present = side === "before" ? field.op !== "add" : field.op !== "remove";
  return present ? code(echoValue(field[side])) : "";
}

function paths(c: PathCount): string {
  return c.paths === 0 ? "**none**" : `${c.paths} via ${c.nextHops.join(", ")}`;
}

/** Nodes for one side: its Node manifests plus those given. */
export type NodesOf = (manifestNodes: readonly ClusterNode[]) => readonly ClusterNode[];

/** The routers' paths before and after, or why they cannot be compared. */
function pathEffect(before: Topology, after: Topology, nodesOf: NodesOf): FailurePlan | string {
  try {
    const peering = (topology: Topology) => {
      const nodes = nodesOf(nodesOfManifests(topology));
      return planPeering(topology, nodes.length > 0 ? { nodes } : {});
    };
    return comparePeerings(peering(before), peering(after));
  } catch (error) {
    return (error as Error).message;
  }
}

/** The diff and its effect on the routers' paths as Markdown. */
export function formatDiffMarkdown(diff: ManifestDiff, before: Topology, after: Topology, nodesOf: NodesOf = (nodes) => nodes): string {
  const count = (change: ObjectChange["change"]) => diff.changes.filter((entry) => entry.change === change).length;
  const out = ["### bgplb diff", "", `**${count("changed")} changed, ${count("added")} added, ${count("removed")} removed**, ${diff.unchanged} unchanged`, ""];
  if (diff.changes.length === 0) return `${out.join("\n")}No changes.\n`;
  const immutable = diff.changes.flatMap((change) =>
    change.fields
      .filter((f) => f.immutableReason)
      .map((f) => `> - ${code(echoText(formatObjectKey(change.key), 2 * 80))} ${code(echoText(f.path, 4 * 80))}: ${f.immutableReason}`),
  );
  if (immutable.length > 0) out.push("> [!WARNING]", "> Not allowed after cluster creation (recreate the cluster or revert these):", ...immutable, "");
  out.push("| Change | Object | Field | Before | After |", "|---|---|---|---|---|");
  for (const change of diff.changes) {
    const object = code(echoText(formatObjectKey(change.key), 2 * 80));
    if (change.fields.length === 0) out.push(`| ${SIGN[change.change]} | ${object} | | | |`);
    for (const f of change.fields)
      out.push(
        `| ${SIGN[change.change]}${f.immutableReason ? " ⚠️" : ""} | ${object} | ${code(echoText(f.path, 4 * 80))} | ${value(f, "before")} | ${value(f, "after")} |`,
      );
  }
  out.push("", "#### Effect on the routers' paths", "");
  const effect = pathEffect(before, after, nodesOf);
  if (typeof effect === "string") {
    out.push(`Not computed: ${echoText(effect, 4 * 80)}`, "");
    return out.join("\n");
  }
  const rows = effect.vips.flatMap((vip) => vip.routers.map((r) => `| ${vip.vip} | ${r.router} | ${paths(r.before)} | ${paths(r.after)} |`));
  if (rows.length === 0) out.push("No router's paths change.");
  else out.push("| VIP group | Router | Paths before | Paths after |", "|---|---|---|---|", ...rows);
  if (effect.addedSessions.length > 0) out.push("", `Sessions added: ${effect.addedSessions.map(code).join(", ")}`);
  if (effect.droppedSessions.length > 0) out.push("", `Sessions removed: ${effect.droppedSessions.map((d) => code(d.session)).join(", ")}`);
  if (effect.lostVips.length > 0) out.push("", `> [!CAUTION]`, `> VIP groups without any path after this change: ${effect.lostVips.join(", ")}`);
  out.push("");
  return out.join("\n");
}
