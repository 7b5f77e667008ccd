/**
 * Per-peer configuration of the BGP FSM: who we are, whom we expect, what
 * we offer in OPEN, and the timer policy. `resolvePeerConfig` fills the
 * defaults and rejects values the protocol cannot carry.
 */
import { parseIpv4 } from "../../net/octets";
import type { FamilyName } from "../messages";
import { DEFAULT_BACKOFF, DEFAULT_JITTER, type BackoffPolicy, type JitterRange } from "./timers";

/** Configuration of one BGP peer, as the FSM needs it. */
export interface PeerConfig {
  /** Our AS number, 1..4294967295. */
  readonly localAsn: number;
  /**
   * The AS number the peer must announce; anything else is refused with Bad
   * Peer AS. `"internal"` or `"external"` (a dynamic peer AS, like FRR's
   * `remote-as internal|external`): any AS of that kind is taken from the
   * peer's OPEN — ours for internal, any other for external.
   */
  readonly peerAsn: number | DynamicPeerAsn;
  /** Our BGP identifier, a dotted quad other than 0.0.0.0. */
  readonly localBgpId: string;
  /** Hold time we propose, in seconds: 0 (no keepalives) or 3..65535. @default 90 */
  readonly holdTimeSeconds?: number;
  /**
   * Keepalive interval we use, in seconds (FRR's `timers KEEPALIVE HOLD`):
   * a third of the negotiated hold time caps it (RFC 4271 §4.4). Must not
   * exceed `holdTimeSeconds`. @default a third of the negotiated hold time
   */
  readonly keepaliveTimeSeconds?: number;
  /** Hold time while waiting for the peer's OPEN (RFC 4271 §8: "a large value"), in seconds. @default 240 */
  readonly largeHoldTimeSeconds?: number;
  /** How long to wait for an outbound TCP connection (and, in Active, for the peer) before trying again, in seconds. @default 30 */
  readonly connectRetryTimeSeconds?: number;
  /** Address families we announce with the multiprotocol capability. @default ["ipv4-unicast"] */
  readonly families?: readonly FamilyName[];
  /** Families for which we offer to send several paths per prefix (RFC 7911). @default [] */
  readonly addPathSend?: readonly FamilyName[];
  /** Announce RFC 8950 extended next hop for IPv4 unicast over IPv6 next hops. @default false */
  readonly extendedNextHop?: boolean;
  /**
   * Restart Time of the Graceful Restart capability (RFC 4724), seconds
   * (1..4095): how long the peer keeps our routes after the session drops
   * while we restart. 0 sends no Graceful Restart capability. @default 0
   */
  readonly gracefulRestartTimeSeconds?: number;
  /**
   * We have just restarted (RFC 4724 §4.1): the Graceful Restart capability
   * carries the Restart State bit and the Forwarding State bit of every
   * family until this FSM first reaches Established. @default false
   */
  readonly restarting?: boolean;
  /** After an error, restart automatically once the backoff (IdleHoldTimer) runs out. @default true */
  readonly automaticRestart?: boolean;
  /** Reconnect backoff after errors. @default {initialSeconds: 1, maxSeconds: 120} */
  readonly backoff?: BackoffPolicy;
  /** Jitter applied to ConnectRetryTimer, KeepaliveTimer and IdleHoldTimer (RFC 4271 §10). @default {min: 0.75, max: 1} */
  readonly jitter?: JitterRange;
}

/** A peer AS learnt from the peer's OPEN: `internal` (our AS) or `external` (any other). */
export type DynamicPeerAsn = "internal" | "external";

/** A {@link PeerConfig} with every default filled in (`keepaliveTimeSeconds` stays optional: its default depends on the negotiated hold time). */
export type ResolvedPeerConfig = Required<Omit<PeerConfig, "keepaliveTimeSeconds">> &
  Pick<PeerConfig, "keepaliveTimeSeconds"> & {
    /** {@link PeerConfig.localBgpId} parsed once: the identifier as an unsigned 32-bit number, as OPEN carries it. */
    readonly bgpId: number;
  };

/** Whether the session with a peer of `peerAsn` is iBGP (known before the OPEN even for a dynamic peer AS). */
export function isInternalPeer(config: Pick<PeerConfig, "localAsn" | "peerAsn">): boolean {
  return config.peerAsn === "internal" || config.peerAsn === config.localAsn;
}

