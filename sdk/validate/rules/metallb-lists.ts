import { echoText, echoValue } from "../../manifest/echo";
import type { FieldPath, LabelSelector, LabelSelectorRequirement } from "../../model";
import { RULES } from "../catalogue";
import type { Inventory } from "../inventory";
import type { AnyObject, Reporter } from "../report";

/** A requirement as MetalLB compares it: key, operator and the values in sorted order. */
function requirementKey(requirement: LabelSelectorRequirement): string {
  return JSON.stringify([requirement.key, requirement.operator, [...(requirement.values ?? [])].sort()]);
}

/** A selector as MetalLB compares it: matchLabels by key, expressions in their order, each with sorted values. */
function selectorKey(selector: LabelSelector): string {
  const labels = Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([labels, (selector.matchExpressions ?? []).map(requirementKey)]);
}

/** Reports every entry of `list` equal (by `key`) to an earlier one, naming both places. */
function checkUnique<T>(
  reporter: Reporter,
  object: AnyObject,
  path: FieldPath,
  list: readonly T[] | undefined,
  key: (entry: T) => string,
  show: (entry: T) => string,
  what: string,
): void {
  const first = new Map<string, number>();
  (list ?? []).forEach((entry, i) => {
    const k = key(entry);
    const earlier = first.get(k);
    if (earlier === undefined) {
      first.set(k, i);
      return;
    }
    const field = path[path.length - 1];
    reporter.report(
      RULES.duplicateListEntry,
      object,
      [...path, i],
      `${what} ${show(entry)} is listed twice in ${String(field)} (also at ${String(field)}[${earlier}]); MetalLB refuses the object`,
      `remove ${String(field)}[${i}]`,
    );
  });
}

/** Duplicate selectors in a selector list, and duplicate expressions or values inside each selector. */
function checkSelectors(reporter: Reporter, object: AnyObject, path: FieldPath, selectors: readonly LabelSelector[] | undefined): void {
  checkUnique(reporter, object, path, selectors, selectorKey, (s) => echoValue(s), "the selector");
  (selectors ?? []).forEach((selector, i) => {
    const expressions: FieldPath = [...path, i, "matchExpressions"];
    checkUnique(
      reporter,
      object,
      expressions,
      selector.matchExpressions,
      requirementKey,
      (r) => echoText(`${r.key} ${r.operator} [${(r.values ?? []).join(", ")}]`),
      "the expression",
    );
    (selector.matchExpressions ?? []).forEach((requirement, j) => {
      checkUnique(reporter, object, [...expressions, j, "values"], requirement.values, (v) => v, echoValue, "the value");
    });
  });
}

/**
 * MetalLB lists that must not repeat an entry: an advertisement's peers,
 * pools, communities, node and pool selectors; a peer's node selectors; a
 * pool's serviceAllocation namespaces and selectors; and the expressions and
 * values inside every selector.
 */
export function checkMetallbLists(inventory: Inventory, reporter: Reporter): void {
  const { topology } = inventory;
  for (const advertisement of topology.bgpAdvertisements) {
    const spec = advertisement.spec;
    checkUnique(reporter, advertisement, ["spec", "peers"], spec.peers, (v) => v, echoValue, "BGPPeer");
    checkUnique(reporter, advertisement, ["spec", "ipAddressPools"], spec.ipAddressPools, (v) => v, echoValue, "IPAddressPool");
    checkUnique(reporter, advertisement, ["spec", "communities"], spec.communities, (v) => v, echoValue, "community");
    checkSelectors(reporter, advertisement, ["spec", "nodeSelectors"], spec.nodeSelectors);
    checkSelectors(reporter, advertisement, ["spec", "ipAddressPoolSelectors"], spec.ipAddressPoolSelectors);
  }
  for (const peer of topology.metallbBgpPeers) checkSelectors(reporter, peer, ["spec", "nodeSelectors"], peer.spec.nodeSelectors);
  for (const pool of topology.ipAddressPools) {
    const allocation = pool.spec.serviceAllocation;
    if (allocation === undefined) continue;
    checkUnique(reporter, pool, ["spec", "serviceAllocation", "namespaces"], allocation.namespaces, (v) => v, echoValue, "the namespace");
    checkSelectors(reporter, pool, ["spec", "serviceAllocation", "namespaceSelectors"], allocation.namespaceSelectors);
    checkSelectors(reporter, pool, ["spec", "serviceAllocation", "serviceSelectors"], allocation.serviceSelectors);
  }
}
