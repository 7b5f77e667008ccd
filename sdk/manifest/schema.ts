import type { ModelGroup } from "../model";

/**
 * The shape of a manifest field, as bgplb reads and writes it. One schema per
 * modelled kind drives parsing (types, unknown fields) and rendering (key
 * order follows the vendors' documentation), and tells the diff how to match
 * list items.
 */
export type FieldSchema =
  | { readonly type: "string"; readonly oneOf?: readonly string[] }
  | { readonly type: "integer" }
  | { readonly type: "boolean" }
  | { readonly type: "stringMap" }
  | { readonly type: "list"; readonly items: FieldSchema; readonly key?: string; readonly unordered?: boolean }
  | ObjectSchema;

/** An object field: its known fields in render order, and fields kept without a warning. */
export interface ObjectSchema {
  readonly type: "object";
  /** Known fields, in the order rendering writes them. */
  readonly fields: readonly FieldEntry[];
  /**
   * Fields the vendor defines but bgplb does not type: kept verbatim as
   * unknown fields, with no warning.
   */
  readonly passthrough?: readonly string[];
}

/** One known field of an object. */
export interface FieldEntry {
  readonly name: string;
  readonly schema: FieldSchema;
  /** Parsing reports its absence as an error. */
  readonly required?: boolean;
}

const string: FieldSchema = { type: "string" };
const integer: FieldSchema = { type: "integer" };
const boolean: FieldSchema = { type: "boolean" };
const stringMap: FieldSchema = { type: "stringMap" };
const stringSet: FieldSchema = { type: "list", items: string, unordered: true };
const stringList: FieldSchema = { type: "list", items: string };

function object(fields: readonly FieldEntry[], passthrough?: readonly string[]): ObjectSchema {
  return passthrough ? { type: "object", fields, passthrough } : { type: "object", fields };
}
function field(name: string, schema: FieldSchema): FieldEntry {
  return { name, schema };
}
function required(name: string, schema: FieldSchema): FieldEntry {
  return { name, schema, required: true };
}

/** Server-managed metadata kept verbatim without a warning (and ignored by the diff). */
export const SERVER_METADATA_FIELDS: readonly string[] = [
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "selfLink",
  "ownerReferences",
  "finalizers",
  "generateName",
];

const metadata = object(
  [required("name", string), field("namespace", string), field("labels", stringMap), field("annotations", stringMap)],
  SERVER_METADATA_FIELDS,
);

const labelSelector = object([
  field("matchLabels", stringMap),
  field(
    "matchExpressions",
    {
      type: "list",
      items: object([
        required("key", string),
        required("operator", { type: "string", oneOf: ["In", "NotIn", "Exists", "DoesNotExist"] }),
        field("values", stringSet),
      ]),
    },
  ),
]);
const nodeList = object([required("nodes", { type: "list", key: "address", unordered: true, items: object([required("address", string)]) })]);
const cidrBlocks = object([required("cidrBlocks", stringList)]);

function manifest(spec: ObjectSchema, extra: readonly FieldEntry[] = []): ObjectSchema {
  return object([required("apiVersion", string), required("kind", string), required("metadata", metadata), required("spec", spec), ...extra]);
}

