import * as os from "node:os";
import * as path from "node:path";
import * as fs from "node:fs";
import { appliedTopologyProvider, renderedManifestsProvider } from "../provider";
import { keyedObjects, type ManifestSetState, type PlainObject } from "../provider/manifest-set";
import { exampleText, parseManifests, renderPlain, type ExampleName } from "../sdk/manifest";
import type { Topology } from "../sdk/model";
import { gkeTopology, scaled } from "./topology";

const REPEATS = 5;

type Provider = Required<typeof renderedManifestsProvider>;

/**
 * The objects of `topology` with every object's labels carrying `run`, so each
 * repeat gives the provider an object set it has not seen (a cache kept by the
 * provider process does not hide the cost of a first look).
 */
function objectsOf(topology: Topology, run: string): Record<string, PlainObject> {
  return keyedObjects(
    renderPlain(topology).map((object) => {
      const metadata = (object.metadata ?? {}) as Record<string, unknown>;
      return { ...object, metadata: { ...metadata, labels: { ...(metadata.labels as object | undefined), "bench-run": run } } };
    }),
  );
}

async function timed<T>(times: Map<string, number[]>, name: string, run: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  const result = await run();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  times.set(name, [...(times.get(name) ?? []), ms]);
  return result;
}

/**
 * One stack with both dynamic resources (apply to a cluster and render the
 * GitOps directory), as the engine drives them in one provider process:
 * `pulumi preview` is check + diff of each, `pulumi up` adds update.
 */
async function measure(label: string, topology: Topology): Promise<void> {
  const applied = appliedTopologyProvider as Provider;
  const rendered = renderedManifestsProvider as Provider;
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "bgplb-bench-provider-"));
  const times = new Map<string, number[]>();
  try {
    for (let run = 0; run < REPEATS; run++) {
      const olds = objectsOf(topology, `old-${run}`);
      const news = objectsOf(topology, `new-${run}`);
      const state = (await rendered.create({ directory, objects: olds })).outs as ManifestSetState;
      await timed(times, "AppliedTopology check", () => applied.check({ objects: olds }, { objects: news }));
      await timed(times, "RenderedManifests check", () => rendered.check(state, { directory, objects: news }));
      await timed(times, "AppliedTopology diff", () => applied.diff("applied-topology", { objects: olds }, { objects: news }));
      await timed(times, "RenderedManifests diff", () => rendered.diff(directory, state, { directory, objects: news }));
      await timed(times, "AppliedTopology update", () => applied.update("applied-topology", { objects: olds }, { objects: news }));
      await timed(times, "RenderedManifests update", () => rendered.update(directory, state, { directory, objects: news }));
    }
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  let preview = 0;
  let up = 0;
  console.log(`${label}: ${Object.keys(objectsOf(topology, "")).length} objects, median of ${REPEATS} runs`);
  for (const [name, values] of times) {
    const ms = median(values);
    if (!name.endsWith("update")) preview += ms;
    up += ms;
    console.log(`  ${name.padEnd(26)} ${ms.toFixed(1).padStart(8)} ms`);
  }
  console.log(`  ${"preview (checks + diffs)".padEnd(26)} ${preview.toFixed(1).padStart(8)} ms`);
  console.log(`  ${"up (preview + updates)".padEnd(26)} ${up.toFixed(1).padStart(8)} ms`);
}

/**
 * `npm run bench -- provider [EXAMPLE]`: time per engine operation of the
 * dynamic providers for a bundled example (default the largest,
 * metallb-pools-per-peer) and for the 1x GKE bench topology.
 */
export async function providerBench([example]: readonly string[]): Promise<void> {
  const name = (example ?? "metallb-pools-per-peer") as ExampleName;
  await measure(`example ${name}`, parseManifests(exampleText(name)).topology);
  await measure("GKE topology 1x", gkeTopology(scaled(1)).topology);
}
