/**
 * What the MetalLB-mode speaker reads from the API server, as the MetalLB
 * planner's inputs: Nodes with their labels, LoadBalancer Services with the
 * nodes of their ready endpoints (EndpointSlices), the Community aliases,
 * and the configuration objects of a decoded topology. Pure.
 */
import type { Topology } from "../model";
import type { ServiceIdentity } from "./metallb-addresses";
import type { MetallbConfiguration, MetallbNode, MetallbService } from "./metallb-plan";
import { isLoadBalancerService, nodeViewOf, objectKeyText, serviceIngressIPs, type RawObject } from "./observed";

/** The label an EndpointSlice names its Service with. */
const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

interface RawEndpointSlice extends RawObject {
  readonly endpoints?: readonly { readonly nodeName?: string; readonly conditions?: { readonly ready?: boolean } }[];
}

interface Labelled {
  readonly metadata?: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
}

function labelsOf(raw: RawObject): Readonly<Record<string, string>> {
  return (raw as Labelled).metadata?.labels ?? {};
}

/** A Node with its labels and InternalIPs. */
export function metallbNodeOf(raw: RawObject): MetallbNode {
  const view = nodeViewOf(raw);
  return { name: view.name, labels: labelsOf(raw), addresses: view.addresses };
}

interface RawServiceSpec {
  readonly ports?: readonly { readonly protocol?: string; readonly port?: number }[];
  readonly externalTrafficPolicy?: string;
  readonly selector?: Readonly<Record<string, string>>;
}

/** Namespace, labels and annotations of a Service, for the pool choice; ports, traffic policy and selector, for address sharing. */
export function serviceIdentityOf(raw: RawObject): ServiceIdentity {
  const spec = (raw.spec ?? {}) as RawServiceSpec;
  return {
    namespace: raw.metadata?.namespace ?? "",
    labels: labelsOf(raw),
    annotations: (raw as Labelled).metadata?.annotations ?? {},
    // Kubernetes defaults a port's protocol to TCP
    ports: (spec.ports ?? []).map((port) => `${port.protocol ?? "TCP"}/${port.port ?? 0}`),
    local: spec.externalTrafficPolicy === "Local",
    selector: spec.selector ?? {},
  };
}

/**
 * The LoadBalancer Services (ours: no other `loadBalancerClass`) with their
 * addresses, traffic policy and ready endpoints. An endpoint is ready unless
 * its `conditions.ready` is false (unset means ready, as in Kubernetes).
 */
export function metallbServicesOf(services: readonly RawObject[], endpointSlices: readonly RawObject[]): MetallbService[] {
  const ready = new Map<string, { nodes: Set<string>; any: boolean }>();
  for (const slice of endpointSlices as readonly RawEndpointSlice[]) {
    const service = labelsOf(slice)[SERVICE_NAME_LABEL];
    if (service === undefined) continue;
    const key = `${slice.metadata?.namespace ?? ""}/${service}`;
    let entry = ready.get(key);
    if (!entry) ready.set(key, (entry = { nodes: new Set(), any: false }));
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions?.ready === false) continue;
      entry.any = true;
      if (endpoint.nodeName) entry.nodes.add(endpoint.nodeName);
    }
  }
  return services.filter(isLoadBalancerService).map((raw) => {
    const key = objectKeyText(raw);
    const policy = (raw.spec as { externalTrafficPolicy?: string } | undefined)?.externalTrafficPolicy;
    const endpoints = ready.get(key);
    return {
      key,
      labels: labelsOf(raw),
      addresses: serviceIngressIPs(raw),
      externalTrafficPolicy: policy === "Local" ? "Local" : "Cluster",
      readyNodes: endpoints?.nodes ?? new Set<string>(),
      anyReady: endpoints?.any ?? false,
    };
  });
}

/**
 * Community alias → value, from `metallb.io` Community objects as read from
 * the API server (the model keeps no Community kind, so they are read raw);
 * the first definition wins (the validator reports a second).
 */
export function communityAliasesOf(raws: readonly RawObject[]): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const raw of raws) {
    if (raw.kind !== "Community" || !raw.apiVersion?.startsWith("metallb.io/")) continue;
    const list = (raw.spec as { communities?: unknown } | undefined)?.communities;
    for (const entry of Array.isArray(list) ? list : []) {
      const { name, value } = (entry ?? {}) as { name?: unknown; value?: unknown };
      if (typeof name === "string" && typeof value === "string" && !aliases.has(name)) aliases.set(name, value);
    }
  }
  return aliases;
}

/** The planner's configuration from a (validated) topology and the raw Community objects. */
export function metallbConfigurationOf(topology: Topology, communities: readonly RawObject[]): MetallbConfiguration {
  return {
    peers: topology.metallbBgpPeers,
    pools: topology.ipAddressPools,
    advertisements: topology.bgpAdvertisements,
    bfdProfiles: topology.bfdProfiles,
    communityAliases: communityAliasesOf(communities),
  };
}
