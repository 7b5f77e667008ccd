/**
 * Adj-RIB-Out for one peer (RFC 4271 §3.2): the routes we want the peer to
 * have, what it has been sent, and the difference between the two as
 * announce/withdraw lists for the codec's `packUpdates`.
 *
 * Every route is originated here: ORIGIN IGP, AS_PATH = our ASN, plus the
 * route's MED, communities and large communities. A route with several
 * next hops becomes several paths when ADD-PATH send is negotiated for its
 * family (RFC 7911), each with a path identifier that stays the same for as
 * long as its next hop stays; without ADD-PATH the peer gets one path per
 * prefix, and the next hop already sent is kept while it remains valid.
 */
import ipaddr from "ipaddr.js";
import {
  AsPathSegmentType,
  Origin,
  type FamilyName,
  type LargeCommunity,
  type PathAttributes,
} from "./messages";
import type { AdvertisedRoute, RouteChanges, WithdrawnRoute } from "./update-packer";

/** A route we want a peer to have. */
export interface OriginatedRoute {
  /** "ipv4-unicast" (sent in NLRI) or "ipv6-unicast" (sent in MP_REACH_NLRI). */
  readonly family: FamilyName;
  /** Network address with host bits zero, e.g. "203.0.113.10" or "2001:db8::". */
  readonly address: string;
  /** Prefix length: 0-32 (IPv4) or 0-128 (IPv6). */
  readonly length: number;
  /**
   * Next hops, most preferred first; at least one. IPv4 routes: IPv4
   * addresses (IPv6 only with extended next hop). IPv6 routes: IPv6
   * addresses (IPv4-mapped "::ffff:a.b.c.d" over an IPv4-only session).
   */
  readonly nextHops: readonly string[];
  /** MULTI_EXIT_DISC. */
  readonly med?: number;
  /** RFC 1997 communities as 32-bit numbers (ASN << 16 | value). */
  readonly communities?: readonly number[];
  /** RFC 8092 large communities. */
  readonly largeCommunities?: readonly LargeCommunity[];
}

/** What the Adj-RIB-Out must know about an Established session. */
export interface RibOutSession {
  /** Families negotiated with the peer; routes of other families are not sent. */
  readonly families: readonly FamilyName[];
  /** Families in which we send path identifiers (ADD-PATH send negotiated). */
  readonly addPathSend: readonly FamilyName[];
  /** RFC 8950 negotiated: IPv4 routes may carry IPv6 next hops. */
  readonly extendedNextHop: boolean;
}

/** Changes for the peer, in the shape the codec's `packUpdates` takes, with both lists always present. */
export interface RibOutChanges extends RouteChanges {
  readonly announce: readonly AdvertisedRoute[];
  readonly withdraw: readonly WithdrawnRoute[];
}

/** A path the peer has been sent. */
export interface SentPath {
  readonly family: FamilyName;
  readonly address: string;
  readonly length: number;
  /** Path identifier when sent with ADD-PATH. */
  readonly pathId?: number;
  readonly nextHop: string;
}

interface Wanted {
  readonly route: AdvertisedRoute;
  /** Identity of everything sent for the path besides the prefix: next hop and attributes. */
  readonly content: string;
}

/** Where the RIB-out stands with its peer. */
type Phase = "down" | "up" | "withdrawn";

function routeKey(family: FamilyName, address: string, length: number): string {
  return `${family}|${address}/${length}`;
}

function fail(field: string, value: unknown, rule: string): never {
  throw new RangeError(`route ${field}: ${JSON.stringify(value)} ${rule}`);
}

function isIpv6(address: string): boolean {
  return address.includes(":");
}

/** Checks a route and returns its key; throws a RangeError naming the field and value. */
function checkRoute(route: OriginatedRoute): string {
  const v6 = route.family === "ipv6-unicast";
  if (route.family !== "ipv4-unicast" && !v6) fail("family", route.family, "is not ipv4-unicast or ipv6-unicast");
  const valid = v6 ? ipaddr.IPv6.isValid(route.address) : ipaddr.IPv4.isValidFourPartDecimal(route.address);
  if (!valid) fail("address", route.address, `is not an ${v6 ? "IPv6" : "IPv4"} address`);
  const max = v6 ? 128 : 32;
  if (!Number.isInteger(route.length) || route.length < 0 || route.length > max) fail("length", route.length, `is not a prefix length 0..${max}`);
  const network = ipaddr.parse(route.address);
  const bytes = network.toByteArray();
  for (let bit = route.length; bit < max; bit++) {
    if (bytes[bit >> 3] & (0x80 >> (bit & 7))) fail("address", `${route.address}/${route.length}`, "has host bits set");
  }
  if (route.nextHops.length === 0) fail("nextHops", route.nextHops, "is empty");
  for (const nextHop of route.nextHops) {
    if (!ipaddr.isValid(nextHop)) fail("nextHops", nextHop, "is not an IP address");
    if (v6 && !isIpv6(nextHop)) fail("nextHops", nextHop, "is not an IPv6 address (IPv6 routes need an IPv6 or ::ffff:a.b.c.d next hop)");
  }
  if (new Set(route.nextHops).size !== route.nextHops.length) fail("nextHops", route.nextHops, "has duplicates");
  return routeKey(route.family, network.toString(), route.length);
}

