/**
 * Service address allocation (IPAM) for `type: LoadBalancer` Services.
 *
 * Pure: the plan is a function of the pools and the Services as observed
 * (their requests and the addresses their status already shows), so a
 * restarted speaker rebuilds the same state from the Services alone. The
 * plan never gives one address to two Services, except to Services that
 * allow sharing it ({@link AddressSharing}); an address a Service already
 * has stays with it while it remains valid.
 */
import { formatIp, parseIp, type IpAddress, type IpFamily } from "../net";
import type { AddressBlock } from "../net";
import type { AddressPool } from "./address-pools";

/** Kubernetes `spec.ipFamilyPolicy`. */
export type IpFamilyPolicy = "SingleStack" | "PreferDualStack" | "RequireDualStack";

/** What the IPAM needs to know of one LoadBalancer Service. */
export interface AddressRequest {
  /** `namespace/name`. */
  readonly key: string;
  /** `spec.ipFamilies` in order (the first is the primary family); empty means IPv4. */
  readonly families: readonly IpFamily[];
  /** `spec.ipFamilyPolicy`. @default "SingleStack" */
  readonly familyPolicy?: IpFamilyPolicy;
  /** Addresses the Service asks for (`spec.loadBalancerIP`), at most one per family. */
  readonly requested: readonly string[];
  /** Addresses its `status.loadBalancer.ingress` shows now. */
  readonly current: readonly string[];
  /** `metadata.creationTimestamp` (RFC 3339): older Services win conflicts. */
  readonly createdAt: string;
  /**
   * The pools the Service may be given addresses of automatically, most
   * preferred first (MetalLB: the `address-pool` annotation,
   * `serviceAllocation`); a `manualAssign` pool named here counts as chosen
   * by the Service. A kept or requested address must lie in one of them.
   * @default every pool that is not `manualAssign`, in the order written (and any pool for a requested address)
   */
  readonly pools?: readonly string[];
  /** Whether and with whom the Service may share an address (MetalLB's `allow-shared-ip`). @default shares with nobody */
  readonly sharing?: AddressSharing;
  /**
   * Take every automatic address of the Service from one pool, as MetalLB
   * does: a dual-stack Service needs a pool with both families (with
   * `PreferDualStack`, else the first pool with its primary family, else
   * one with the other); a family added later comes from the pool of the
   * address it has. @default false: each family from the first pool that has one
   */
  readonly onePool?: boolean;
}

/**
 * MetalLB's address sharing: Services may hold the same address when both
 * have the same non-empty `key`, the same `backend` and no port in common.
 */
export interface AddressSharing {
  /** The `metallb.io/allow-shared-ip` annotation's value; empty shares with nobody. */
  readonly key: string;
  /**
   * Empty for `externalTrafficPolicy: Cluster`; for `Local`, the pod
   * selector as `k=v,…` (sorted): Local Services share only with Services
   * of the same pods, since the address is advertised where those run.
   */
  readonly backend: string;
  /** Each Service port as `PROTOCOL/port`, e.g. `TCP/80`. */
  readonly ports: readonly string[];
}

/** Why a Service did not get (all of) the addresses it wants. */
export type AllocationProblemReason =
  | "InvalidRequestedAddress"
  | "RequestedFamilyNotOffered"
  | "RequestedAddressNotInPool"
  | "RequestedAddressPoolNotAllowed"
  | "RequestedAddressInUse"
  | "RequestedAddressAvoided"
  | "NoAddressAvailable";

/** One problem, for an Event on the Service. */
export interface AllocationProblem {
  readonly reason: AllocationProblemReason;
  /** A sentence naming the value, e.g. `spec.loadBalancerIP 10.0.9.1 is in no address pool (pools: pool1)`. */
  readonly message: string;
}

/** The addresses planned for one Service. */
export interface ServiceAllocation {
  /** Addresses in the order of the Service's `ipFamilies`; empty when none could be given. */
  readonly addresses: readonly string[];
  /** The pool of each address, index by index. */
  readonly pools: readonly string[];
  /** What could not be honoured; empty when the Service got everything it wants. */
  readonly problems: readonly AllocationProblem[];
}