const FAMILIES: readonly FamilyName[] = ["ipv4-unicast", "ipv6-unicast"];

function fail(field: string, value: unknown, rule: string): never {
  throw new RangeError(`peer config ${field}: ${JSON.stringify(value)} ${rule}`);
}

function checkAsn(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 0xffffffff) fail(field, value, "is not an AS number (1..4294967295)");
}

function checkSeconds(field: string, value: number, min: number): void {
  if (!Number.isFinite(value) || value < min) fail(field, value, `must be a number of seconds >= ${min}`);
}

function checkFamilies(field: string, value: readonly FamilyName[]): void {
  for (const family of value) if (!FAMILIES.includes(family)) fail(field, family, `is not one of ${FAMILIES.join(", ")}`);
}

/**
 * Fills the defaults of `config` and checks every field. Throws a RangeError
 * naming the field and the bad value.
 */
export function resolvePeerConfig(config: PeerConfig): ResolvedPeerConfig {
  const bgpId = parseIpv4(config.localBgpId);
  if (bgpId === undefined || bgpId === 0) fail("localBgpId", config.localBgpId, "is not a non-zero dotted-quad BGP identifier");
  const resolved: ResolvedPeerConfig = {
    bgpId,
    localAsn: config.localAsn,
    peerAsn: config.peerAsn,
    localBgpId: config.localBgpId,
    holdTimeSeconds: config.holdTimeSeconds ?? 90,
    ...(config.keepaliveTimeSeconds === undefined ? {} : { keepaliveTimeSeconds: config.keepaliveTimeSeconds }),
    largeHoldTimeSeconds: config.largeHoldTimeSeconds ?? 240,
    connectRetryTimeSeconds: config.connectRetryTimeSeconds ?? 30,
    families: config.families ?? ["ipv4-unicast"],
    addPathSend: config.addPathSend ?? [],
    extendedNextHop: config.extendedNextHop ?? false,
    gracefulRestartTimeSeconds: config.gracefulRestartTimeSeconds ?? 0,
    restarting: config.restarting ?? false,
    automaticRestart: config.automaticRestart ?? true,
    backoff: config.backoff ?? DEFAULT_BACKOFF,
    jitter: config.jitter ?? DEFAULT_JITTER,
  };
  checkAsn("localAsn", resolved.localAsn);
  if (resolved.peerAsn !== "internal" && resolved.peerAsn !== "external") checkAsn("peerAsn", resolved.peerAsn);
  const hold = resolved.holdTimeSeconds;
  if (!Number.isInteger(hold) || hold < 0 || hold > 0xffff || hold === 1 || hold === 2) {
    fail("holdTimeSeconds", hold, "must be 0 or a whole number of seconds from 3 to 65535");
  }
  const keepalive = resolved.keepaliveTimeSeconds;
  if (keepalive !== undefined && (!Number.isInteger(keepalive) || keepalive < 0 || keepalive > hold)) {
    fail("keepaliveTimeSeconds", keepalive, `must be a whole number of seconds from 0 to holdTimeSeconds (${hold})`);
  }
  const restartTime = resolved.gracefulRestartTimeSeconds;
  if (!Number.isInteger(restartTime) || restartTime < 0 || restartTime > 0xfff) {
    fail("gracefulRestartTimeSeconds", restartTime, "must be a whole number of seconds from 0 (off) to 4095");
  }
  checkSeconds("largeHoldTimeSeconds", resolved.largeHoldTimeSeconds, 3);
  checkSeconds("connectRetryTimeSeconds", resolved.connectRetryTimeSeconds, 0.001);
  checkFamilies("families", resolved.families);
  checkFamilies("addPathSend", resolved.addPathSend);
  for (const family of resolved.addPathSend) {
    if (!resolved.families.includes(family)) fail("addPathSend", family, "is not in families");
  }
  checkSeconds("backoff.initialSeconds", resolved.backoff.initialSeconds, 0.001);
  if (!(resolved.backoff.maxSeconds >= resolved.backoff.initialSeconds)) {
    fail("backoff.maxSeconds", resolved.backoff.maxSeconds, "must be at least backoff.initialSeconds");
  }
  const { min, max } = resolved.jitter;
  if (!(min > 0 && min <= max && max <= 1)) fail("jitter", resolved.jitter, "must satisfy 0 < min <= max <= 1");
  return resolved;
}
