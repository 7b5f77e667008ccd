/**
 * `advertise` start-up cost of a large config: YAML parse and check of
 * 10,000 to 100,000 peers, with the check (duplicate peers included) timed
 * on its own so a return to quadratic behaviour shows in per_peer_us.
 */
import { parse as parseYaml } from "yaml";
import { checkSpeakerConfig } from "../sdk/speaker/config";

const COUNTS = [10_000, 50_000, 100_000];

function millis(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function configText(count: number): string {
  const peers = Array.from({ length: count }, (_, i) => `  - {peerIP: 10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}, peerASN: 65001}\n`);
  return `localIP: 192.0.2.1\nlocalASN: 65000\npeers:\n${peers.join("")}`;
}

/** Prints the table. */
export function benchSpeakerConfig(): void {
  console.log("\nadvertise config: parse = YAML, check = fields and duplicate peers");
  console.log("  peers  yaml_MiB  parse_ms  check_ms  check_per_peer_us");
  for (const count of COUNTS) {
    const text = configText(count);
    const parseStart = process.hrtime.bigint();
    const doc = parseYaml(text) as unknown;
    const parseMs = millis(parseStart);
    const checkStart = process.hrtime.bigint();
    const config = checkSpeakerConfig(doc);
    const checkMs = millis(checkStart);
    if (config.peers.length !== count) throw new Error(`expected ${count} peers, got ${config.peers.length}`);
    console.log(
      [
        String(count).padStart(7),
        (text.length / 1048576).toFixed(2).padStart(9),
        parseMs.toFixed(0).padStart(9),
        checkMs.toFixed(0).padStart(9),
        ((checkMs * 1000) / count).toFixed(2).padStart(18),
      ].join(" "),
    );
  }
}
