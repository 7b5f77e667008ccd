import {
  DurationError,
  METALLB_MIN_HOLD_TIME_SECONDS,
  METALLB_NAMESPACE,
  METALLB_PASSWORD_SECRET_TYPE,
  METALLB_PEER_PORT_MAX,
  durationSeconds,
  type MetalLBBGPPeer,
} from "../../model";
import { RULES } from "../catalogue";
import { ipKey, type Inventory } from "../inventory";
import type { Reporter } from "../report";
import { checkAsn, listNames } from "./common";
import { localAddresses } from "./local-addresses";
import { echoText, echoValue } from "../../manifest/echo";

function seconds(reporter: Reporter, peer: MetalLBBGPPeer, field: "holdTime" | "keepaliveTime"): number | undefined {
  const text = peer.spec[field];
  if (text === undefined) return undefined;
  try {
    return durationSeconds(text);
  } catch (error) {
    if (!(error instanceof DurationError)) throw error;
    reporter.report(RULES.malformedDuration, peer, ["spec", field], `${field} ${text.length > 80 ? error.message.split(text).join(echoText(text)) : error.message}`, "write a duration such as 90s, 1m30s or 3s");
    return undefined;
  }
}

function checkTimers(reporter: Reporter, peer: MetalLBBGPPeer): void {
  const hold = seconds(reporter, peer, "holdTime");
  const keepalive = seconds(reporter, peer, "keepaliveTime");
  if (hold !== undefined) {
    const whole = Math.floor(hold);
    if (whole !== 0 && whole < METALLB_MIN_HOLD_TIME_SECONDS) {
      reporter.report(RULES.holdTimeTooShort, peer, ["spec", "holdTime"], `holdTime ${peer.spec.holdTime} is below ${METALLB_MIN_HOLD_TIME_SECONDS}s`, "use 0s (no keepalives) or at least 3s; 90s is the default, 9s with a 3s keepalive is common");
    }
  }
  if (peer.spec.keepaliveTime !== undefined && peer.spec.holdTime === undefined) {
    reporter.report(RULES.keepaliveWithoutHold, peer, ["spec", "keepaliveTime"], `keepaliveTime ${peer.spec.keepaliveTime} is set without holdTime`, "set holdTime too (typically three times the keepalive)");
  } else if (hold !== undefined && keepalive !== undefined && (hold === 0 ? keepalive > 0 : keepalive >= hold)) {
    reporter.report(RULES.keepaliveNotBelowHold, peer, ["spec", "keepaliveTime"], `keepaliveTime ${peer.spec.keepaliveTime} is not below holdTime ${peer.spec.holdTime}`, "use a keepalive of about a third of the hold time");
  }
}

