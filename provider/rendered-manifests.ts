import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ManifestObject } from "../components/objects";
import type * as ManifestSet from "./manifest-set";

/**
 * Where the provider's methods load the compiled manifest-set module from.
 * The provider below is serialized into the stack (a dynamic provider runs in
 * another process), so its methods `require` their code when they run
 * instead of capturing modules in the closure. Installed as a package, the
 * package-relative specifier keeps the stored provider valid on another
 * machine; inside this repository it is the absolute path.
 */
const MANIFEST_SET_MODULE = manifestSetSpecifier(__dirname);

/** The `require` specifier of manifest-set for a module living in `directory`. */
export function manifestSetSpecifier(directory: string): string {
  const installed = `${path.sep}node_modules${path.sep}bgplb${path.sep}dist${path.sep}provider`;
  return directory.endsWith(installed) ? "bgplb/dist/provider/manifest-set" : path.join(directory, "manifest-set");
}

/** What the provider stores: the inputs plus the files written. */
export type RenderedManifestsState = ManifestSet.ManifestSetState;

/**
 * CRUD of a GitOps directory holding a rendered manifest set. Inputs:
 * `directory` and `objects` (keyed by `apiVersion kind namespace/name`).
 * Exported so tests can drive it directly.
 */
export const renderedManifestsProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: ManifestSet.ManifestSetInputs | undefined, news: ManifestSet.ManifestSetInputs) {
    const set = require(MANIFEST_SET_MODULE) as typeof ManifestSet;
    return { inputs: news, failures: set.operations.check(news) };
  },

  async diff(_id: pulumi.ID, olds: RenderedManifestsState, news: ManifestSet.ManifestSetInputs) {
    const set = require(MANIFEST_SET_MODULE) as typeof ManifestSet;
    return set.operations.diff(olds, news);
  },

  async create(inputs: ManifestSet.ManifestSetInputs) {
    const set = require(MANIFEST_SET_MODULE) as typeof ManifestSet;
    const outs = set.operations.write(inputs, undefined);
    return { id: outs.directory, outs };
  },

  async update(_id: pulumi.ID, olds: RenderedManifestsState, news: ManifestSet.ManifestSetInputs) {
    const set = require(MANIFEST_SET_MODULE) as typeof ManifestSet;
    return { outs: set.operations.write(news, olds) };
  },

  async delete(_id: pulumi.ID, props: RenderedManifestsState) {
    const set = require(MANIFEST_SET_MODULE) as typeof ManifestSet;
    set.removeManifestSet(props);
  },
};

/** Arguments of {@link RenderedManifests}. */
export interface RenderedManifestsArgs {
  /** The GitOps directory to write (created when missing). */
  directory: pulumi.Input<string>;
  /** The rendered objects, e.g. `component.objects` of every component. */
  objects: pulumi.Input<pulumi.Input<ManifestObject>[]>;
}

/**
 * A rendered manifest set written to a GitOps directory, with the same
 * renderer and file layout as `bgplb render`. `pulumi preview --diff` shows
 * exactly which objects and fields change; a change to a field that cannot
 * change after cluster creation is reported as a replacement of `objects`.
 * Files are written atomically; files of removed objects are deleted.
 */
export class RenderedManifests extends pulumi.dynamic.Resource {
  /** The directory written. */
  declare readonly directory: pulumi.Output<string>;
  /** The objects, keyed by `apiVersion kind namespace/name`. */
  declare readonly objects: pulumi.Output<Record<string, ManifestObject>>;
  /** The files written, relative path → content. */
  declare readonly files: pulumi.Output<Record<string, string>>;
  /** The changes the last create or update applied, one line each. */
  declare readonly changes: pulumi.Output<string[]>;

  /** Renders `objects` into `directory`. */
  constructor(name: string, args: RenderedManifestsArgs, opts?: pulumi.CustomResourceOptions) {
    const objects = pulumi.output(args.objects).apply((list) => {
      const set = require(MANIFEST_SET_MODULE) as typeof ManifestSet;
      return set.keyedObjects(list);
    });
    super(renderedManifestsProvider, name, { directory: args.directory, objects, files: undefined, changes: undefined }, opts, "bgplb", "RenderedManifests");
  }
}
