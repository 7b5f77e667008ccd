import { parseCommandArgs } from "./args";
import type { Command } from "./command";
import { loadInputs } from "./inputs";
import { typescriptProgram } from "./typescript-program";

const USAGE = `Usage: bgplb import FILE|DIR... [--package NAME]

Prints a TypeScript program that builds the same topology with bgplb's typed
API (the migration path from hand-written YAML): a builder call for each
object a builder reproduces exactly, a typed literal otherwise (unknown
fields are kept). Running the program prints the canonical manifests, equal
to \`bgplb render\` of the input; its exported \`topology\` feeds validate(),
renderYaml() or the Pulumi components.

Options:
  --package NAME   the module to import bgplb from (default: bgplb)`;

/** `bgplb import`: manifests to a TypeScript program. */
export const importCommand: Command = {
  name: "import",
  summary: "print a TypeScript program that builds the same topology",
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { package: { type: "string" } });
    const input = loadInputs(positionals, io);
    io.stdout(typescriptProgram(input.topology, { ...(values.package ? { packageName: values.package } : {}), sources: positionals }));
    return 0;
  },
};