/** The allocation of every requesting Service, by key. */
export type AddressPlan = ReadonlyMap<string, ServiceAllocation>;

/** The families a Service wants an address of, primary first. */
export function wantedFamilies(request: AddressRequest): IpFamily[] {
  const families: IpFamily[] = request.families.length === 0 ? [4] : [...new Set(request.families)];
  return (request.familyPolicy ?? "SingleStack") === "SingleStack" ? families.slice(0, 1) : families.slice(0, 2);
}

/**
 * `avoidBuggyIPs`: IPv4 addresses ending in `.0` or `.255`. IPv6 addresses
 * are never avoided: every address of a block is handed out, an IPv6
 * CIDR's first (all-zero interface ID) first, as in MetalLB's allocator,
 * which the vendor's bundled load balancer uses for its pools. That address
 * is the Subnet-Router anycast address (RFC 4291 §2.6.1) only on a link
 * with that prefix; a VIP is a /128 host route. A pool written as a range
 * (`2001:db8::1-2001:db8::ff`) leaves it out.
 */
function isBuggy(family: IpFamily, value: bigint): boolean {
  const last = value & 0xffn;
  return family === 4 && (last === 0n || last === 255n);
}

function blockHolds(block: AddressBlock, ip: IpAddress): boolean {
  return block.family === ip.family && ip.value >= block.first && ip.value <= block.last;
}

/** The pool holding the address, if any (pools do not overlap; the first wins if they do). */
function poolOf(pools: readonly AddressPool[], ip: IpAddress): AddressPool | undefined {
  return pools.find((pool) => pool.blocks.some((block) => blockHolds(block, ip)));
}

/** Whether the Service may hold an address of `pool`. */
function mayUse(request: AddressRequest, pool: AddressPool): boolean {
  return request.pools === undefined || request.pools.includes(pool.name);
}

function ipKey(ip: IpAddress): string {
  return `${ip.family}|${ip.value}`;
}

function tryParse(text: string): IpAddress | undefined {
  try {
    return parseIp(text);
  } catch {
    return undefined;
  }
}

/**
 * The addresses a speaker may announce of those the Services show: well
 * formed and in one of the pools, canonical text, each once. A Service's
 * status is anyone's to write (a person, another controller): an address
 * that does not parse must not stop the speaker, and one outside every
 * pool is not ours to announce (the allocator replaces it).
 */
export function addressesInPools(shown: readonly string[], pools: readonly AddressPool[]): string[] {
  const kept = new Set<string>();
  for (const text of shown) {
    const ip = tryParse(text);
    if (ip && poolOf(pools, ip)) kept.add(ip.text);
  }
  return [...kept];
}

/** Who holds an address: the Services and the sharing terms of the first. */
interface Holder {
  readonly sharing: AddressSharing | undefined;
  /** Port → the Service using it. */
  readonly ports: Map<string, string>;
  readonly services: string[];
}

/** The addresses given out so far in a plan, and to whom. */
class Claims {
  private readonly holders = new Map<string, Holder>();

  /** Whether anyone holds the address (for the cursor, which only looks for free ones). */
  has(key: string): boolean {
    return this.holders.has(key);
  }

  /**
   * Why `request` may not hold `ip` too, or undefined when it may: the
   * address is free, held only by the same Service, or shared on compatible
   * terms (MetalLB's `checkSharing`). The reason is empty when no sharing was
   * asked for on either side.
   */
  conflict(ip: IpAddress, request: AddressRequest): string | undefined {
    const holder = this.holders.get(ipKey(ip));
    const others = holder?.services.filter((service) => service !== request.key) ?? [];
    if (!holder || others.length === 0) return undefined;
    const theirs = holder.sharing?.key ?? "";
    const mine = request.sharing?.key ?? "";
    const named = others.join(", ");
    if (theirs === "" && mine === "") return "";
    if (theirs === "") return `${named} does not allow sharing it`;
    if (mine === "") return `${named} shares it with key ${JSON.stringify(theirs)}, and this Service has no metallb.io/allow-shared-ip`;
    if (theirs !== mine) return `${named} shares it with key ${JSON.stringify(theirs)}, not ${JSON.stringify(mine)}`;
    if (holder.sharing?.backend !== request.sharing?.backend)
      return `${named} shares it with other endpoints (externalTrafficPolicy Local Services share only with the same selector)`;
    const taken = (request.sharing?.ports ?? []).filter((port) => (holder.ports.get(port) ?? request.key) !== request.key);
    if (taken.length > 0) return `port ${taken.join(", ")} is already used on it by ${taken.map((port) => holder.ports.get(port)).join(", ")}`;
    return undefined;
  }

