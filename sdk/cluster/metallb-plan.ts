/**
 * The MetalLB-mode plan of one node: which BGP sessions it opens (one per
 * BGPPeer whose `nodeSelectors` select it) and which routes each session
 * carries (every Service address of a pool a BGPAdvertisement covers for
 * this node and peer), with their attributes. Pure: observed objects in,
 * plan out; the controller carries it out.
 *
 * Route attributes follow MetalLB: the prefix is the Service address
 * aggregated to `aggregationLength`/`aggregationLengthV6`; communities
 * (`a:b`, `large:a:b:c`, or a `Community` alias) of every advertisement that
 * covers it; LOCAL_PREF to iBGP peers only (the largest `localPref` of those
 * advertisements, {@link IBGP_DEFAULT_LOCAL_PREF} when none sets one); the
 * next hop is the node's address on the session. A session carries the
 * family of its peer address only, and both families with
 * `dualStackAddressFamily` (MetalLB v0.15: `disableMP` is deprecated and
 * changes nothing). `externalTrafficPolicy:
 * Local` Services are advertised only by nodes with a ready endpoint of
 * theirs, `Cluster` ones by every selected node while any endpoint is ready.
 *
 * A BGPPeer with a `vrf` is a session in that VRF (as MetalLB's FRR mode,
 * `router bgp … vrf <name>`): its sockets are bound to the VRF device, and
 * its source address and next hops are the node's addresses on the VRF
 * (the device's own and those of the interfaces enslaved to it, as the
 * speaker finds them on its host: {@link NodeDevices}) unless
 * `sourceAddress` says otherwise.
 */
import type { DynamicPeerAsn, FamilyName, LargeCommunity, OriginatedRoute } from "../bgp";
import {
  METALLB_DEFAULT_AGGREGATION_LENGTH,
  METALLB_DEFAULT_AGGREGATION_LENGTH_V6,
  METALLB_DEFAULT_HOLD_TIME,
  METALLB_DEFAULT_PEER_PORT,
  METALLB_HOLD_TIME_PER_KEEPALIVE,
  durationSeconds,
  type BFDProfile,
  type BGPAdvertisement,
  type IPAddressPool,
  type LabelSelector,
  type MetalLBBGPPeer,
} from "../model";
import { familyBits, ipValue, isIp, parseAddressBlock, parseIp, spanContains, type IpAddress, type IpValue } from "../net";
import { bfdProfileTimers, type BfdPeerTimers } from "../speaker/bfd-driver";
import type { DeviceAddress, NodeDevices } from "../speaker/vrf";
import { matchesSelector } from "../validate/rules/labels";
import { parseCommunity } from "../validate/rules/metallb-communities";

/**
 * LOCAL_PREF sent to iBGP peers when no BGPAdvertisement sets `localPref`
 * (or sets 0): the value routers assume when it is missing, which is what
 * MetalLB's FRR mode leaves the router with. MetalLB's native mode sends 0.
 */
export const IBGP_DEFAULT_LOCAL_PREF = 100;

/** TTL of a single-hop eBGP session's packets: they never cross a router (FRR's default, which MetalLB keeps without `ebgpMultiHop`). */
const SINGLE_HOP_TTL = 1;
/** TTL of iBGP and `ebgpMultiHop` sessions (FRR's). */
const MULTI_HOP_TTL = 255;

/** Nodes with this label never advertise (as in MetalLB and kube-proxy). */
const EXCLUDE_FROM_LOAD_BALANCERS_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers";

/** MetalLB's configuration objects as the planner reads them. */
export interface MetallbConfiguration {
  readonly peers: readonly MetalLBBGPPeer[];
  readonly pools: readonly IPAddressPool[];
  readonly advertisements: readonly BGPAdvertisement[];
  readonly bfdProfiles: readonly BFDProfile[];
  /** Community aliases of the `Community` objects: name → `a:b` or `large:a:b:c`. */
  readonly communityAliases: ReadonlyMap<string, string>;
}

/** A Node: name, labels, InternalIP addresses (canonical text). */
export interface MetallbNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly addresses: readonly string[];
}