/** The Adj-RIB-Out of one peer. See the module comment. */
export class AdjRibOut {
  private readonly localAsn: number;
  private readonly routes = new Map<string, OriginatedRoute>();
  /** Path identifier of each next hop of each route, kept while the next hop stays. */
  private readonly pathIds = new Map<string, Map<string, number>>();
  /** What the peer has: path key → path and content. */
  private sent = new Map<string, { readonly path: SentPath; readonly content: string }>();
  private session: RibOutSession | undefined;
  private phase: Phase = "down";
  private readonly resend = new Set<FamilyName>();

  /** An empty Adj-RIB-Out originating routes from `localAsn`. */
  constructor(localAsn: number) {
    if (!Number.isInteger(localAsn) || localAsn < 1 || localAsn > 0xffffffff) fail("localAsn", localAsn, "is not an AS number");
    this.localAsn = localAsn;
  }

  /** Adds or replaces the route for its prefix. Throws a RangeError naming the bad field. */
  set(route: OriginatedRoute): void {
    const key = checkRoute(route);
    this.routes.set(key, { ...route, address: ipaddr.parse(route.address).toString() });
    const previous = this.pathIds.get(key) ?? new Map<string, number>();
    const ids = new Map<string, number>();
    for (const nextHop of route.nextHops) {
      const id = previous.get(nextHop);
      if (id !== undefined) ids.set(nextHop, id);
    }
    const used = new Set(ids.values());
    let candidate = 1;
    for (const nextHop of route.nextHops) {
      if (ids.has(nextHop)) continue;
      while (used.has(candidate)) candidate++;
      ids.set(nextHop, candidate);
      used.add(candidate);
    }
    this.pathIds.set(key, ids);
  }

  /** Removes the route for a prefix; returns whether there was one. */
  delete(family: FamilyName, address: string, length: number): boolean {
    const key = routeKey(family, ipaddr.isValid(address) ? ipaddr.parse(address).toString() : address, length);
    this.pathIds.delete(key);
    return this.routes.delete(key);
  }

  /** Makes `routes` the whole wanted set: routes not in it are removed. */
  replaceAll(routes: readonly OriginatedRoute[]): void {
    const keys = new Set(routes.map(checkRoute));
    for (const key of [...this.routes.keys()]) {
      if (!keys.has(key)) {
        this.routes.delete(key);
        this.pathIds.delete(key);
      }
    }
    for (const route of routes) this.set(route);
  }

  /** The wanted routes. */
  wanted(): readonly OriginatedRoute[] {
    return [...this.routes.values()];
  }

  /** The session is Established: the peer has nothing yet; the next {@link takeChanges} sends everything. */
  sessionUp(session: RibOutSession): void {
    this.session = session;
    this.phase = "up";
    this.sent = new Map();
    this.resend.clear();
  }

  /** The session went down: nothing is sent until the next {@link sessionUp}. */
  sessionDown(): void {
    this.session = undefined;
    this.phase = "down";
    this.sent = new Map();
    this.resend.clear();
  }

  /** The peer sent ROUTE-REFRESH for `family`: the next {@link takeChanges} re-announces all its paths. */
  refresh(family: FamilyName): void {
    if (this.phase === "up" && this.session?.families.includes(family)) this.resend.add(family);
  }

  /** What the peer has been sent, sorted by family, prefix and path identifier. */
  advertised(): readonly SentPath[] {
    return [...this.sent.values()].map((entry) => entry.path).sort(comparePaths);
  }

