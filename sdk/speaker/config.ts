/**
 * The speaker's configuration: the vendor `bgpadvertiser` YAML (`localIP`,
 * `localASN`, `peers: [{peerIP, peerASN}]`) plus optional fields, parsed and
 * checked into a {@link SpeakerConfig}. Every error names the field and the
 * bad value.
 */
import { parse as parseYaml } from "yaml";
import { BFD_DEFAULTS, BFD_LIMITS } from "../model/defaults";
import { parseIp } from "../net";
import { MAX_MD5_KEY_LENGTH } from "./tcp-md5";
import { bfdProfileTimers, type BfdPeerTimers } from "./bfd-driver";

/** One BGP neighbor. */
export interface PeerConfig {
  /** The neighbor's IPv4 address. */
  readonly peerIP: string;
  /** The neighbor's AS number (2- or 4-octet). */
  readonly peerASN: number;
  /** TCP port the neighbor listens on. @default 179 */
  readonly peerPort: number;
  /**
   * TCP MD5 signature password (RFC 2385) shared with the neighbor, 1 to 80
   * octets; set on the connecting and the listening socket. Never logged.
   * @default none (unsigned)
   */
  readonly password?: string;
  /**
   * Offer graceful restart (RFC 4724) to the neighbor: after a speaker
   * restart it keeps our routes for `gracefulRestartTime` seconds, until our
   * End-of-RIB. @default false
   */
  readonly gracefulRestart: boolean;
  /**
   * Single-hop BFD to the neighbor, from the fields of a MetalLB BFDProfile
   * spec (`receiveInterval`, `transmitInterval`, `detectMultiplier`,
   * `passiveMode`, `echoMode` with `echoInterval`); a BFD Down takes the BGP
   * session down at once. @default no BFD
   */
  readonly bfd?: BfdPeerTimers;
}

/** A large community (RFC 8092) as configured, `global:local1:local2`. */
export interface LargeCommunityConfig {
  readonly globalAdmin: number;
  readonly localData1: number;
  readonly localData2: number;
}

/** The validated speaker configuration. */
export interface SpeakerConfig {
  /** IPv4 address the sessions run from (also the router ID and the default next hop). */
  readonly localIP: string;
  /** Our AS number. */
  readonly localASN: number;
  /** BGP identifier. @default localIP */
  readonly routerID: string;
  /** The neighbors; at least one. */
  readonly peers: readonly PeerConfig[];
  /** Hold time we propose, seconds: 0 or 3..65535. @default 90 */
  readonly holdTime: number;
  /** ConnectRetry time, seconds (1..65535). @default 30 */
  readonly connectRetryTime: number;
  /** Port of the listener on localIP; 0 disables it (outbound connections only). @default 179 */
  readonly listenPort: number;
  /** Standard communities put on every advertised route, as 32-bit values. @default [] */
  readonly communities: readonly number[];
  /** Large communities put on every advertised route. @default [] */
  readonly largeCommunities: readonly LargeCommunityConfig[];
  /**
   * Next hops for IPv4 VIPs. With ADD-PATH send negotiated every one is
   * advertised as its own path; without it only the first.
   * @default [localIP]
   */
  readonly nextHops: readonly string[];
  /**
   * Next hops for IPv6 VIPs (sent in MP_REACH_NLRI over the IPv4 session).
   * Required when an IPv6 VIP is advertised. @default []
   */
  readonly ipv6NextHops: readonly string[];
  /** Offer ADD-PATH send (RFC 7911) for IPv4 and IPv6 unicast. @default false */
  readonly addPath: boolean;
  /** `host:port` of the health/metrics HTTP server. @default "127.0.0.1:8080" */
  readonly healthListen: string;
  /** Restart Time sent to peers with `gracefulRestart`, seconds (1..4095). @default 120 */
  readonly gracefulRestartTime: number;
}

