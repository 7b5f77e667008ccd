/**
 * BIRD 2 configuration for one router, to `include` from bird.conf: import
 * filters accepting exactly the cluster's prefixes, one `protocol bgp` per
 * cluster source address, and a kernel protocol merging equal paths (ECMP).
 */
import type { IpFamily } from "../net";
import { skippedLines, type Peering } from "./peering";
import type { AcceptedPrefix, RouterNeighbor, RouterPolicy } from "./policy";
import { MULTIHOP_TTL, md5PasswordOf, type RouterConfigOptions } from "./options";

function filterName(family: IpFamily): string {
  return `bgplb_import_v${family}`;
}

function protocolName(address: string): string {
  return `bgplb_${address.replace(/[.:]/g, "_")}`;
}

function prefixPattern(entry: AcceptedPrefix): string {
  const length = Number(entry.prefix.split("/")[1]);
  return entry.minLength > length ? `${entry.prefix}{${entry.minLength},${entry.maxLength}}` : entry.prefix;
}

function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function protocolLines(n: RouterNeighbor, policy: RouterPolicy, options: RouterConfigOptions): string[] {
  const lines = [
    `protocol bgp ${protocolName(n.address)} {`,
    `  description ${quoted(n.description)};`,
    `  local ${policy.router.address} as ${policy.router.asn};`,
    `  neighbor ${n.address} as ${n.asn};`,
  ];
  if (n.multihop) lines.push(`  multihop ${MULTIHOP_TTL};`);
  if (n.passive) lines.push("  passive on;");
  if (n.md5) lines.push(`  password ${quoted(md5PasswordOf(options))};`);
  if (n.bfd) {
    const b = n.bfd;
    lines.push(
      `  bfd { min rx interval ${b.receiveInterval} ms; min tx interval ${b.transmitInterval} ms; multiplier ${b.detectMultiplier}; passive ${b.passiveMode ? "on" : "off"}; };`,
    );
  }
  for (const family of n.families) {
    lines.push(
      `  ipv${family} {`,
      `    import filter ${filterName(family)};`,
      `    import limit ${policy.maxPrefixes[family] ?? 1} action disable;`,
      "    export none;",
      ...(n.addPath ? ["    add paths rx;"] : []),
      "  };",
    );
  }
  lines.push("}", "");
  return lines;
}

/** The BIRD 2 configuration of one router. */
export function renderBird(peering: Peering, policy: RouterPolicy, options: RouterConfigOptions = {}): string {
  const { router } = policy;
  const out = [
    `# bgplb router-config --vendor bird: router ${router.address} (AS ${router.asn}), peering with ${peering.subject}`,
    '# Generated from the topology. Include it from bird.conf (include "bgplb.conf";) next to your router id,',
    "# protocol device and the routes that resolve the next hops. Prefixes outside these filters are refused.",
    ...skippedLines(peering.skipped).map((line) => `# ${line}`),
    "",
  ];
  for (const family of policy.families) {
    const patterns = policy.accepted.filter((e) => e.family === family).map(prefixPattern);
    out.push(`filter ${filterName(family)} {`, ...(patterns.length > 0 ? [`  if net ~ [ ${patterns.join(", ")} ] then accept;`] : []), "  reject;", "}", "");
  }
  if (policy.neighbors.some((n) => n.bfd)) out.push("protocol bfd bgplb_bfd {", "}", "");
  for (const n of policy.neighbors) out.push(...protocolLines(n, policy, options));
  for (const family of policy.families) {
    out.push(
      `# ECMP over the cluster's next hops; with a kernel protocol of your own for this table, add the merge paths line to it instead`,
      `protocol kernel bgplb_kernel_v${family} {`,
      `  ipv${family} { export where proto ~ "bgplb_*"; };`,
      `  merge paths on limit ${policy.maximumPaths};`,
      "}",
      "",
    );
  }
  return out.join("\n");
}
