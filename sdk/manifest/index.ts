/**
 * Manifests for bgplb: parse YAML (bmctl cluster config files, MetalLB CR
 * sets, GitOps directories) into the model, render the model to
 * deterministic YAML, and diff two manifest sets semantically.
 */
export { ManifestIssue, ManifestIssueCode, ManifestIssueSeverity, formatManifestIssue, hasManifestErrors } from "./issues";
export { FieldEntry, FieldSchema, KIND_SCHEMAS, ObjectSchema, SERVER_METADATA_FIELDS, schemaOf } from "./schema";
export { ManifestSource, ParseOptions, ParseResult, parseManifests } from "./parse";
export { PlainManifest, renderObject } from "./encode";
export { toYamlDocument } from "./yaml";
export { canonicalTopology, compareObjects, renderPlain, renderYaml, sortedObjects } from "./render";
export { closestField, comparePaths } from "./decode";
export { ECHO_LIMIT, echoPath, echoText, echoValue } from "./echo";
export { EXAMPLE_NAMES, ExampleName, examplePath, exampleText, examplesDirectory } from "./examples";
export { DiffOptions, FieldChange, FieldOp, ManifestDiff, ObjectChange, diffTopologies } from "./diff";
export { diffLines, diffToJson, formatDiff } from "./diff-format";
export { LoadOptions, loadManifestDirectory, loadManifestFiles, loadManifests, manifestFilesIn } from "./load";
export { DirectoryWriteError, manifestFileName, writeManifestDirectory } from "./write-dir";
export { DEFAULTED_FIELDS, DefaultedField, IMMUTABLE_AFTER_CREATION, ImmutableField, defaultAt, immutableFieldAt } from "../schema";
