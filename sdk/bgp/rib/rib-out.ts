/**
 * Adj-RIB-Out for one peer (RFC 4271 §3.2): the routes we want the peer to
 * have, what it has been sent, and the difference between the two as
 * announce/withdraw lists for the codec's `packUpdates`.
 *
 * Every route is originated here: ORIGIN IGP, AS_PATH = our ASN (empty to
 * an internal peer, RFC 4271 §5.1.2), plus the route's MED, communities and
 * large communities, and its LOCAL_PREF to an internal peer only (§5.1.5). A route with several
 * next hops becomes several paths when ADD-PATH send is negotiated for its
 * family (RFC 7911), each with a path identifier that stays the same for as
 * long as its next hop stays; without ADD-PATH the peer gets one path per
 * prefix, and the next hop already sent is kept while it remains valid.
 *
 * Built for large tables: routes with equal attributes share one interned
 * attribute set (and so one encoded form in the packer), routes with equal
 * next hops and attributes are kept together in a bundle so a full table
 * goes out group by group without sorting, and only the prefixes changed
 * since the last send are compared (a dirty set), so a small change costs
 * in proportion to its size, not the table's. Addresses are typed values
 * (a number for IPv4, a bigint for IPv6, see `messages.ts`): a prefix is
 * keyed by a number (IPv4) or a bigint (IPv6) built from address and length,
 * and nothing here parses or formats text except for an error message.
 */
import { formatIpValue, isIpv4Value, isIpv6Value } from "../../net/octets";
import { AsPathSegmentType, Origin, type FamilyName, type IpValue, type LargeCommunity, type MpNextHop, type PathAttributes, type Prefix } from "../messages";
import type { AdvertisedRoute, ChangeSink, RouteChanges, WithdrawnRoute } from "./update-packer";

/** A route we want a peer to have. */
export interface OriginatedRoute {
  /** "ipv4-unicast" (sent in NLRI) or "ipv6-unicast" (sent in MP_REACH_NLRI). */
  readonly family: FamilyName;
  /** Network address with host bits zero: a number for IPv4 (0xcb00710a for 203.0.113.10), a bigint for IPv6. */
  readonly address: IpValue;
  /** Prefix length: 0-32 (IPv4) or 0-128 (IPv6). */
  readonly length: number;
  /**
   * Next hops, most preferred first; at least one. IPv4 routes: IPv4
   * addresses (IPv6 only with extended next hop). IPv6 routes: IPv6
   * addresses (IPv4-mapped ::ffff:a.b.c.d over an IPv4-only session).
   */
  readonly nextHops: readonly IpValue[];
  /** MULTI_EXIT_DISC. */
  readonly med?: number;
  /** RFC 1997 communities as 32-bit numbers (ASN << 16 | value). */
  readonly communities?: readonly number[];
  /** RFC 8092 large communities. */
  readonly largeCommunities?: readonly LargeCommunity[];
  /** LOCAL_PREF; sent only when the Adj-RIB-Out is for an internal (iBGP) peer, ignored otherwise. @default {@link DEFAULT_LOCAL_PREF} to an internal peer */
  readonly localPref?: number;
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
  readonly address: IpValue;
  readonly length: number;
  /** Path identifier when sent with ADD-PATH. */
  readonly pathId?: number;
  readonly nextHop: IpValue;
}

/** Attributes shared by every route with the same MED and communities; built once per distinct set. */
interface AttributeSet {
  /** Identity of the set's contents. */
  readonly key: string;
  readonly attributes: PathAttributes;
  readonly med: number | undefined;
  readonly localPref: number | undefined;
  readonly communities: readonly number[] | undefined;
  readonly largeCommunities: readonly LargeCommunity[] | undefined;
  /** Routes using the set; it is forgotten at 0. */
  refs: number;
}

/** Routes of one family with the same next hops and attribute set. */
interface Bundle {
  readonly key: string;
  readonly family: FamilyName;
  readonly nextHops: readonly IpValue[];
  readonly attributes: AttributeSet;
  readonly entries: Set<Entry>;
}

