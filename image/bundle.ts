import { realpathSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { build, type Metafile, type Plugin } from "esbuild";

/** Packages left out of the bundle and shipped installed: koffi finds its native binary at run time. */
export const EXTERNAL_PACKAGES: readonly string[] = ["koffi"];

/** The bundled CLI and what went into it. */
export interface CliBundle {
  /** The bundle: CommonJS for Node.js 24, no source map. */
  readonly code: Buffer;
  /** Directories (relative to the repository, `/`-separated) of the npm packages whose code is in the bundle. */
  readonly packageDirs: readonly string[];
}

/**
 * Keeps `require("…/package.json")` of the repository's own manifest as it is
 * (the image has a small `app/package.json` in its place) rather than inlining
 * the whole file. The path stays right because the bundle is written where
 * the entry point was.
 */
function ownManifestExternal(repo: string, entry: string): Plugin {
  const manifest = join(repo, "package.json");
  return {
    name: "own-package-json",
    setup(build) {
      build.onResolve({ filter: /(^|\/)package\.json$/ }, (args) => {
        if (resolve(args.resolveDir, args.path) !== manifest) return undefined;
        if (args.resolveDir !== dirname(entry)) {
          return { errors: [{ text: `${args.importer}: requires ${args.path}, which would not resolve from the bundle in ${dirname(entry)}` }] };
        }
        return { path: args.path, external: true };
      });
    },
  };
}

/**
 * Replaces pino's transport module, and with it thread-stream (a worker
 * thread per transport, whose worker script would not be in the image
 * anyway), by one that refuses: the speaker logs synchronously to stdout
 * and stderr through its own destinations and configures no transport.
 */
function pinoWithoutTransports(): Plugin {
  return {
    name: "pino-without-transports",
    setup(build) {
      build.onResolve({ filter: /^\.\/(lib\/)?transport$/ }, (args) =>
        /[\\/]node_modules[\\/]pino[\\/]/.test(args.importer) ? { path: "pino-transport", namespace: "pino-without-transports" } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: "pino-without-transports" }, () => ({
        contents:
          'module.exports = function transport() { throw new Error("pino transports are not in the bgplb image: it logs synchronously to stdout and stderr"); };',
        loader: "js",
      }));
    },
  };
}

/**
 * Leaves Graphviz (WebAssembly, ~1.6 MB, used only by `bgplb graph --format
 * svg`) out of the speaker image: the import gets a module that refuses with
 * a clear message, as `dot` and `mermaid` output need no Graphviz.
 */
function graphvizLeftOut(): Plugin {
  return {
    name: "graphviz-left-out",
    setup(build) {
      build.onResolve({ filter: /^@viz-js\/viz$/ }, () => ({ path: "viz", namespace: "graphviz-left-out" }));
      build.onLoad({ filter: /.*/, namespace: "graphviz-left-out" }, () => ({
        contents:
          'module.exports = { instance() { return Promise.reject(new Error("SVG output is not in the bgplb speaker image (Graphviz is left out to keep it small): use --format dot or mermaid, or bgplb from npm")); } };',
        loader: "js",
      }));
    },
  };
}

/**
 * The package directory, relative to the repository (`node_modules/name`,
 * `node_modules/a/node_modules/@scope/b`), an input file belongs to, if any.
 * esbuild names inputs by their real path, so `modules` is the real path of
 * the repository's `node_modules` (it may be a symbolic link).
 */
function packageDir(repo: string, modules: string, input: string): string | undefined {
  const inside = relative(modules, resolve(repo, input));
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) return undefined;
  const parts = ["node_modules", ...inside.split(sep)];
  const at = parts.lastIndexOf("node_modules");
  const length = parts[at + 1]?.startsWith("@") ? 2 : 1;
  return parts.slice(0, at + 1 + length).join("/");
}

/**
 * Leaves out of the bundle each package that is not a production dependency
 * (`isProduction` of its place, e.g. `node_modules/supports-color`, is
 * false): what `npm ci --omit=dev` would not install is not in the image
 * either, and an optional `require` of it (debug's of supports-color) fails
 * there as it would in such an install.
 */
function productionOnly(repo: string, isProduction: (location: string) => boolean): Plugin {
  return {
    name: "production-only",
    setup(build) {
      const modules = realpathSync(join(repo, "node_modules"));
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === "production-only" || args.path.startsWith("node:")) return undefined;
        const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: "production-only" });
        if (found.errors.length > 0 || found.external) return undefined;
        const location = packageDir(repo, modules, found.path);
        return location && !isProduction(location) ? { path: args.path, external: true } : undefined;
      });
    },
  };
}

/** The npm packages with code in the bundle: esbuild's metafile inputs that left bytes in the output. */
function bundledPackageDirs(repo: string, metafile: Metafile): string[] {
  const modules = realpathSync(join(repo, "node_modules"));
  const dirs = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const dir = bytesInOutput > 0 ? packageDir(repo, modules, input) : undefined;
      if (dir) dirs.add(dir);
    }
  }
  return [...dirs].sort();
}

/**
 * Bundles `dist/sdk/cli/main.js` and everything it loads (the lazily imported
 * cluster modules too) into one tree-shaken CommonJS file for Node.js 24,
 * whitespace and syntax minified, identifiers kept (so stack traces name
 * functions), without a source map. Deterministic: same inputs, same bytes.
 * {@link EXTERNAL_PACKAGES}, packages that are not production dependencies
 * and Node.js built-ins stay `require`s.
 */
export async function bundleCli(repo: string, isProduction: (location: string) => boolean): Promise<CliBundle> {
  const entry = join(repo, "dist", "sdk", "cli", "main.js");
  const result = await build({
    absWorkingDir: repo,
    entryPoints: [entry],
    outfile: entry,
    bundle: true,
    write: false,
    platform: "node",
    target: "node24",
    format: "cjs",
    minifyWhitespace: true,
    minifySyntax: true,
    treeShaking: true,
    sourcemap: false,
    legalComments: "eof",
    external: [...EXTERNAL_PACKAGES],
    plugins: [ownManifestExternal(repo, entry), pinoWithoutTransports(), graphvizLeftOut(), productionOnly(repo, isProduction)],
    metafile: true,
    logLevel: "silent",
  });
  const [output] = result.outputFiles;
  if (result.outputFiles.length !== 1 || !output) throw new Error(`esbuild wrote ${result.outputFiles.length} files for ${entry}; expected one`);
  return { code: Buffer.from(output.contents), packageDirs: bundledPackageDirs(repo, result.metafile) };
}
