import { echoText } from "../../manifest";
import type { Topology } from "../../model";
import { APPLY, planComponents, type AsWritten, type ComponentCall, type ProgramPart, type Uncovered } from "./component-plan";
import { commentText, Expression, generatedFrom, literal } from "./typescript-literal";

/** Options of {@link pulumiProgram}. */
export interface PulumiProgramOptions {
  /** The module the program imports bgplb's Pulumi package from. @default "bgplb/pulumi" */
  readonly packageName?: string;
  /** The files the topology was read from, named in the header comment. */
  readonly sources?: readonly string[];
}

/** A generated program and what it could not express with components. */
export interface GeneratedProgram {
  /** The TypeScript source. */
  readonly text: string;
  /** One line per object or field no component expresses: `warning: <object> <field>: <reason>; <what the program does instead>`. */
  readonly warnings: readonly string[];
}

function describe(uncovered: Uncovered): string {
  return `${uncovered.field === undefined ? "" : `${uncovered.field}: `}${uncovered.reason}`;
}

/** `warning: <object> [<field>]: <reason>; <consequence>`, like the manifest reader's notes. */
function warning(subject: string, uncovered: Uncovered, consequence: string): string {
  return echoText(
    `warning: ${subject}${uncovered.field === undefined ? "" : ` ${echoText(uncovered.field, 4 * 80)}`}: ${uncovered.reason}; ${consequence}`,
    960,
  );
}

function componentLines(call: ComponentCall): string[] {
  const comment =
    call.notRendered.length === 0
      ? []
      : [
          commentText(`// ${call.subject}: ${call.component} does not render these fields (bmctl reads`),
          "// them from the cluster config file; the rendered Cluster lacks them):",
          ...call.notRendered.map((field) => commentText(`//   ${field.field}: ${JSON.stringify(field.value)}`)),
        ];
  return [...comment, `const ${call.variable} = new bgplb.${call.component}(${JSON.stringify(call.resourceName)}, ${literal(call.args)}, target.options);`, ""];
}

function asWrittenLines(part: AsWritten): string[] {
  if (part.applied) {
    return [
      commentText(`// ${part.subject}, applied as written (rendered exactly and checked with the whole`),
      "// topology; fields bgplb does not model are warned about, not validated):",
      ...part.reasons.map((reason) => commentText(`//   ${describe(reason)}`)),
      `const ${part.variable} = new bgplb.AsWrittenManifest(${JSON.stringify(part.variable)}, ${literal({ manifest: part.manifest, applyToCluster: APPLY })}, target.options);`,
      "",
    ];
  }
  return [
    commentText(`// ${part.subject}, published as written`),
    "// (rendered exactly; no component validates it or applies it to a cluster):",
    ...part.reasons.map((reason) => commentText(`//   ${describe(reason)}`)),
    `const ${part.variable}: bgplb.ManifestObject = ${literal(part.manifest)};`,
    "",
  ];
}

function partLines(part: ProgramPart): string[] {
  switch (part.part) {
    case "component":
      return componentLines(part);
    case "as-written":
      return asWrittenLines(part);
    case "cluster-reference":
      return [
        commentText(`// Cluster ${part.clusterName} is not among the imported objects: this reference stands in for its GkeClusterLoadBalancer.`),
        `const ${part.variable}: bgplb.GkeClusterReference = ${literal({ clusterName: part.clusterName, localAsn: part.localAsn })};`,
        "",
      ];
  }
}

function partWarnings(part: ProgramPart): string[] {
  switch (part.part) {
    case "component":
      return part.notRendered.map((field) => warning(part.subject, field, "kept in a comment of the program, not rendered"));
    case "as-written":
      return part.reasons.map((reason) =>
        warning(part.subject, reason, part.applied ? "applied as written (AsWrittenManifest; not validated by a component)" : "published as written"),
      );
    case "cluster-reference":
      return [];
  }
}

/**
 * A Pulumi program that manages the topology with bgplb's components, in the
 * shape of the bundled examples: `stackTarget()`, one component per object a
 * component expresses exactly, `target.publish` of every object. Objects no
 * component expresses are published as written, so rendering without a
 * cluster gives exactly `bgplb render` of the input; only the Cluster's
 * fields outside the load balancer are left to a comment. Each such object
 * and field is also returned as a warning.
 */
export function pulumiProgram(topology: Topology, options: PulumiProgramOptions = {}): GeneratedProgram {
  const parts = planComponents(topology);
  const groups = parts.flatMap((part) =>
    part.part === "component" || (part.part === "as-written" && part.applied)
      ? [new Expression(`${part.variable}.objects`)]
      : part.part === "as-written"
        ? [new Expression(`[${part.variable}]`)]
        : [],
  );
  const clusters = parts.filter((part) => part.part === "component" && part.component === "GkeClusterLoadBalancer");
  const lines = [
    generatedFrom(options.sources),
    "// A Pulumi program that manages the same topology with bgplb's components. With",
    "// no stack configuration it renders the manifests to ./rendered, exactly what",
    "// `bgplb render` prints for the original files; with a `kubeconfig` secret in",
    "// the stack configuration it applies them to that cluster.",
    `import * as bgplb from ${JSON.stringify(options.packageName ?? "bgplb/pulumi")};`,
    "",
    "const target = bgplb.stackTarget();",
    "",
    ...parts.flatMap(partLines),
    ...(clusters.length === 1
      ? ["/** The Cluster's load balancer section, for the bmctl cluster config file. */", `export const loadBalancer = ${clusters[0].variable}.loadBalancer;`]
      : []),
    "/** Every rendered object, grouped by the component (or manifest) it comes from. */",
    `export const objects = ${literal(groups)};`,
    "/** The files written to the GitOps directory (when rendering). */",
    "export const files = target.publish(objects)?.files;",
    "",
  ];
  return { text: lines.join("\n"), warnings: parts.flatMap(partWarnings) };
}