/** A configuration error; `message` names the field and the bad value. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** Path of the offending field, e.g. `peers[0].peerASN`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

const MAX_ASN = 4294967295;
const KNOWN_FIELDS = new Set([
  "localIP",
  "localASN",
  "routerID",
  "peers",
  "holdTime",
  "connectRetryTime",
  "listenPort",
  "communities",
  "largeCommunities",
  "nextHops",
  "ipv6NextHops",
  "addPath",
  "healthListen",
  "gracefulRestartTime",
]);
const KNOWN_PEER_FIELDS = new Set(["peerIP", "peerASN", "peerPort", "password", "gracefulRestart", "bfd"]);

/** Checks a TCP MD5 password; the error says what is wrong without ever showing the value. */
function password(value: unknown, field: string): string {
  if (typeof value !== "string") throw new ConfigError(field, `is a ${value === null ? "null" : typeof value}, not a string (value not shown)`);
  const octets = Buffer.byteLength(value, "utf8");
  if (octets === 0 || octets > MAX_MD5_KEY_LENGTH) {
    throw new ConfigError(field, `is ${octets} octets long; a TCP MD5 password is 1 to ${MAX_MD5_KEY_LENGTH} octets (value not shown)`);
  }
  return value;
}
const KNOWN_BFD_FIELDS = new Set(["receiveInterval", "transmitInterval", "detectMultiplier", "echoInterval", "echoMode", "passiveMode", "minimumTtl"]);

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function integer(value: unknown, field: string, min: number, max: number, what: string): number {
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(field, `${show(value)} is not ${what} (an integer ${min}..${max})`);
  }
  return n;
}

function address(value: unknown, field: string, family: 4 | 6): string {
  let parsed;
  try {
    parsed = parseIp(String(value));
  } catch {
    throw new ConfigError(field, `${show(value)} is not an IPv${family} address`);
  }
  if (typeof value !== "string" || parsed.family !== family) {
    throw new ConfigError(field, `${show(value)} is not an IPv${family} address`);
  }
  return parsed.text;
}

function list(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ConfigError(field, `${show(value)} is not a list`);
  return value;
}

/** Parses `asn:value` (each 0..65535) into a 32-bit community. */
function parseCommunity(text: unknown, field: string): number {
  const m = typeof text === "string" ? /^(\d+):(\d+)$/.exec(text.trim()) : null;
  const high = m ? Number(m[1]) : NaN;
  const low = m ? Number(m[2]) : NaN;
  if (!m || high > 0xffff || low > 0xffff) {
    throw new ConfigError(field, `${show(text)} is not a community (expected ASN:VALUE, each 0-65535, e.g. 65000:100)`);
  }
  return high * 0x10000 + low;
}

/** Parses `global:local1:local2` (each 0..4294967295) into a large community. */
function parseLargeCommunity(text: unknown, field: string): LargeCommunityConfig {
  const m = typeof text === "string" ? /^(\d+):(\d+):(\d+)$/.exec(text.trim()) : null;
  const parts = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
  if (!m || parts.some((p) => p > MAX_ASN)) {
    throw new ConfigError(field, `${show(text)} is not a large community (expected GLOBAL:LOCAL1:LOCAL2, each 0-4294967295)`);
  }
  return { globalAdmin: parts[0] ?? 0, localData1: parts[1] ?? 0, localData2: parts[2] ?? 0 };
}

/** Checks `host:port` (IPv6 hosts in brackets) and returns it unchanged. */
export function parseListenAddress(text: unknown, field: string): string {
  const m = typeof text === "string" ? /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text.trim()) : null;
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new ConfigError(field, `${show(text)} is not HOST:PORT (e.g. 127.0.0.1:8080)`);
  }
  const host = m[1] ?? m[2] ?? "";
  try {
    parseIp(host);
  } catch {
    throw new ConfigError(field, `${show(text)} does not start with an IP address (e.g. 127.0.0.1:8080)`);
  }
  return (text as string).trim();
}

/** Splits a checked `host:port` into its parts. */
export function splitListenAddress(text: string): { host: string; port: number } {
  const at = text.lastIndexOf(":");
  return { host: text.slice(0, at).replace(/^\[|\]$/g, ""), port: Number(text.slice(at + 1)) };
}

