import { existsSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { readTextInput } from "../io";
import type { PlainManifest } from "../manifest";

/** The files of the CRDs of the status objects the speaker writes (BGPSession, BGPAdvertisedRoute). */
export const STATUS_CRD_FILES = ["networking.gke.io_bgpsessions.yaml", "networking.gke.io_bgpadvertisedroutes.yaml"] as const;

/**
 * The directory of the CRD files: `sdk/crds` of the package or source tree,
 * found from the compiled `dist/sdk/deployment`.
 */
export function crdDirectory(): string {
  const directory = join(__dirname, "..", "..", "..", "sdk", "crds");
  if (!existsSync(join(directory, STATUS_CRD_FILES[0]))) throw new Error(`the CRD files are not found (looked in ${directory})`);
  return directory;
}

/** The CustomResourceDefinitions of BGPSession and BGPAdvertisedRoute. */
export function statusCrds(): PlainManifest[] {
  return STATUS_CRD_FILES.map((file) => parse(readTextInput(join(crdDirectory(), file))) as PlainManifest);
}
