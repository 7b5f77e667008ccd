import fc from "fast-check";
import { parseAllDocuments, stringify } from "yaml";
import { EXAMPLE_NAMES, exampleText } from "../../sdk/manifest";
import { main } from "../../sdk/cli/main";

/** One way of spoiling a manifest, applied at positions drawn as fractions of what is there. */
export type Mutation =
  | { readonly op: "swap"; readonly a: number; readonly b: number }
  | { readonly op: "retype"; readonly at: number; readonly to: number }
  | { readonly op: "huge"; readonly at: number; readonly kind: number }
  | { readonly op: "key"; readonly at: number; readonly key: string }
  | { readonly op: "drop"; readonly at: number }
  | { readonly op: "share"; readonly a: number; readonly b: number }
  | { readonly op: "bomb"; readonly at: number; readonly width: number }
  | { readonly op: "deep"; readonly at: number; readonly depth: number }
  | { readonly op: "repeat"; readonly at: number; readonly times: number }
  | { readonly op: "cut"; readonly at: number; readonly length: number }
  | { readonly op: "merge"; readonly other: number; readonly at: number; readonly from: number; readonly length: number }
  | { readonly op: "noise"; readonly at: number; readonly text: string };

/** A bundled example and the mutations applied to it, in order. */
export interface MutatedManifest {
  readonly example: number;
  readonly mutations: readonly Mutation[];
}

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const YAML_NOISE = [
  "&a ",
  "*a",
  "*b",
  "<<: ",
  "? ",
  "- ",
  ": ",
  "{",
  "}",
  "[",
  "]",
  "\n",
  "\t",
  "  ",
  "'",
  '"',
  "|",
  ">",
  "!!binary ",
  "!!str ",
  "%YAML 1.1\n",
  "---\n",
  "...\n",
  "#",
  ",",
  "\u0000",
  "\uFEFF",
  "\u2028",
  "\uD800",
  "é",
  "0x1F",
  "1e400",
  "-0",
  ".inf",
  "~",
  "null",
  "yes",
  "__proto__: {}",
];

/** Any mutation, with its positions as fractions. */
const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("swap" as const), a: fraction, b: fraction }),
  fc.record({ op: fc.constant("retype" as const), at: fraction, to: fc.nat(9) }),
  fc.record({ op: fc.constant("huge" as const), at: fraction, kind: fc.nat(5) }),
  fc.record({
    op: fc.constant("key" as const),
    at: fraction,
    key: fc.constantFrom(
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
      "",
      " ",
      "ingresVIP",
      "spec",
      "metadata",
      "k".repeat(3000),
      "a.b/c~d",
      "[0]",
    ),
  }),
  fc.record({ op: fc.constant("drop" as const), at: fraction }),
  fc.record({ op: fc.constant("share" as const), a: fraction, b: fraction }),
  fc.record({ op: fc.constant("bomb" as const), at: fraction, width: fc.integer({ min: 2, max: 12 }) }),
  fc.record({ op: fc.constant("deep" as const), at: fraction, depth: fc.constantFrom(10, 100, 1000, 20_000) }),
  fc.record({ op: fc.constant("repeat" as const), at: fraction, times: fc.constantFrom(2, 100, 10_000) }),
  fc.record({ op: fc.constant("cut" as const), at: fraction, length: fc.nat(200) }),
  fc.record({ op: fc.constant("merge" as const), other: fc.nat(EXAMPLE_NAMES.length - 1), at: fraction, from: fraction, length: fc.nat(400) }),
  fc.record({ op: fc.constant("noise" as const), at: fraction, text: fc.oneof(fc.constantFrom(...YAML_NOISE), fc.string({ maxLength: 8 })) }),
);

/** A bundled example with one to four mutations. */
export const arbMutatedManifest: fc.Arbitrary<MutatedManifest> = fc.record({
  example: fc.nat(EXAMPLE_NAMES.length - 1),
  mutations: fc.array(arbMutation, { minLength: 1, maxLength: 4 }),
});

type Slot = { readonly holder: Record<string | number, unknown>; readonly key: string | number };

/** Every place in the documents a value sits (map entries and list items), in document order. */
function slots(root: unknown): Slot[] {
  const found: Slot[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== "object" || value === null) continue;
    for (const key of Object.keys(value)) {
      const holder = value as Record<string | number, unknown>;
      found.push({ holder, key: Array.isArray(value) ? Number(key) : key });
      stack.push(holder[key]);
    }
  }
  return found;
}

const pick = <T>(items: readonly T[], at: number): T | undefined => items[Math.floor(at * items.length)];

const RETYPED: readonly unknown[] = [null, 0, -1, 4294967296, 1.5, true, "", "not-an-ip", [], {}];

function hugeValue(kind: number): unknown {
  switch (kind) {
    case 0:
      return "x".repeat(200_000);
    case 1:
      return Array.from({ length: 20_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    case 2:
      return Number.MAX_VALUE;
    case 3:
      return Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`key-${i}`, `value-${i}`]));
    case 4:
      return `${"9".repeat(400)}`;
    default:
      return Array.from({ length: 2_000 }, () => ({ ip: "10.0.0.1", asn: 65002 }));
  }
}

