/**
 * The OPEN exchange (RFC 4271 §4.2 and §6.2, RFC 5492, RFC 6793, RFC 4760,
 * RFC 7911, RFC 2918, RFC 8950, RFC 4724): the OPEN we send, the checks on the OPEN
 * we receive, and the capability negotiation that yields the session
 * context.
 */
import { formatIpv4 } from "../../net/octets";
import {
  AddPathMode,
  AS_TRANS,
  Afi,
  BGP_VERSION,
  GracefulRestartFamilyFlag,
  GracefulRestartFlag,
  ErrorCode,
  OpenErrorSubcode,
  Safi,
  type AddPathDirections,
  type Capability,
  type Decoded,
  type FamilyName,
  type OpenMessage,
} from "../messages";
import type { ResolvedPeerConfig } from "./config";
import type { NegotiatedSession } from "./types";
import { refused } from "../codec/errors";
import { keepaliveBaseMs } from "./timers";
import { familyCodes, familyName } from "../families";
import { checkPeerAs, openAsn } from "../codec/open";

/**
 * The OPEN we send to the peer described by `config`. With graceful restart
 * configured it carries the capability (RFC 4724 §3) for every family; while
 * `restarting` (we restarted and this peer has not yet been Established since)
 * with the Restart State bit, and the Forwarding State bit on each family:
 * the node keeps forwarding to its VIPs while the speaker restarts.
 */
export function buildOpen(config: ResolvedPeerConfig, restarting = config.restarting): OpenMessage {
  const capabilities: Capability[] = config.families.map((family) => ({ kind: "multiprotocol", ...familyCodes(family) }));
  capabilities.push({ kind: "routeRefresh" });
  capabilities.push({ kind: "fourOctetAs", asn: config.localAsn });
  if (config.addPathSend.length > 0) {
    capabilities.push({
      kind: "addPath",
      entries: config.addPathSend.map((family) => ({ ...familyCodes(family), sendReceive: AddPathMode.Send })),
    });
  }
  if (config.extendedNextHop) {
    capabilities.push({ kind: "extendedNextHop", entries: [{ afi: Afi.Ipv4, safi: Safi.Unicast, nextHopAfi: Afi.Ipv6 }] });
  }
  if (config.gracefulRestartTimeSeconds > 0) {
    capabilities.push({
      kind: "gracefulRestart",
      flags: restarting ? GracefulRestartFlag.Restarting : 0,
      restartTimeSeconds: config.gracefulRestartTimeSeconds,
      families: config.families.map((family) => ({ ...familyCodes(family), flags: restarting ? GracefulRestartFamilyFlag.ForwardingState : 0 })),
    });
  }
  return {
    kind: "open",
    version: BGP_VERSION,
    myAsn: config.localAsn > 0xffff ? AS_TRANS : config.localAsn,
    holdTime: config.holdTimeSeconds,
    bgpId: config.bgpId,
    capabilities,
  };
}

/** The result of checking a received OPEN: the negotiated session, or the error to send. */
export type OpenCheck = Decoded<NegotiatedSession>;

/**
 * Checks the peer's OPEN against `config` and negotiates the session.
 * Errors (RFC 4271 §6.2): version other than 4 → Unsupported Version Number
 * (data: the version we support); AS other than the expected one (the
 * codec's RFC 6793 check, `checkPeerAs`; for a dynamic peer AS, one not of
 * the configured kind) → Bad Peer AS; identifier 0.0.0.0, or equal
 * to ours on an iBGP session (RFC 6286) → Bad BGP Identifier; hold time 1
 * or 2 → Unacceptable Hold Time.
 */