  /** Records that `request` holds `ip` (after {@link conflict} said it may). */
  claim(ip: IpAddress, request: AddressRequest): void {
    const key = ipKey(ip);
    let holder = this.holders.get(key);
    if (!holder) this.holders.set(key, (holder = { sharing: request.sharing, ports: new Map(), services: [] }));
    holder.services.push(request.key);
    for (const port of request.sharing?.ports ?? []) holder.ports.set(port, request.key);
  }
}

/** Lowest-free-address search over one pool and family; everything below the cursor is taken (the caller claims what it is given). */
class PoolCursor {
  private blockIndex = 0;
  private next: bigint | undefined;

  constructor(
    private readonly pool: AddressPool,
    private readonly family: IpFamily,
  ) {}

  take(claimed: Claims, reserved: ReadonlySet<string>): IpAddress | undefined {
    const blocks = this.pool.blocks;
    while (this.blockIndex < blocks.length) {
      const block = blocks[this.blockIndex];
      if (block.family !== this.family) {
        this.blockIndex++;
        continue;
      }
      let value = this.next ?? block.first;
      while (value <= block.last) {
        const key = `${this.family}|${value}`;
        if (!claimed.has(key) && !reserved.has(key) && !(this.pool.avoidBuggyIPs && isBuggy(this.family, value))) {
          this.next = value;
          return { family: this.family, value, text: formatIp(this.family, value) };
        }
        value++;
      }
      this.blockIndex++;
      this.next = undefined;
    }
    return undefined;
  }
}

/**
 * The first address of `pool` in `family` that `request` may hold: free, or
 * shared with it on compatible terms — as MetalLB, which scans each pool
 * from its start, so Services with one sharing key gather on one address.
 */
function firstUsable(pool: AddressPool, family: IpFamily, request: AddressRequest, claims: Claims, reserved: ReadonlySet<string>): IpAddress | undefined {
  for (const block of pool.blocks) {
    if (block.family !== family) continue;
    for (let value = block.first; value <= block.last; value++) {
      const ip = { family, value, text: "" };
      if (reserved.has(ipKey(ip)) || (pool.avoidBuggyIPs && isBuggy(family, value)) || claims.conflict(ip, request) !== undefined) continue;
      return { family, value, text: formatIp(family, value) };
    }
  }
  return undefined;
}

/**
 * Step 3 for a Service with `onePool` (see {@link AddressRequest.onePool}):
 * the families it still lacks from one pool — the pool of an address it
 * already has, else the first pool offering all of them; with
 * `PreferDualStack` failing that, the first offering its primary family,
 * else the first offering the other.
 */
function assignFromOnePool(
  w: Working,
  allowed: readonly AddressPool[],
  allowedNames: string,
  candidate: (w: Working, pool: AddressPool, family: IpFamily) => IpAddress | undefined,
  claimed: Claims,
): void {
  const missing = w.wanted.filter((family) => !w.got.has(family) && !w.requested.has(family));
  if (missing.length === 0) return;
  const held = [...w.got.values()][0]?.pool;
  const order = held === undefined ? allowed : allowed.filter((pool) => pool.name === held);
  const offers = (pool: AddressPool, families: readonly IpFamily[]): IpAddress[] | undefined => {
    const ips = families.map((family) => candidate(w, pool, family));
    return ips.every((ip) => ip !== undefined) ? ips : undefined;
  };
  const take = (pool: AddressPool, ips: readonly IpAddress[]): void => {
    for (const ip of ips) {
      claimed.claim(ip, w.request);
      w.got.set(ip.family, { ip, pool: pool.name });
    }
  };
  for (const pool of order) {
    const ips = offers(pool, missing);
    if (ips) return take(pool, ips);
  }
  if (w.request.familyPolicy === "PreferDualStack" && held === undefined && missing.length > 1) {
    for (const family of missing) {
      for (const pool of order) {
        const ips = offers(pool, [family]);
        if (ips) return take(pool, ips);
      }
    }
  }
  if (held !== undefined && w.request.familyPolicy !== "RequireDualStack") return;
  const what =
    missing.length > 1 ? `${missing.map(familyName).join(" and ")} addresses in one address pool` : `${familyName(missing[0])} address in the address pools`;
  w.problems.push({ reason: "NoAddressAvailable", message: `no free ${what} (pools: ${allowedNames})` });
}

