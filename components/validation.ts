import * as pulumi from "@pulumi/pulumi";
import { objectKey, topologyOf, type ModelObject } from "../sdk/model";
import { RULES, formatDiagnostic, validate, type Diagnostic, type ValidationFacts } from "../sdk/validate";

/**
 * Where a component's arguments land in a rendered object: pairs of a
 * manifest field path and the argument path it comes from, `[*]` standing
 * for an index carried over in order (`["spec.bgpPeers[*].asn",
 * "controlPlanePeers[*].asn"]`). A field below a listed path maps below the
 * argument (`spec.nodeSelectors[0].matchLabels` → `nodeSelectors[0].matchLabels`).
 */
export type ArgumentPaths = readonly (readonly [manifestPath: string, argumentPath: string])[];

/** A model object a component renders, with where its fields come from in the component's arguments. */
export interface OwnedObject {
  /** The object. */
  readonly model: ModelObject;
  /** Its fields → the arguments they come from. */
  readonly arguments: ArgumentPaths;
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The argument a manifest field comes from, or undefined when no listed path covers it. */
export function argumentPath(manifestPath: string, paths: ArgumentPaths): string | undefined {
  for (const [manifest, argument] of paths) {
    const pattern = new RegExp(`^${escaped(manifest).replace(/\\\[\\\*\\\]/g, "\\[(\\d+)\\]")}(?=$|[.[])`);
    const match = pattern.exec(manifestPath);
    if (!match) continue;
    let index = 1;
    const mapped = argument.replace(/\[\*\]/g, () => `[${match[index++]}]`);
    return `${mapped}${manifestPath.slice(match[0].length)}`;
  }
  return undefined;
}

/**
 * The arguments of a component failed validation. The message lists every
 * error as `severity code argument: message (hint: …) [Kind ns/name]`,
 * naming the component's argument (`peers[1].peerAsn`) where the field comes
 * from one, else the manifest field. It is Pulumi's
 * {@link pulumi.InputPropertiesError}, so a component constructed through the
 * bgplb plugin (other languages) reports each failing argument to the engine,
 * and it is treated as a `ResourceError` of the component whose stack is
 * hidden, so a TypeScript program prints the diagnostics, not a stack trace.
 */
export class TopologyValidationError extends pulumi.InputPropertiesError {
  /** The error diagnostics, as `bgplb validate` reports them (manifest field paths). */
  readonly diagnostics: readonly Diagnostic[];
  /** The component that failed. */
  readonly resource: pulumi.Resource;
  /** Always true: the diagnostics say everything, a stack trace would not help. */
  readonly hideStack = true;

  /**
   * Builds the error for `subject` (e.g. `BgpPeer tor-a`) from its error
   * diagnostics; `argumentOf` names the argument a diagnostic's field comes
   * from, if any.
   */
  constructor(
    subject: string,
    diagnostics: readonly Diagnostic[],
    resource: pulumi.Resource,
    argumentOf: (d: Diagnostic) => string | undefined = () => undefined,
  ) {
    const errors = diagnostics.map((d) => {
      const path = argumentOf(d) ?? d.path;
      return { propertyPath: path, reason: formatDiagnostic({ ...d, path }) };
    });
    const count = diagnostics.length === 1 ? "1 error" : `${diagnostics.length} errors`;
    super({ message: `${subject}: the topology is invalid (${count}):\n${errors.map((e) => `  ${e.reason}`).join("\n")}`, errors });
    this.diagnostics = diagnostics;
    this.resource = resource;
    // The marker by which the Pulumi SDK (any copy of it loaded in the process) recognizes a ResourceError
    // (`pulumi.ResourceError.isInstance`): the language host then logs the message against the component.
    Object.defineProperty(this, "__pulumResourceError", { value: true });
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

/**
 * What a reference to another component may hand over: the model objects
 * that component validated. A component passed from TypeScript has it; plain
 * data from other languages does not, and the referring component builds
 * the objects from the data instead. A method, so it is no input of the
 * inferred package schema.
 */
export interface ValidatedModels {
  /** The model objects the component validated and rendered. */
  validatedModels?(): readonly ModelObject[];
}

/**
 * The model objects behind a reference: what the component validated when
 * it is one, else what `fallback` builds from the reference's data.
 */
export function companyOf(reference: ValidatedModels, fallback: () => readonly ModelObject[] = () => []): readonly ModelObject[] {
  return reference.validatedModels?.() ?? fallback();
}

/**
 * Validates `owned` (in the company of `context`, objects other components
 * own) with the same rules as `bgplb validate`, keeping the diagnostics about
 * the owned objects (for a `part`, without the {@link isCompanyRule company
 * rules}). Warnings are logged against the component and errors throw a
 * {@link TopologyValidationError}, both naming the arguments the fields come
 * from, so the preview fails with the diagnostics.
 * @returns the owned model objects, for the component's `validatedModels()`
 */
export function enforceValid(
  resource: pulumi.Resource,
  subject: string,
  owned: readonly OwnedObject[],
  facts: ValidationFacts,
  context: readonly ModelObject[] = [],
  scope: ValidationScope = "part",
): readonly ModelObject[] {
  const models = owned.map((object) => object.model);
  const ownerOf = (d: Diagnostic): OwnedObject | undefined => owned.find((object) => sameObject(d, object.model));
  const diagnostics = validate(topologyOf([...context, ...models]), facts).filter((d) => ownerOf(d) !== undefined && (scope === "whole" || !isCompanyRule(d)));
  const argumentOf = (d: Diagnostic): string | undefined => argumentPath(d.path, ownerOf(d)!.arguments);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new TopologyValidationError(subject, errors, resource, argumentOf);
  for (const warning of diagnostics.filter((d) => d.severity === "warning")) {
    void pulumi.log.warn(formatDiagnostic({ ...warning, path: argumentOf(warning) ?? warning.path }), resource);
  }
  return models;
}
