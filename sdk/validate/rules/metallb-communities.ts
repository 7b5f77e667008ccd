import { echoText, echoValue } from "../../manifest/echo";
import { METALLB_NAMESPACE, type OpaqueObject } from "../../model";
import { RULES } from "../catalogue";
import type { Inventory } from "../inventory";
import type { Reporter } from "../report";

const COMMUNITY = /^(\d+):(\d+)$/;
const LARGE_COMMUNITY = /^large:(\d+):(\d+):(\d+)$/;

/** A community text as a 32-bit standard community or a large community (RFC 8092 parts); undefined when malformed. */
export function parseCommunity(text: string): { standard: number } | { large: { globalAdmin: number; localData1: number; localData2: number } } | undefined {
  if (communityProblem(text) !== undefined) return undefined;
  const standard = COMMUNITY.exec(text);
  if (standard) return { standard: Number(standard[1]) * 0x10000 + Number(standard[2]) };
  const [globalAdmin, localData1, localData2] = LARGE_COMMUNITY.exec(text)!.slice(1).map(Number) as [number, number, number];
  return { large: { globalAdmin, localData1, localData2 } };
}

/**
 * Why the community text is malformed, or undefined when it is a valid
 * standard (a:b) or large (large:a:b:c) community; `otherwise` names what
 * else the text could have been, for the message.
 */
export function communityProblem(text: string, otherwise?: string): string | undefined {
  const standard = COMMUNITY.exec(text);
  if (standard) {
    const bad = standard.slice(1).find((part) => Number(part) > 0xffff);
    return bad === undefined ? undefined : `community ${echoText(text)}: ${echoText(bad)} does not fit in 16 bits (0-65535)`;
  }
  const large = LARGE_COMMUNITY.exec(text);
  if (large) {
    const bad = large.slice(1).find((part) => Number(part) > 0xffffffff);
    return bad === undefined ? undefined : `large community ${echoText(text)}: ${echoText(bad)} does not fit in 32 bits (0-4294967295)`;
  }
  return `community ${echoValue(text)} is neither a:b (16-bit each) nor large:a:b:c (32-bit each)${otherwise === undefined ? "" : `, ${otherwise}`}`;
}

/** One alias of a MetalLB Community object, with where it is written. */
interface Alias {
  readonly object: OpaqueObject;
  readonly index: number;
  readonly name: unknown;
  readonly value: unknown;
}

/** The aliases of every MetalLB `Community` object kept in the topology, in input order. */
function aliasesOf(inventory: Inventory): Alias[] {
  const aliases: Alias[] = [];
  for (const object of inventory.topology.otherObjects) {
    if (object.kind !== "Community" || !object.apiVersion.startsWith("metallb.io/")) continue;
    const list = (object.body["spec"] as { communities?: unknown } | undefined)?.communities;
    if (!Array.isArray(list)) continue;
    list.forEach((entry: unknown, index) => {
      const fields = entry !== null && typeof entry === "object" ? (entry as Record<string, unknown>) : {};
      aliases.push({ object, index, name: fields["name"], value: fields["value"] });
    });
  }
  return aliases;
}

/** The alias names defined by MetalLB `Community` objects kept in the topology. */
export function communityAliases(inventory: Inventory): Set<string> {
  return new Set(aliasesOf(inventory).flatMap((alias) => (typeof alias.name === "string" ? [alias.name] : [])));
}

/**
 * MetalLB Community objects (not modelled, kept as they are): each value a
 * well-formed community, each alias name defined once across all of them,
 * and the objects in metallb-system.
 */
export function checkMetallbCommunities(inventory: Inventory, reporter: Reporter): void {
  const seen = new Map<string, Alias>();
  for (const alias of aliasesOf(inventory)) {
    const path = ["spec", "communities", alias.index];
    const problem =
      typeof alias.value === "string"
        ? communityProblem(alias.value)
        : `the value of alias ${echoValue(alias.name)} is ${echoValue(alias.value)}, not a community`;
    if (problem)
      reporter.report(
        RULES.malformedCommunity,
        alias.object,
        [...path, "value"],
        problem,
        "write a:b with 16-bit numbers (65535:65282) or large:a:b:c with 32-bit numbers",
      );
    if (typeof alias.name !== "string") continue;
    const first = seen.get(alias.name);
    if (first === undefined) {
      seen.set(alias.name, alias);
      continue;
    }
    const where = first.object === alias.object ? `at spec.communities[${first.index}]` : `in Community ${first.object.metadata.name}`;
    reporter.report(
      RULES.duplicateCommunityAlias,
      alias.object,
      [...path, "name"],
      `community alias ${echoValue(alias.name)} is already defined ${where}; MetalLB refuses the second definition`,
      "give the alias another name, or remove one of the two",
    );
  }
  for (const object of inventory.topology.otherObjects) {
    if (object.kind !== "Community" || !object.apiVersion.startsWith("metallb.io/")) continue;
    const namespace = object.metadata.namespace;
    if (namespace !== undefined && namespace !== METALLB_NAMESPACE) {
      reporter.report(
        RULES.outsideMetallbNamespace,
        object,
        ["metadata", "namespace"],
        `Community is in namespace "${namespace}"; MetalLB only reads its own namespace "${METALLB_NAMESPACE}"`,
        `set metadata.namespace to ${METALLB_NAMESPACE}`,
      );
    }
  }
}
