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
 * next hops and attributes share a bundle so a full table goes out group by
 * group without sorting, and only the prefixes changed since the last send
 * are compared (a dirty set of keys), so a small change costs in proportion
 * to its size, not the table's. Addresses are typed values (a number for
 * IPv4, a bigint for IPv6, see `messages.ts`): a prefix is keyed by a
 * number (IPv4) or a bigint (IPv6) built from address and length, and
 * nothing here parses or formats text except for an error message.
 *
 * One table holds every prefix. A prefix in the usual state (its bundle's
 * next hops with the first path identifiers; the peer has nothing of it, or
 * one path without identifier through one of those next hops with the
 * bundle's attributes) is a small integer in that table, not an object: its
 * bundle's number and which next hop was sent. Only a prefix in another
 * state (several paths sent with ADD-PATH, waiting to be withdrawn, sent
 * with attributes it no longer has) keeps an {@link Entry} object. Prefix
 * objects for the codec are made as routes are packed, not kept.
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
  /** Number in {@link AdjRibOut}'s bundle list, part of a compact slot. */
  readonly id: number;
  readonly family: FamilyName;
  readonly nextHops: readonly IpValue[];
  readonly attributes: AttributeSet;
  /** Prefixes in the bundle; it is forgotten at 0. */
  size: number;
}

/** One path the peer has been sent. */
interface SentRecord {
  readonly nextHop: IpValue;
  readonly attributes: AttributeSet;
  /** Path identifier when sent with ADD-PATH. */
  readonly pathId: number | undefined;
}

/** One prefix: what is wanted for it and what the peer has (see {@link Slot} for how it is stored). */
interface Entry {
  readonly family: FamilyName;
  readonly address: IpValue;
  readonly length: number;
  readonly key: PrefixKey;
  /** Wanted next hops, most preferred first; empty once removed (kept until the peer is told). */
  nextHops: readonly IpValue[];
  /** Path identifiers parallel to `nextHops`. */
  pathIds: readonly number[];
  bundle: Bundle | undefined;
  sent: readonly SentRecord[];
  /** The full pass that last sent this entry; 0 after a change. */
  synced: number;
}

/**
 * How a prefix is stored: an {@link Entry}, or in the usual state a
 * non-negative integer, `bundle id × 16 + h`, where h is 0 when the peer
 * has nothing of the prefix and i + 1 when it has one path without
 * identifier through the bundle's next hop i, with the bundle's attributes.
 */
type Slot = Entry | number;

