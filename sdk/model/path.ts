/** A field path inside an object: property names and array indexes, from the object root. */
export type FieldPath = readonly (string | number)[];

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Formats a path the way users read it: `spec.loadBalancer.bgpPeers[1].asn`.
 * Keys that are not plain identifiers are quoted: `metadata.labels["cluster.baremetal.gke.io/default-peer"]`.
 */
export function formatPath(path: FieldPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (SIMPLE_KEY.test(segment)) text += text === "" ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
