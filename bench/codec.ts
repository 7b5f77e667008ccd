/**
 * `npm run bench -- codec [N]`: the UPDATE packer and the Adj-RIB-Out on
 * fixed inputs, in nanoseconds per prefix, so a change to either is
 * measured on the same work before and after. Decode is timed for
 * reference on the packer's own output.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { decodeMessage } from "../sdk/bgp/codec/codec";
import { AsPathSegmentType, Origin, type CodecContext, type PathAttributes } from "../sdk/bgp/messages";
import { AdjRibOut, type OriginatedRoute } from "../sdk/bgp/rib/rib-out";
import { packUpdates, UpdatePacker, type AdvertisedRoute } from "../sdk/bgp/rib/update-packer";

const CONTEXT: CodecContext = { fourOctetAs: true, addPath: {}, extendedNextHop: false };
const ATTRIBUTES: PathAttributes = { origin: Origin.Igp, asPath: [{ type: AsPathSegmentType.AsSequence, asns: [65001] }], communities: [0xfde80064] };
const REPEATS = 7;

/** 2001:db8:X:Y::1 with X:Y the 32 bits of `i`. */
function ipv6Host(i: number): bigint {
  return (0x2001_0db8n << 96n) | (BigInt(i) << 64n) | 1n;
}

/** 198.18.0.1, the IPv4 next hop. */
const NEXT_HOP_V4 = 0xc6120001;
/** 2001:db8::1, the IPv6 next hop. */
const NEXT_HOP_V6 = (0x2001_0db8n << 96n) | 1n;

/** N IPv4 /32s (10.0.0.0 up) and N IPv6 /128s sharing one attribute set and next hop. */
function inputs(count: number): { v4: AdvertisedRoute[]; v6: AdvertisedRoute[] } {
  const v4: AdvertisedRoute[] = [];
  const v6: AdvertisedRoute[] = [];
  for (let i = 0; i < count; i++) {
    v4.push({
      family: "ipv4-unicast",
      prefix: { address: ((10 << 24) + i) >>> 0, length: 32 },
      nextHop: { global: NEXT_HOP_V4 },
      attributes: ATTRIBUTES,
    });
    v6.push({ family: "ipv6-unicast", prefix: { address: ipv6Host(i), length: 128 }, nextHop: { global: NEXT_HOP_V6 }, attributes: ATTRIBUTES });
  }
  return { v4, v6 };
}

/** This process's CPU time so far (user + system), in nanoseconds: other load on the machine does not count. */
function cpuNs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/** Best of REPEATS CPU timings of `work`, in ns per unit. */
function nsPer(units: number, work: () => void): number {
  let best = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const start = cpuNs();
    work();
    best = Math.min(best, cpuNs() - start);
  }
  return best / units;
}

/** Packs `routes` the way the speaker does: fed one by one into an UpdatePacker, already grouped. */
function streamPack(routes: readonly AdvertisedRoute[]): void {
  const packer = new UpdatePacker(CONTEXT);
  for (const r of routes) packer.announce(r.family, r.prefix, r.nextHop, r.attributes);
  packer.flush();
}

function decodeAll(messages: readonly Uint8Array[]): number {
  let prefixes = 0;
  for (const message of messages) {
    const result = decodeMessage(message, CONTEXT);
    if (!result.ok || result.message.kind !== "update") throw new Error("packer output did not decode as an UPDATE");
    prefixes += result.message.nlri.length + (result.message.attributes.mpReach?.nlri.length ?? 0);
  }
  return prefixes;
}

function vipRoutes(count: number, offset = 0): OriginatedRoute[] {
  return Array.from({ length: count }, (_, i) => ({
    family: "ipv4-unicast",
    address: ((10 << 24) + offset + i) >>> 0,
    length: 32,
    nextHops: [NEXT_HOP_V4],
    communities: [0xfde80064],
  }));
}

/**
 * The speaker's path for a full table: the RIB-out streamed into an
 * UpdatePacker, timed per batch (what one event-loop turn of the speaker
 * holds the loop for, before socket writes) and to the first message.
 */
function streamTimings(routes: readonly OriginatedRoute[]): { firstMs: number; p99Ms: number; maxMs: number; totalNs: number } {
  const rib = new AdjRibOut(65001);
  rib.replaceAll(routes);
  rib.sessionUp({ families: ["ipv4-unicast", "ipv6-unicast"], addPathSend: [], extendedNextHop: false });
  const packer = new UpdatePacker(CONTEXT);
  const start = process.hrtime.bigint();
  let first = 0;
  const batches: number[] = [];
  let last = start;
  for (const _ of rib.changes(packer)) {
    const now = process.hrtime.bigint();
    batches.push(Number(now - last) / 1e6);
    if (!first && packer.take().length > 0) first = Number(now - start) / 1e6;
    last = process.hrtime.bigint();
  }
  packer.flush();
  const totalNs = Number(process.hrtime.bigint() - start) / routes.length;
  batches.sort((a, b) => a - b);
  return { firstMs: first, p99Ms: batches[Math.floor(batches.length * 0.99)] ?? 0, maxMs: batches[batches.length - 1] ?? 0, totalNs };
}