export function checkOpen(config: ResolvedPeerConfig, open: OpenMessage): OpenCheck {
  if (open.version !== BGP_VERSION) {
    return refused(
      ErrorCode.OpenMessage,
      OpenErrorSubcode.UnsupportedVersionNumber,
      `version ${open.version} is not ${BGP_VERSION}`,
      new Uint8Array([0, BGP_VERSION]),
    );
  }
  const peerAs = checkPeerAs(open, expectedPeerAsn(config, open));
  if (!peerAs.ok) return peerAs;
  const peerAsn = peerAs.value;
  if (config.peerAsn === "external" && peerAsn === config.localAsn) {
    return refused(
      ErrorCode.OpenMessage,
      OpenErrorSubcode.BadPeerAs,
      `peer declared AS ${peerAsn}, our own AS, but the peer is configured external (any AS but ${config.localAsn})`,
      Uint8Array.of(open.myAsn >>> 8, open.myAsn & 0xff),
    );
  }
  const fourOctet = open.capabilities.some((c) => c.kind === "fourOctetAs");
  const internal = peerAsn === config.localAsn;
  if (open.bgpId === 0 || (internal && open.bgpId === config.bgpId)) {
    return refused(ErrorCode.OpenMessage, OpenErrorSubcode.BadBgpIdentifier, `BGP identifier ${formatIpv4(open.bgpId)} is not acceptable`);
  }
  if (open.holdTime === 1 || open.holdTime === 2) {
    return refused(ErrorCode.OpenMessage, OpenErrorSubcode.UnacceptableHoldTime, `hold time ${open.holdTime} s is neither 0 nor at least 3 s`);
  }
  const holdTimeSeconds = Math.min(open.holdTime, config.holdTimeSeconds);
  return {
    ok: true,
    value: {
      peerAsn,
      peerBgpId: open.bgpId,
      internal,
      holdTimeSeconds,
      keepaliveMs: keepaliveBaseMs(holdTimeSeconds, config.keepaliveTimeSeconds),
      families: negotiateFamilies(config, open.capabilities),
      peerRouteRefresh: open.capabilities.some((c) => c.kind === "routeRefresh"),
      codec: {
        peerType: internal ? "internal" : "external",
        fourOctetAs: fourOctet,
        addPath: negotiateAddPath(config, open.capabilities),
        extendedNextHop:
          config.extendedNextHop &&
          open.capabilities.some(
            (c) => c.kind === "extendedNextHop" && c.entries.some((e) => e.afi === Afi.Ipv4 && e.safi === Safi.Unicast && e.nextHopAfi === Afi.Ipv6),
          ),
      },
      peerOpen: open,
    },
  };
}

/** The AS the peer must declare: the configured one; ours for `internal`; whatever it declares for `external` (checked for ours after). */
function expectedPeerAsn(config: ResolvedPeerConfig, open: OpenMessage): number {
  if (config.peerAsn === "internal") return config.localAsn;
  if (config.peerAsn === "external") return openAsn(open);
  return config.peerAsn;
}

/** Families we and the peer both announced; a peer without multiprotocol capabilities implies IPv4 unicast (RFC 4760 §8). */
function negotiateFamilies(config: ResolvedPeerConfig, capabilities: readonly Capability[]): FamilyName[] {
  const announced = new Set<FamilyName>();
  let anyMultiprotocol = false;
  for (const capability of capabilities) {
    if (capability.kind !== "multiprotocol") continue;
    anyMultiprotocol = true;
    const family = familyName(capability.afi, capability.safi);
    if (family) announced.add(family);
  }
  if (!anyMultiprotocol) announced.add("ipv4-unicast");
  return config.families.filter((family) => announced.has(family));
}

/** ADD-PATH directions per family (RFC 7911 §4): we send when we offered Send and the peer offered Receive. */
function negotiateAddPath(config: ResolvedPeerConfig, capabilities: readonly Capability[]): Partial<Record<FamilyName, AddPathDirections>> {
  const result: Partial<Record<FamilyName, AddPathDirections>> = {};
  for (const capability of capabilities) {
    if (capability.kind !== "addPath") continue;
    for (const entry of capability.entries) {
      const family = familyName(entry.afi, entry.safi);
      if (!family || !config.addPathSend.includes(family)) continue;
      const peerReceives = entry.sendReceive === AddPathMode.Receive || entry.sendReceive === AddPathMode.Both;
      if (peerReceives) result[family] = { send: true, receive: false };
    }
  }
  return result;
}
