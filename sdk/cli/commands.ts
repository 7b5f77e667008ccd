import type { Command } from "./command";
import { advertiseCommand } from "./advertise";
import { demoCommand } from "./demo";
import { diffCommand } from "./diff";
import { graphCommand } from "./graph";
import { imageCommand } from "./image";
import { importCommand } from "./import";
import { planCommand } from "./plan";
import { renderCommand } from "./render";
import { routerConfigCommand } from "./router-config";
import { speakerCommand } from "./speaker";
import { validateCommand } from "./validate";

/** Every `bgplb` subcommand, in the order `bgplb --help` lists them. */
export const commands: readonly Command[] = [
  validateCommand,
  renderCommand,
  diffCommand,
  importCommand,
  routerConfigCommand,
  planCommand,
  graphCommand,
  demoCommand,
  advertiseCommand,
  speakerCommand,
  imageCommand,
];