const cluster = manifest(
  object(
    [
      field("type", { type: "string", oneOf: ["admin", "user", "hybrid", "standalone"] }),
      required("controlPlane", object([required("nodePoolSpec", nodeList)])),
      field(
        "clusterNetwork",
        object([field("advancedNetworking", boolean), field("pods", cidrBlocks), field("services", cidrBlocks)], ["multipleNetworkInterfaces", "flatIPv4", "forwardMode", "srIOV"]),
      ),
      required(
        "loadBalancer",
        object([
          required("mode", { type: "string", oneOf: ["bundled", "manual"] }),
          field("type", { type: "string", oneOf: ["bgp", "layer2"] }),
          field("localASN", integer),
          field(
            "bgpPeers",
            { type: "list", key: "ip", items: object([required("ip", string), required("asn", integer), field("controlPlaneNodes", stringSet)]) },
          ),
          field("ports", object([field("controlPlaneLBPort", integer)])),
          required("vips", object([required("controlPlaneVIP", string), field("ingressVIP", string)])),
          field(
            "addressPools",
            {
              type: "list",
              key: "name",
              items: object([required("name", string), required("addresses", stringSet), field("avoidBuggyIPs", boolean), field("manualAssign", boolean)]),
            },
          ),
          field("nodePoolSpec", nodeList),
        ]),
      ),
    ],
    [
      "profile",
      "anthosBareMetalVersion",
      "bypassPreflightCheck",
      "gkeConnect",
      "gkeOnPremAPI",
      "clusterOperations",
      "clusterSecurity",
      "controlPlaneNodePoolSpec",
      "storage",
      "nodeConfig",
      "nodeAccess",
      "proxy",
      "kubevirt",
      "authentication",
      "podDensity",
      "securityConfig",
      "osEnvironmentConfig",
      "maintenanceBlocks",
      "registryMirrors",
      "binaryAuthorization",
      "upgradeStrategy",
      "clusterName",
    ],
  ),
);

const podCidr = object([required("cidr", string), required("perNodeMaskSize", integer)]);

/** Schemas of every modelled kind, keyed by Topology list name. */
export const KIND_SCHEMAS: Readonly<Record<ModelGroup, ObjectSchema>> = {
  clusters: cluster,
  clusterCIDRConfigs: manifest(object([field("ipv4", podCidr), field("ipv6", podCidr)])),
  networkGatewayGroups: manifest(object([required("floatingIPs", stringSet)])),
  bgpLoadBalancers: manifest(object([field("peerSelector", stringMap)])),
  gkeBgpPeers: manifest(object([required("localASN", integer), required("peerASN", integer), required("peerIP", string), field("sessions", integer)])),
  bgpSessions: manifest(
    object([
      required("floatingIP", string),
      required("localASN", integer),
      required("localIP", string),
      required("nodeName", string),
      required("peerASN", integer),
      required("peerIP", string),
    ]),
    [field("status", object([field("advertisedRoutes", stringList), field("lastReportTime", string), field("state", string)]))],
  ),
  bgpAdvertisedRoutes: manifest(object([required("prefix", string), field("metric", integer), field("nextHops", stringSet)])),
  bfdProfiles: manifest(
    object([
      field("receiveInterval", integer),
      field("transmitInterval", integer),
      field("detectMultiplier", integer),
      field("echoInterval", integer),
      field("echoMode", boolean),
      field("passiveMode", boolean),
      field("minimumTtl", integer),
    ]),
  ),
  metallbBgpPeers: manifest(
    object(
      [
        required("myASN", integer),
        required("peerASN", integer),
        required("peerAddress", string),
        field("sourceAddress", string),
        field("peerPort", integer),
        field("holdTime", string),
        field("keepaliveTime", string),
        field("connectTime", string),
        field("routerID", string),
        field("password", string),
        field("passwordSecret", object([required("name", string), field("namespace", string)])),
        field("bfdProfile", string),
        field("nodeSelectors", { type: "list", items: labelSelector }),
        field("ebgpMultiHop", boolean),
        field("vrf", string),
      ],
      ["enableGracefulRestart", "disableMP", "dynamicASN", "interface"],
    ),
  ),
  ipAddressPools: manifest(
    object([
      required("addresses", stringSet),
      field("autoAssign", boolean),
      field("avoidBuggyIPs", boolean),
      field(
        "serviceAllocation",
        object([
          field("priority", integer),
          field("namespaces", stringSet),
          field("namespaceSelectors", { type: "list", items: labelSelector }),
          field("serviceSelectors", { type: "list", items: labelSelector }),
        ]),
      ),
    ]),
  ),
  bgpAdvertisements: manifest(
    object([
      field("ipAddressPools", stringSet),
      field("ipAddressPoolSelectors", { type: "list", items: labelSelector }),
      field("peers", stringSet),
      field("communities", stringSet),
      field("aggregationLength", integer),
      field("aggregationLengthV6", integer),
      field("localPref", integer),
      field("nodeSelectors", { type: "list", items: labelSelector }),
      field("serviceSelectors", { type: "list", items: labelSelector }),
    ]),
  ),
};

