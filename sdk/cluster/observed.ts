/**
 * What the speaker reads from the API server, turned into the model and the
 * planners' inputs. Pure: raw API objects in, typed values out.
 */
import { formatPath, modelKindOf, topologyOf, type ModelObject, type OpaqueObject, type Topology } from "../model";
import { decodeManifest } from "../manifest/decode";
import { schemaOf } from "../manifest/schema";
import { parseIp, type IpFamily } from "../net";
import { isValid, validate, type Diagnostic } from "../validate";
import type { NodeView } from "./floating-ips";
import type { AddressRequest } from "./ipam";

/** A raw Kubernetes object as the API returns it. */
export interface RawObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly creationTimestamp?: string | Date;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly deletionTimestamp?: string | Date;
  };
  readonly spec?: unknown;
  readonly status?: unknown;
}

/** A problem decoding one object: names the object, field path and what is wrong. */
export interface DecodeFailure {
  readonly object: string;
  readonly path: string;
  readonly message: string;
}

/** The status and server fields dropped before decoding a configuration object. */
function configurationPart(raw: RawObject): Record<string, unknown> {
  const { status: _status, ...rest } = raw as Record<string, unknown>;
  return rest;
}

/**
 * Decodes Cluster, NetworkGatewayGroup, BGPLoadBalancer and BGPPeer objects
 * read from the API server into a topology. Objects that do not decode
 * (wrong types, missing fields) are left out and reported.
 */
function decodeConfiguration(raws: readonly RawObject[]): { topology: Topology; failures: DecodeFailure[] } {
  const objects: (ModelObject | OpaqueObject)[] = [];
  const failures: DecodeFailure[] = [];
  for (const raw of raws) {
    const kind = modelKindOf(raw.apiVersion ?? "", raw.kind ?? "");
    const label = `${raw.kind ?? "?"} ${raw.metadata?.namespace ?? ""}/${raw.metadata?.name ?? ""}`;
    if (!kind) continue;
    const decoded = decodeManifest(configurationPart(raw), schemaOf(raw.apiVersion ?? "", raw.kind ?? "")!);
    const errors = decoded.problems.filter((p) => p.severity === "error");
    for (const problem of errors) failures.push({ object: label, path: formatPath(problem.path), message: problem.message });
    if (errors.length === 0) objects.push(decoded.value as ModelObject);
  }
  return { topology: topologyOf(objects), failures };
}

/** The configuration in force and why a newer one was not taken. */
export interface ConfigurationDecision {
  /** The topology to run: the candidate when it is valid, else the last good one (undefined when there never was one). */
  readonly topology: Topology | undefined;
  /** True when the candidate was taken. */
  readonly accepted: boolean;
  /** The candidate's errors (decode failures as `BGPLB-DECODE`), each with code, path and value in its message. */
  readonly errors: readonly Diagnostic[];
}

/**
 * Takes a candidate configuration read from the API server when it decodes
 * and the validator finds no error in it; otherwise keeps `lastGood`, so a
 * bad edit never takes sessions down.
 */
export function decideConfiguration(candidate: readonly RawObject[], lastGood: Topology | undefined, nodeSubnets: readonly string[]): ConfigurationDecision {
  const { topology, failures } = decodeConfiguration(candidate);
  const decodeErrors: Diagnostic[] = failures.map((f) => ({
    code: "BGPLB-DECODE",
    severity: "error",
    path: f.path,
    object: { apiVersion: "", kind: f.object.split(" ")[0], name: f.object.split(" ")[1] ?? "" },
    message: `${f.object} ${f.path}: ${f.message}`,
    hint: "fix the object; the speaker keeps the last good configuration",
  }));
  const diagnostics =
    failures.length > 0 ? decodeErrors : validate(topology, nodeSubnets.length > 0 ? { nodeSubnets } : {}).filter((d) => d.severity === "error");
  if (isValid(diagnostics)) return { topology, accepted: true, errors: [] };
  return { topology: lastGood, accepted: false, errors: diagnostics };
}

function timeText(value: string | Date | undefined): string {
  return value instanceof Date ? value.toISOString() : (value ?? "");
}

