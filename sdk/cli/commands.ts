import type { Command } from "./command";

/** Every `bgplb` subcommand, in the order `bgplb --help` lists them. */
export const commands: readonly Command[] = [];
