/**
 * One declaration per modelled kind (fields, types, limits, defaults, docs,
 * immutability, secrets) and what is derived from it: the schemas parsing and
 * rendering follow, the diff's defaults and not-updatable fields, the CRDs of
 * the GKE kinds and the model's TypeScript types.
 */
export * from "./declaration";
export { SERVER_METADATA_FIELDS } from "./common";
export { KIND_DECLARATIONS, KIND_SCHEMAS, schemaOf } from "./kinds";
export {
  DECLARED_FIELDS,
  DEFAULTED_FIELDS,
  DefaultedField,
  IMMUTABLE_AFTER_CREATION,
  ImmutableField,
  defaultAt,
  immutableFieldAt,
  isSecretField,
} from "./derive";
export { crdFileName, customResourceDefinition } from "./crd";
export { modelTypeScript } from "./typescript";
