import { diffToJson, diffTopologies, echoText, formatDiff } from "../manifest";
import { parseNodeSpec, type ClusterNode } from "../routers";
import { MAX_INPUT_SIZE_HELP, MAX_INPUT_SIZE_OPTION, maxInputSize, parseCommandArgs } from "./args";
import { formatDiffMarkdown } from "./diff-markdown";
import type { Command } from "./command";
import { UsageError } from "./command";
import { loadInputs } from "./inputs";

const USAGE = `Usage: bgplb diff OLD NEW [--output text|json|markdown] [--max-input-size SIZE]

Compares two manifest sets (each a file or a directory, e.g. a GitOps
checkout) semantically: objects are matched by apiVersion, kind, namespace and
name; each change shows its field path and old -> new value; defaulted fields
compare equal to their defaults; changes that cannot be applied after cluster
creation (cluster ASN, load balancer mode/type, VIPs) are marked. Either
side may be - (standard input).

Options:
  --output FORMAT      text (default), json, or markdown: a pull-request
                       summary (objects, fields, not-allowed-after-creation
                       flags) with the change's effect on the routers' paths
  --node NAME=IP[,IP][,LABEL=VALUE]...
                       a node, for the paths of MetalLB topologies (repeatable;
                       Node manifests in OLD and NEW count too)
${MAX_INPUT_SIZE_HELP}

Exit status, like diff(1): 0 no change, 1 changes, 2 error.`;

function outputFormatOf(value: string | undefined): "text" | "json" {
  if (value === undefined || value === "text" || value === "json") return value ?? "text";
  throw new UsageError(`--output: '${echoText(value)}' is not a format; use text, json or markdown`);
}

function nodesOf(specs: readonly string[]): ClusterNode[] {
  return specs.map((text) => {
    try {
      return parseNodeSpec(text);
    } catch (error) {
      throw new UsageError(`--node ${echoText((error as Error).message, 2 * 80)}`);
    }
  });
}

/** `bgplb diff`: semantic diff of two manifest sets. */
export const diffCommand: Command = {
  name: "diff",
  summary: "semantic diff of two manifest sets (exit 1 when they differ)",
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { output: { type: "string" }, node: { type: "string", multiple: true }, ...MAX_INPUT_SIZE_OPTION });
    const format = values.output === "markdown" ? "markdown" : outputFormatOf(values.output);
    if (positionals.length !== 2) throw new UsageError(`expected OLD and NEW, got ${positionals.length} path(s)`);
    if (positionals[0] === "-" && positionals[1] === "-") throw new UsageError("standard input (-) can be read only once");
    const limit = { maxBytes: maxInputSize(values["max-input-size"]), limitSetting: "--max-input-size" };
    const before = loadInputs([positionals[0]], io, limit).topology;
    const after = loadInputs([positionals[1]], io, limit).topology;
    const diff = diffTopologies(before, after);
    const given = nodesOf(values.node ?? []);
    if (format === "markdown") io.stdout(formatDiffMarkdown(diff, before, after, (nodes) => [...nodes, ...given]));
    else io.stdout(format === "json" ? `${JSON.stringify(diffToJson(diff), null, 2)}\n` : formatDiff(diff));
    return diff.changes.length > 0 ? 1 : 0;
  },
};
