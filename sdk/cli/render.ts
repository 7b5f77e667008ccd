import { DirectoryWriteError, renderYaml, writeManifestDirectory } from "../manifest";
import { formatDiagnostic, summarize, validate } from "../validate";
import { MAX_INPUT_SIZE_HELP, MAX_INPUT_SIZE_OPTION, maxInputSize, parseCommandArgs } from "./args";
import type { Command } from "./command";
import { UsageError } from "./command";
import { EXAMPLE_HELP, hasObjects, inputPaths, loadInputs } from "./inputs";
import { progress } from "./progress";
import { SPEAKER_RENDER_HELP, isSpeakerOption, renderSpeaker } from "./render-speaker";

const USAGE = `Usage: bgplb render FILE|DIR|-... [--out DIR] [options]
       bgplb render --example NAME [--out DIR]
       bgplb render --speaker --cluster-namespace NS --image REF [options]

Renders manifests canonically: stable key order, documents ordered by kind,
namespace and name, so the same topology always gives byte-identical YAML.
The topology is validated first; errors stop the render (exit 1).

Options:
  --out DIR            write one file per object under DIR instead of stdout;
                       all or nothing: on any error DIR is left as it was
${EXAMPLE_HELP}
  --no-validate        render even when validation finds errors
${MAX_INPUT_SIZE_HELP}

${SPEAKER_RENDER_HELP}

Exit status: 0 rendered, 1 validation errors or no objects in the input,
2 unreadable input, bad usage or a directory that cannot be written
(--out naming a file, for instance).`;

/** `bgplb render`: canonical YAML to stdout or a GitOps directory. */
export const renderCommand: Command = {
  name: "render",
  summary: "render manifests canonically to stdout or a directory (--out)",
  usage: USAGE,
  async run(args, io) {
    if (args.some(isSpeakerOption)) return renderSpeaker(args, io);
    const { values, positionals } = parseCommandArgs(args, {
      out: { type: "string" },
      example: { type: "string" },
      "no-validate": { type: "boolean" },
      ...MAX_INPUT_SIZE_OPTION,
    });
    const paths = inputPaths(values.example, positionals);
    const input = loadInputs(paths, io, { maxBytes: maxInputSize(values["max-input-size"]), limitSetting: "--max-input-size" });
    if (!hasObjects(input, paths, io)) return 1;
    const report = progress(io);
    if (!values["no-validate"]) {
      report(`validating ${input.objectCount} objects`);
      const diagnostics = validate(input.topology, { fileOf: input.fileOf });
      const errors = diagnostics.filter((d) => d.severity === "error");
      if (errors.length > 0) {
        for (const diagnostic of errors) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
        io.stderr(`${summarize(diagnostics).errors} error(s): nothing rendered (fix them, or pass --no-validate)\n`);
        return 1;
      }
    }
    report(`rendering ${input.objectCount} objects`);
    if (values.out === undefined) {
      io.stdout(renderYaml(input.topology));
      return 0;
    }
    try {
      const files = writeManifestDirectory(values.out, input.topology);
      io.stderr(`wrote ${files.length} file(s) to ${values.out}\n`);
      return 0;
    } catch (error) {
      if (error instanceof DirectoryWriteError) throw new UsageError(error.message);
      throw error;
    }
  },
};
