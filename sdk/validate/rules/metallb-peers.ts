import {
  DurationError,
  METALLB_HOLD_TIME_PER_KEEPALIVE,
  METALLB_MIN_HOLD_TIME_SECONDS,
  METALLB_NAMESPACE,
  METALLB_PASSWORD_SECRET_TYPE,
  durationSeconds,
  type MetalLBBGPPeer,
  type OpaqueObject,
} from "../../model";
import { RULES } from "../catalogue";
import { ipKey, type Inventory } from "../inventory";
import type { Reporter } from "../report";
import { checkAsn, listNames } from "./common";
import { nodeSelectionsOverlap } from "./labels";
import { localAddresses } from "./local-addresses";
import { echoText, echoValue } from "../../manifest/echo";

function seconds(reporter: Reporter, peer: MetalLBBGPPeer, field: "holdTime" | "keepaliveTime" | "connectTime"): number | undefined {
  const text = peer.spec[field];
  if (text === undefined) return undefined;
  try {
    return durationSeconds(text);
  } catch (error) {
    if (!(error instanceof DurationError)) throw error;
    reporter.report(
      RULES.malformedDuration,
      peer,
      ["spec", field],
      `${field} ${text.length > 80 ? error.message.split(text).join(echoText(text)) : error.message}`,
      "write a duration such as 90s, 1m30s or 3s",
    );
    return undefined;
  }
}

/** True when the Secret has a `password` key in data or stringData. */
function hasPassword(secret: OpaqueObject): boolean {
  return ["data", "stringData"].some((field) => {
    const map = secret.body[field];
    return typeof map === "object" && map !== null && Object.prototype.hasOwnProperty.call(map, "password");
  });
}

function checkTimers(reporter: Reporter, peer: MetalLBBGPPeer): void {
  seconds(reporter, peer, "connectTime"); // its range is checked by checkDeclaredLimits (BGPLB131)
  const hold = seconds(reporter, peer, "holdTime");
  const keepalive = seconds(reporter, peer, "keepaliveTime");
  if (hold !== undefined) {
    const whole = Math.floor(hold);
    if (whole !== 0 && whole < METALLB_MIN_HOLD_TIME_SECONDS) {
      reporter.report(
        RULES.holdTimeTooShort,
        peer,
        ["spec", "holdTime"],
        `holdTime ${peer.spec.holdTime} is below ${METALLB_MIN_HOLD_TIME_SECONDS}s`,
        "use 0s (no keepalives) or at least 3s; 90s is the default, 9s with a 3s keepalive is common",
      );
    }
  }
  if (keepalive !== undefined && peer.spec.holdTime === undefined) {
    const derived = Math.floor(keepalive * METALLB_HOLD_TIME_PER_KEEPALIVE);
    if (derived !== 0 && derived < METALLB_MIN_HOLD_TIME_SECONDS) {
      reporter.report(
        RULES.holdTimeTooShort,
        peer,
        ["spec", "keepaliveTime"],
        `keepaliveTime ${peer.spec.keepaliveTime} without holdTime gives a hold time of ${keepalive * METALLB_HOLD_TIME_PER_KEEPALIVE}s (${METALLB_HOLD_TIME_PER_KEEPALIVE} times the keepalive), below ${METALLB_MIN_HOLD_TIME_SECONDS}s`,
        "use a keepalive of at least 1s, or set holdTime (0s or at least 3s)",
      );
    }
  } else if (hold !== undefined && keepalive !== undefined && (hold === 0 ? keepalive > 0 : keepalive >= hold)) {
    reporter.report(
      RULES.keepaliveNotBelowHold,
      peer,
      ["spec", "keepaliveTime"],
      `keepaliveTime ${peer.spec.keepaliveTime} is not below holdTime ${peer.spec.holdTime}`,
      "use a keepalive of about a third of the hold time",
    );
  }
}

/** Exactly one of peerASN and dynamicASN, and exactly one of peerAddress and interface, as MetalLB requires. */
function checkOneOf(reporter: Reporter, peer: MetalLBBGPPeer): void {
  const pairs = [
    [RULES.peerAsnOneOf, "peerASN", "dynamicASN", "set peerASN to the router's AS number, or dynamicASN: internal or external"],
    [RULES.peerAddressOneOf, "peerAddress", "interface", "set peerAddress to the router's address, or interface for BGP unnumbered"],
  ] as const;
  for (const [rule, first, second, hint] of pairs) {
    const one = peer.spec[first];
    const other = peer.spec[second];
    if (one !== undefined && other !== undefined) {
      reporter.report(
        rule,
        peer,
        ["spec", second],
        `both ${first} (${echoValue(one)}) and ${second} (${echoValue(other)}) are set; MetalLB takes exactly one`,
        `remove ${second} or ${first}`,
      );
    } else if (one === undefined && other === undefined) {
      reporter.report(rule, peer, ["spec", first], `neither ${first} nor ${second} is set; MetalLB needs exactly one`, hint);
    }
  }
}

