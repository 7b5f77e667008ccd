/**
 * The set of VIPs the speaker advertises: parsing `--advertise-ip` values
 * and advertise files into host prefixes (/32 for IPv4, /128 for IPv6).
 */
import { ipValue, parseIp, parseIpValue, type IpValue } from "../net";

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
 * The address value of one VIP (no text made for it), or what is wrong with
 * it: the same syntax as {@link parseVip}.
 */
export function readVipValue(text: string): IpValue | string {
  const trimmed = text.trim();
  const slash = trimmed.indexOf("/");
  const value = parseIpValue(slash < 0 ? trimmed : trimmed.slice(0, slash));
  if (value === undefined) return `${JSON.stringify(text)} is not an IPv4 or IPv6 address`;
  if (slash >= 0 && trimmed.slice(slash + 1) !== (typeof value === "number" ? "32" : "128")) {
    return `${JSON.stringify(text)} is not a host address (VIPs are advertised as /32 or /128)`;
  }
  return value;
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
  forEachVip(text, file, readVip, (vip) => vips.push(vip));
  return vips;
}

/**
 * The address values of an advertise file's VIPs (see {@link parseVipFile}),
 * without an object or text kept per VIP: what a large file needs.
 * @throws Error naming the file, the line and the bad value.
 */
export function parseVipValues(text: string, file: string): IpValue[] {
  const values: IpValue[] = [];
  forEachVip(text, file, readVipValue, (value) => values.push(value));
  return values;
}

function forEachVip<T>(text: string, file: string, read: (text: string) => T | string, take: (vip: T) => void): void {
  let line = 0;
  for (let from = 0; from < text.length;) {
    line++;
    const newline = text.indexOf("\n", from);
    const end = newline < 0 ? text.length : newline;
    const raw = text.slice(from, end);
    const hash = raw.indexOf("#");
    const content = (hash < 0 ? raw : raw.slice(0, hash)).trim();
    from = end + 1;
    if (!content) continue;
    const vip = read(content);
    if (typeof vip === "string") throw new Error(`${file} line ${line}: ${vip}`);
    take(vip);
  }
}