/** One path the peer has been sent. */
interface SentRecord {
  readonly nextHop: IpValue;
  readonly attributes: AttributeSet;
  /** Path identifier when sent with ADD-PATH. */
  readonly pathId: number | undefined;
}

/** One prefix: what is wanted for it and what the peer has. */
interface Entry {
  readonly family: FamilyName;
  /** Canonical prefix, shared by every announcement without path identifier. */
  readonly prefix: Prefix;
  readonly key: PrefixKey;
  /** Wanted next hops, most preferred first; empty once removed (kept until the peer is told). */
  nextHops: readonly IpValue[];
  /** Path identifiers parallel to `nextHops`. */
  pathIds: readonly number[];
  bundle: Bundle | undefined;
  sent: readonly SentRecord[];
  /** The full pass that last sent this entry; 0 after a change. */
  synced: number;
  /** The replaceAll call that last named this entry. */
  named: number;
}

/** Changed paths of one family to announce with the same next hop and attribute set. */
interface ChangeGroup {
  readonly family: FamilyName;
  readonly nextHop: IpValue;
  readonly set: AttributeSet;
  readonly entries: [Entry, number | undefined][];
}

/** Change groups being collected: per family (IPv4, IPv6), by attribute set, then by next hop. */
type ChangeGroups = [Map<AttributeSet, Map<IpValue, ChangeGroup>>, Map<AttributeSet, Map<IpValue, ChangeGroup>>];

/** Where the RIB-out stands with its peer. */
type Phase = "down" | "up" | "withdrawn";

const FAMILIES: readonly FamilyName[] = ["ipv4-unicast", "ipv6-unicast"];
const NOTHING_SENT: readonly SentRecord[] = [];
const NO_PATH_IDS: readonly number[] = [];
/** Shared path identifier lists 1..n, the usual case (n ≤ 8), so most routes need no list of their own. */
const FIRST_PATH_IDS: readonly (readonly number[])[] = Array.from({ length: 9 }, (_, n) => Array.from({ length: n }, (_, i) => i + 1));
/** LOCAL_PREF of a route to an internal peer that sets none: RFC 4271 §5.1.5 requires one, and 100 is what routers assume. */
const DEFAULT_LOCAL_PREF = 100;
/** Entries handled between two yields of {@link AdjRibOut.changes}. */
const DEFAULT_BATCH = 1024;

/**
 * The key of a prefix in the RIB-out: a host route's address itself (so
 * the key is the value the prefix holds anyway; no number or bigint is
 * made per route), else a negative number (IPv4) or bigint (IPv6) from
 * address and length that no address equals.
 */
type PrefixKey = number | bigint;

/** Throws naming the field and the value (as JSON; a bigint as `123n`). Addresses that are valid values come formatted as text. */
function fail(field: string, value: unknown, rule: string): never {
  const shown = JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
  throw new RangeError(`route ${field}: ${shown} ${rule}`);
}

function isIpv6(address: IpValue): boolean {
  return typeof address === "bigint";
}

/** The key of a checked prefix. */
function prefixKey(address: IpValue, length: number): PrefixKey {
  if (typeof address === "number") return length === 32 ? address : -(address * 64 + length) - 1;
  return length === 128 ? address : -((address << 8n) | BigInt(length)) - 1n;
}

/** A key of a next hop list, for bundles (an IPv6 next hop ends in "n" so it cannot equal an IPv4 one). */
function nextHopsKey(nextHops: readonly IpValue[]): string {
  let key = "";
  for (const hop of nextHops) key += typeof hop === "bigint" ? ` ${hop}n` : ` ${hop}`;
  return key;
}

/** Whether `address` (of the family, checked) has bits set beyond `length`. */
function hostBitsSet(address: IpValue, length: number): boolean {
  if (typeof address === "number") return length < 32 && (address & (0xffffffff >>> length)) !== 0;
  return length < 128 && BigInt.asUintN(128 - length, address) !== 0n;
}

/** The next-hop list checked last and a copy of it: routes usually share one list, checked once. */
let checkedNextHops: { readonly list: readonly IpValue[]; readonly copy: readonly IpValue[]; readonly v6: boolean } | undefined;

