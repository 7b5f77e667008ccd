import type { ModelObject, OpaqueObject, Topology } from "../model";
import { parseCidr, type Cidr } from "../net";

/** What the validator may know beyond the manifests. */
export interface ValidationFacts {
  /**
   * The node subnets (`10.0.1.0/24`), e.g. from `--node-subnet`. Rules about
   * floating IPs and VIPs versus node subnets report `skipped` without them.
   */
  readonly nodeSubnets?: readonly string[];
  /** The topology as applied before this change; enables the not-updatable-field rule. */
  readonly previous?: Topology;
  /** The manifest file an object was read from, shown in diagnostics. */
  readonly fileOf?: (object: ModelObject | OpaqueObject) => string | undefined;
}

/**
 * Parses the node-subnet facts.
 * @throws AddressError naming the bad entry: a fact is caller input, not a manifest field.
 */
export function parseNodeSubnets(facts: ValidationFacts): readonly Cidr[] | undefined {
  return facts.nodeSubnets?.map((text) => parseCidr(text));
}