/** A LoadBalancer Service with its addresses and where its ready endpoints run. */
export interface MetallbService {
  /** `namespace/name`. */
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `status.loadBalancer.ingress[].ip`. */
  readonly addresses: readonly string[];
  readonly externalTrafficPolicy: "Cluster" | "Local";
  /** Nodes with a ready endpoint of the Service (from its EndpointSlices). */
  readonly readyNodes: ReadonlySet<string>;
  /** Whether any endpoint is ready, on a node or not. */
  readonly anyReady: boolean;
}

/** Where the TCP MD5 password of a session comes from; the planner never holds a Secret's value. */
export type SessionPassword = { readonly value: string } | { readonly secret: { readonly namespace: string; readonly name: string } };

/** One planned session of a node. */
export interface MetallbSession {
  /** The BGPPeer's name: unique among a node's sessions. */
  readonly peerName: string;
  readonly myASN: number;
  /** `peerASN`, or `dynamicASN` (`internal`/`external`): the peer's AS is then taken from its OPEN. */
  readonly peerASN: number | DynamicPeerAsn;
  readonly peerAddress: string;
  readonly peerPort: number;
  /** The VRF device the session runs in; undefined: the default VRF. Two peers of one address in two VRFs are two sessions. */
  readonly vrf: string | undefined;
  /** The node's address the session runs from (and the routes' next hop). */
  readonly sourceAddress: string;
  /** BGP identifier. */
  readonly routerID: string;
  readonly holdTimeSeconds: number;
  /** `keepaliveTime` in seconds; undefined: a third of the negotiated hold time. */
  readonly keepaliveTimeSeconds: number | undefined;
  readonly connectTimeSeconds: number | undefined;
  /** TTL of our packets: 1 for single-hop eBGP, 255 for iBGP and `ebgpMultiHop` (as FRR). */
  readonly ttl: number;
  /** iBGP: same AS on both ends (or `dynamicASN: internal`). */
  readonly internal: boolean;
  /** The families offered in OPEN and advertised: the peer address's, and the other one too with `dualStackAddressFamily`. */
  readonly families: readonly FamilyName[];
  readonly password: SessionPassword | undefined;
  /** BFD timers of the peer's `bfdProfile`. */
  readonly bfd: BfdPeerTimers | undefined;
  /** `enableGracefulRestart`: the session offers graceful restart (RFC 4724), as MetalLB's FRR mode's `neighbor … graceful-restart`. */
  readonly gracefulRestart: boolean;
  /** The routes, sorted by family and prefix. */
  readonly routes: readonly OriginatedRoute[];
}

/**
 * The next hop of a node's routes of `family` on a session from `source`:
 * `source` for its own family, else the node's address of that family
 * (`nodeAddresses`), else for IPv6 routes over an IPv4 session `::ffff:`
 * and the IPv4 address (the IPv4-mapped form, RFC 4291 §2.5.5.2);
 * undefined for IPv4 routes over IPv6 from a node without an IPv4 address
 * (not sent).
 */
export function metallbNextHop(family: 4 | 6, source: IpAddress, nodeAddresses: readonly string[]): IpValue | undefined {
  if (family === source.family) return ipValue(source);
  const other = nodeAddresses.map((a) => parseIp(a)).find((ip) => ip.family === family);
  if (other) return ipValue(other);
  return family === 6 ? ipValue({ family: 6, value: 0xffff_0000_0000n | source.value }) : undefined;
}

/** Something the planner could not honour, for a log line or an Event. */
export interface PlanProblem {
  /** `Kind/name` of the object at fault. */
  readonly object: string;
  readonly message: string;
}

/** A node's plan. */
export interface MetallbNodePlan {
  readonly sessions: readonly MetallbSession[];
  readonly problems: readonly PlanProblem[];
}

function selected(selectors: readonly LabelSelector[] | undefined, labels: Readonly<Record<string, string>>): boolean {
  return !selectors || selectors.length === 0 || selectors.some((selector) => matchesSelector(selector, labels));
}

