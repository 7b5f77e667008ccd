/**
 * MetalLB's IPAddressPools and Service annotations as the shared IPAM
 * ({@link planServiceAddresses}) takes them: pools as {@link AddressPool}s
 * (`autoAssign: false` is `manualAssign`), and per Service the addresses it
 * asks for (`spec.loadBalancerIP` or the `metallb.io/loadBalancerIPs`
 * annotation) and the pools it may use (the `metallb.io/address-pool`
 * annotation, else the pools whose `serviceAllocation` admits it, by
 * priority, then the pools without `serviceAllocation`), and whether it
 * may share an address (the `metallb.io/allow-shared-ip` annotation). The deprecated
 * `metallb.universe.tf/` annotations are read when the new ones are absent,
 * as MetalLB does. Pure.
 */
import type { IPAddressPool, LabelSelector } from "../model";
import { parseAddressBlock, parseIp } from "../net";
import { matchesSelector } from "../validate/rules/labels";
import type { AddressPool } from "./address-pools";
import { planServiceAddresses, type AddressRequest, type AddressSharing, type ServiceAllocation } from "./ipam";

/** Service annotation naming the one pool to allocate from. */
const ADDRESS_POOL_ANNOTATION = "metallb.io/address-pool";
/** Service annotation listing the addresses wanted (comma-separated, one per family). */
const LOAD_BALANCER_IPS_ANNOTATION = "metallb.io/loadBalancerIPs";
/** Service annotation: Services with the same value may share an address. */
const ALLOW_SHARED_IP_ANNOTATION = "metallb.io/allow-shared-ip";
const DEPRECATED_PREFIX = "metallb.universe.tf/";

/** What the pool choice and address sharing need to know of a Service besides its {@link AddressRequest}. */
export interface ServiceIdentity {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** `spec.ports` as `PROTOCOL/port`. @default [] */
  readonly ports?: readonly string[];
  /** `externalTrafficPolicy: Local`. @default false */
  readonly local?: boolean;
  /** `spec.selector`. @default {} */
  readonly selector?: Readonly<Record<string, string>>;
}

/**
 * IPAddressPools as {@link AddressPool}s, in the order given.
 * @throws AddressError when an address is not a CIDR or range (the validator refuses such a pool first).
 */
export function metallbAddressPools(pools: readonly IPAddressPool[]): AddressPool[] {
  return pools.map((pool) => ({
    name: pool.metadata.name,
    blocks: pool.spec.addresses.map(parseAddressBlock),
    avoidBuggyIPs: pool.spec.avoidBuggyIPs ?? false,
    manualAssign: pool.spec.autoAssign === false,
  }));
}

function annotation(annotations: Readonly<Record<string, string>>, name: string): string | undefined {
  return annotations[name] ?? annotations[`${DEPRECATED_PREFIX}${name.slice(name.indexOf("/") + 1)}`];
}

function anyMatches(selectors: readonly LabelSelector[], labels: Readonly<Record<string, string>>): boolean {
  return selectors.some((selector) => matchesSelector(selector, labels));
}

/** MetalLB's test of a pool's `serviceAllocation` against a Service (namespaces by name or label, then Service labels). */
function admits(pool: IPAddressPool, service: ServiceIdentity, namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>): boolean {
  const allocation = pool.spec.serviceAllocation;
  if (!allocation) return true;
  const names = allocation.namespaces ?? [];
  const selectors = allocation.namespaceSelectors ?? [];
  if (names.length > 0 || selectors.length > 0) {
    const inNamespace = names.includes(service.namespace) || anyMatches(selectors, namespaceLabels.get(service.namespace) ?? {});
    if (!inNamespace) return false;
  }
  const serviceSelectors = allocation.serviceSelectors ?? [];
  return serviceSelectors.length === 0 || anyMatches(serviceSelectors, service.labels);
}

/**
 * The pools a Service may take automatic addresses from, most preferred
 * first: the annotated pool alone; else the `autoAssign` pools whose
 * `serviceAllocation` admits it (lower `priority` first, unset last), then
 * the `autoAssign` pools without `serviceAllocation`.
 */
