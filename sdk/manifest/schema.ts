export { KIND_SCHEMAS, SERVER_METADATA_FIELDS, schemaOf, type FieldEntry, type FieldSchema, type ObjectSchema } from "../schema";