function checkNextHops(nextHops: readonly IpValue[], v6: boolean): void {
  const last = checkedNextHops;
  if (last && last.list === nextHops && last.v6 === v6 && sameList(last.copy, nextHops)) return;
  if (nextHops.length === 0) fail("nextHops", nextHops, "is empty");
  for (const nextHop of nextHops) {
    const nextHopV6 = isIpv6Value(nextHop);
    if (!nextHopV6 && !isIpv4Value(nextHop)) fail("nextHops", nextHop, "is not an IP address value (a number for IPv4, a bigint for IPv6)");
    if (v6 && !nextHopV6) fail("nextHops", formatIpValue(nextHop), "is not an IPv6 address (IPv6 routes need an IPv6 or ::ffff:a.b.c.d next hop)");
  }
  if (nextHops.length > 1 && new Set(nextHops).size !== nextHops.length) fail("nextHops", nextHops.map(formatIpValue), "has duplicates");
  checkedNextHops = { list: nextHops, copy: [...nextHops], v6 };
}

/** Checks a route; throws a RangeError naming the field and value. */
function checkRoute(route: OriginatedRoute): void {
  const v6 = route.family === "ipv6-unicast";
  if (route.family !== "ipv4-unicast" && !v6) fail("family", route.family, "is not ipv4-unicast or ipv6-unicast");
  const address = route.address;
  if (v6 ? !isIpv6Value(address) : !isIpv4Value(address)) {
    fail("address", address, `is not an ${v6 ? "IPv6 address value (a bigint)" : "IPv4 address value (a number)"}`);
  }
  const max = v6 ? 128 : 32;
  if (!Number.isInteger(route.length) || route.length < 0 || route.length > max) fail("length", route.length, `is not a prefix length 0..${max}`);
  if (hostBitsSet(address, route.length)) fail("address", `${formatIpValue(address)}/${route.length}`, "has host bits set");
  checkNextHops(route.nextHops, v6);
  const localPref = route.localPref;
  if (localPref !== undefined && (!Number.isInteger(localPref) || localPref < 0 || localPref > 0xffffffff))
    fail("localPref", localPref, "is not a whole number 0..4294967295");
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Path identifiers for `entry`'s new next hops: a next hop that stays keeps
 * its identifier, a new one takes the lowest free one.
 */
function pathIdsFor(entry: Entry, nextHops: readonly IpValue[]): readonly number[] {
  const ids: number[] = [];
  const used = new Set<number>();
  for (const nextHop of nextHops) {
    const at = entry.nextHops.indexOf(nextHop);
    const id = at >= 0 ? entry.pathIds[at] : 0;
    ids.push(id);
    if (id) used.add(id);
  }
  let candidate = 1;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i]) continue;
    while (used.has(candidate)) candidate++;
    ids[i] = candidate;
    used.add(candidate);
  }
  const shared = FIRST_PATH_IDS[ids.length];
  return shared !== undefined && sameList(shared, ids) ? shared : ids;
}

/** Collects changes into the arrays {@link AdjRibOut.takeChanges} returns. */
class ChangeCollector implements ChangeSink {
  readonly announced: AdvertisedRoute[] = [];
  readonly withdrawn: WithdrawnRoute[] = [];

  announce(family: FamilyName, prefix: Prefix, nextHop: MpNextHop, attributes: PathAttributes): void {
    this.announced.push({ family, prefix, nextHop, attributes });
  }

  withdraw(family: FamilyName, prefix: Prefix): void {
    this.withdrawn.push({ family, prefix });
  }
}

