import { isDeepStrictEqual } from "node:util";
import {
  bfdProfile,
  bgpAdvertisement,
  bgpLoadBalancer,
  clusterCIDRConfig,
  clusterNamespace,
  gkeBgpPeer,
  gkeCluster,
  ipAddressPool,
  METALLB_NAMESPACE,
  metallbBgpPeer,
  networkGatewayGroup,
  topologyObjects,
  type Cluster,
  type ModelObject,
  type OpaqueObject,
  type Topology,
} from "../../model";
import { compact } from "../../model/builders/compact";
import { generatedFrom, literal, variableName } from "./typescript-literal";

/** One builder call that reproduces an object exactly, or none. */
interface BuilderCall {
  readonly builder: string;
  readonly args: object;
}

type Builders = Record<string, ((object: never) => BuilderCall | undefined) | undefined>;

/** Where a GKE object lives, as the builders take it: the cluster name when the namespace is `cluster-<name>`. */
function gkePlacement(namespace: string | undefined): object {
  if (namespace === undefined) return {};
  return namespace.startsWith("cluster-") && clusterNamespace(namespace.slice("cluster-".length)) === namespace
    ? { clusterName: namespace.slice("cluster-".length) }
    : { namespace };
}

function metallbPlacement(object: ModelObject): object {
  const { name, namespace, labels, annotations } = object.metadata;
  return compact({ name, namespace: namespace === METALLB_NAMESPACE ? undefined : namespace, labels, annotations });
}

function clusterArgs(cluster: Cluster): object {
  const { spec, metadata } = cluster;
  const lb = spec.loadBalancer;
  return compact({
    name: metadata.name,
    namespace: metadata.namespace === clusterNamespace(metadata.name) ? undefined : metadata.namespace,
    clusterType: spec.type,
    controlPlaneNodes: spec.controlPlane.nodePoolSpec.nodes.map((node) => node.address),
    localASN: lb.localASN,
    bgpPeers: lb.bgpPeers,
    controlPlaneVIP: lb.vips?.controlPlaneVIP,
    ingressVIP: lb.vips?.ingressVIP,
    controlPlaneLBPort: lb.ports?.controlPlaneLBPort,
    addressPools: lb.addressPools,
    loadBalancerNodes: lb.nodePoolSpec?.nodes.map((node) => node.address),
    serviceCidrs: spec.clusterNetwork?.services?.cidrBlocks,
    podCidrs: spec.clusterNetwork?.pods?.cidrBlocks,
    labels: metadata.labels,
  });
}

/**
 * For each kind, the builder call that may reproduce an object. The call is
 * only used when running it gives back the very same object, so the program
 * is exact by construction; anything else is written as a typed literal.
 */
const CANDIDATES: Builders = {
  Cluster: (cluster: Cluster) => ({ builder: "gkeCluster", args: clusterArgs(cluster) }),
  NetworkGatewayGroup: (o: Extract<ModelObject, { kind: "NetworkGatewayGroup" }>) => ({
    builder: "networkGatewayGroup",
    args: { ...gkePlacement(o.metadata.namespace), floatingIPs: o.spec.floatingIPs },
  }),
  BGPLoadBalancer: (o: Extract<ModelObject, { kind: "BGPLoadBalancer" }>) => ({
    builder: "bgpLoadBalancer",
    args: { ...gkePlacement(o.metadata.namespace), peerSelector: o.spec.peerSelector },
  }),
  ClusterCIDRConfig: (o: Extract<ModelObject, { kind: "ClusterCIDRConfig" }>) => ({
    builder: "clusterCIDRConfig",
    args: compact({ ...gkePlacement(o.metadata.namespace), name: o.metadata.name, ipv4: o.spec.ipv4, ipv6: o.spec.ipv6 }),
  }),
};

const METALLB_BUILDERS: Readonly<Record<string, string | undefined>> = {
  BGPPeer: "metallbBgpPeer",
  IPAddressPool: "ipAddressPool",
  BGPAdvertisement: "bgpAdvertisement",
  BFDProfile: "bfdProfile",
};

const RUN: Record<string, (args: never) => ModelObject> = {
  gkeCluster,
  networkGatewayGroup,
  bgpLoadBalancer,
  clusterCIDRConfig,
  gkeBgpPeer,
  metallbBgpPeer,
  ipAddressPool,
  bgpAdvertisement,
  bfdProfile,
};

