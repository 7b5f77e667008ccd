import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/**
 * The one-way import rule of docs/ARCHITECTURE.md, as data: each area of the
 * code and the areas it may import. An area is a folder of `sdk/` (by its
 * name), or `components`, `provider`. Anything not listed here fails the
 * test, so a new folder is placed in the layering when it is added.
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  net: [],
  io: [],
  bgp: ["net"],
  bfd: ["bgp", "net"],
  model: ["net"],
  manifest: ["model", "net", "io"],
  validate: ["manifest", "model", "net"],
  speaker: ["bgp", "bfd", "model", "net", "io"],
  cluster: ["speaker", "bgp", "bfd", "validate", "manifest", "model", "net", "io"],
  deployment: ["manifest", "model", "io"],
  routers: ["cluster", "validate", "manifest", "model", "net"],
  cli: ["routers", "deployment", "cluster", "speaker", "bgp", "bfd", "validate", "manifest", "model", "net", "io"],
  components: ["routers", "deployment", "validate", "manifest", "model", "net"],
  provider: ["components", "validate", "manifest", "model", "net", "io"],
};

/** Packages only the Pulumi faces may import: the core runs without Pulumi. */
const PULUMI_PACKAGE = /^@pulumi\//;

const ROOT = resolve(__dirname, "../../..");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") out.push(...sourceFiles(path));
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      out.push(path);
    }
  }
  return out;
}

/** The area a repository path belongs to (`sdk/bgp/codec/wire.ts` → `bgp`), or undefined for files outside the layered code. */
function areaOf(path: string): string | undefined {
  const parts = relative(ROOT, path).split(sep);
  if (parts[0] === "sdk") {
    const name = (parts[1] ?? "index").replace(/\.[cm]?[jt]s$/, "");
    return name === "index" ? "sdk" : name;
  }
  if (parts[0] === "components" || parts[0] === "provider") return parts[0];
  return undefined;
}

interface ImportEdge {
  readonly file: string;
  readonly specifier: string;
  readonly from: string;
  readonly to: string;
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return info.importedFiles.map((entry) => entry.fileName);
}

function edges(): { readonly internal: ImportEdge[]; readonly pulumiInCore: ImportEdge[] } {
  const internal: ImportEdge[] = [];
  const pulumiInCore: ImportEdge[] = [];
  for (const top of ["sdk", "components", "provider"]) {
    for (const file of sourceFiles(join(ROOT, top))) {
      const from = areaOf(file);
      if (from === undefined) continue;
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith(".")) {
          const to = areaOf(resolve(dirname(file), specifier));
          if (to !== undefined && to !== from) internal.push({ file: relative(ROOT, file), specifier, from, to });
        } else if (PULUMI_PACKAGE.test(specifier) && top === "sdk") {
          pulumiInCore.push({ file: relative(ROOT, file), specifier, from, to: specifier });
        }
      }
    }
  }
  return { internal, pulumiInCore };
}

describe("layers: imports flow one way (docs/ARCHITECTURE.md)", () => {
  const found = edges();

  it("every area of sdk/, components/ and provider/ has a place in the layering", () => {
    const areas = new Set(found.internal.flatMap((edge) => [edge.from, edge.to]));
    for (const dir of readdirSync(join(ROOT, "sdk"), { withFileTypes: true })) {
      if (dir.isDirectory() && sourceFiles(join(ROOT, "sdk", dir.name)).length > 0) areas.add(dir.name);
    }
    const unplaced = [...areas].filter((area) => area !== "sdk" && !(area in ALLOWED)).sort();
    expect(unplaced, "add these folders to ALLOWED in test/unit/layers.test.ts and to docs/ARCHITECTURE.md").to.deep.equal([]);
  });

  it("no area imports one above it or beside it", () => {
    const wrong = found.internal
      .filter((edge) => edge.to !== "sdk" && edge.from in ALLOWED && !(ALLOWED[edge.from] ?? []).includes(edge.to))
      .map((edge) => `${edge.file}: ${edge.from} imports ${edge.to} (${edge.specifier})`);
    expect(wrong).to.deep.equal([]);
  });

  it("no folder inside sdk/ imports the package face (sdk/index.ts), which imports them all", () => {
    const wrong = found.internal
      .filter((edge) => edge.to === "sdk" && !["cli", "components", "provider"].includes(edge.from))
      .map((edge) => `${edge.file}: imports the package face (${edge.specifier})`);
    expect(wrong).to.deep.equal([]);
  });

  it("the core imports no Pulumi package", () => {
    expect(found.pulumiInCore.map((edge) => `${edge.file}: ${edge.specifier}`)).to.deep.equal([]);
  });

  it("the allowed imports have no cycle", () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const cycles: string[] = [];
    const visit = (area: string, trail: readonly string[]): void => {
      if (done.has(area)) return;
      if (visiting.has(area)) {
        cycles.push([...trail, area].join(" -> "));
        return;
      }
      visiting.add(area);
      for (const next of ALLOWED[area] ?? []) visit(next, [...trail, area]);
      visiting.delete(area);
      done.add(area);
    };
    for (const area of Object.keys(ALLOWED)) visit(area, []);
    expect(cycles).to.deep.equal([]);
  });
});