/** The Adj-RIB-Out of one peer. See the module comment. */
export class AdjRibOut {
  private readonly localAsn: number;
  private readonly internal: boolean;
  private readonly entries = new Map<PrefixKey, Entry>();
  private readonly bundles = new Map<string, Bundle>();
  private readonly attributeSets = new Map<string, AttributeSet>();
  private readonly nextHopObjects = new Map<IpValue, MpNextHop>();
  private readonly sentRecords = new Map<AttributeSet, Map<IpValue, readonly SentRecord[]>>();
  /** Entries changed since they were last compared with what the peer has. */
  private dirty = new Set<Entry>();
  /** Families whose every path is (re)announced at the next send: after Established, or on ROUTE-REFRESH. */
  private readonly full = new Set<FamilyName>();
  private session: RibOutSession | undefined;
  private phase: Phase = "down";
  /** Changes on every sessionUp, sessionDown and withdrawAll, ending a running {@link changes}. */
  private generation = 0;
  private pass = 0;
  private naming = 0;
  private sentPaths = 0;
  /** The attribute set interned last and copies of what it was built from: routes usually share one. */
  private lastSet: AttributeSet | undefined;
  private lastMed: number | undefined;
  private lastLocalPref: number | undefined;
  private lastCommunities: readonly number[] | undefined;
  private lastLargeCommunities: readonly LargeCommunity[] | undefined;
  private lastBundle: Bundle | undefined;

  /**
   * An empty Adj-RIB-Out originating routes from `localAsn`; `internal`
   * when the peer is in the same AS (iBGP): AS_PATH empty, LOCAL_PREF sent.
   */
  constructor(localAsn: number, internal = false) {
    if (!Number.isInteger(localAsn) || localAsn < 1 || localAsn > 0xffffffff) fail("localAsn", localAsn, "is not an AS number");
    this.localAsn = localAsn;
    this.internal = internal;
  }

  /** Adds or replaces the route for its prefix. Throws a RangeError naming the bad field. */
  set(route: OriginatedRoute): void {
    checkRoute(route);
    this.apply(route);
  }

  /** Removes the route for a prefix; returns whether there was one. */
  delete(family: FamilyName, address: IpValue, length: number): boolean {
    if (!(isIpv4Value(address) || isIpv6Value(address)) || !Number.isInteger(length)) return false;
    const entry = this.entries.get(prefixKey(address, length));
    if (!entry || entry.family !== family || entry.nextHops.length === 0) return false;
    this.unwant(entry);
    return true;
  }

  /** Makes `routes` the whole wanted set: routes not in it are removed. Nothing changes when one is bad. */
  replaceAll(routes: readonly OriginatedRoute[]): void {
    for (const route of routes) checkRoute(route);
    const naming = ++this.naming;
    for (const route of routes) this.apply(route).named = naming;
    for (const entry of this.entries.values()) {
      if (entry.named !== naming && entry.nextHops.length > 0) this.unwant(entry);
    }
  }

  /** The wanted routes. */
  wanted(): readonly OriginatedRoute[] {
    const routes: OriginatedRoute[] = [];
    for (const entry of this.entries.values()) {
      const set = entry.bundle?.attributes;
      if (!set) continue;
      routes.push({
        family: entry.family,
        address: entry.prefix.address,
        length: entry.prefix.length,
        nextHops: entry.nextHops,
        ...(set.med !== undefined ? { med: set.med } : {}),
        ...(set.localPref !== undefined ? { localPref: set.localPref } : {}),
        ...(set.communities ? { communities: set.communities } : {}),
        ...(set.largeCommunities ? { largeCommunities: set.largeCommunities } : {}),
      });
    }
    return routes;
  }

  /** The session is Established: the peer has nothing yet; the next {@link takeChanges} sends everything. */
  sessionUp(session: RibOutSession): void {
    this.forgetSent();
    this.session = session;
    this.phase = "up";
    for (const family of FAMILIES) if (session.families.includes(family)) this.full.add(family);
  }

  /** The session went down: nothing is sent until the next {@link sessionUp}. */
  sessionDown(): void {
    this.session = undefined;
    this.phase = "down";
    this.forgetSent();
  }

  /** The peer sent ROUTE-REFRESH for `family`: the next {@link takeChanges} re-announces all its paths. */
  refresh(family: FamilyName): void {
    if (this.phase === "up" && this.session?.families.includes(family)) {
      this.full.add(family);
      this.pass++;
    }
  }

