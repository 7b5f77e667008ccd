import { echoText } from "../manifest";
import { MAX_INPUT_SIZE_HELP, MAX_INPUT_SIZE_OPTION, maxInputSize, parseCommandArgs } from "./args";
import { UsageError, type Command } from "./command";
import { EXAMPLE_HELP, hasObjects, inputPaths, loadInputs } from "./inputs";
import { pulumiProgram } from "./codegen/pulumi-program";
import { typescriptProgram } from "./codegen/typescript-program";

const USAGE = `Usage: bgplb import FILE|DIR|-... [--target pulumi|sdk] [--package NAME]
       bgplb import --example NAME [--target pulumi|sdk] [--package NAME]

Prints a TypeScript program that builds the same topology with bgplb's typed
API: the migration path from hand-written YAML.

--target pulumi (the default) prints a Pulumi program using bgplb's
components, shaped like the bundled examples: stackTarget(), one component
per object (GkeClusterLoadBalancer, FloatingIpGroup, BgpPeer,
BgpLoadBalancer, MetalLbPeer, AddressPool, BgpAdvertisement, BfdProfile)
and target.publish() of all of them. Without stack configuration the
program renders exactly what \`bgplb render\` prints for the input. An object
no component expresses (a kind bgplb does not model, a status object, an
unknown field, a field without a component argument) is published as
written; the Cluster's fields outside the load balancer are kept in a
comment. Each of those gets one warning line on stderr.

--target sdk prints a program using the sdk builders: a builder call for
each object a builder reproduces exactly, a typed literal otherwise (unknown
fields kept). Running it prints the canonical manifests, equal to
\`bgplb render\` of the input; its exported \`topology\` feeds validate() or
renderYaml().

Options:
  --target pulumi|sdk  the kind of program (default: pulumi)
  --package NAME       the module to import bgplb from (default:
                       bgplb/pulumi for pulumi, bgplb for sdk)
${EXAMPLE_HELP}
${MAX_INPUT_SIZE_HELP}

Exit status: 0 printed, 1 no objects in the input, 2 unreadable input or
bad usage.`;

/** `bgplb import`: manifests to a TypeScript program (Pulumi components or sdk builders). */
export const importCommand: Command = {
  name: "import",
  summary: "print a Pulumi (or sdk) TypeScript program that builds the same topology",
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      target: { type: "string" },
      package: { type: "string" },
      example: { type: "string" },
      ...MAX_INPUT_SIZE_OPTION,
    });
    const target = values.target ?? "pulumi";
    if (target !== "pulumi" && target !== "sdk") throw new UsageError(`--target: '${echoText(target)}' is not a target; use pulumi or sdk`);
    const paths = inputPaths(values.example, positionals);
    const input = loadInputs(paths, io, { maxBytes: maxInputSize(values["max-input-size"]), limitSetting: "--max-input-size" });
    if (!hasObjects(input, paths, io)) return 1;
    const options = {
      ...(values.package ? { packageName: values.package } : {}),
      sources: values.example === undefined ? positionals : [`--example ${values.example}`],
    };
    if (target === "sdk") {
      io.stdout(typescriptProgram(input.topology, options));
      return 0;
    }
    const program = pulumiProgram(input.topology, options);
    for (const warning of program.warnings) io.stderr(`${warning}\n`);
    io.stdout(program.text);
    return 0;
  },
};
