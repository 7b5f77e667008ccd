import { parseArgs, type ParseArgsConfig } from "node:util";
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
    throw new UsageError(`${(error as Error).message.replace(/\. To specify a positional argument.*$/s, "")} (see --help)`);
  }
}

/** Checks an `--output` value: `text` (default) or `json`. */
export function outputFormat(value: string | undefined): "text" | "json" {
  if (value === undefined || value === "text" || value === "json") return value ?? "text";
  throw new UsageError(`--output: '${value}' is not a format; use text or json`);
}