  /** What the peer has been sent, sorted by family, prefix and path identifier. */
  advertised(): readonly SentPath[] {
    const paths: SentPath[] = [];
    for (const entry of this.entries.values()) {
      for (const record of entry.sent) {
        const base = { family: entry.family, address: entry.prefix.address, length: entry.prefix.length, nextHop: record.nextHop };
        paths.push(record.pathId === undefined ? base : { ...base, pathId: record.pathId });
      }
    }
    return paths.sort(comparePaths);
  }

  /** How many paths the peer has been sent. */
  get advertisedCount(): number {
    return this.sentPaths;
  }

  /** Whether {@link changes} has anything to send. */
  get pending(): boolean {
    return this.phase === "up" && (this.full.size > 0 || this.dirty.size > 0);
  }

  /**
   * The changes that bring the peer from what it was sent to what is
   * wanted, recorded as sent. Announcements come grouped by identical
   * next hop and attributes. Empty while the session is down or withdrawn.
   */
  takeChanges(): RibOutChanges {
    const collector = new ChangeCollector();
    for (const _ of this.changes(collector, Infinity));
    return { announce: collector.announced, withdraw: collector.withdrawn };
  }

  /**
   * Streams the changes {@link takeChanges} would return into `sink`,
   * recording them as sent as it goes: first every path of the families to
   * send in full (after Established or ROUTE-REFRESH) group by group, then
   * the prefixes changed since, withdrawals before announcements. Yields
   * after about `batch` prefixes so the caller can write what was packed
   * and wait for the socket; changes made meanwhile are picked up. Ends
   * early when the session goes down or everything is withdrawn. One
   * stream at a time.
   */
  *changes(sink: ChangeSink, batch = DEFAULT_BATCH): Generator<void, void, void> {
    const generation = this.generation;
    const live = (): boolean => this.generation === generation && this.phase === "up";
    let budget = batch;
    while (live() && this.full.size > 0) {
      const family = FAMILIES.find((f) => this.full.has(f)) as FamilyName;
      this.full.delete(family);
      const pass = ++this.pass;
      for (const { bundle, nextHop } of this.fullGroups(family)) {
        for (const entry of bundle.entries) {
          if (!live()) return;
          if (entry.bundle !== bundle) continue;
          this.sendFull(entry, nextHop, pass, sink);
          if (--budget <= 0) {
            yield;
            budget = batch;
          }
        }
      }
    }
    while (live() && this.dirty.size > 0) {
      const changed = this.dirty;
      this.dirty = new Set();
      const groups: ChangeGroups = [new Map<AttributeSet, Map<IpValue, ChangeGroup>>(), new Map<AttributeSet, Map<IpValue, ChangeGroup>>()];
      for (const entry of changed) {
        if (!live()) return;
        if (entry.synced === this.pass && entry.synced !== 0) continue;
        this.compare(entry, sink, groups);
        if (--budget <= 0) {
          yield;
          budget = batch;
        }
      }
      const ordered = groups
        .flatMap((bySet) => [...bySet.values()].flatMap((byHop) => [...byHop.values()]))
        .sort((a, b) => compareStrings(a.family, b.family) || compareIp(a.nextHop, b.nextHop) || compareStrings(a.set.key, b.set.key));
      for (const group of ordered) {
        const nextHop = this.nextHopObject(group.nextHop);
        for (const [entry, pathId] of group.entries) {
          if (!live()) return;
          sink.announce(entry.family, pathId === undefined ? entry.prefix : { ...entry.prefix, pathId }, nextHop, group.set.attributes);
          if (--budget <= 0) {
            yield;
            budget = batch;
          }
        }
      }
    }
  }

  /**
   * Graceful shutdown: withdrawals for everything the peer has, after which
   * nothing more is announced until the next {@link sessionUp}.
   */
  withdrawAll(): RibOutChanges {
    const withdraw: WithdrawnRoute[] = [];
    for (const entry of this.entries.values()) {
      for (const record of entry.sent)
        withdraw.push({ family: entry.family, prefix: record.pathId === undefined ? entry.prefix : { ...entry.prefix, pathId: record.pathId } });
    }
    this.forgetSent();
    if (this.phase === "up") this.phase = "withdrawn";
    return { announce: [], withdraw };
  }

