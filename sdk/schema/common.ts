import { boolean, field, object, oneOf, required, string, stringMap, stringSet, type FieldEntry, type ObjectSchema } from "./declaration";

/** Server-managed metadata kept verbatim without a warning (and ignored by the diff). */
export const SERVER_METADATA_FIELDS: readonly string[] = [
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "selfLink",
  "ownerReferences",
  "finalizers",
  "generateName",
];

/** `metadata`, the parts bgplb reads and writes (the model's `ObjectMeta`). */
const metadata = object([required("name", string), field("namespace", string), field("labels", stringMap), field("annotations", stringMap)], {
  passthrough: SERVER_METADATA_FIELDS,
  ref: "ObjectMeta",
});

/** A Kubernetes label selector (the model's `LabelSelector`). */
export const labelSelector = object(
  [
    field("matchLabels", stringMap),
    field("matchExpressions", {
      type: "list",
      items: object([required("key", string), required("operator", oneOf(["In", "NotIn", "Exists", "DoesNotExist"])), field("values", stringSet)], {
        ref: "LabelSelectorRequirement",
      }),
    }),
  ],
  { ref: "LabelSelector" },
);

/** A list of label selectors. */
export const labelSelectors = { type: "list", items: labelSelector } as const;

/** The object around a spec: apiVersion, kind, metadata, spec and what `extra` adds (a status). */
export function manifest(spec: ObjectSchema, extra: readonly FieldEntry[] = []): ObjectSchema {
  return object([required("apiVersion", string), required("kind", string), required("metadata", metadata), required("spec", spec), ...extra]);
}

/** `boolean` with its default: absent means `value`. */
export function flag(name: string, doc: string, value: boolean, serverDefault = false): FieldEntry {
  return field(name, boolean, doc, { default: value, ...(serverDefault ? { serverDefault } : {}) });
}
