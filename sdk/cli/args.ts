import { parseArgs, type ParseArgsConfig } from "node:util";
import { echoText, formatByteSize, parseByteSize } from "../io";
import { UsageError } from "./command";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parsed flags and positionals of one subcommand. */
export interface ParsedArgs<T extends Options> {
  readonly values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; strict: true }>>["values"];
  readonly positionals: readonly string[];
}

/**
 * Parses a subcommand's arguments strictly (unknown flags and missing values
 * are usage errors, exit 2), with node's own `util.parseArgs`.
 */
export function parseCommandArgs<T extends Options>(args: readonly string[], options: T): ParsedArgs<T> {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (error) {
    throw new UsageError(`${echoText((error as Error).message.replace(/\. To specify a positional argument.*$/s, ""), 2 * 80)} (see --help)`);
  }
}

/** Checks an `--output` value: `text` (default) or `json`. */
export function outputFormat(value: string | undefined): "text" | "json" {
  if (value === undefined || value === "text" || value === "json") return value ?? "text";
  throw new UsageError(`--output: '${echoText(value)}' is not a format; use text or json`);
}

/**
 * The default size limit of one manifest file for the commands that read
 * manifests: 4 MiB, some 40,000 lines, far above any bmctl cluster config or
 * CR file. Lower than the reader's general 64 MiB because a manifest costs
 * 40 to 120 bytes of memory per byte read (YAML syntax tree, then the
 * validator's indexes): a 4 MiB file stays within a few seconds and well
 * under 1 GiB; `--max-input-size` raises it.
 */
const MANIFEST_MAX_INPUT_BYTES = 4 * 1024 * 1024;

/** The flag every command that reads files takes: the size limit of each file. */
export const MAX_INPUT_SIZE_OPTION = { "max-input-size": { type: "string" } } as const;

/** The usage lines that describe `--max-input-size SIZE`. */
export const MAX_INPUT_SIZE_HELP = `  --max-input-size SIZE  refuse any input file larger than SIZE (default
                       ${formatByteSize(MANIFEST_MAX_INPUT_BYTES)}; e.g. 512KiB, 64MiB, 1GiB)`;

/** Reads `--max-input-size`: a byte size (see {@link parseByteSize}); {@link MANIFEST_MAX_INPUT_BYTES} when absent. */
export function maxInputSize(value: string | undefined): number {
  if (value === undefined) return MANIFEST_MAX_INPUT_BYTES;
  try {
    return parseByteSize(value);
  } catch (error) {
    throw new UsageError(`--max-input-size: ${(error as Error).message}`);
  }
}
