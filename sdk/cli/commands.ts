import type { Command } from "./command";

/**
 * Every `bgplb` subcommand, in the order `bgplb --help` lists them, each
 * loaded only when asked for: `bgplb advertise` then carries the speaker and
 * nothing of the manifest, validation or routers code the other commands
 * need (less memory and a faster start for a daemon).
 */
const COMMAND_LOADERS: readonly (readonly [name: string, load: () => Promise<Command>])[] = [
  ["validate", async () => (await import("./validate.js")).validateCommand],
  ["render", async () => (await import("./render.js")).renderCommand],
  ["diff", async () => (await import("./diff.js")).diffCommand],
  ["import", async () => (await import("./import.js")).importCommand],
  ["router-config", async () => (await import("./router-config.js")).routerConfigCommand],
  ["plan", async () => (await import("./plan.js")).planCommand],
  ["graph", async () => (await import("./graph.js")).graphCommand],
  ["demo", async () => (await import("./demo.js")).demoCommand],
  ["advertise", async () => (await import("./advertise.js")).advertiseCommand],
  ["speaker", async () => (await import("./speaker.js")).speakerCommand],
  ["image", async () => (await import("./image.js")).imageCommand],
];

/** The subcommand called `name`, loaded; undefined when there is none. */
export async function findCommand(name: string): Promise<Command | undefined> {
  return COMMAND_LOADERS.find(([known]) => known === name)?.[1]();
}

/** Every subcommand, loaded, in the order `bgplb --help` lists them. */
export function allCommands(): Promise<Command[]> {
  return Promise.all(COMMAND_LOADERS.map(([, load]) => load()));
}