export function servicePools(
  service: ServiceIdentity,
  pools: readonly IPAddressPool[],
  namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>,
): string[] {
  const pinned = annotation(service.annotations, ADDRESS_POOL_ANNOTATION);
  if (pinned !== undefined) return [pinned.trim()];
  const automatic = pools.filter((pool) => pool.spec.autoAssign !== false);
  const rank = (pool: IPAddressPool): number => pool.spec.serviceAllocation?.priority || Number.MAX_SAFE_INTEGER;
  const allocated = automatic
    .filter((pool) => pool.spec.serviceAllocation !== undefined && admits(pool, service, namespaceLabels))
    .map((pool, index) => ({ pool, index }))
    .sort((a, b) => rank(a.pool) - rank(b.pool) || a.index - b.index)
    .map(({ pool }) => pool.metadata.name);
  return [...allocated, ...automatic.filter((pool) => pool.spec.serviceAllocation === undefined).map((pool) => pool.metadata.name)];
}

/**
 * The sharing terms of a Service (MetalLB's sharing key and backend key):
 * undefined without a non-empty `allow-shared-ip` annotation.
 */
export function addressSharing(service: ServiceIdentity): AddressSharing | undefined {
  const key = annotation(service.annotations, ALLOW_SHARED_IP_ANNOTATION) ?? "";
  if (key === "") return undefined;
  const selector = service.selector ?? {};
  // as labels.Set(selector).String(): k=v pairs sorted by key, comma-separated
  const backend = service.local
    ? Object.keys(selector)
        .sort()
        .map((k) => `${k}=${selector[k]}`)
        .join(",")
    : "";
  return { key, backend, ports: service.ports ?? [] };
}

/**
 * The MetalLB view of a Service's request: `request` (from
 * `addressRequestOf`) with the addresses of the `loadBalancerIPs`
 * annotation (which MetalLB prefers to `spec.loadBalancerIP`) and the pools
 * of {@link servicePools}, its {@link addressSharing} terms, and every
 * automatic address from one pool (`onePool`), as MetalLB allocates.
 */
export function metallbAddressRequest(
  request: AddressRequest,
  service: ServiceIdentity,
  pools: readonly IPAddressPool[],
  namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>,
): AddressRequest {
  const listed = annotation(service.annotations, LOAD_BALANCER_IPS_ANNOTATION);
  const requested =
    listed === undefined
      ? request.requested
      : listed
          .split(",")
          .map((ip) => ip.trim())
          .filter((ip) => ip !== "");
  const allowed = servicePools(service, pools, namespaceLabels);
  // A Service that asks for addresses may have them from any pool holding them, as in MetalLB.
  const withRequested = requested.length > 0 && annotation(service.annotations, ADDRESS_POOL_ANNOTATION) === undefined ? undefined : allowed;
  const sharing = addressSharing(service);
  return { ...request, requested, ...(withRequested === undefined ? {} : { pools: withRequested }), ...(sharing ? { sharing } : {}), onePool: true };
}

/**
 * An allocation in the order MetalLB writes a Service's status: the IPv4
 * address first, whatever the Service's `ipFamilies` order.
 */
export function metallbStatusOrder(allocation: ServiceAllocation): ServiceAllocation {
  const order = allocation.addresses.map((address, index) => ({ address, pool: allocation.pools[index], family: parseIp(address).family }));
  order.sort((a, b) => a.family - b.family);
  return { ...allocation, addresses: order.map((o) => o.address), pools: order.map((o) => o.pool) };
}

/**
 * The MetalLB-mode allocator's plan: every LoadBalancer Service's addresses
 * from the IPAddressPools, keyed by `namespace/name`, in status order
 * ({@link metallbStatusOrder}). Each request's `current` addresses are the
 * ones the allocator plans from: what the Service shows, or what it
 * submitted and its watch does not show yet (see `SubmittedAddresses`).
 */
export function planMetallbAllocations(
  services: readonly { readonly request: AddressRequest; readonly identity: ServiceIdentity }[],
  pools: readonly IPAddressPool[],
  namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>,
): Map<string, ServiceAllocation> {
  const requests = services.map((s) => metallbAddressRequest(s.request, s.identity, pools, namespaceLabels));
  const plan = planServiceAddresses(metallbAddressPools(pools), requests);
  return new Map([...plan].map(([key, allocation]) => [key, metallbStatusOrder(allocation)]));
}