/**
 * Checks a parsed config document (the YAML as plain data) and fills in
 * defaults. Linear in the size of the document.
 * @throws ConfigError naming the first bad field and its value.
 */
export function checkSpeakerConfig(doc: unknown): SpeakerConfig {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new ConfigError("(document)", `${show(doc)} is not a mapping with localIP, localASN and peers`);
  }
  const raw = doc as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KNOWN_FIELDS.has(key)) throw new ConfigError(key, `unknown field (known: ${[...KNOWN_FIELDS].join(", ")})`);
  }
  if (raw.localIP === undefined) throw new ConfigError("localIP", "is required (the IPv4 address the sessions run from)");
  const localIP = address(raw.localIP, "localIP", 4);
  if (raw.localASN === undefined) throw new ConfigError("localASN", "is required");
  const localASN = integer(raw.localASN, "localASN", 1, MAX_ASN, "an AS number");
  const peersRaw = list(raw.peers, "peers");
  if (peersRaw.length === 0) throw new ConfigError("peers", "needs at least one peer ({peerIP, peerASN})");
  const peers = peersRaw.map((p, i): PeerConfig => {
    const field = `peers[${i}]`;
    if (p === null || typeof p !== "object" || Array.isArray(p)) throw new ConfigError(field, `${show(p)} is not a mapping with peerIP and peerASN`);
    const peer = p as Record<string, unknown>;
    for (const key of Object.keys(peer)) {
      if (!KNOWN_PEER_FIELDS.has(key)) throw new ConfigError(`${field}.${key}`, `unknown field (known: ${[...KNOWN_PEER_FIELDS].join(", ")})`);
    }
    if (peer.peerIP === undefined) throw new ConfigError(`${field}.peerIP`, "is required");
    if (peer.peerASN === undefined) throw new ConfigError(`${field}.peerASN`, "is required");
    const checked = {
      peerIP: address(peer.peerIP, `${field}.peerIP`, 4),
      peerASN: integer(peer.peerASN, `${field}.peerASN`, 1, MAX_ASN, "an AS number"),
      peerPort: peer.peerPort === undefined ? 179 : integer(peer.peerPort, `${field}.peerPort`, 1, 65535, "a TCP port"),
      ...(peer.password === undefined ? {} : { password: password(peer.password, `${field}.password`) }),
      gracefulRestart: peer.gracefulRestart === undefined ? false : boolean(peer.gracefulRestart, `${field}.gracefulRestart`),
    };
    return peer.bfd === undefined ? checked : { ...checked, bfd: bfdTimers(peer.bfd, `${field}.bfd`) };
  });
  peers.forEach((p, i) => {
    if (p.peerIP === localIP) throw new ConfigError(`peers[${i}].peerIP`, `${show(p.peerIP)} is localIP itself`);
  });
  distinct(
    peers.map((p) => p.peerIP),
    "peers",
    ".peerIP",
  );
  const holdTime = raw.holdTime === undefined ? 90 : integer(raw.holdTime, "holdTime", 0, 65535, "a hold time in seconds");
  if (holdTime === 1 || holdTime === 2) throw new ConfigError("holdTime", `${holdTime} is not allowed (0 or at least 3 seconds, RFC 4271)`);
  const nextHops = distinct(
    list(raw.nextHops, "nextHops").map((v, i) => address(v, `nextHops[${i}]`, 4)),
    "nextHops",
  );
  const routerID = raw.routerID === undefined ? localIP : address(raw.routerID, "routerID", 4);
  if (routerID === "0.0.0.0") {
    throw raw.routerID === undefined
      ? new ConfigError("localIP", `"0.0.0.0" cannot be the BGP identifier, which defaults to localIP (give routerID)`)
      : new ConfigError("routerID", `"0.0.0.0" is not a valid BGP identifier (RFC 6286: non-zero)`);
  }
  return {
    localIP,
    localASN,
    routerID,
    peers,
    holdTime,
    connectRetryTime: raw.connectRetryTime === undefined ? 30 : integer(raw.connectRetryTime, "connectRetryTime", 1, 65535, "a time in seconds"),
    listenPort: raw.listenPort === undefined ? 179 : integer(raw.listenPort, "listenPort", 0, 65535, "a TCP port (0 = do not listen)"),
    communities: list(raw.communities, "communities").map((c, i) => parseCommunity(c, `communities[${i}]`)),
    largeCommunities: list(raw.largeCommunities, "largeCommunities").map((c, i) => parseLargeCommunity(c, `largeCommunities[${i}]`)),
    nextHops: nextHops.length > 0 ? nextHops : [localIP],
    ipv6NextHops: distinct(
      list(raw.ipv6NextHops, "ipv6NextHops").map((v, i) => address(v, `ipv6NextHops[${i}]`, 6)),
      "ipv6NextHops",
    ),
    addPath: raw.addPath === undefined ? false : boolean(raw.addPath, "addPath"),
    healthListen: raw.healthListen === undefined ? "127.0.0.1:8080" : parseListenAddress(raw.healthListen, "healthListen"),
    gracefulRestartTime:
      raw.gracefulRestartTime === undefined ? 120 : integer(raw.gracefulRestartTime, "gracefulRestartTime", 1, 4095, "a restart time in seconds"),
  };
}

