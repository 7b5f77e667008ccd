import { diffTopologies, echoText, examplePath, formatDiff, loadManifests, renderYaml } from "../manifest";
import { formatDiagnostic, summarize, validate } from "../validate";
import { parseCommandArgs } from "./args";
import { UsageError, type Command } from "./command";

const BEFORE = "gke-per-rack-peers";
const AFTER = "gke-separate-data-plane";

const USAGE = `Usage: bgplb demo

The main job on bundled example topologies, with no cluster and no router:
validates the "separate control and data plane" GKE example topology (with its
node subnets given), renders it canonically, and diffs it against the
"per-rack control-plane peering" topology it grows from.
Same as: bgplb validate --example ${AFTER} --node-subnet ...;
bgplb render --example ${AFTER}; bgplb diff <${BEFORE}> <${AFTER}>.`;

/** `bgplb demo`: validate + render + diff of bundled examples. */
export const demoCommand: Command = {
  name: "demo",
  summary: "validate, render and diff bundled example topologies (no cluster needed)",
  usage: USAGE,
  async run(args, io) {
    const { positionals } = parseCommandArgs(args, {});
    if (positionals.length > 0) throw new UsageError(`demo takes no files (it uses bundled examples): '${echoText(positionals[0])}'`);
    const before = loadManifests(examplePath(BEFORE)).topology;
    const after = loadManifests(examplePath(AFTER)).topology;
    const nodeSubnets = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"];

    io.stdout(`# bgplb validate --example ${AFTER} ${nodeSubnets.map((s) => `--node-subnet ${s}`).join(" ")}\n`);
    const diagnostics = validate(after, { nodeSubnets });
    for (const diagnostic of diagnostics) io.stdout(`${formatDiagnostic(diagnostic)}\n`);
    const summary = summarize(diagnostics);
    io.stdout(`${summary.errors} error(s), ${summary.warnings} warning(s), ${summary.skipped} skipped\n\n`);

    io.stdout(`# bgplb render --example ${AFTER}\n`);
    io.stdout(renderYaml(after));

    io.stdout(`\n# bgplb diff <${BEFORE}> <${AFTER}>\n`);
    io.stdout(formatDiff(diffTopologies(before, after)));
    return summary.errors > 0 ? 1 : 0;
  },
};
