import * as pulumi from "@pulumi/pulumi";
import { objectKey, topologyOf, type ModelObject } from "../sdk/model";
import { RULES, formatDiagnostic, validate, type Diagnostic, type ValidationFacts } from "../sdk/validate";

/**
 * The topology a component describes failed validation. The message lists
 * every error as `severity code path: message (hint: …) [Kind ns/name]`; no
 * stack trace is printed by the Pulumi CLI for it.
 */
export class TopologyValidationError extends pulumi.ResourceError {
  /** The error diagnostics, as `bgplb validate` reports them. */
  readonly diagnostics: readonly Diagnostic[];

  /** Builds the error for `subject` (e.g. `BgpPeer tor-a`) from its error diagnostics. */
  constructor(subject: string, diagnostics: readonly Diagnostic[], resource: pulumi.Resource) {
    const lines = diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join("\n");
    const count = diagnostics.length === 1 ? "1 error" : `${diagnostics.length} errors`;
    super(`${subject}: the topology is invalid (${count}):\n${lines}`, resource, true);
    this.diagnostics = diagnostics;
  }
}

function sameObject(d: Diagnostic, object: ModelObject): boolean {
  const key = objectKey(object);
  return d.object.apiVersion === key.apiVersion && d.object.kind === key.kind && (d.object.namespace ?? "") === key.namespace && d.object.name === key.name;
}

/**
 * Rules about an object's company that a single component cannot see: the
 * floating IPs of a cluster (a separate FloatingIpGroup), whether a peer is
 * selected, whether a pool is advertised, and how many MetalLB peers exist.
 * A component checking its own part defers them; whole-topology checks
 * (GkeRackTopology, RenderedManifests) run them.
 */
function isCompanyRule(d: Diagnostic): boolean {
  if ([RULES.noFloatingIp.code, RULES.peerNotSelected.code, RULES.poolNotAdvertised.code, RULES.metallbNoPeer.code].includes(d.code)) return true;
  return d.code === RULES.singlePeer.code && d.object.apiVersion.startsWith("metallb.io/");
}

/** Whether a check covers one component's part of a topology or the whole topology. */
export type ValidationScope = "part" | "whole";

const modelsByComponent = new WeakMap<pulumi.Resource, readonly ModelObject[]>();

/** The model objects a component validated and rendered (empty for one that failed or built none itself). */
export function modelsOf(resource: pulumi.Resource): readonly ModelObject[] {
  return modelsByComponent.get(resource) ?? [];
}

/**
 * The model objects behind a reference: when the reference is a component
 * (the TypeScript way to pass one), what it validated; for plain data (other
 * languages), nothing, and `fallback` builds the context from the data.
 */
export function companyOf(reference: object, fallback: () => readonly ModelObject[] = () => []): readonly ModelObject[] {
  const recorded = pulumi.Resource.isInstance(reference) ? modelsByComponent.get(reference) : undefined;
  return recorded ?? fallback();
}

/**
 * Validates `owned` (in the company of `context`, objects other components
 * own) with the same rules as `bgplb validate`, keeping the diagnostics about
 * the owned objects (for a `part`, without the {@link isCompanyRule company rules}). Warnings are logged against the component; errors throw
 * a `TopologyValidationError` so the preview fails with the diagnostics.
 * @returns the warnings
 */
export function enforceValid(
  resource: pulumi.Resource,
  subject: string,
  owned: readonly ModelObject[],
  facts: ValidationFacts,
  context: readonly ModelObject[] = [],
  scope: ValidationScope = "part",
): Diagnostic[] {
  const diagnostics = validate(topologyOf([...context, ...owned]), facts).filter(
    (d) => owned.some((object) => sameObject(d, object)) && (scope === "whole" || !isCompanyRule(d)),
  );
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new TopologyValidationError(subject, errors, resource);
  const warnings = diagnostics.filter((d) => d.severity === "warning");
  for (const warning of warnings) void pulumi.log.warn(formatDiagnostic(warning), resource);
  if (scope === "part") modelsByComponent.set(resource, owned);
  return warnings;
}