interface Working {
  readonly request: AddressRequest;
  readonly wanted: IpFamily[];
  readonly requested: Map<IpFamily, IpAddress>;
  readonly got: Map<IpFamily, { ip: IpAddress; pool: string }>;
  readonly problems: AllocationProblem[];
}

function familyName(family: IpFamily): string {
  return `IPv${family}`;
}

/**
 * Plans the addresses of every LoadBalancer Service.
 *
 * 1. Addresses a Service already has are kept (oldest Service first) when
 *    they lie in a pool it may use, match what it requests, are of a family
 *    it wants and no older Service keeps them.
 * 2. Requested addresses (`spec.loadBalancerIP`) are given when free and in
 *    a pool, `manualAssign` pools included; otherwise a problem says why.
 * 3. Remaining families get the lowest free address of the first pool (in
 *    the order written, or the Service's own `pools` order) that is not
 *    `manualAssign`, preferring a pool the Service already uses;
 *    `avoidBuggyIPs` pools skip `.0` and `.255`.
 *
 * An address goes to several Services only when they allow sharing it
 * ({@link AddressSharing}); a Service with a sharing key is given the first
 * address it may share or take. A `RequireDualStack` Service that cannot
 * get both families gets nothing new (it keeps what it had). `reserved` addresses (e.g. the ingress VIP)
 * go only to a Service that requests them.
 */
