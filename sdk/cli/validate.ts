import { parseCidr } from "../net";
import { formatDiagnostic, ruleCatalogue, summarize, toReport, validate, type ValidationFacts } from "../validate";
import { outputFormat, parseCommandArgs } from "./args";
import type { Command, CommandIo } from "./command";
import { UsageError } from "./command";
import { EXAMPLE_HELP, inputPaths, loadInputs } from "./inputs";

const USAGE = `Usage: bgplb validate FILE|DIR... [options]
       bgplb validate --example NAME [options]
       bgplb validate --list-rules

Checks a bmctl cluster config file and/or MetalLB CR files offline against
every bgplb rule and prints one diagnostic per line:
  error BGPLB012 spec.loadBalancer.bgpPeers[1].asn: 65001 equals ... (hint: ...) [Cluster cluster-bm/bm, file]

Options:
  --node-subnet CIDR   a node subnet (repeatable); enables the rules on floating
                       IPs and VIPs versus node subnets, reported as skipped
                       without it
  --previous PATH      the manifests as applied before (file or directory):
                       warns about changes not allowed after cluster creation
${EXAMPLE_HELP}
  --output FORMAT      text (default) or json
  --list-rules         print the rule catalogue and exit

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 unreadable or
unparsable input or bad usage.`;

function checkNodeSubnet(text: string): void {
  try {
    parseCidr(text);
  } catch (error) {
    throw new UsageError(`--node-subnet: ${(error as Error).message}`);
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
      "list-rules": { type: "boolean" },
    });
    const format = outputFormat(values.output);
    if (values["list-rules"]) return listRules(format, io);
    const paths = inputPaths(values.example, positionals);
    for (const subnet of values["node-subnet"] ?? []) checkNodeSubnet(subnet);
    const input = loadInputs(paths, io);
    const facts: ValidationFacts = {
      fileOf: input.fileOf,
      ...(values["node-subnet"] ? { nodeSubnets: values["node-subnet"] } : {}),
      ...(values.previous !== undefined ? { previous: loadInputs([values.previous], io).topology } : {}),
    };
    const diagnostics = validate(input.topology, facts);
    const summary = summarize(diagnostics);
    if (format === "json") {
      io.stdout(`${JSON.stringify(toReport(diagnostics), null, 2)}\n`);
    } else {
      for (const diagnostic of diagnostics) io.stdout(`${formatDiagnostic(diagnostic)}\n`);
      io.stderr(`${summary.errors} error(s), ${summary.warnings} warning(s), ${summary.skipped} skipped\n`);
    }
    return summary.errors > 0 ? 1 : 0;
  },
};