  /** Records a checked route as wanted; returns its entry. */
  private apply(route: OriginatedRoute): Entry {
    const address = route.address;
    const key = prefixKey(address, route.length);
    const set = this.intern(route);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = {
        family: route.family,
        prefix: { address, length: route.length },
        key,
        nextHops: [],
        pathIds: NO_PATH_IDS,
        bundle: undefined,
        sent: NOTHING_SENT,
        synced: 0,
        named: 0,
      };
      this.entries.set(key, entry);
    } else if (entry.bundle?.attributes === set && sameList(entry.nextHops, route.nextHops)) {
      this.release(set);
      return entry;
    }
    const fresh = entry.nextHops.length === 0 ? FIRST_PATH_IDS[route.nextHops.length] : undefined;
    const ids = fresh ?? pathIdsFor(entry, route.nextHops);
    this.leaveBundle(entry);
    entry.nextHops = route.nextHops;
    entry.pathIds = ids;
    const bundle = this.bundleFor(route.family, route.nextHops, set);
    bundle.entries.add(entry);
    entry.bundle = bundle;
    this.touch(entry);
    return entry;
  }

  /** No longer wants `entry`; it stays until the peer has been told. */
  private unwant(entry: Entry): void {
    this.leaveBundle(entry);
    entry.nextHops = [];
    entry.pathIds = NO_PATH_IDS;
    if (entry.sent.length === 0) this.entries.delete(entry.key);
    else this.touch(entry);
  }

  private touch(entry: Entry): void {
    entry.synced = 0;
    if (this.phase === "up") this.dirty.add(entry);
  }

  private leaveBundle(entry: Entry): void {
    const bundle = entry.bundle;
    if (!bundle) return;
    bundle.entries.delete(entry);
    entry.bundle = undefined;
    this.release(bundle.attributes);
    if (bundle.entries.size === 0) {
      this.bundles.delete(bundle.key);
      if (this.lastBundle === bundle) this.lastBundle = undefined;
    }
  }

  private bundleFor(family: FamilyName, nextHops: readonly IpValue[], set: AttributeSet): Bundle {
    const last = this.lastBundle;
    if (last && last.family === family && last.attributes === set && sameList(last.nextHops, nextHops) && this.bundles.get(last.key) === last) return last;
    const key = `${family}|${set.key}|${nextHopsKey(nextHops)}`;
    let bundle = this.bundles.get(key);
    if (bundle === undefined) {
      bundle = { key, family, nextHops, attributes: set, entries: new Set() };
      this.bundles.set(key, bundle);
    }
    this.lastBundle = bundle;
    return bundle;
  }

  /** The interned attribute set of `route`, with one more reference. */
  private intern(route: OriginatedRoute): AttributeSet {
    const communities = route.communities?.length ? route.communities : undefined;
    const largeCommunities = route.largeCommunities?.length ? route.largeCommunities : undefined;
    const localPref = this.internal ? (route.localPref ?? DEFAULT_LOCAL_PREF) : undefined;
    let set = this.lastSet;
    const same =
      set !== undefined &&
      set.refs > 0 &&
      this.lastMed === route.med &&
      this.lastLocalPref === localPref &&
      sameList(this.lastCommunities ?? [], communities ?? []) &&
      sameList(this.lastLargeCommunities ?? [], largeCommunities ?? []);
    if (!same) {
      const key = `${route.med ?? ""}|${localPref ?? ""}|${communities?.join(",") ?? ""}|${largeCommunities?.map((c) => `${c.globalAdmin}:${c.localData1}:${c.localData2}`).join(",") ?? ""}`;
      set = this.attributeSets.get(key);
      if (set === undefined) {
        const attributes: PathAttributes = {
          origin: Origin.Igp,
          asPath: this.internal ? [] : [{ type: AsPathSegmentType.AsSequence, asns: [this.localAsn] }],
          ...(route.med !== undefined ? { med: route.med } : {}),
          ...(localPref !== undefined ? { localPref } : {}),
          ...(communities ? { communities: [...communities] } : {}),
          ...(largeCommunities ? { largeCommunities: [...largeCommunities] } : {}),
        };
        set = { key, attributes, med: route.med, localPref, communities: attributes.communities, largeCommunities: attributes.largeCommunities, refs: 0 };
        this.attributeSets.set(key, set);
      }
      this.lastSet = set;
      this.lastMed = route.med;
      this.lastLocalPref = localPref;
      this.lastCommunities = communities && [...communities];
      this.lastLargeCommunities = largeCommunities && [...largeCommunities];
    }
    const interned = set as AttributeSet;
    interned.refs++;
    return interned;
  }

  private release(set: AttributeSet): void {
    if (--set.refs > 0) return;
    this.attributeSets.delete(set.key);
    this.sentRecords.delete(set);
  }

  private nextHopObject(address: IpValue): MpNextHop {
    let nextHop = this.nextHopObjects.get(address);
    if (nextHop === undefined) {
      nextHop = { global: address };
      this.nextHopObjects.set(address, nextHop);
    }
    return nextHop;
  }

  /** The shared record list of a path sent without path identifier. */
  private sentRecord(set: AttributeSet, nextHop: IpValue): readonly SentRecord[] {
    let byHop = this.sentRecords.get(set);
    if (byHop === undefined) {
      byHop = new Map();
      this.sentRecords.set(set, byHop);
    }
    let records = byHop.get(nextHop);
    if (records === undefined) {
      records = [{ nextHop, attributes: set, pathId: undefined }];
      byHop.set(nextHop, records);
    }
    return records;
  }

  private usable(family: FamilyName, nextHops: readonly IpValue[], session: RibOutSession): readonly IpValue[] {
    if (family === "ipv6-unicast" || session.extendedNextHop) return nextHops;
    return nextHops.some(isIpv6) ? nextHops.filter((nextHop) => !isIpv6(nextHop)) : nextHops;
  }

  /** The (bundle, next hop) groups of a family's full send, by next hop then attributes. */
  private fullGroups(family: FamilyName): { bundle: Bundle; nextHop: IpValue }[] {
    const session = this.session as RibOutSession;
    const addPath = session.addPathSend.includes(family);
    const groups: { bundle: Bundle; nextHop: IpValue }[] = [];
    for (const bundle of this.bundles.values()) {
      if (bundle.family !== family) continue;
      const usable = this.usable(family, bundle.nextHops, session);
      if (addPath) for (const nextHop of usable) groups.push({ bundle, nextHop });
      else if (usable.length > 0) groups.push({ bundle, nextHop: usable[0] });
    }
    return groups.sort((a, b) => compareIp(a.nextHop, b.nextHop) || compareStrings(a.bundle.attributes.key, b.bundle.attributes.key));
  }

  /** Full send of one path of `entry` (through `nextHop`), keeping what else the peer has of it right. */
  private sendFull(entry: Entry, nextHop: IpValue, pass: number, sink: ChangeSink): void {
    const session = this.session as RibOutSession;
    const set = (entry.bundle as Bundle).attributes;
    if (!session.addPathSend.includes(entry.family)) {
      // Without ADD-PATH the next hop already sent stays while it is usable.
      const current = entry.sent.length === 1 ? entry.sent[0].nextHop : undefined;
      const hop = current !== undefined && current !== nextHop && this.usable(entry.family, entry.nextHops, session).includes(current) ? current : nextHop;
      this.record(entry, this.sentRecord(set, hop));
      entry.synced = pass;
      sink.announce(entry.family, entry.prefix, this.nextHopObject(hop), set.attributes);
      return;
    }
    const pathId = entry.pathIds[entry.nextHops.indexOf(nextHop)];
    if (entry.synced !== pass) {
      // First path of the entry in this pass: withdraw paths it no longer has.
      const wantedIds = new Set(this.usable(entry.family, entry.nextHops, session).map((hop) => entry.pathIds[entry.nextHops.indexOf(hop)]));
      for (const record of entry.sent) {
        if (!wantedIds.has(record.pathId as number)) sink.withdraw(entry.family, { ...entry.prefix, pathId: record.pathId });
      }
      this.record(entry, NOTHING_SENT);
      entry.synced = pass;
    }
    this.record(entry, [...entry.sent, { nextHop, attributes: set, pathId }]);
    sink.announce(entry.family, { ...entry.prefix, pathId }, this.nextHopObject(nextHop), set.attributes);
  }

  /** Compares a changed entry with what the peer has: withdrawals go to `sink`, announcements into `groups`. */
  private compare(entry: Entry, sink: ChangeSink, groups: ChangeGroups): void {
    const session = this.session as RibOutSession;
    const set = entry.bundle?.attributes;
    const negotiated = session.families.includes(entry.family);
    const usable = set && negotiated ? this.usable(entry.family, entry.nextHops, session) : [];
    const announce = (nextHop: IpValue, pathId: number | undefined): void => {
      const bySet = groups[entry.family === "ipv4-unicast" ? 0 : 1];
      let byHop = bySet.get(set as AttributeSet);
      if (byHop === undefined) {
        byHop = new Map();
        bySet.set(set as AttributeSet, byHop);
      }
      let group = byHop.get(nextHop);
      if (group === undefined) {
        group = { family: entry.family, nextHop, set: set as AttributeSet, entries: [] };
        byHop.set(nextHop, group);
      }
      group.entries.push([entry, pathId]);
    };
    if (!session.addPathSend.includes(entry.family)) {
      const current = entry.sent.length === 1 ? entry.sent[0] : undefined;
      if (usable.length === 0) {
        if (current) sink.withdraw(entry.family, entry.prefix);
        this.record(entry, NOTHING_SENT);
      } else {
        const nextHop = current && usable.includes(current.nextHop) ? current.nextHop : usable[0];
        if (!current || current.nextHop !== nextHop || current.attributes !== set) announce(nextHop, undefined);
        this.record(entry, this.sentRecord(set as AttributeSet, nextHop));
      }
    } else {
      const sent: SentRecord[] = [];
      const wantedIds = new Set<number>();
      for (const nextHop of usable) {
        const pathId = entry.pathIds[entry.nextHops.indexOf(nextHop)];
        wantedIds.add(pathId);
        const previous = entry.sent.find((r) => r.pathId === pathId);
        if (!previous || previous.nextHop !== nextHop || previous.attributes !== set) announce(nextHop, pathId);
        sent.push({ nextHop, attributes: set as AttributeSet, pathId });
      }
      for (const record of entry.sent) if (!wantedIds.has(record.pathId as number)) sink.withdraw(entry.family, { ...entry.prefix, pathId: record.pathId });
      this.record(entry, sent.length ? sent : NOTHING_SENT);
    }
    if (entry.nextHops.length === 0 && entry.sent.length === 0) this.entries.delete(entry.key);
  }

  private record(entry: Entry, sent: readonly SentRecord[]): void {
    this.sentPaths += sent.length - entry.sent.length;
    entry.sent = sent;
  }

  /** Forgets what the peer was sent (and prefixes kept only to withdraw); ends a running stream. */
  private forgetSent(): void {
    this.generation++;
    this.full.clear();
    this.dirty = new Set();
    if (this.sentPaths === 0 && this.entries.size === 0) return;
    for (const entry of this.entries.values()) {
      entry.sent = NOTHING_SENT;
      entry.synced = 0;
      if (entry.nextHops.length === 0) this.entries.delete(entry.key);
    }
    this.sentPaths = 0;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders addresses by value, IPv4 before IPv6. */
function compareIp(a: IpValue, b: IpValue): number {
  if (typeof a !== typeof b) return typeof a === "number" ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePaths(a: SentPath, b: SentPath): number {
  return compareStrings(a.family, b.family) || compareIp(a.address, b.address) || a.length - b.length || (a.pathId ?? 0) - (b.pathId ?? 0);
}