export function planServiceAddresses(pools: readonly AddressPool[], requests: readonly AddressRequest[], reserved: readonly string[] = []): AddressPlan {
  const reservedKeys = new Set(
    reserved
      .map(tryParse)
      .filter((ip): ip is IpAddress => ip !== undefined)
      .map(ipKey),
  );
  const claimed = new Claims();
  const ordered = [...requests].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const poolNames = pools.map((pool) => pool.name).join(", ") || "none";

  const working: Working[] = ordered.map((request) => {
    const wanted = wantedFamilies(request);
    const problems: AllocationProblem[] = [];
    const requested = new Map<IpFamily, IpAddress>();
    for (const text of request.requested) {
      const ip = tryParse(text);
      if (!ip) {
        problems.push({ reason: "InvalidRequestedAddress", message: `spec.loadBalancerIP ${JSON.stringify(text)} is not an IP address` });
      } else if (!wanted.includes(ip.family)) {
        problems.push({
          reason: "RequestedFamilyNotOffered",
          message: `spec.loadBalancerIP ${ip.text} is ${familyName(ip.family)} but the Service's ipFamilies give ${wanted.map(familyName).join(", ")}`,
        });
      } else if (!requested.has(ip.family)) {
        requested.set(ip.family, ip);
      }
    }
    return { request, wanted, requested, got: new Map(), problems };
  });

  // 1. keep what Services already have
  for (const w of working) {
    for (const text of w.request.current) {
      const ip = tryParse(text);
      if (!ip || !w.wanted.includes(ip.family) || w.got.has(ip.family) || claimed.conflict(ip, w.request) !== undefined) continue;
      const asked = w.requested.get(ip.family);
      if (asked ? asked.value !== ip.value : reservedKeys.has(ipKey(ip))) continue;
      const pool = poolOf(pools, ip);
      if (
        !pool ||
        !mayUse(w.request, pool) ||
        (pool.manualAssign && !asked && w.request.pools === undefined) ||
        (pool.avoidBuggyIPs && isBuggy(ip.family, ip.value))
      )
        continue;
      claimed.claim(ip, w.request);
      w.got.set(ip.family, { ip, pool: pool.name });
    }
  }

  // 2. requested addresses
  let conflict: string | undefined;
  for (const w of working) {
    for (const [family, ip] of w.requested) {
      if (w.got.has(family)) continue;
      const pool = poolOf(pools, ip);
      if (!pool) {
        w.problems.push({ reason: "RequestedAddressNotInPool", message: `spec.loadBalancerIP ${ip.text} is in no address pool (pools: ${poolNames})` });
      } else if (!mayUse(w.request, pool)) {
        w.problems.push({
          reason: "RequestedAddressPoolNotAllowed",
          message: `spec.loadBalancerIP ${ip.text} is in pool ${pool.name}, which this Service may not use (its pools: ${w.request.pools?.join(", ") || "none"})`,
        });
      } else if (pool.avoidBuggyIPs && isBuggy(ip.family, ip.value)) {
        w.problems.push({
          reason: "RequestedAddressAvoided",
          message: `spec.loadBalancerIP ${ip.text} ends in .${ip.value & 0xffn} and pool ${pool.name} has avoidBuggyIPs`,
        });
      } else if ((conflict = claimed.conflict(ip, w.request)) !== undefined) {
        w.problems.push({
          reason: "RequestedAddressInUse",
          message: `spec.loadBalancerIP ${ip.text} is already assigned to another Service${conflict === "" ? "" : ` (${conflict})`}`,
        });
      } else {
        claimed.claim(ip, w.request);
        w.got.set(family, { ip, pool: pool.name });
      }
    }
  }

  // 3. automatic assignment
  const cursors = new Map<string, PoolCursor>();
  const cursor = (pool: AddressPool, family: IpFamily): PoolCursor => {
    const key = `${pool.name}|${family}`;
    let c = cursors.get(key);
    if (!c) cursors.set(key, (c = new PoolCursor(pool, family)));
    return c;
  };
  const automatic = pools.filter((pool) => !pool.manualAssign);
  /** The first address of `pool` in `family` the Service may take; the caller claims it or leaves it. */
  const candidate = (w: Working, pool: AddressPool, family: IpFamily): IpAddress | undefined =>
    w.request.sharing?.key ? firstUsable(pool, family, w.request, claimed, reservedKeys) : cursor(pool, family).take(claimed, reservedKeys);
  for (const w of working) {
    const allowed = w.request.pools === undefined ? automatic : w.request.pools.flatMap((name) => pools.filter((pool) => pool.name === name));
    const allowedNames = w.request.pools === undefined ? poolNames : allowed.map((pool) => pool.name).join(", ") || "none this Service may use";
    const policy = w.request.familyPolicy ?? "SingleStack";
    if (w.request.onePool) {
      assignFromOnePool(w, allowed, allowedNames, candidate, claimed);
      continue;
    }
    const fresh: IpFamily[] = [];
    for (const [index, family] of w.wanted.entries()) {
      if (w.got.has(family) || w.requested.has(family)) continue;
      const used = new Set([...w.got.values()].map((g) => g.pool));
      const order = [...allowed.filter((p) => used.has(p.name)), ...allowed.filter((p) => !used.has(p.name))];
      let found: { ip: IpAddress; pool: string } | undefined;
      for (const pool of order) {
        const ip = candidate(w, pool, family);
        if (ip) {
          found = { ip, pool: pool.name };
          break;
        }
      }
      if (found) {
        claimed.claim(found.ip, w.request);
        w.got.set(family, found);
        fresh.push(family);
      } else if (index === 0 || policy === "RequireDualStack") {
        w.problems.push({ reason: "NoAddressAvailable", message: `no free ${familyName(family)} address in the address pools (pools: ${allowedNames})` });
      }
    }
    const missing = w.wanted.some((family) => !w.got.has(family));
    if (policy === "RequireDualStack" && missing) {
      for (const family of fresh) w.got.delete(family);
    }
  }

  const plan = new Map<string, ServiceAllocation>();
  for (const w of working) {
    const families = w.wanted.filter((family) => w.got.has(family));
    plan.set(w.request.key, {
      addresses: families.map((family) => w.got.get(family)!.ip.text),
      pools: families.map((family) => w.got.get(family)!.pool),
      problems: w.problems,
    });
  }
  return plan;
}
