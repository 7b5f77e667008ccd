/**
 * Offline validation of a bgplb topology: `validate(topology, facts?)`
 * returns {@link Diagnostic}s with a stable code, severity, field path, object,
 * message (with the bad value) and hint; the rule catalogue is exported as data.
 */
export { Diagnostic, ObjectRef, Severity } from "./diagnostic";
export { Fact, RULES, RuleInfo, RuleName, ruleCatalogue } from "./catalogue";
export { ValidationFacts } from "./facts";
export { DiagnosticReport, DiagnosticSummary, FormatOptions, describeObject, formatDiagnostic, summarize, toReport } from "./format";
export { isValid, validate } from "./validate";