/** Changed paths of one family to announce with the same next hop and attribute set. */
interface ChangeGroup {
  readonly family: FamilyName;
  readonly nextHop: IpValue;
  readonly set: AttributeSet;
  readonly prefixes: Prefix[];
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
/** Prefixes looked at (in a full send, not all of the group being sent) for one counted in the batch. */
const VISITS_PER_SEND = 16;
/** A compact slot's next-hop part: 0, or 1 + the index of a next hop (at most 8: compact prefixes have {@link FIRST_PATH_IDS}). */
const SLOT_HOPS = 16;
/** Bundle ids stay below this, so a compact slot is a small integer (a Smi for V8). */
const MAX_BUNDLE_ID = 2 ** 22;
/** IPv4 keys of prefixes shorter than /32 start here, above every host key. */
const NET_KEY_BASE = 2 ** 32;

/**
 * The key of a prefix in the RIB-out: an IPv4 host route's address as a
 * signed 32-bit integer (a Smi for V8: no heap number per route), an IPv6
 * host route's address itself, else a number at or above 2^32 (IPv4) or a
 * negative bigint (IPv6) from address and length that no host key equals.
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
  if (typeof address === "number") return length === 32 ? address | 0 : NET_KEY_BASE + address * 64 + length;
  return length === 128 ? address : -((address << 8n) | BigInt(length)) - 1n;
}

/** The prefix of a key (see {@link prefixKey}). */
function keyPrefix(key: PrefixKey): Prefix {
  if (typeof key === "number")
    return key < NET_KEY_BASE ? { address: key >>> 0, length: 32 } : { address: Math.floor((key - NET_KEY_BASE) / 64), length: key % 64 };
  if (key >= 0n) return { address: key, length: 128 };
  const packed = -(key + 1n);
  return { address: packed >> 8n, length: Number(packed & 255n) };
}

function keyFamily(key: PrefixKey): FamilyName {
  return typeof key === "number" ? "ipv4-unicast" : "ipv6-unicast";
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
  /** Every prefix wanted or still held by the peer: the one per-prefix table. */
  private readonly slots = new Map<PrefixKey, Slot>();
  private readonly bundles = new Map<string, Bundle>();
  /** Bundles by id; undefined where an id is free (listed in {@link freeBundleIds}). */
  private readonly bundleList: (Bundle | undefined)[] = [];
  private readonly freeBundleIds: number[] = [];
  private readonly attributeSets = new Map<string, AttributeSet>();
  private readonly nextHopObjects = new Map<IpValue, MpNextHop>();
  private readonly sentRecords = new Map<AttributeSet, Map<IpValue, readonly SentRecord[]>>();
  /** Keys of the prefixes changed since they were last compared with what the peer has. */
  private dirty = new Set<PrefixKey>();
  /** Families whose every path is (re)announced at the next send: after Established, or on ROUTE-REFRESH. */
  private readonly full = new Set<FamilyName>();
  private session: RibOutSession | undefined;
  private phase: Phase = "down";
  /** Changes on every sessionUp, sessionDown and withdrawAll, ending a running {@link changes}. */
  private generation = 0;
  private pass = 0;
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
    const v4 = isIpv4Value(address);
    if (!(v4 || isIpv6Value(address)) || family !== (v4 ? "ipv4-unicast" : "ipv6-unicast")) return false;
    if (!Number.isInteger(length) || length < 0 || length > (v4 ? 32 : 128)) return false;
    const key = prefixKey(address, length);
    const slot = this.slots.get(key);
    if (typeof slot === "number" && slot % SLOT_HOPS === 0) {
      // Never sent: nothing to tell the peer, the prefix just goes.
      this.leave(this.bundleList[Math.floor(slot / SLOT_HOPS)] as Bundle);
      this.slots.delete(key);
      return true;
    }
    const entry = slot === undefined ? undefined : this.entryOf(key, slot);
    if (!entry || entry.nextHops.length === 0) return false;
    this.unwant(entry);
    this.store(entry);
    return true;
  }

  /**
   * Makes `routes` the whole wanted set: routes not in it are removed.
   * Nothing changes when one is bad. `routes` is iterated twice (checked,
   * then applied), so an iterable that makes its routes as it goes works.
   */
  replaceAll(routes: Iterable<OriginatedRoute>): void {
    for (const route of routes) checkRoute(route);
    if (this.slots.size === 0) {
      // Nothing to remove: no record of which prefixes were named is needed.
      for (const route of routes) this.apply(route);
      return;
    }
    const named = new Set<PrefixKey>();
    for (const route of routes) named.add(this.apply(route));
    for (const [key, slot] of this.slots) {
      if (named.has(key)) continue;
      const entry = this.entryOf(key, slot);
      if (entry.nextHops.length === 0) continue;
      this.unwant(entry);
      this.store(entry);
    }
  }