  /**
   * The changes that bring the peer from what it was sent to what is
   * wanted, recorded as sent. Announcements come grouped by identical
   * next hop and attributes. Empty while the session is down or withdrawn.
   */
  takeChanges(): RibOutChanges {
    if (this.phase !== "up" || !this.session) return { announce: [], withdraw: [] };
    const wanted = this.wantedPaths(this.session);
    const withdraw: WithdrawnRoute[] = [];
    for (const [key, entry] of this.sent) {
      if (!wanted.has(key)) withdraw.push(toWithdrawn(entry.path));
    }
    const announce: Wanted[] = [];
    for (const [key, path] of wanted) {
      const previous = this.sent.get(key);
      if (!previous || previous.content !== path.content || this.resend.has(path.route.family)) announce.push(path);
    }
    this.sent = new Map([...wanted].map(([key, path]) => [key, { path: toSent(path.route), content: path.content }]));
    this.resend.clear();
    announce.sort((a, b) => compareStrings(`${a.route.family}|${a.content}`, `${b.route.family}|${b.content}`) || compareRoutes(a.route, b.route));
    withdraw.sort(compareRoutes);
    return { announce: announce.map((path) => path.route), withdraw };
  }

  /**
   * Graceful shutdown: withdrawals for everything the peer has, after which
   * nothing more is announced until the next {@link sessionUp}.
   */
  withdrawAll(): RibOutChanges {
    const withdraw = [...this.sent.values()].map((entry) => toWithdrawn(entry.path)).sort(compareRoutes);
    this.sent = new Map();
    this.resend.clear();
    if (this.phase === "up") this.phase = "withdrawn";
    return { announce: [], withdraw };
  }

  private wantedPaths(session: RibOutSession): Map<string, Wanted> {
    const result = new Map<string, Wanted>();
    for (const [key, route] of this.routes) {
      if (!session.families.includes(route.family)) continue;
      const usable = route.nextHops.filter((nextHop) => route.family === "ipv6-unicast" || !isIpv6(nextHop) || session.extendedNextHop);
      if (usable.length === 0) continue;
      const attributes = this.attributesOf(route);
      const attributeKey = JSON.stringify(attributes);
      if (session.addPathSend.includes(route.family)) {
        const ids = this.pathIds.get(key);
        for (const nextHop of usable) {
          const pathId = ids?.get(nextHop) ?? 0;
          result.set(`${key}#${pathId}`, this.path(route, nextHop, pathId, attributes, attributeKey));
        }
      } else {
        const current = this.sent.get(`${key}#-`)?.path.nextHop;
        const nextHop = current !== undefined && usable.includes(current) ? current : usable[0];
        result.set(`${key}#-`, this.path(route, nextHop, undefined, attributes, attributeKey));
      }
    }
    return result;
  }

  private path(route: OriginatedRoute, nextHop: string, pathId: number | undefined, attributes: PathAttributes, attributeKey: string): Wanted {
    const prefix = pathId === undefined ? { address: route.address, length: route.length } : { address: route.address, length: route.length, pathId };
    return {
      route: { family: route.family, prefix, nextHop: { global: nextHop }, attributes },
      content: `${nextHop}|${attributeKey}`,
    };
  }

  private attributesOf(route: OriginatedRoute): PathAttributes {
    return {
      origin: Origin.Igp,
      asPath: [{ type: AsPathSegmentType.AsSequence, asns: [this.localAsn] }],
      ...(route.med !== undefined ? { med: route.med } : {}),
      ...(route.communities?.length ? { communities: [...route.communities] } : {}),
      ...(route.largeCommunities?.length ? { largeCommunities: [...route.largeCommunities] } : {}),
    };
  }
}

function toSent(route: AdvertisedRoute): SentPath {
  const base = { family: route.family, address: route.prefix.address, length: route.prefix.length, nextHop: route.nextHop.global };
  return route.prefix.pathId === undefined ? base : { ...base, pathId: route.prefix.pathId };
}

function toWithdrawn(path: SentPath): WithdrawnRoute {
  const prefix = path.pathId === undefined ? { address: path.address, length: path.length } : { address: path.address, length: path.length, pathId: path.pathId };
  return { family: path.family, prefix };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRoutes(a: { family: FamilyName; prefix: { address: string; length: number; pathId?: number } }, b: typeof a): number {
  return (
    compareStrings(a.family, b.family) ||
    compareStrings(a.prefix.address, b.prefix.address) ||
    a.prefix.length - b.prefix.length ||
    (a.prefix.pathId ?? 0) - (b.prefix.pathId ?? 0)
  );
}

function comparePaths(a: SentPath, b: SentPath): number {
  return compareRoutes({ family: a.family, prefix: a }, { family: b.family, prefix: b });
}
