import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { renderYaml } from "../sdk/manifest";
import { topologyObjects } from "../sdk/model";
import { fuzzCli } from "./fuzz-cli";
import { summarize, validate } from "../sdk/validate";
import { advertiseBench } from "./advertise";
import { benchBfd } from "./bfd";
import { codecBench } from "./codec";
import { providerBench } from "./provider";
import { failoverBench } from "./failover";
import { benchSpeakerConfig } from "./speaker-config";
import { gkeTopology, metallbTopology, scaled, type TopologySize } from "./topology";
import { routersBench } from "./routers";

/** What one measured case produced. */
interface CaseResult {
  readonly flavour: string;
  readonly factor: number;
  readonly size: TopologySize;
  readonly objects: number;
  /** First run: what one CLI invocation pays (no JIT warm-up). */
  readonly coldMs: number;
  /** Best of the runs: the steady cost, least disturbed by other load on the machine. */
  readonly validateMs: number;
  readonly renderMs: number;
  readonly totalMs: number;
  readonly yamlBytes: number;
  readonly peakRssMiB: number;
}

const FLAVOURS = ["gke", "metallb"] as const;
const FACTORS = [1, 2, 4];
const REPEATS = 7;

function millis(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function best(values: number[]): number {
  return values.reduce((least, value) => Math.min(least, value), Infinity);
}

/** Runs one case in this process: build, then validate + render REPEATS times. */
function runCase(flavour: (typeof FLAVOURS)[number], factor: number): CaseResult {
  const size = scaled(factor);
  const { topology, nodeSubnets } = flavour === "gke" ? gkeTopology(size) : { topology: metallbTopology(size), nodeSubnets: [] };
  const validateTimes: number[] = [];
  const renderTimes: number[] = [];
  const totals: number[] = [];
  let yamlBytes = 0;
  for (let i = 0; i < REPEATS; i++) {
    const start = process.hrtime.bigint();
    const diagnostics = validate(topology, { nodeSubnets });
    const validated = millis(start);
    const errors = summarize(diagnostics).errors;
    if (errors > 0)
      throw new Error(`generated ${flavour} topology has ${errors} validation errors: ${diagnostics.find((d) => d.severity === "error")?.message}`);
    const renderStart = process.hrtime.bigint();
    yamlBytes = renderYaml(topology).length;
    renderTimes.push(millis(renderStart));
    validateTimes.push(validated);
    totals.push(millis(start));
  }
  const objects = topologyObjects(topology).length;
  return {
    flavour,
    factor,
    size,
    objects,
    coldMs: totals[0],
    validateMs: best(validateTimes),
    renderMs: best(renderTimes),
    totalMs: best(totals),
    yamlBytes,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

/** The other cases, by name: `npm run bench -- NAME [ARGS]`. */
const CASES: Readonly<Record<string, (args: readonly string[]) => void | Promise<void>>> = {
  advertise: advertiseBench,
  bfd: benchBfd,
  codec: codecBench,
  // loaded on use: the Kubernetes client costs the other cases a second at start-up
  "cluster-scale": async (args) => (await import("./cluster-scale.js")).clusterScaleBench(args),
  "cluster-allocator": async (args) => (await import("./cluster-allocator.js")).clusterAllocatorBench(args),
  failover: () => failoverBench(),
  provider: providerBench,

  routers: routersBench,
  "fuzz-cli": ([cases, seed]) => fuzzCli(Number(cases ?? 10_000), seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(seed)),
};

function main(): void {
  const [flag, flavour, factor] = process.argv.slice(2);
  const named = CASES[flag ?? ""];
  if (named) {
    Promise.resolve(named(process.argv.slice(3))).catch((err: Error) => {
      console.error(err.stack ?? err.message);
      process.exitCode = 1;
    });
    return;
  }
  if (flag === "--case") {
    process.stdout.write(JSON.stringify(runCase(flavour as (typeof FLAVOURS)[number], Number(factor))));
    return;
  }
  // Each case in a fresh process, so peak memory is that case's own.
  const results: CaseResult[] = [];
  for (const f of FLAVOURS) {
    for (const k of FACTORS) {
      results.push(JSON.parse(execFileSync(process.execPath, [__filename, "--case", f, String(k)], { encoding: "utf8" })) as CaseResult);
    }
  }
  console.log(`validate + render: cold = first run, best = best of ${REPEATS} runs (Node ${process.versions.node}, ${cpus().length} CPUs)`);
  console.log("flavour  scale  nodes  peers  fips  pools  objects  cold_ms  validate_ms  render_ms  best_ms  per_1x  yaml_MiB  peak_rss_MiB");
  for (const r of results) {
    const base = results.find((x) => x.flavour === r.flavour && x.factor === 1)!;
    console.log(
      [
        r.flavour.padEnd(7),
        `${r.factor}x`.padStart(5),
        String(r.size.nodes).padStart(6),
        String(r.size.peers).padStart(6),
        String(r.size.floatingIps).padStart(5),
        String(r.size.pools).padStart(6),
        String(r.objects).padStart(8),
        r.coldMs.toFixed(1).padStart(8),
        r.validateMs.toFixed(1).padStart(12),
        r.renderMs.toFixed(1).padStart(10),
        r.totalMs.toFixed(1).padStart(9),
        (r.totalMs / base.totalMs / r.factor).toFixed(2).padStart(7),
        (r.yamlBytes / 1048576).toFixed(2).padStart(9),
        r.peakRssMiB.toFixed(0).padStart(13),
      ].join(" "),
    );
  }
  console.log("per_1x = best / (1x best * scale): 1.00 means linear growth.");
  benchSpeakerConfig();
}

main();