function mutateValues(documents: unknown[], mutation: Mutation): void {
  const all = slots(documents);
  if (mutation.op === "swap") {
    const a = pick(all, mutation.a);
    const b = pick(all, mutation.b);
    if (!a || !b) return;
    const value = a.holder[a.key];
    a.holder[a.key] = b.holder[b.key];
    b.holder[b.key] = value;
  } else if (mutation.op === "retype") {
    const slot = pick(all, mutation.at);
    if (slot) slot.holder[slot.key] = structuredClone(RETYPED[mutation.to]);
  } else if (mutation.op === "huge") {
    const slot = pick(all, mutation.at);
    if (slot) slot.holder[slot.key] = hugeValue(mutation.kind);
  } else if (mutation.op === "key") {
    const maps = all
      .map((slot) => slot.holder[slot.key])
      .filter((value): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value));
    const map = pick(maps, mutation.at);
    if (map) Object.defineProperty(map, mutation.key, { value: { injected: true }, enumerable: true, writable: true, configurable: true });
  } else if (mutation.op === "share") {
    // the same object in two places: the YAML writer emits an anchor and an alias (never a loop: the writer cannot end one)
    const a = pick(all, mutation.a);
    const b = pick(all, mutation.b);
    const shared = a?.holder[a.key];
    if (a && b && !slots(shared).some((slot) => slot.holder === b.holder) && shared !== b.holder) b.holder[b.key] = shared;
  } else if (mutation.op === "drop") {
    const slot = pick(all, mutation.at);
    if (slot && Array.isArray(slot.holder)) slot.holder.splice(Number(slot.key), 1);
    else if (slot) delete slot.holder[slot.key];
  }
}

function mutateText(text: string, mutation: Mutation): string {
  const at = (fraction: number) => Math.floor(fraction * (text.length + 1));
  if (mutation.op === "cut") return text.slice(0, at(mutation.at)) + text.slice(at(mutation.at) + mutation.length);
  if (mutation.op === "noise") return text.slice(0, at(mutation.at)) + mutation.text + text.slice(at(mutation.at));
  if (mutation.op === "bomb") {
    const levels = Array.from({ length: 8 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array.from({ length: mutation.width }, () => `*l${i}`).join(",")}]`);
    return `${text.slice(0, at(mutation.at))}\nl0: &l0 "lol"\n${levels.join("\n")}\n${text.slice(at(mutation.at))}`;
  }
  if (mutation.op === "deep") {
    return `${text.slice(0, at(mutation.at))}${"[".repeat(mutation.depth)}${"]".repeat(mutation.depth)}${text.slice(at(mutation.at))}`;
  }
  if (mutation.op === "repeat") {
    const lines = text.split("\n");
    const index = Math.floor(mutation.at * lines.length);
    const line = lines[index] ?? "";
    const times = Math.min(mutation.times, Math.floor(2_000_000 / (line.length + 1)));
    return [...lines.slice(0, index), ...Array.from({ length: times }, () => line), ...lines.slice(index + 1)].join("\n");
  }
  if (mutation.op === "merge") {
    const other = exampleText(EXAMPLE_NAMES[mutation.other]);
    const from = Math.floor(mutation.from * other.length);
    return text.slice(0, at(mutation.at)) + other.slice(from, from + mutation.length) + text.slice(at(mutation.at));
  }
  return text;
}

/** The manifest text: structural mutations on the parsed documents, then text mutations on their YAML. */
export function mutatedText(manifest: MutatedManifest): string {
  const original = exampleText(EXAMPLE_NAMES[manifest.example]);
  const documents = parseAllDocuments(original).map((doc) => doc.toJS() as unknown);
  const structural = manifest.mutations.filter((m) => ["swap", "retype", "huge", "key", "drop", "share"].includes(m.op));
  for (const mutation of structural) mutateValues(documents, mutation);
  let text = structural.length === 0 ? original : documents.map((doc) => stringify(doc, { lineWidth: 0 })).join("---\n");
  for (const mutation of manifest.mutations) text = mutateText(text, mutation);
  return text;
}

/** What the CLI did with one mutated manifest. */
export interface CliOutcome {
  readonly verb: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The verbs the mutated files go through, with the arguments that follow the file. */
export const VERBS: readonly (readonly string[])[] = [
  ["validate"],
  ["validate", "--output", "json"],
  ["render"],
  ["render", "--no-validate"],
  ["import"],
  ["import", "--target", "sdk"],
  ["diff"],
];

/**
 * Runs `bgplb <verb> FILE` in process (for diff: the example, then FILE).
 * @param file where the mutated text was written; `original` the unmutated example's path.
 */
export async function runCli(verb: readonly string[], file: string, original: string): Promise<CliOutcome> {
  let stdout = "";
  let stderr = "";
  const args = verb[0] === "diff" ? ["diff", original, file] : [verb[0], file, ...verb.slice(1)];
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { verb: verb.join(" "), code, stdout, stderr };
}

/**
 * What is wrong with an outcome, or undefined: an exit code outside the
 * contract (0, 1, 2; 3 is an internal error), or a message line over 1,000
 * characters (stderr always; stdout too for validate's diagnostics).
 */
export function outcomeProblem(outcome: CliOutcome): string | undefined {
  if (![0, 1, 2].includes(outcome.code) || outcome.stderr.includes("internal error")) return `exit ${outcome.code}: ${outcome.stderr.slice(0, 300)}`;
  const messages = outcome.verb === "validate" ? `${outcome.stdout}\n${outcome.stderr}` : outcome.stderr;
  const long = messages.split("\n").find((line) => line.length > 1000);
  return long === undefined ? undefined : `a ${long.length}-character line: ${long.slice(0, 200)}`;
}