/**
 * Reports a peer whose routerID (set or not) differs from that of an earlier
 * peer that can be on the same node: MetalLB runs one BGP router per node.
 */
function checkRouterId(reporter: Reporter, peer: MetalLBBGPPeer, byRouterId: Map<string, MetalLBBGPPeer[]>): void {
  const own = peer.spec.routerID ?? "";
  for (const [other, list] of byRouterId) {
    if (other === own) continue;
    const clash = list.find((earlier) => nodeSelectionsOverlap(earlier.spec.nodeSelectors, peer.spec.nodeSelectors));
    if (clash === undefined) continue;
    const shown = (id: string) => (id === "" ? "unset" : id);
    reporter.report(
      RULES.routerIdDiffers,
      peer,
      ["spec", "routerID"],
      `routerID ${shown(own)} differs from ${shown(other)} in BGPPeer ${clash.metadata.name}, and both peers can be on the same node, which has one BGP router ID`,
      other === "" ? `set no routerID here either, or set ${shown(own)} in BGPPeer ${clash.metadata.name} too` : `use routerID ${other} here too`,
    );
    break;
  }
  const group = byRouterId.get(own);
  if (group === undefined) byRouterId.set(own, [peer]);
  else group.push(peer);
}

/** MetalLB BGPPeers: ASNs, timers, ports, addresses, passwords, BFD profile references and consistency across peers. */
export function checkMetallbPeers(inventory: Inventory, reporter: Reporter): void {
  const { topology } = inventory;
  const peers = topology.metallbBgpPeers;
  if (peers.length === 0 && (topology.ipAddressPools.length > 0 || topology.bgpAdvertisements.length > 0)) {
    const object = topology.bgpAdvertisements[0] ?? topology.ipAddressPools[0];
    reporter.report(
      RULES.metallbNoPeer,
      object,
      ["metadata", "name"],
      "there are MetalLB pools/advertisements but no MetalLB BGPPeer in these manifests: nothing is announced unless the BGPPeers are applied from elsewhere",
      "add a BGPPeer (two recommended) for the routers, or validate these files together with the ones holding the BGPPeers",
    );
  } else if (peers.length === 1) {
    const only = peers[0].spec;
    reporter.report(
      RULES.singlePeer,
      peers[0],
      ["spec", only.peerAddress === undefined ? "interface" : "peerAddress"],
      `only one MetalLB BGPPeer (${only.peerAddress ?? `interface ${only.interface ?? "unset"}`}): every VIP is unreachable when it fails`,
      "add a second router as a BGPPeer",
    );
  }

  const profiles = new Set(topology.bfdProfiles.map((p) => p.metadata.name));
  const secrets = new Map(topology.otherObjects.filter((o) => o.kind === "Secret").map((o) => [`${o.metadata.namespace ?? ""}/${o.metadata.name}`, o]));
  const local = localAddresses(inventory, undefined);
  const sessions = new Map<string, MetalLBBGPPeer[]>();
  const byRouterId = new Map<string, MetalLBBGPPeer[]>();
  const byVrf = new Map<string, MetalLBBGPPeer[]>();

  for (const peer of peers) {
    const spec = peer.spec;
    const myValid = checkAsn(reporter, peer, ["spec", "myASN"], spec.myASN);
    const peerValid = spec.peerASN !== undefined && checkAsn(reporter, peer, ["spec", "peerASN"], spec.peerASN);
    const ibgp = spec.dynamicASN === "internal" || (myValid && peerValid && spec.myASN === spec.peerASN);
    if (ibgp && spec.ebgpMultiHop === true) {
      reporter.report(
        RULES.ebgpMultiHopOnIbgp,
        peer,
        ["spec", "ebgpMultiHop"],
        `ebgpMultiHop is true on an iBGP peer (myASN = peerASN = ${spec.myASN})`,
        "remove ebgpMultiHop: iBGP sessions are multi-hop already",
      );
    }
    checkTimers(reporter, peer);
    checkOneOf(reporter, peer);

    const address = spec.peerAddress === undefined ? undefined : reporter.ip(peer, ["spec", "peerAddress"], spec.peerAddress);
    if (address) {
      const what = local.get(ipKey(address));
      if (what !== undefined)
        reporter.report(RULES.peerIsLocalAddress, peer, ["spec", "peerAddress"], `peer address ${address.text} is ${what}`, "use the router's own address");
      const key = `${ipKey(address)}|${spec.vrf ?? ""}`;
      const same = sessions.get(key) ?? [];
      const first = same.find((other) => nodeSelectionsOverlap(other.spec.nodeSelectors, spec.nodeSelectors));
      if (first) {
        reporter.report(
          RULES.duplicatePeer,
          peer,
          ["spec", "peerAddress"],
          `peer ${address.text} is already configured by BGPPeer ${first.metadata.name} in the same VRF, and both can be on the same node`,
          "remove one of the two BGPPeers, or give them nodeSelectors that cannot select the same node",
        );
      }
      if (same.length === 0) sessions.set(key, same);
      same.push(peer);
    }
    if (spec.sourceAddress !== undefined) {
      const source = reporter.ip(peer, ["spec", "sourceAddress"], spec.sourceAddress);
      if (source && source.family !== 4) {
        reporter.report(
          RULES.sourceAddressNotIpv4,
          peer,
          ["spec", "sourceAddress"],
          `sourceAddress ${source.text} is IPv6; MetalLB only accepts an IPv4 source address`,
          "use an IPv4 address of the node, or drop sourceAddress",
        );
      }
    }
    if (spec.routerID !== undefined) {
      const id = reporter.ip(peer, ["spec", "routerID"], spec.routerID);
      if (id && id.family !== 4) {
        reporter.report(
          RULES.routerIdNotIpv4,
          peer,
          ["spec", "routerID"],
          `routerID ${spec.routerID} is not a dotted-quad IPv4 value`,
          "use a 32-bit router ID written as an IPv4 address, e.g. 10.10.10.10",
        );
      }
    }
    checkRouterId(reporter, peer, byRouterId);
    const vrf = spec.vrf ?? "";
    const sameVrf = byVrf.get(vrf) ?? [];
    const other = myValid
      ? sameVrf.find((earlier) => earlier.spec.myASN !== spec.myASN && nodeSelectionsOverlap(earlier.spec.nodeSelectors, spec.nodeSelectors))
      : undefined;
    if (sameVrf.length === 0) byVrf.set(vrf, sameVrf);
    sameVrf.push(peer);
    if (other !== undefined) {
      reporter.report(
        RULES.myAsnDiffers,
        peer,
        ["spec", "myASN"],
        `myASN ${spec.myASN} differs from ${other.spec.myASN} in BGPPeer ${other.metadata.name}${vrf ? ` (VRF ${vrf})` : ""}, and both peers can be on the same node`,
        `use the same myASN in every BGPPeer of a VRF that can share a node (${other.spec.myASN})`,
      );
    }
    if (spec.password !== undefined && spec.password !== "" && spec.passwordSecret !== undefined) {
      reporter.report(
        RULES.passwordAndSecret,
        peer,
        ["spec", "passwordSecret"],
        `both password and passwordSecret (${spec.passwordSecret.name}) are set`,
        "keep only passwordSecret (a kubernetes.io/basic-auth Secret) and remove password",
      );
    }
    if (spec.passwordSecret !== undefined) {
      const namespace = spec.passwordSecret.namespace ?? peer.metadata.namespace ?? METALLB_NAMESPACE;
      const secret = secrets.get(`${namespace}/${spec.passwordSecret.name}`);
      const type = secret ? secret.body["type"] : undefined;
      if (namespace !== METALLB_NAMESPACE) {
        reporter.report(
          RULES.passwordSecretInvalid,
          peer,
          ["spec", "passwordSecret", "namespace"],
          `passwordSecret ${spec.passwordSecret.name} is in namespace ${namespace}; MetalLB only reads Secrets in ${METALLB_NAMESPACE}`,
          `create the Secret in ${METALLB_NAMESPACE}`,
        );
      } else if (secret && type !== METALLB_PASSWORD_SECRET_TYPE) {
        reporter.report(
          RULES.passwordSecretInvalid,
          peer,
          ["spec", "passwordSecret", "name"],
          `Secret ${spec.passwordSecret.name} has type ${type === undefined ? "absent (Opaque)" : echoValue(type)}, not ${METALLB_PASSWORD_SECRET_TYPE}`,
          `set the Secret's type to ${METALLB_PASSWORD_SECRET_TYPE} with the password under the key "password"`,
        );
      } else if (secret === undefined) {
        reporter.skipped(
          RULES.passwordSecretInvalid,
          peer,
          ["spec", "passwordSecret", "name"],
          `Secret ${spec.passwordSecret.name} is not in these manifests, so its type and password were not checked`,
          `validate it together with the file holding the Secret, a ${METALLB_PASSWORD_SECRET_TYPE} Secret with the key "password"`,
        );
      } else if (!hasPassword(secret)) {
        reporter.report(
          RULES.passwordSecretInvalid,
          peer,
          ["spec", "passwordSecret", "name"],
          `Secret ${spec.passwordSecret.name} has no "password" key, so MetalLB has no password for the session`,
          'put the password under the key "password" (in data or stringData)',
        );
      }
    }
    if (spec.bfdProfile !== undefined && !profiles.has(spec.bfdProfile)) {
      const known = listNames([...profiles]);
      reporter.report(
        RULES.bfdProfileMissing,
        peer,
        ["spec", "bfdProfile"],
        `bfdProfile "${spec.bfdProfile}" does not exist (BFDProfiles: ${known})`,
        "create the BFDProfile or fix the name",
      );
    }
  }
}
