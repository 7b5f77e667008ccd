/**
 * What `router-config`, `plan` and `graph` share: reading the manifests,
 * refusing an invalid topology, and the flags that say what the manifests
 * do not (the nodes, the node subnets).
 */
import { echoText } from "../manifest";
import type { Topology } from "../model";
import { parseCidr } from "../net";
import { NodeSpecError, PeeringError, nodesOfManifests, parseNodeSpec, skippedLines, skippedPeers, type ClusterNode, type PeeringOptions } from "../routers";
import { formatDiagnostic, summarize, validate } from "../validate";
import { MAX_INPUT_SIZE_HELP, MAX_INPUT_SIZE_OPTION, maxInputSize } from "./args";
import type { CommandIo } from "./command";
import { UsageError } from "./command";
import { EXAMPLE_HELP, hasObjects, inputPaths, loadInputs } from "./inputs";

/** The flags of the peering commands. */
export const PEERING_OPTIONS = {
  node: { type: "string", multiple: true },
  "node-subnet": { type: "string", multiple: true },
  example: { type: "string" },
  ...MAX_INPUT_SIZE_OPTION,
} as const;

/** The usage lines of {@link PEERING_OPTIONS}. */
export const PEERING_HELP = `  --node NAME=IP[,IP][,LABEL=VALUE]...
                       a node (repeatable): MetalLB topologies need every node
                       the routers peer with (or Node manifests among the
                       files); for GKE it names a node address
  --node-subnet CIDR   a node subnet (repeatable): GKE floating IPs go to nodes
                       in their subnet (default: any node may hold any)
${EXAMPLE_HELP}
${MAX_INPUT_SIZE_HELP}`;

/** The topology and the peering options read from the flags, or an exit code when the input holds nothing usable. */
export type PeeringInput = { readonly topology: Topology; readonly options: PeeringOptions } | { readonly exit: number };

interface PeeringValues {
  readonly node?: string[];
  readonly "node-subnet"?: string[];
  readonly example?: string;
  readonly "max-input-size"?: string;
}

/**
 * Says on stderr that floating IPs are placed without node subnets (which
 * node holds which decides what a node failure moves): for `plan` and `graph`.
 */
export function notePlacement(input: { readonly topology: Topology; readonly options: PeeringOptions }, io: CommandIo): void {
  if (input.options.nodeSubnets === undefined && input.topology.networkGatewayGroups.length > 0) {
    io.stderr("note: floating IPs placed as if any node could hold any of them; pass --node-subnet CIDR (repeatable) for their real placement\n");
  }
}

/** Warns on stderr of each BGPPeer the peering leaves out (its router is not in the topology): nothing is passed over silently. */
export function noteSkipped(topology: Topology, io: CommandIo): void {
  for (const line of skippedLines(skippedPeers(topology))) io.stderr(`warning: ${echoText(line, 4 * 80)}\n`);
}

/** Runs `body`, turning a {@link PeeringError} or {@link NodeSpecError} into a usage error (exit 2). */
export function asUsage<T>(body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof PeeringError || error instanceof NodeSpecError) throw new UsageError(echoText(error.message, 4 * 80));
    throw error;
  }
}

/**
 * Reads the manifests and the peering flags. Validation errors are printed
 * and end the command with exit 1: a plan of an invalid topology would
 * mislead.
 */
export function readPeeringInput(values: PeeringValues, positionals: readonly string[], io: CommandIo): PeeringInput {
  const paths = inputPaths(values.example, positionals);
  const nodes: ClusterNode[] = (values.node ?? []).map((text) => {
    try {
      return parseNodeSpec(text);
    } catch (error) {
      throw new UsageError(`--node ${echoText((error as Error).message, 2 * 80)}`);
    }
  });
  for (const subnet of values["node-subnet"] ?? []) {
    try {
      parseCidr(subnet);
    } catch (error) {
      throw new UsageError(`--node-subnet: ${echoText((error as Error).message, 2 * 80)}`);
    }
  }
  const input = loadInputs(paths, io, { maxBytes: maxInputSize(values["max-input-size"]), limitSetting: "--max-input-size" });
  if (!hasObjects(input, paths, io)) return { exit: 1 };
  const diagnostics = validate(input.topology, { fileOf: input.fileOf, ...(values["node-subnet"] ? { nodeSubnets: values["node-subnet"] } : {}) });
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    for (const diagnostic of errors) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
    io.stderr(`${summarize(diagnostics).errors} error(s) in the topology (bgplb validate shows them all): fix them first\n`);
    return { exit: 1 };
  }
  const all = [...asUsage(() => nodesOfManifests(input.topology)), ...nodes];
  const options: PeeringOptions = { ...(all.length > 0 ? { nodes: all } : {}), ...(values["node-subnet"] ? { nodeSubnets: values["node-subnet"] } : {}) };
  return { topology: input.topology, options };
}