/**
 * Returns `values` unchanged; throws a ConfigError naming the second
 * occurrence of a repeated value, e.g. `peers[7].peerIP` (list `field`,
 * `suffix` `.peerIP`). Linear in the number of values.
 */
function distinct(values: readonly string[], field: string, suffix = ""): readonly string[] {
  const seen = new Map<string, number>();
  values.forEach((v, i) => {
    const first = seen.get(v);
    if (first !== undefined) throw new ConfigError(`${field}[${i}]${suffix}`, `${show(v)} is already ${field}[${first}]${suffix}`);
    seen.set(v, i);
  });
  return values;
}

/**
 * Checks a peer's `bfd` mapping (BFDProfile spec fields, same ranges and
 * defaults). `echoMode` runs the Echo function at `echoInterval` (IPv4);
 * `minimumTtl` is checked but has no effect: single hop always requires TTL 255.
 */
function bfdTimers(value: unknown, field: string): BfdPeerTimers {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(field, `${show(value)} is not a mapping of BFDProfile fields (e.g. {transmitInterval: 300, receiveInterval: 300})`);
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KNOWN_BFD_FIELDS.has(key)) throw new ConfigError(`${field}.${key}`, `unknown field (known: ${[...KNOWN_BFD_FIELDS].join(", ")})`);
  }
  const bounded = (name: keyof typeof BFD_LIMITS, what: string): number =>
    raw[name] === undefined ? BFD_DEFAULTS[name] : integer(raw[name], `${field}.${name}`, BFD_LIMITS[name].min, BFD_LIMITS[name].max, what);
  const echoInterval = bounded("echoInterval", "an interval in milliseconds");
  bounded("minimumTtl", "a TTL");
  const echoMode = raw.echoMode === undefined ? false : boolean(raw.echoMode, `${field}.echoMode`);
  return bfdProfileTimers({
    transmitInterval: bounded("transmitInterval", "an interval in milliseconds"),
    receiveInterval: bounded("receiveInterval", "an interval in milliseconds"),
    detectMultiplier: bounded("detectMultiplier", "a detection multiplier"),
    passiveMode: raw.passiveMode === undefined ? undefined : boolean(raw.passiveMode, `${field}.passiveMode`),
    echoMode,
    echoInterval,
  });
}

function boolean(value: unknown, field: string): boolean {
  if (typeof value !== "boolean") throw new ConfigError(field, `${show(value)} is not true or false`);
  return value;
}

/**
 * Parses the YAML text of a config file and checks it.
 * @throws ConfigError for bad YAML or a bad field.
 */
export function parseSpeakerConfig(text: string): SpeakerConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError("(document)", `not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  return checkSpeakerConfig(doc);
}
