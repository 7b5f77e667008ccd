import { echoText } from "../manifest";
import { parseFailure, planPeering, renderDot, renderMermaid, renderSvg, topologyGraph } from "../routers";
import { parseCommandArgs } from "./args";
import type { Command } from "./command";
import { UsageError } from "./command";
import { PEERING_HELP, PEERING_OPTIONS, asUsage, notePlacement, noteSkipped, readPeeringInput } from "./peering-input";

const FORMATS = ["svg", "dot", "mermaid"] as const;

const USAGE = `Usage: bgplb graph FILE|DIR|-... [--format svg|dot|mermaid] [--fail FAILURE]... [options]

Draws the topology: routers, BGP sessions (from floating IPs for GKE
service peering, from nodes otherwise), nodes and the floating IPs they
hold, and each VIP group (address pool, control-plane VIP) with its next-hop
nodes. With --fail (as in bgplb plan) what the failures remove is drawn red
and dashed, and a floating IP's new holder in blue. SVG is rendered by
Graphviz compiled to WebAssembly (no external program); Mermaid text renders
in pull requests and wikis.

Options:
  --format FORMAT      svg (default), dot or mermaid
  --fail FAILURE       node=NAME, fip=IP, peer=IP or link=NODE/PEER_IP (repeatable)
${PEERING_HELP}

Exit status: 0 drawn, 1 validation errors or no objects, 2 bad usage or
unreadable input.`;

/** `bgplb graph`: the topology as SVG, DOT or Mermaid. */
export const graphCommand: Command = {
  name: "graph",
  summary: "draw routers, sessions, nodes and VIP next hops (svg, dot, mermaid; --fail highlights)",
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { format: { type: "string" }, fail: { type: "string", multiple: true }, ...PEERING_OPTIONS });
    const format = values.format ?? "svg";
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: '${echoText(format)}' is not a format; use ${FORMATS.join(", ")}`);
    const failures = (values.fail ?? []).map((text) => asUsage(() => parseFailure(text)));
    const input = readPeeringInput(values, positionals, io);
    if ("exit" in input) return input.exit;
    notePlacement(input, io);
    noteSkipped(input.topology, io);
    const graph = asUsage(() => topologyGraph(planPeering(input.topology, input.options), planPeering(input.topology, { ...input.options, failures })));
    const dot = renderDot(graph);
    io.stdout(format === "mermaid" ? renderMermaid(graph) : format === "dot" ? dot : await renderSvg(dot));
    return 0;
  },
};
