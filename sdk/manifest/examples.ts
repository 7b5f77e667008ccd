import { existsSync } from "node:fs";
import { join } from "node:path";
import { readTextInput } from "../io";

/** The bundled example topologies: SPEC §2.5's four GKE files and the MetalLB CR sets of the MetalLB guide. */
export const EXAMPLE_NAMES = [
  "gke-shared-peers",
  "gke-per-rack-peers",
  "gke-separate-data-plane",
  "gke-dual-stack",
  "metallb-pools-per-peer",
  "metallb-vrf",
  "metallb-node-selector",
  "metallb-bfd",
  "metallb-dual-stack",
] as const;

/** The name of a bundled example. */
export type ExampleName = (typeof EXAMPLE_NAMES)[number];

/**
 * The directory holding the example YAML files: beside this module when the
 * files are shipped with the compiled code, else in the source tree
 * (`sdk/manifest/examples`, found from `dist/sdk/manifest`).
 */
export function examplesDirectory(): string {
  const candidates = [join(__dirname, "examples"), join(__dirname, "..", "..", "..", "sdk", "manifest", "examples")];
  const found = candidates.find((candidate) => existsSync(join(candidate, `${EXAMPLE_NAMES[0]}.yaml`)));
  if (!found) throw new Error(`bundled examples not found (looked in ${candidates.join(", ")})`);
  return found;
}

/** The path of a bundled example file. */
export function examplePath(name: ExampleName): string {
  return join(examplesDirectory(), `${name}.yaml`);
}

/** The YAML text of a bundled example. */
export function exampleText(name: ExampleName): string {
  return readTextInput(examplePath(name));
}
