/**
 * The set of VIPs the speaker advertises: parsing `--advertise-ip` values
 * and advertise files into host prefixes (/32 for IPv4, /128 for IPv6).
 */
import { ipValue, parseIp, type IpValue } from "../net";

/** One advertised VIP. */
export interface Vip {
  /** Canonical address text, for logs. */
  readonly address: string;
  /** The address as the BGP code carries it: a number (IPv4) or a bigint (IPv6). */
  readonly value: IpValue;
  /** 4 or 6. */
  readonly family: 4 | 6;
  /** 32 or 128. */
  readonly length: 32 | 128;
}

/** Parses one VIP, or says what is wrong with it (without naming the source). */
function readVip(text: string): Vip | string {
  const trimmed = text.trim();
  const slash = trimmed.indexOf("/");
  const addr = slash < 0 ? trimmed : trimmed.slice(0, slash);
  let parsed;
  try {
    parsed = parseIp(addr);
  } catch {
    return `${JSON.stringify(text)} is not an IPv4 or IPv6 address`;
  }
  const length = parsed.family === 4 ? 32 : 128;
  if (slash >= 0 && trimmed.slice(slash + 1) !== String(length)) {
    return `${JSON.stringify(text)} is not a host address (VIPs are advertised as /32 or /128)`;
  }
  return { address: parsed.text, value: ipValue(parsed), family: parsed.family, length };
}

/**
 * Parses one VIP; `where` names its source in the error (e.g.
 * `--advertise-ip` or `vips.txt line 3`). A `/32` or `/128` suffix is
 * accepted; any other prefix length is refused.
 * @throws Error naming the source and the bad value.
 */
export function parseVip(text: string, where: string): Vip {
  const vip = readVip(text);
  if (typeof vip === "string") throw new Error(`${where}: ${vip}`);
  return vip;
}

/**
 * Parses an advertise file: one VIP per line; blank lines and text after
 * `#` are ignored.
 * @throws Error naming the file, the line and the bad value.
 */
export function parseVipFile(text: string, file: string): Vip[] {
  const vips: Vip[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const hash = line.indexOf("#");
    const content = (hash < 0 ? line : line.slice(0, hash)).trim();
    if (!content) continue;
    const vip = readVip(content);
    if (typeof vip === "string") throw new Error(`${file} line ${i + 1}: ${vip}`);
    vips.push(vip);
  }
  return vips;
}

/** Merges VIP lists, dropping duplicates, in first-seen order. */
export function uniqueVips(...lists: readonly (readonly Vip[])[]): Vip[] {
  const seen = new Map<string, Vip>();
  for (const list of lists) for (const v of list) if (!seen.has(v.address)) seen.set(v.address, v);
  return [...seen.values()];
}