function candidate(object: ModelObject): BuilderCall | undefined {
  if (object.apiVersion === "networking.gke.io/v1" && object.kind === "BGPPeer") {
    return {
      builder: "gkeBgpPeer",
      args: compact({ ...gkePlacement(object.metadata.namespace), name: object.metadata.name, labels: object.metadata.labels, ...object.spec }),
    };
  }
  if (object.apiVersion.startsWith("metallb.io/")) {
    const builder = METALLB_BUILDERS[object.kind];
    return builder === undefined ? undefined : { builder, args: { ...metallbPlacement(object), ...object.spec } };
  }
  return CANDIDATES[object.kind]?.(object as never);
}

/** The builder call that reproduces the object exactly, if there is one. */
function exactBuilderCall(object: ModelObject | OpaqueObject): BuilderCall | undefined {
  if ("body" in object || object.unknownFields !== undefined) return undefined;
  const call = candidate(object);
  if (call === undefined) return undefined;
  let built: unknown;
  try {
    built = RUN[call.builder](call.args as never);
  } catch {
    return undefined;
  }
  return isDeepStrictEqual(built, object) ? call : undefined;
}

const TYPE_NAMES: Record<string, string> = {
  "baremetal.cluster.gke.io/v1 Cluster": "Cluster",
  "baremetal.cluster.gke.io/v1alpha1 ClusterCIDRConfig": "ClusterCIDRConfig",
  "networking.gke.io/v1 NetworkGatewayGroup": "NetworkGatewayGroup",
  "networking.gke.io/v1 BGPLoadBalancer": "BGPLoadBalancer",
  "networking.gke.io/v1 BGPPeer": "GkeBGPPeer",
  "networking.gke.io/v1 BGPSession": "BGPSession",
  "networking.gke.io/v1 BGPAdvertisedRoute": "BGPAdvertisedRoute",
  "metallb.io/v1beta2 BGPPeer": "MetalLBBGPPeer",
  "metallb.io/v1beta1 IPAddressPool": "IPAddressPool",
  "metallb.io/v1beta1 BGPAdvertisement": "BGPAdvertisement",
  "metallb.io/v1beta1 BFDProfile": "BFDProfile",
};

/** Options of {@link typescriptProgram}. */
export interface ProgramOptions {
  /** The module the program imports bgplb from. @default "bgplb" */
  readonly packageName?: string;
  /** The files the topology was read from, named in the header comment. */
  readonly sources?: readonly string[];
}

/**
 * A TypeScript program that builds the same topology with bgplb's typed API:
 * builder calls where a builder reproduces the object exactly, typed literals
 * elsewhere (unknown fields and all). Running it prints the canonical YAML,
 * which equals `bgplb render` of the original manifests.
 */
export function typescriptProgram(topology: Topology, options: ProgramOptions = {}): string {
  const taken = new Set<string>(["bgplb", "topology"]);
  const lines = [
    generatedFrom(options.sources),
    "// Builds the same topology with bgplb's typed API; run it to print the",
    "// canonical manifests (equal to `bgplb render` of the original files).",
    `import * as bgplb from ${JSON.stringify(options.packageName ?? "bgplb")};`,
    "",
  ];
  const names: string[] = [];
  for (const object of topologyObjects(topology)) {
    const name = variableName(object, taken);
    names.push(name);
    const call = exactBuilderCall(object);
    if (call) {
      lines.push(`export const ${name} = bgplb.${call.builder}(${literal(call.args)});`, "");
    } else if ("body" in object) {
      lines.push(`export const ${name}: bgplb.OpaqueObject = ${literal(object)};`, "");
    } else {
      lines.push(`export const ${name}: bgplb.${TYPE_NAMES[`${object.apiVersion} ${object.kind}`]} = ${literal(object)};`, "");
    }
  }
  lines.push(
    "/** The whole topology: validate it, render it, or hand its objects to the Pulumi components. */",
    `export const topology = bgplb.topologyOf([${names.join(", ")}]);`,
    "",
    "if (require.main === module) process.stdout.write(bgplb.renderYaml(topology));",
    "",
  );
  return lines.join("\n");
}