function poolOf(pools: readonly IPAddressPool[], ip: IpAddress): IPAddressPool | undefined {
  return pools.find((pool) =>
    pool.spec.addresses.some((text) => {
      try {
        return spanContains(parseAddressBlock(text), ip);
      } catch {
        return false;
      }
    }),
  );
}

/** Whether the advertisement covers the pool (by name or label; all pools when it names none). */
function coversPool(advertisement: BGPAdvertisement, pool: IPAddressPool): boolean {
  const names = advertisement.spec.ipAddressPools ?? [];
  const selectors = advertisement.spec.ipAddressPoolSelectors ?? [];
  if (names.length === 0 && selectors.length === 0) return true;
  return names.includes(pool.metadata.name) || selectors.some((selector) => matchesSelector(selector, pool.metadata.labels ?? {}));
}

function seconds(text: string | undefined): number | undefined {
  return text === undefined ? undefined : durationSeconds(text);
}

/** The prefix of `ip` aggregated to `length` bits. */
function aggregate(ip: IpAddress, length: number): { address: IpValue; length: number } {
  const bits = familyBits(ip.family);
  const hostBits = BigInt(bits - length);
  return { address: ipValue({ family: ip.family, value: (ip.value >> hostBits) << hostBits }), length };
}

interface RouteDraft {
  readonly family: "ipv4-unicast" | "ipv6-unicast";
  readonly address: IpValue;
  readonly length: number;
  readonly communities: Set<number>;
  readonly large: Map<string, LargeCommunity>;
  localPref: number;
}

/** Whether `address/prefixLength` is a subnet holding `peer`. */
function onSubnet(address: DeviceAddress, peer: IpAddress): boolean {
  const own = parseIp(address.address);
  return own.family === peer.family && aggregate(own, address.prefixLength).address === aggregate(peer, address.prefixLength).address;
}

/** Link-local addresses (fe80::/10) need an interface to mean anything; a session's source is never one. */
function isLinkLocal(ip: IpAddress): boolean {
  return ip.family === 6 && ip.value >> 118n === 0x3fan;
}

/**
 * The sessions and routes of `nodeName` (see the module comment), with
 * `devices` the network devices of the node the plan is for (needed by
 * BGPPeers with a `vrf` only). A peer the node cannot reach from one of its
 * addresses (no address of the peer's family, in its VRF for one with a
 * `vrf`, and no `sourceAddress`), or whose VRF device the node does not
 * have, is left out and reported; so is a community that is neither a
 * valid community nor a known alias.
 */
