import { echoText } from "../manifest";
import { parseFailure, planFailures, singlePointsOfFailure, type FailurePlan, type PathCount, type SinglePointOfFailure } from "../routers";
import { outputFormat, parseCommandArgs } from "./args";
import type { Command } from "./command";
import { UsageError } from "./command";
import { PEERING_HELP, PEERING_OPTIONS, asUsage, notePlacement, noteSkipped, readPeeringInput } from "./peering-input";

const USAGE = `Usage: bgplb plan --fail FAILURE... FILE|DIR|-... [options]
       bgplb plan --spof FILE|DIR|-... [options]

Says what failures do before they happen, from the same planners the
speaker runs: per VIP group (address pool, control-plane VIP) and router
whose paths change, the BGP paths and ECMP next hops before and after (the
groups and routers that keep theirs are counted), the sessions that drop
and those that move with their floating IP, and the VIP groups left without
any path. --spof tries every single failure (each node, floating IP, router
and node/router link) and lists those that leave a VIP group without a path.
MetalLB BGPPeers whose router the topology does not name (BGP unnumbered,
dynamicASN: external without a peerASN for that router) are listed as not
planned (--spof: warned on stderr).

Failures (--fail, repeatable, applied together):
  node=NAME            a node is down (GKE nodes are named by --node, else by address)
  fip=IP               a floating IP is unusable (GKE)
  peer=IP              a router is down
  link=NODE/PEER_IP    the sessions between a node and a router drop

Options:
  --fail FAILURE       a failure (repeatable)
  --spof               list the single points of failure instead
  --output FORMAT      text (default) or json
${PEERING_HELP}

Exit status: 0 every VIP group keeps a path (--spof: there is no single point
of failure), 1 some VIP group loses every path (--spof: there is one), or
validation errors, 2 bad usage or unreadable input.`;

/** Next hops shown per row; JSON has them all. */
const SHOWN_NEXT_HOPS = 8;

function pathCount(c: PathCount): string {
  const hops =
    c.nextHops.length <= SHOWN_NEXT_HOPS
      ? c.nextHops.join(" ")
      : `${c.nextHops.slice(0, SHOWN_NEXT_HOPS).join(" ")} … (${c.nextHops.length - SHOWN_NEXT_HOPS} more)`;
  return `${c.paths} path${c.paths === 1 ? "" : "s"} via ${c.nextHops.length === 0 ? "nothing" : hops}`;
}

/** The plan as text. */
function formatPlan(plan: FailurePlan): string {
  const out = [`bgplb plan: ${plan.subject}, failing ${plan.failures.join(", ")}`, ""];
  out.push(`Sessions dropped (${plan.droppedSessions.length}):`);
  for (const d of plan.droppedSessions) out.push(`  ${d.session.padEnd(34)} ${d.role.padEnd(13)} ${d.reason}`);
  if (plan.movedSessions.length > 0) {
    out.push(`Sessions that move with their floating IP (drop once, then re-establish) (${plan.movedSessions.length}):`);
    for (const m of plan.movedSessions) out.push(`  ${m.session.padEnd(34)} ${m.from} -> ${m.to}`);
  }
  out.push("", "Paths that change, per VIP group and router (before -> after):");
  for (const vip of plan.vips) {
    if (vip.routers.length === 0) continue;
    const unchanged = vip.unchangedRouters > 0 ? `; unchanged at ${vip.unchangedRouters} other router${vip.unchangedRouters === 1 ? "" : "s"}` : "";
    out.push(`  ${vip.vip} (${vip.blocks.join(", ")}${unchanged})${vip.lost ? "  LOSES EVERY PATH" : ""}`);
    for (const r of vip.routers) out.push(`    ${r.router.padEnd(16)} ${pathCount(r.before)} -> ${pathCount(r.after)}`);
  }
  out.push(`  ${plan.unchangedVips === 0 ? "no" : plan.unchangedVips} other VIP group${plan.unchangedVips === 1 ? "" : "s"}: paths unchanged at every router`);
  out.push("", `VIP groups losing every path: ${plan.lostVips.length === 0 ? "none" : plan.lostVips.join(", ")}`);
  if (plan.unreachableVips.length > 0) out.push(`VIP groups without any path, before or after (no session carries them): ${plan.unreachableVips.join(", ")}`);
  if (plan.skippedPeers.length > 0) {
    out.push("", `BGPPeers not planned (${plan.skippedPeers.length}): their router is not in the topology, so their paths are not counted above:`);
    for (const s of plan.skippedPeers) out.push(`  ${s.source}: ${s.reason}`);
  }
  out.push("");
  return out.join("\n");
}

function formatSpof(subject: string, spofs: readonly SinglePointOfFailure[]): string {
  const out = [`bgplb plan --spof: ${subject}`, "", `Single points of failure (${spofs.length}):`];
  for (const s of spofs) out.push(`  ${s.failure.padEnd(32)} ${s.lostVips.join(", ")} lose${s.lostVips.length === 1 ? "s" : ""} every path`);
  return `${out.join("\n")}\n`;
}

/** `bgplb plan`: what failures do to the routers' paths, before they happen. */
export const planCommand: Command = {
  name: "plan",
  summary: "what-if: paths per VIP and router after failures (--fail), single points of failure (--spof)",
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      fail: { type: "string", multiple: true },
      spof: { type: "boolean" },
      output: { type: "string" },
      ...PEERING_OPTIONS,
    });
    const format = outputFormat(values.output);
    const failures = (values.fail ?? []).map((text) => asUsage(() => parseFailure(text)));
    if (values.spof && failures.length > 0) throw new UsageError("give --fail or --spof, not both");
    if (!values.spof && failures.length === 0) throw new UsageError("give at least one --fail FAILURE (or --spof)");
    const input = readPeeringInput(values, positionals, io);
    if ("exit" in input) return input.exit;
    notePlacement(input, io);
    if (values.spof) {
      noteSkipped(input.topology, io);
      const spofs = asUsage(() => singlePointsOfFailure(input.topology, input.options));
      const subject = asUsage(() => planFailures(input.topology, input.options, []).subject);
      io.stdout(format === "json" ? `${JSON.stringify({ subject, singlePointsOfFailure: spofs }, null, 2)}\n` : formatSpof(subject, spofs));
      return spofs.length > 0 ? 1 : 0;
    }
    const plan = asUsage(() => planFailures(input.topology, input.options, failures));
    io.stdout(format === "json" ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
    if (plan.lostVips.length > 0) io.stderr(`${echoText(plan.lostVips.join(", "), 4 * 80)}: no path left at any router\n`);
    return plan.lostVips.length > 0 ? 1 : 0;
  },
};
