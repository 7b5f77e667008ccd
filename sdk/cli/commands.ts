import type { Command } from "./command";

/**
 * Every `bgplb` subcommand, in the order `bgplb --help` lists them, each
 * loaded only when asked for: `bgplb advertise` then carries the speaker and
 * nothing of the manifest, validation or routers code the other commands
 * need (less memory and a faster start for a daemon).
 */
const COMMAND_LOADERS: readonly (readonly [name: string, load: () => Command])[] = [
  ["validate", () => (require("./validate") as typeof import("./validate")).validateCommand],
  ["render", () => (require("./render") as typeof import("./render")).renderCommand],
  ["diff", () => (require("./diff") as typeof import("./diff")).diffCommand],
  ["import", () => (require("./import") as typeof import("./import")).importCommand],
  ["router-config", () => (require("./router-config") as typeof import("./router-config")).routerConfigCommand],
  ["plan", () => (require("./plan") as typeof import("./plan")).planCommand],
  ["graph", () => (require("./graph") as typeof import("./graph")).graphCommand],
  ["demo", () => (require("./demo") as typeof import("./demo")).demoCommand],
  ["advertise", () => (require("./advertise") as typeof import("./advertise")).advertiseCommand],
  ["speaker", () => (require("./speaker") as typeof import("./speaker")).speakerCommand],
  ["image", () => (require("./image") as typeof import("./image")).imageCommand],
];

/** The subcommand called `name`, loaded; undefined when there is none. */
export function findCommand(name: string): Command | undefined {
  return COMMAND_LOADERS.find(([known]) => known === name)?.[1]();
}

/** Every subcommand, loaded, in the order `bgplb --help` lists them. */
export function allCommands(): Command[] {
  return COMMAND_LOADERS.map(([, load]) => load());
}
