import { parseCidr } from "../net";
import { formatDiagnostic, ruleCatalogue, summarize, toReport, validate, type ValidationFacts } from "../validate";
import { echoText } from "../manifest";
import { MAX_INPUT_SIZE_HELP, MAX_INPUT_SIZE_OPTION, maxInputSize, outputFormat, parseCommandArgs } from "./args";
import type { Command, CommandIo } from "./command";
import { UsageError } from "./command";
import { EXAMPLE_HELP, hasObjects, inputPaths, loadInputs } from "./inputs";
import { progress } from "./progress";

const USAGE = `Usage: bgplb validate FILE|DIR|-... [options]
       bgplb validate --example NAME [options]
       bgplb validate --list-rules

Checks a bmctl cluster config file and/or MetalLB CR files offline against
every bgplb rule and prints one diagnostic per line:
  error BGPLB012 spec.loadBalancer.bgpPeers[1].asn: 65001 equals ... (hint: ...) [Cluster cluster-bm/bm, file]
Warnings of the manifest reader (an unknown field, with a suggestion when it
looks like a typo) are printed on stderr and counted with the rules' warnings.
- reads standard input.

Options:
  --node-subnet CIDR   a node subnet (repeatable); enables the rules on floating
                       IPs and VIPs versus node subnets, reported as skipped
                       without it
  --previous PATH      the manifests as applied before (file or directory):
                       warns about changes not allowed after creation
${EXAMPLE_HELP}
  --output FORMAT      text (default) or json
  --strict             treat warnings as errors (exit 1 when there are any)
${MAX_INPUT_SIZE_HELP}
  --list-rules         print the rule catalogue and exit

Exit status: 0 no errors (warnings allowed unless --strict), 1 errors found
(or no objects in the input), 2 unreadable or unparsable input or bad usage.`;

function checkNodeSubnet(text: string): void {
  try {
    parseCidr(text);
  } catch (error) {
    throw new UsageError(`--node-subnet: ${echoText((error as Error).message, 2 * 80)}`);
  }
}

function listRules(format: "text" | "json", io: CommandIo): number {
  const rules = ruleCatalogue;
  if (format === "json") {
    io.stdout(`${JSON.stringify(rules, null, 2)}\n`);
    return 0;
  }
  for (const rule of rules) {
    io.stdout(`${rule.code} ${rule.severity.padEnd(7)} ${rule.id.padEnd(34)} ${rule.title}${rule.needs ? ` (needs ${rule.needs})` : ""}\n`);
  }
  return 0;
}

/** `bgplb validate`: offline preflight of manifests. */
export const validateCommand: Command = {
  name: "validate",
  summary: "check manifests offline against every rule (exit 1 on errors)",
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      "node-subnet": { type: "string", multiple: true },
      previous: { type: "string" },
      example: { type: "string" },
      output: { type: "string" },
      strict: { type: "boolean" },
      ...MAX_INPUT_SIZE_OPTION,
      "list-rules": { type: "boolean" },
    });
    const format = outputFormat(values.output);
    if (values["list-rules"]) return listRules(format, io);
    const paths = inputPaths(values.example, positionals);
    for (const subnet of values["node-subnet"] ?? []) checkNodeSubnet(subnet);
    const limit = { maxBytes: maxInputSize(values["max-input-size"]), limitSetting: "--max-input-size" };
    const input = loadInputs(paths, io, limit);
    if (!hasObjects(input, paths, io)) return 1;
    const facts: ValidationFacts = {
      fileOf: input.fileOf,
      ...(values["node-subnet"] ? { nodeSubnets: values["node-subnet"] } : {}),
      ...(values.previous !== undefined ? { previous: loadInputs([values.previous], io, limit).topology } : {}),
    };
    progress(io)(`validating ${input.objectCount} objects`);
    const diagnostics = validate(input.topology, facts);
    const summary = summarize(diagnostics);
    const readerWarnings = input.issues.filter((issue) => issue.severity === "warning").length;
    const warnings = summary.warnings + readerWarnings;
    if (format === "json") {
      const report = toReport(diagnostics);
      io.stdout(`${JSON.stringify({ ...report, summary: { ...report.summary, warnings }, manifestIssues: input.issues }, null, 2)}\n`);
    } else {
      for (const diagnostic of diagnostics) io.stdout(`${formatDiagnostic(diagnostic)}\n`);
      const strict = values.strict && warnings > 0 ? " (--strict: warnings are errors)" : "";
      io.stderr(`${summary.errors} error(s), ${warnings} warning(s), ${summary.skipped} skipped${strict}\n`);
    }
    return summary.errors > 0 || (values.strict && warnings > 0) ? 1 : 0;
  },
};