export function planMetallbNode(
  configuration: MetallbConfiguration,
  nodes: readonly MetallbNode[],
  services: readonly MetallbService[],
  nodeName: string,
  devices: NodeDevices = new Map(),
): MetallbNodePlan {
  const problems: PlanProblem[] = [];
  const node = nodes.find((n) => n.name === nodeName);
  if (!node) return { sessions: [], problems: [{ object: `Node/${nodeName}`, message: `Node ${nodeName} is not in the API server's Node list` }] };
  const excluded = Object.prototype.hasOwnProperty.call(node.labels, EXCLUDE_FROM_LOAD_BALANCERS_LABEL);
  const communityOf = (advertisement: BGPAdvertisement, text: string): ReturnType<typeof parseCommunity> => {
    const parsed = parseCommunity(text) ?? parseCommunity(configuration.communityAliases.get(text) ?? "");
    if (!parsed)
      problems.push({
        object: `BGPAdvertisement/${advertisement.metadata.name}`,
        message: `community ${JSON.stringify(text)} is neither a:b, large:a:b:c nor a Community alias; not sent`,
      });
    return parsed;
  };
  const sessions: MetallbSession[] = [];
  const planPeer = (peer: MetalLBBGPPeer): MetallbSession | undefined => {
    const spec = peer.spec;
    if (!selected(spec.nodeSelectors, node.labels)) return undefined;
    const object = `BGPPeer/${peer.metadata.name}`;
    if (spec.peerAddress === undefined) {
      problems.push({
        object,
        message:
          `interface ${JSON.stringify(spec.interface ?? "")} (BGP unnumbered) is not supported by bgplb speaker: it would have to learn the router's ` +
          `IPv6 link-local address from its router advertisements (and send its own) and carry IPv4 routes over an IPv6 next hop; ` +
          `set peerAddress instead; no session opened`,
      });
      return undefined;
    }
    const peerASN = spec.peerASN ?? spec.dynamicASN;
    if (peerASN === undefined) return undefined; // the validator requires one of them (BGPLB133)
    const peerIp = parseIp(spec.peerAddress);
    const vrf = spec.vrf === undefined || spec.vrf === "" ? undefined : spec.vrf;
    const vrfAddresses = vrf === undefined ? undefined : devices.get(vrf)?.filter((a) => !isLinkLocal(parseIp(a.address)));
    if (vrf !== undefined && vrfAddresses === undefined) {
      problems.push({
        object,
        message: `VRF device ${JSON.stringify(vrf)} does not exist on node ${nodeName}; no session opened until it does (looked for again on every reconcile)`,
      });
      return undefined;
    }
    // the node's own addresses: in the VRF, those on it (one on the peer's subnet first, as the kernel's route would pick); else the InternalIPs
    const own = vrfAddresses
      ? [...vrfAddresses.filter((a) => onSubnet(a, peerIp)), ...vrfAddresses.filter((a) => !onSubnet(a, peerIp))].map((a) => a.address)
      : node.addresses;
    const source = spec.sourceAddress ?? own.find((a) => parseIp(a).family === peerIp.family);
    if (source === undefined) {
      problems.push({
        object,
        message:
          vrf === undefined
            ? `node ${nodeName} has no IPv${peerIp.family} InternalIP to reach ${spec.peerAddress} from, and no sourceAddress is set; no session opened`
            : `node ${nodeName} has no IPv${peerIp.family} address in VRF ${JSON.stringify(vrf)} to reach ${spec.peerAddress} from, and no sourceAddress is set; no session opened`,
      });
      return undefined;
    }
    const routerID = spec.routerID ?? [source, ...node.addresses].find((a) => parseIp(a).family === 4);
    if (routerID === undefined) {
      problems.push({ object, message: `node ${nodeName} has no IPv4 address to use as router ID; set routerID; no session opened` });
      return undefined;
    }
    // as MetalLB: keepaliveTime alone gives a hold time of three times it; both are cut to whole seconds for the router's `timers`
    const keepaliveExact = seconds(spec.keepaliveTime);
    const holdTimeSeconds = Math.floor(
      seconds(spec.holdTime) ?? (keepaliveExact !== undefined ? keepaliveExact * METALLB_HOLD_TIME_PER_KEEPALIVE : durationSeconds(METALLB_DEFAULT_HOLD_TIME)),
    );
    const keepalive = keepaliveExact === undefined ? undefined : Math.floor(keepaliveExact);
    const internal = peerASN === "internal" || peerASN === spec.myASN;
    const profile = spec.bfdProfile === undefined ? undefined : configuration.bfdProfiles.find((p) => p.metadata.name === spec.bfdProfile);
    if (spec.bfdProfile !== undefined && !profile)
      problems.push({ object, message: `bfdProfile ${JSON.stringify(spec.bfdProfile)} does not exist; session opened without BFD` });
    const password: SessionPassword | undefined = spec.password
      ? { value: spec.password }
      : spec.passwordSecret
        ? { secret: { namespace: spec.passwordSecret.namespace ?? peer.metadata.namespace ?? "metallb-system", name: spec.passwordSecret.name } }
        : undefined;
    const sourceIp = parseIp(source);
    const families: FamilyName[] = spec.dualStackAddressFamily ? ["ipv4-unicast", "ipv6-unicast"] : [peerIp.family === 4 ? "ipv4-unicast" : "ipv6-unicast"];
    const nextHopFor = (family: 4 | 6): IpValue | undefined => metallbNextHop(family, sourceIp, own);
    // One next-hop list per family, shared by the routes.
    const nextHopLists = ([4, 6] as const).map((family) => {
      const nextHop = nextHopFor(family);
      return nextHop === undefined ? undefined : [nextHop];
    });

    const drafts = new Map<string, RouteDraft>();
    if (!excluded) {
      for (const service of services) {
        const announced = service.externalTrafficPolicy === "Local" ? service.readyNodes.has(nodeName) : service.anyReady;
        if (!announced) continue;
        for (const text of service.addresses) {
          // a Service status is anyone's to write: an address that does not parse is not ours to advertise
          const ip = isIp(text) ? parseIp(text) : undefined;
          const pool = ip && poolOf(configuration.pools, ip);
          if (!ip || !pool || !families.includes(ip.family === 4 ? "ipv4-unicast" : "ipv6-unicast")) continue;
          for (const advertisement of configuration.advertisements) {
            const a = advertisement.spec;
            if (!coversPool(advertisement, pool) || !selected(a.nodeSelectors, node.labels) || !selected(a.serviceSelectors, service.labels)) continue;
            if (a.peers && a.peers.length > 0 && !a.peers.includes(peer.metadata.name)) continue;
            const length =
              ip.family === 4 ? (a.aggregationLength ?? METALLB_DEFAULT_AGGREGATION_LENGTH) : (a.aggregationLengthV6 ?? METALLB_DEFAULT_AGGREGATION_LENGTH_V6);
            const prefix = aggregate(ip, length);
            const key = `${ip.family}|${prefix.address}/${prefix.length}`;
            let draft = drafts.get(key);
            if (!draft) {
              draft = { family: ip.family === 4 ? "ipv4-unicast" : "ipv6-unicast", ...prefix, communities: new Set(), large: new Map(), localPref: 0 };
              drafts.set(key, draft);
            }
            for (const text of a.communities ?? []) {
              const community = communityOf(advertisement, text);
              if (community && "standard" in community) draft.communities.add(community.standard);
              else if (community)
                draft.large.set(`${community.large.globalAdmin}:${community.large.localData1}:${community.large.localData2}`, community.large);
            }
            draft.localPref = Math.max(draft.localPref, a.localPref ?? 0);
          }
        }
      }
    }
    const routes: OriginatedRoute[] = [];
    for (const draft of [...drafts.values()].sort(compareDrafts)) {
      const nextHops = nextHopLists[draft.family === "ipv4-unicast" ? 0 : 1];
      if (nextHops === undefined) continue;
      routes.push({
        family: draft.family,
        address: draft.address,
        length: draft.length,
        nextHops,
        ...(draft.communities.size > 0 ? { communities: [...draft.communities].sort((x, y) => x - y) } : {}),
        ...(draft.large.size > 0 ? { largeCommunities: [...draft.large.values()] } : {}),
        ...(internal ? { localPref: draft.localPref || IBGP_DEFAULT_LOCAL_PREF } : {}),
      });
    }
    return {
      peerName: peer.metadata.name,
      myASN: spec.myASN,
      peerASN,
      peerAddress: peerIp.text,
      peerPort: spec.peerPort ?? METALLB_DEFAULT_PEER_PORT,
      vrf,
      sourceAddress: sourceIp.text,
      routerID,
      holdTimeSeconds,
      keepaliveTimeSeconds: keepalive,
      connectTimeSeconds: seconds(spec.connectTime),
      ttl: internal || spec.ebgpMultiHop ? MULTI_HOP_TTL : SINGLE_HOP_TTL,
      internal,
      families,
      password,
      bfd: profile ? bfdProfileTimers(profile.spec) : undefined,
      gracefulRestart: spec.enableGracefulRestart === true,
      routes,
    };
  };
  for (const peer of configuration.peers) {
    try {
      const session = planPeer(peer);
      if (session) sessions.push(session);
    } catch (error) {
      // the validator refuses such values first; a peer the planner cannot read never stops the others
      problems.push({ object: `BGPPeer/${peer.metadata.name}`, message: `${(error as Error).message}; no session opened` });
    }
  }
  return { sessions, problems: dedupe(problems) };
}

function compareDrafts(a: RouteDraft, b: RouteDraft): number {
  if (a.family !== b.family) return a.family < b.family ? -1 : 1;
  return a.address < b.address ? -1 : a.address > b.address ? 1 : a.length - b.length;
}

function dedupe(problems: readonly PlanProblem[]): PlanProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.object}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
