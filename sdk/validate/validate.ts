import type { Topology } from "../model";
import type { Diagnostic } from "./diagnostic";
import { parseNodeSubnets, type ValidationFacts } from "./facts";
import { takeInventory } from "./inventory";
import { Reporter } from "./report";
import { checkChanges } from "./rules/changes";
import { checkDeclaredLimits } from "./rules/declared-limits";
import { checkDualStack } from "./rules/dual-stack";
import { checkControlPlane } from "./rules/gke-control-plane";
import { checkServicePeering } from "./rules/gke-service-peering";
import { checkMetallbAdvertisements } from "./rules/metallb-advertisements";
import { checkMetallbAnnouncements } from "./rules/metallb-announcements";
import { checkMetallbCommunities } from "./rules/metallb-communities";
import { checkMetallbLists } from "./rules/metallb-lists";
import { checkMetallbPeers } from "./rules/metallb-peers";
import { checkObjects } from "./rules/objects";
import { checkPools } from "./rules/pools";
import { checkServices } from "./rules/services";
import { checkVips } from "./rules/vips";

/**
 * Validates a topology offline with every rule of the catalogue. Pure: the
 * same topology and facts give the same diagnostics, in the same order.
 * Rules that need a fact the manifests lack (node subnets, the previous
 * topology) report `skipped` when it is not given.
 * @throws AddressError when a `facts.nodeSubnets` entry is not a CIDR (caller input, not a manifest field).
 */
export function validate(topology: Topology, facts: ValidationFacts = {}): Diagnostic[] {
  const reporter = new Reporter(facts.fileOf);
  const inventory = takeInventory(topology, reporter, parseNodeSubnets(facts));
  checkObjects(inventory, reporter);
  checkDeclaredLimits(inventory, reporter);
  checkControlPlane(inventory, reporter);
  checkServicePeering(inventory, reporter);
  checkVips(inventory, reporter);
  checkPools(inventory, reporter);
  checkDualStack(inventory, reporter);
  checkServices(inventory, reporter);
  checkChanges(inventory, reporter, facts.previous);
  checkMetallbPeers(inventory, reporter);
  checkMetallbAdvertisements(inventory, reporter);
  checkMetallbLists(inventory, reporter);
  checkMetallbCommunities(inventory, reporter);
  checkMetallbAnnouncements(inventory, reporter);
  return reporter.diagnostics;
}

/** True when no diagnostic is an error (warnings and skipped rules do not block). */
export function isValid(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.every((d) => d.severity !== "error");
}