/**
 * Heap held by a RIB-out of `routes` with the whole table sent (live
 * objects only, after full collections), in bytes per route.
 */
function ribBytesPerRoute(routes: readonly OriginatedRoute[]): number {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  const rib = new AdjRibOut(65001);
  rib.replaceAll(routes);
  rib.sessionUp({ families: ["ipv4-unicast", "ipv6-unicast"], addPathSend: [], extendedNextHop: false });
  for (const _ of rib.changes({ announce() {}, withdraw() {} }));
  gc();
  const held = process.memoryUsage().heapUsed - before;
  if (rib.advertisedCount !== routes.length) throw new Error("RIB-out did not send the table");
  return held / routes.length;
}

/** Runs the codec micro-benchmark. `args`: [N] (default 100000). */
export function codecBench(args: readonly string[]): void {
  const count = Number(args[0] ?? 100_000);
  if (!Number.isInteger(count) || count < 1) throw new Error(`N: ${args[0]} is not a positive integer`);
  const { v4, v6 } = inputs(count);
  const packedV4 = packUpdates({ announce: v4 }, CONTEXT);
  const packedV6 = packUpdates({ announce: v6 }, CONTEXT);
  if (decodeAll(packedV4) !== count || decodeAll(packedV6) !== count) throw new Error("packer output lost prefixes");
  const rows: [string, number][] = [
    ["packUpdates IPv4 /32 (ns/prefix)", nsPer(count, () => packUpdates({ announce: v4 }, CONTEXT))],
    ["packUpdates IPv6 /128 (ns/prefix)", nsPer(count, () => packUpdates({ announce: v6 }, CONTEXT))],
    ["UpdatePacker.announce IPv4 /32, speaker path (ns/prefix)", nsPer(count, () => streamPack(v4))],
    ["withdraw IPv4 /32 (ns/prefix)", nsPer(count, () => packUpdates({ withdraw: v4 }, CONTEXT))],
    ["decode IPv4 (ns/prefix, reference)", nsPer(count, () => decodeAll(packedV4))],
    ["decode IPv6 (ns/prefix, reference)", nsPer(count, () => decodeAll(packedV6))],
  ];
  const session = { families: ["ipv4-unicast", "ipv6-unicast"] as const, addPathSend: [], extendedNextHop: false };
  const routes = vipRoutes(count);
  // 10% of the VIPs replaced by new ones: the incremental change of the issue.
  const changed = [...routes.slice(count / 10), ...vipRoutes(count / 10, count)];
  let full = 0;
  let incremental = 0;
  rows.push([
    "RIB-out load + full table + pack (ns/route)",
    nsPer(count, () => {
      const rib = new AdjRibOut(65001);
      rib.replaceAll(routes);
      rib.sessionUp({ ...session, families: [...session.families] });
      full = packUpdates(rib.takeChanges(), CONTEXT).length;
    }),
  ]);
  const rib = new AdjRibOut(65001);
  rib.replaceAll(routes);
  rib.sessionUp({ ...session, families: [...session.families] });
  rib.takeChanges();
  let flip = false;
  rows.push([
    "RIB-out 10% change + pack (ns/route of the table)",
    nsPer(count, () => {
      flip = !flip;
      rib.replaceAll(flip ? changed : routes);
      incremental = packUpdates(rib.takeChanges(), CONTEXT).length;
    }),
  ]);
  const stream = streamTimings(routes);
  rows.push(
    ["RIB-out heap per route, table sent (B)", ribBytesPerRoute(routes)],
    ["stream: sessionUp to first UPDATE packed (ms)", stream.firstMs],
    ["stream: one batch of 1024, p99 (ms)", stream.p99Ms],
    ["stream: one batch of 1024, max (ms)", stream.maxMs],
    ["stream: whole table (ns/route)", stream.totalNs],
  );
  console.log(
    `codec, N = ${count} (best of ${REPEATS}, CPU time, Node ${process.versions.node}); full table ${full} UPDATEs, 10% change ${incremental} UPDATEs`,
  );
  for (const [label, value] of rows) console.log(`${label.padEnd(50)}${value.toFixed(1).padStart(10)}`);
}