/** MetalLB BGPPeers: ASNs, timers, ports, addresses, passwords, BFD profile references and consistency across peers. */
export function checkMetallbPeers(inventory: Inventory, reporter: Reporter): void {
  const { topology } = inventory;
  const peers = topology.metallbBgpPeers;
  if (peers.length === 0 && (topology.ipAddressPools.length > 0 || topology.bgpAdvertisements.length > 0)) {
    const object = topology.bgpAdvertisements[0] ?? topology.ipAddressPools[0]!;
    reporter.report(RULES.noPeer, object, ["metadata", "name"], "there are MetalLB pools/advertisements but no MetalLB BGPPeer to advertise to", "add a BGPPeer (two recommended) for the routers");
  } else if (peers.length === 1) {
    reporter.report(RULES.singlePeer, peers[0]!, ["spec", "peerAddress"], `only one MetalLB BGPPeer (${peers[0]!.spec.peerAddress}): every VIP is unreachable when it fails`, "add a second router as a BGPPeer");
  }

  const profiles = new Set(topology.bfdProfiles.map((p) => p.metadata.name));
  const secrets = new Map(topology.otherObjects.filter((o) => o.kind === "Secret").map((o) => [`${o.metadata.namespace ?? ""}/${o.metadata.name}`, o]));
  const local = localAddresses(inventory, undefined);
  const sessions = new Map<string, MetalLBBGPPeer>();
  let routerId: { value: string; peer: MetalLBBGPPeer } | undefined;
  const myAsnByVrf = new Map<string, MetalLBBGPPeer>();

  for (const peer of peers) {
    const spec = peer.spec;
    const myValid = checkAsn(reporter, peer, ["spec", "myASN"], spec.myASN);
    const peerValid = checkAsn(reporter, peer, ["spec", "peerASN"], spec.peerASN);
    const ibgp = myValid && peerValid && spec.myASN === spec.peerASN;
    if (ibgp && spec.ebgpMultiHop === true) {
      reporter.report(RULES.ebgpMultiHopOnIbgp, peer, ["spec", "ebgpMultiHop"], `ebgpMultiHop is true on an iBGP peer (myASN = peerASN = ${spec.myASN})`, "remove ebgpMultiHop: iBGP sessions are multi-hop already");
    }
    checkTimers(reporter, peer);
    if (spec.peerPort !== undefined && (!Number.isInteger(spec.peerPort) || spec.peerPort < 0 || spec.peerPort > METALLB_PEER_PORT_MAX)) {
      reporter.report(RULES.peerPortRange, peer, ["spec", "peerPort"], `peerPort ${spec.peerPort} is outside 0-${METALLB_PEER_PORT_MAX}`, "use the router's BGP port (179 unless changed)");
    }

    const address = reporter.ip(peer, ["spec", "peerAddress"], spec.peerAddress);
    if (address) {
      const what = local.get(ipKey(address));
      if (what !== undefined) reporter.report(RULES.peerIsLocalAddress, peer, ["spec", "peerAddress"], `peer address ${address.text} is ${what}`, "use the router's own address");
      const key = `${ipKey(address)}|${spec.peerPort ?? 179}|${spec.vrf ?? ""}|${JSON.stringify(spec.nodeSelectors ?? [])}`;
      const first = sessions.get(key);
      if (first) {
        reporter.report(RULES.duplicatePeer, peer, ["spec", "peerAddress"], `peer ${address.text} is already configured by BGPPeer ${first.metadata.name} (same port, VRF and nodes)`, "remove one of the two BGPPeers, or give them different nodeSelectors");
      } else {
        sessions.set(key, peer);
      }
    }
    if (spec.sourceAddress !== undefined) {
      const source = reporter.ip(peer, ["spec", "sourceAddress"], spec.sourceAddress);
      if (source && source.family !== 4) {
        reporter.report(RULES.sourceAddressNotIpv4, peer, ["spec", "sourceAddress"], `sourceAddress ${source.text} is IPv6; MetalLB only accepts an IPv4 source address`, "use an IPv4 address of the node, or drop sourceAddress");
      }
    }
    if (spec.routerID !== undefined) {
      const id = reporter.ip(peer, ["spec", "routerID"], spec.routerID);
      if (id && id.family !== 4) {
        reporter.report(RULES.routerIdNotIpv4, peer, ["spec", "routerID"], `routerID ${spec.routerID} is not a dotted-quad IPv4 value`, "use a 32-bit router ID written as an IPv4 address, e.g. 10.10.10.10");
      }
      if (routerId === undefined) routerId = { value: spec.routerID, peer };
      else if (routerId.value !== spec.routerID) {
        reporter.report(RULES.routerIdDiffers, peer, ["spec", "routerID"], `routerID ${spec.routerID} differs from ${routerId.value} set in BGPPeer ${routerId.peer.metadata.name}`, `use the same routerID in every BGPPeer (${routerId.value})`);
      }
    }
    const vrf = spec.vrf ?? "";
    const sameVrf = myAsnByVrf.get(vrf);
    if (sameVrf === undefined) myAsnByVrf.set(vrf, peer);
    else if (myValid && sameVrf.spec.myASN !== spec.myASN) {
      reporter.report(RULES.myAsnDiffers, peer, ["spec", "myASN"], `myASN ${spec.myASN} differs from ${sameVrf.spec.myASN} in BGPPeer ${sameVrf.metadata.name}${vrf ? ` (VRF ${vrf})` : ""}`, `use the same myASN in every BGPPeer of a VRF (${sameVrf.spec.myASN})`);
    }
    if (spec.password !== undefined && spec.password !== "" && spec.passwordSecret !== undefined) {
      reporter.report(RULES.passwordAndSecret, peer, ["spec", "passwordSecret"], `both password and passwordSecret (${spec.passwordSecret.name}) are set`, "keep only passwordSecret (a kubernetes.io/basic-auth Secret) and remove password");
    }
    if (spec.passwordSecret !== undefined) {
      const namespace = spec.passwordSecret.namespace ?? peer.metadata.namespace ?? METALLB_NAMESPACE;
      const secret = secrets.get(`${namespace}/${spec.passwordSecret.name}`);
      const type = secret ? (secret.body["type"] as unknown) : undefined;
      if (namespace !== METALLB_NAMESPACE) {
        reporter.report(RULES.passwordSecretInvalid, peer, ["spec", "passwordSecret", "namespace"], `passwordSecret ${spec.passwordSecret.name} is in namespace ${namespace}; MetalLB only reads Secrets in ${METALLB_NAMESPACE}`, `create the Secret in ${METALLB_NAMESPACE}`);
      } else if (secret && type !== METALLB_PASSWORD_SECRET_TYPE) {
        reporter.report(RULES.passwordSecretInvalid, peer, ["spec", "passwordSecret", "name"], `Secret ${spec.passwordSecret.name} has type ${type === undefined ? "absent (Opaque)" : echoValue(type)}, not ${METALLB_PASSWORD_SECRET_TYPE}`, `set the Secret's type to ${METALLB_PASSWORD_SECRET_TYPE} with the password under the key "password"`);
      }
    }
    if (spec.bfdProfile !== undefined && !profiles.has(spec.bfdProfile)) {
      const known = listNames([...profiles]);
      reporter.report(RULES.bfdProfileMissing, peer, ["spec", "bfdProfile"], `bfdProfile "${spec.bfdProfile}" does not exist (BFDProfiles: ${known})`, "create the BFDProfile or fix the name");
    }
  }
}