interface RawService extends RawObject {
  readonly spec?: {
    readonly type?: string;
    readonly loadBalancerIP?: string;
    readonly loadBalancerClass?: string;
    readonly ipFamilies?: readonly string[];
    readonly ipFamilyPolicy?: string;
  };
  readonly status?: { readonly loadBalancer?: { readonly ingress?: readonly { readonly ip?: string }[] } };
}

/** True when the Service is ours to serve: `type: LoadBalancer` without another `loadBalancerClass`. */
export function isLoadBalancerService(raw: RawObject): boolean {
  const spec = (raw as RawService).spec;
  return spec?.type === "LoadBalancer" && spec.loadBalancerClass === undefined && raw.metadata?.deletionTimestamp === undefined;
}

/**
 * What the planners read of a Service version, read once: the informers
 * replace an object on every change and never modify one, and the
 * allocator and the route planner read every Service several times a
 * second in a burst.
 */
const ingressIPsOf = new WeakMap<RawObject, readonly string[]>();
const addressRequests = new WeakMap<RawObject, AddressRequest>();

/** `status.loadBalancer.ingress[].ip` of a Service. */
export function serviceIngressIPs(raw: RawObject): readonly string[] {
  let ips = ingressIPsOf.get(raw);
  if (ips === undefined) {
    ips = ((raw as RawService).status?.loadBalancer?.ingress ?? []).map((entry) => entry.ip).filter((ip): ip is string => typeof ip === "string");
    ingressIPsOf.set(raw, ips);
  }
  return ips;
}

/**
 * The Services whose `status.loadBalancer` the allocator clears: no longer
 * ours (no longer `type: LoadBalancer`) yet still showing addresses. A
 * Service of another `loadBalancerClass` is another controller's: never
 * touched.
 */
export function servicesToClear(services: readonly RawObject[]): RawObject[] {
  return services.filter(
    (raw) =>
      !isLoadBalancerService(raw) &&
      (raw as RawService).spec?.loadBalancerClass === undefined &&
      serviceIngressIPs(raw).length > 0 &&
      raw.metadata?.deletionTimestamp === undefined,
  );
}

/** `namespace/name`. */
export function objectKeyText(raw: RawObject): string {
  return `${raw.metadata?.namespace ?? ""}/${raw.metadata?.name ?? ""}`;
}

/** The IPAM's view of a LoadBalancer Service. */
export function addressRequestOf(raw: RawObject): AddressRequest {
  const known = addressRequests.get(raw);
  if (known) return known;
  const spec = (raw as RawService).spec ?? {};
  const families = (spec.ipFamilies ?? []).map((f): IpFamily => (f === "IPv6" ? 6 : 4));
  const policy = spec.ipFamilyPolicy;
  const request: AddressRequest = {
    key: objectKeyText(raw),
    families,
    ...(policy === "SingleStack" || policy === "PreferDualStack" || policy === "RequireDualStack" ? { familyPolicy: policy } : {}),
    requested: spec.loadBalancerIP ? [spec.loadBalancerIP] : [],
    current: serviceIngressIPs(raw),
    createdAt: timeText(raw.metadata?.creationTimestamp),
  };
  addressRequests.set(raw, request);
  return request;
}

interface RawNode extends RawObject {
  readonly status?: {
    readonly addresses?: readonly { readonly type?: string; readonly address?: string }[];
    readonly conditions?: readonly { readonly type?: string; readonly status?: string }[];
  };
}

/** A Node as the planners see it: InternalIP addresses (canonical) and the Ready condition. */
export function nodeViewOf(raw: RawObject): NodeView {
  const status = (raw as RawNode).status ?? {};
  const addresses: string[] = [];
  for (const entry of status.addresses ?? []) {
    if (entry.type !== "InternalIP" || typeof entry.address !== "string") continue;
    try {
      addresses.push(parseIp(entry.address).text);
    } catch {
      // a malformed address is not one the node can be reached at
    }
  }
  const ready = (status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
  return { name: raw.metadata?.name ?? "", addresses, ready };
}
