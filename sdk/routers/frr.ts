/**
 * FRR configuration for one router (frr.conf / vtysh syntax): prefix-lists
 * and route-maps accepting exactly the cluster's prefixes, BFD profiles, and
 * a `router bgp` block with one neighbor per cluster source address.
 */
import type { IpFamily } from "../net";
import { skippedLines, type Peering } from "./peering";
import type { AcceptedPrefix, RouterNeighbor, RouterPolicy } from "./policy";
import { MULTIHOP_TTL, md5PasswordOf, type RouterConfigOptions } from "./options";

function prefixListName(family: IpFamily): string {
  return `BGPLB-IN-V${family}`;
}

function routeMapName(family: IpFamily): string {
  return `BGPLB-IN-V${family}`;
}

function prefixListLine(entry: AcceptedPrefix, seq: number): string {
  const length = Number(entry.prefix.split("/")[1]);
  const range = entry.minLength > length ? ` ge ${entry.minLength}${entry.maxLength < (entry.family === 4 ? 32 : 128) ? ` le ${entry.maxLength}` : ""}` : "";
  return `${entry.family === 4 ? "ip" : "ipv6"} prefix-list ${prefixListName(entry.family)} seq ${seq} permit ${entry.prefix}${range}`;
}

function bfdProfileName(profile: string): string {
  return `bgplb-${profile}`;
}

function neighborLines(n: RouterNeighbor, policy: RouterPolicy, options: RouterConfigOptions): string[] {
  const lines = [` ! ${n.description}`, ` neighbor ${n.address} remote-as ${n.asn}`];
  if (n.passive) lines.push(` neighbor ${n.address} passive`);
  if (n.multihop && !n.internal) lines.push(` neighbor ${n.address} ebgp-multihop ${MULTIHOP_TTL}`);
  if (n.multihop) lines.push(` neighbor ${n.address} update-source ${policy.router.address}`);
  if (n.md5) lines.push(` neighbor ${n.address} password ${md5PasswordOf(options)}`);
  if (n.bfd) lines.push(` neighbor ${n.address} bfd profile ${bfdProfileName(n.bfd.profile)}`);
  return lines;
}

/** The FRR configuration of one router. */
export function renderFrr(peering: Peering, policy: RouterPolicy, options: RouterConfigOptions = {}): string {
  const { router } = policy;
  const out = [
    `! bgplb router-config --vendor frr: router ${router.address} (AS ${router.asn}), peering with ${peering.subject}`,
    "! Generated from the topology. Merge into the router's configuration; the router ID, interfaces and",
    "! other neighbors stay as they are. Prefixes outside these lists are refused from the cluster.",
    ...skippedLines(peering.skipped).map((line) => `! ${line}`),
    "!",
  ];
  for (const family of policy.families) {
    const entries = policy.accepted.filter((e) => e.family === family);
    entries.forEach((entry, i) => out.push(prefixListLine(entry, (i + 1) * 5)));
    if (entries.length === 0) out.push(`${family === 4 ? "ip" : "ipv6"} prefix-list ${prefixListName(family)} seq 5 deny any`);
    out.push(
      "!",
      `route-map ${routeMapName(family)} permit 10`,
      ` match ${family === 4 ? "ip" : "ipv6"} address prefix-list ${prefixListName(family)}`,
      "exit",
      "!",
    );
  }
  out.push("route-map BGPLB-OUT deny 10", "exit", "!");
  out.push(`router bgp ${router.asn}`);
  for (const n of policy.neighbors) out.push(...neighborLines(n, policy, options));
  for (const family of policy.families) {
    out.push(` address-family ${family === 4 ? "ipv4" : "ipv6"} unicast`);
    const internal = policy.neighbors.some((n) => n.internal);
    const external = policy.neighbors.some((n) => !n.internal);
    if (external) out.push(`  maximum-paths ${policy.maximumPaths}`);
    if (internal) out.push(`  maximum-paths ibgp ${policy.maximumPaths}`);
    for (const n of policy.neighbors.filter((x) => x.families.includes(family))) {
      out.push(
        `  neighbor ${n.address} activate`,
        `  neighbor ${n.address} route-map ${routeMapName(family)} in`,
        `  neighbor ${n.address} route-map BGPLB-OUT out`,
        `  neighbor ${n.address} maximum-prefix ${policy.maxPrefixes[family] ?? 1}`,
      );
    }
    if (policy.neighbors.some((n) => n.addPath && n.families.includes(family)))
      out.push("  ! ADD-PATH receive: FRR accepts it by default (no disable-addpath-rx on these neighbors)");
    out.push(" exit-address-family");
  }
  out.push("exit");
  const profiles = new Map(policy.neighbors.flatMap((n) => (n.bfd ? [[n.bfd.profile, { timers: n.bfd, multihop: n.multihop }] as const] : [])));
  if (profiles.size > 0) {
    // after router bgp: bfdd reads this block, and bgpd loading the file alone stops at no line it needs
    out.push("!", "bfd");
    for (const [name, { timers, multihop }] of [...profiles].sort(([a], [b]) => (a < b ? -1 : 1))) {
      out.push(
        ` profile ${bfdProfileName(name)}`,
        `  detect-multiplier ${timers.detectMultiplier}`,
        `  receive-interval ${timers.receiveInterval}`,
        `  transmit-interval ${timers.transmitInterval}`,
        ...(timers.passiveMode ? ["  passive-mode"] : []),
        ...(timers.echoMode ? ["  echo-mode"] : []),
        ...(multihop ? [`  minimum-ttl ${timers.minimumTtl}`] : []),
        " exit",
      );
    }
    out.push("exit");
  }
  out.push("");
  return out.join("\n");
}