  /** The wanted routes. */
  wanted(): readonly OriginatedRoute[] {
    const routes: OriginatedRoute[] = [];
    for (const [key, slot] of this.slots) {
      const entry = this.entryOf(key, slot);
      const set = entry.bundle?.attributes;
      if (!set) continue;
      routes.push({
        family: entry.family,
        address: entry.address,
        length: entry.length,
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
    for (const [key, slot] of this.slots) {
      const entry = this.entryOf(key, slot);
      for (const record of entry.sent) {
        const base = { family: entry.family, address: entry.address, length: entry.length, nextHop: record.nextHop };
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
        for (const [key, slot] of this.slots) {
          if (!live()) return;
          if (this.bundleOf(slot) !== bundle) {
            budget -= 1 / VISITS_PER_SEND;
          } else {
            this.sendFull(key, slot, nextHop, pass, sink);
            budget--;
          }
          if (budget <= 0) {
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
      for (const key of changed) {
        if (!live()) return;
        const slot = this.slots.get(key);
        if (slot === undefined) continue;
        if (typeof slot === "number" && slot % SLOT_HOPS === 0) {
          this.compareNew(key, slot, groups);
        } else {
          const entry = this.entryOf(key, slot);
          if (entry.synced === this.pass && entry.synced !== 0) continue;
          this.compare(entry, sink, groups);
          this.store(entry);
        }
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
        for (const prefix of group.prefixes) {
          if (!live()) return;
          sink.announce(group.family, prefix, nextHop, group.set.attributes);
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
    for (const [key, slot] of this.slots) {
      if (typeof slot === "number") {
        if (slot % SLOT_HOPS !== 0) withdraw.push({ family: keyFamily(key), prefix: keyPrefix(key) });
        continue;
      }
      for (const record of slot.sent) withdraw.push({ family: slot.family, prefix: prefixOf(slot, record.pathId) });
    }
    this.forgetSent();
    if (this.phase === "up") this.phase = "withdrawn";
    return { announce: [], withdraw };
  }

  /** The entry of a prefix, made from its slot when that is compact. */
  private entryOf(key: PrefixKey, slot: Slot): Entry {
    if (typeof slot !== "number") return slot;
    const bundle = this.bundleList[Math.floor(slot / SLOT_HOPS)] as Bundle;
    const hop = slot % SLOT_HOPS;
    const prefix = keyPrefix(key);
    return {
      family: bundle.family,
      address: prefix.address,
      length: prefix.length,
      key,
      nextHops: bundle.nextHops,
      pathIds: FIRST_PATH_IDS[bundle.nextHops.length],
      bundle,
      sent: hop === 0 ? NOTHING_SENT : this.sentRecord(bundle.attributes, bundle.nextHops[hop - 1]),
      synced: 0,
    };
  }

  /** Writes `entry` back into its slot: compact when its state allows, dropped when nothing is wanted or sent. */
  private store(entry: Entry): void {
    if (entry.nextHops.length === 0 && entry.sent.length === 0) {
      this.slots.delete(entry.key);
      return;
    }
    this.slots.set(entry.key, this.compact(entry) ?? entry);
  }

  /** The compact slot of `entry` (see {@link Slot}), or undefined when its state needs the object. */
  private compact(entry: Entry): number | undefined {
    const bundle = entry.bundle;
    if (bundle === undefined || bundle.id >= MAX_BUNDLE_ID || entry.nextHops !== bundle.nextHops || entry.pathIds !== FIRST_PATH_IDS[bundle.nextHops.length]) {
      return undefined;
    }
    if (entry.sent.length === 0) return bundle.id * SLOT_HOPS;
    const record = entry.sent[0];
    if (entry.sent.length > 1 || record.pathId !== undefined || record.attributes !== bundle.attributes) return undefined;
    const hop = bundle.nextHops.indexOf(record.nextHop);
    return hop < 0 ? undefined : bundle.id * SLOT_HOPS + hop + 1;
  }

  private bundleOf(slot: Slot): Bundle | undefined {
    return typeof slot === "number" ? this.bundleList[Math.floor(slot / SLOT_HOPS)] : slot.bundle;
  }

  /** Records a checked route as wanted; returns its key. */
  private apply(route: OriginatedRoute): PrefixKey {
    const address = route.address;
    const key = prefixKey(address, route.length);
    const set = this.intern(route);
    const slot = this.slots.get(key);
    const current = slot === undefined ? undefined : this.bundleOf(slot);
    if (current?.attributes === set && sameList(current.nextHops, route.nextHops)) {
      this.release(set);
      return key;
    }
    if (slot === undefined) {
      const bundle = this.bundleFor(route.family, route.nextHops, set);
      if (FIRST_PATH_IDS[bundle.nextHops.length] !== undefined && bundle.id < MAX_BUNDLE_ID) {
        // A new prefix in the usual state: its compact slot, no entry object made.
        bundle.size++;
        this.slots.set(key, bundle.id * SLOT_HOPS);
        if (this.phase === "up") this.dirty.add(key);
        return key;
      }
    }
    const entry: Entry =
      slot === undefined
        ? { family: route.family, address, length: route.length, key, nextHops: [], pathIds: NO_PATH_IDS, bundle: undefined, sent: NOTHING_SENT, synced: 0 }
        : this.entryOf(key, slot);
    const fresh = entry.nextHops.length === 0 ? FIRST_PATH_IDS[route.nextHops.length] : undefined;
    const ids = fresh ?? pathIdsFor(entry, route.nextHops);
    this.leaveBundle(entry);
    const bundle = this.bundleFor(route.family, route.nextHops, set);
    bundle.size++;
    entry.bundle = bundle;
    entry.nextHops = bundle.nextHops;
    entry.pathIds = ids;
    this.touch(entry);
    this.store(entry);
    return key;
  }

  /** No longer wants `entry`; it stays until the peer has been told (the caller stores it). */
  private unwant(entry: Entry): void {
    this.leaveBundle(entry);
    entry.nextHops = [];
    entry.pathIds = NO_PATH_IDS;
    if (entry.sent.length > 0) this.touch(entry);
  }

  private touch(entry: Entry): void {
    entry.synced = 0;
    if (this.phase === "up") this.dirty.add(entry.key);
  }

  private leaveBundle(entry: Entry): void {
    const bundle = entry.bundle;
    if (!bundle) return;
    entry.bundle = undefined;
    this.leave(bundle);
  }

  /** One prefix fewer in `bundle`. */
  private leave(bundle: Bundle): void {
    this.release(bundle.attributes);
    if (--bundle.size > 0) return;
    this.bundles.delete(bundle.key);
    this.bundleList[bundle.id] = undefined;
    this.freeBundleIds.push(bundle.id);
    if (this.lastBundle === bundle) this.lastBundle = undefined;
  }

  private bundleFor(family: FamilyName, nextHops: readonly IpValue[], set: AttributeSet): Bundle {
    const last = this.lastBundle;
    if (last && last.family === family && last.attributes === set && sameList(last.nextHops, nextHops) && this.bundles.get(last.key) === last) return last;
    const key = `${family}|${set.key}|${nextHopsKey(nextHops)}`;
    let bundle = this.bundles.get(key);
    if (bundle === undefined) {
      const id = this.freeBundleIds.pop() ?? this.bundleList.length;
      bundle = { key, id, family, nextHops: [...nextHops], attributes: set, size: 0 };
      this.bundles.set(key, bundle);
      this.bundleList[id] = bundle;
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

  /** Full send of one path of the prefix in `slot` (through `nextHop`), keeping what else the peer has of it right. */
  private sendFull(key: PrefixKey, slot: Slot, nextHop: IpValue, pass: number, sink: ChangeSink): void {
    const session = this.session as RibOutSession;
    const family = keyFamily(key);
    if (!session.addPathSend.includes(family)) {
      // Without ADD-PATH the next hop already sent stays while it is usable.
      if (typeof slot === "number") {
        // A compact prefix stays compact: only which next hop was sent changes.
        const bundle = this.bundleList[Math.floor(slot / SLOT_HOPS)] as Bundle;
        const sentHop = slot % SLOT_HOPS;
        const current = sentHop === 0 ? undefined : bundle.nextHops[sentHop - 1];
        const hop = current !== undefined && current !== nextHop && this.usable(family, bundle.nextHops, session).includes(current) ? current : nextHop;
        if (sentHop === 0) this.sentPaths++;
        this.slots.set(key, bundle.id * SLOT_HOPS + bundle.nextHops.indexOf(hop) + 1);
        sink.announce(family, keyPrefix(key), this.nextHopObject(hop), bundle.attributes.attributes);
        return;
      }
      const entry = slot;
      const set = (entry.bundle as Bundle).attributes;
      const current = entry.sent.length === 1 ? entry.sent[0].nextHop : undefined;
      const hop = current !== undefined && current !== nextHop && this.usable(family, entry.nextHops, session).includes(current) ? current : nextHop;
      this.record(entry, this.sentRecord(set, hop));
      entry.synced = pass;
      this.store(entry);
      sink.announce(family, prefixOf(entry, undefined), this.nextHopObject(hop), set.attributes);
      return;
    }
    const entry = this.entryOf(key, slot);
    const set = (entry.bundle as Bundle).attributes;
    const pathId = entry.pathIds[entry.nextHops.indexOf(nextHop)];
    if (entry.synced !== pass) {
      // First path of the entry in this pass: withdraw paths it no longer has.
      const wantedIds = new Set(this.usable(family, entry.nextHops, session).map((hop) => entry.pathIds[entry.nextHops.indexOf(hop)]));
      for (const record of entry.sent) {
        if (!wantedIds.has(record.pathId as number)) sink.withdraw(family, prefixOf(entry, record.pathId));
      }
      this.record(entry, NOTHING_SENT);
      entry.synced = pass;
    }
    this.record(entry, [...entry.sent, { nextHop, attributes: set, pathId }]);
    this.store(entry);
    sink.announce(family, prefixOf(entry, pathId), this.nextHopObject(nextHop), set.attributes);
  }

  /** Compares a changed entry with what the peer has: withdrawals go to `sink`, announcements into `groups`. The caller stores it. */
  private compare(entry: Entry, sink: ChangeSink, groups: ChangeGroups): void {
    const session = this.session as RibOutSession;
    const set = entry.bundle?.attributes;
    const negotiated = session.families.includes(entry.family);
    const usable = set && negotiated ? this.usable(entry.family, entry.nextHops, session) : [];
    const announce = (nextHop: IpValue, pathId: number | undefined): void => {
      changeGroup(groups, entry.family, set as AttributeSet, nextHop).prefixes.push(prefixOf(entry, pathId));
    };
    if (!session.addPathSend.includes(entry.family)) {
      const current = entry.sent.length === 1 ? entry.sent[0] : undefined;
      if (usable.length === 0) {
        if (current) sink.withdraw(entry.family, prefixOf(entry, undefined));
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
      for (const record of entry.sent) if (!wantedIds.has(record.pathId as number)) sink.withdraw(entry.family, prefixOf(entry, record.pathId));
      this.record(entry, sent.length ? sent : NOTHING_SENT);
    }
  }

  /**
   * {@link compare} for a compact prefix the peer has nothing of: without
   * ADD-PATH it is announced through its first usable next hop and stays
   * compact; with ADD-PATH, compared as an entry.
   */
  private compareNew(key: PrefixKey, slot: number, groups: ChangeGroups): void {
    const session = this.session as RibOutSession;
    const bundle = this.bundleList[Math.floor(slot / SLOT_HOPS)] as Bundle;
    const family = bundle.family;
    if (!session.families.includes(family)) return;
    if (session.addPathSend.includes(family)) {
      const entry = this.entryOf(key, slot);
      this.compare(entry, NO_SINK, groups);
      this.store(entry);
      return;
    }
    const usable = this.usable(family, bundle.nextHops, session);
    if (usable.length === 0) return;
    changeGroup(groups, family, bundle.attributes, usable[0]).prefixes.push(keyPrefix(key));
    this.slots.set(key, slot + bundle.nextHops.indexOf(usable[0]) + 1);
    this.sentPaths++;
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
    // Nothing sent means no entry holds a sent path or waits to be withdrawn: a first session up costs nothing per route.
    if (this.sentPaths === 0) return;
    for (const [key, slot] of this.slots) {
      if (typeof slot === "number") {
        if (slot % SLOT_HOPS !== 0) this.slots.set(key, slot - (slot % SLOT_HOPS));
        continue;
      }
      slot.sent = NOTHING_SENT;
      slot.synced = 0;
      this.store(slot);
    }
    this.sentPaths = 0;
  }
}

/** The group of changes for a family, attribute set and next hop, made when first needed. */
function changeGroup(groups: ChangeGroups, family: FamilyName, set: AttributeSet, nextHop: IpValue): ChangeGroup {
  const bySet = groups[family === "ipv4-unicast" ? 0 : 1];
  let byHop = bySet.get(set);
  if (byHop === undefined) {
    byHop = new Map();
    bySet.set(set, byHop);
  }
  let group = byHop.get(nextHop);
  if (group === undefined) {
    group = { family, nextHop, set, prefixes: [] };
    byHop.set(nextHop, group);
  }
  return group;
}

/** A sink for comparisons that cannot withdraw anything (the peer has nothing of the prefix). */
const NO_SINK: ChangeSink = {
  announce: () => undefined,
  withdraw: () => undefined,
};

/** The prefix of `entry` for the codec, with `pathId` when given. */
function prefixOf(entry: Entry, pathId: number | undefined): Prefix {
  return pathId === undefined ? { address: entry.address, length: entry.length } : { address: entry.address, length: entry.length, pathId };
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
