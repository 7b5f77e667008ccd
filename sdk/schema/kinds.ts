import type { ModelGroup } from "../model";
import { manifest } from "./common";
import { field, type KindDeclaration, type ObjectSchema } from "./declaration";
import { GKE_KINDS } from "./gke";
import { METALLB_KINDS } from "./metallb";

/** Every modelled kind, declared once, in document order. */
export const KIND_DECLARATIONS: readonly KindDeclaration[] = [...GKE_KINDS, ...METALLB_KINDS];

function objectSchema(declaration: KindDeclaration, spec: ObjectSchema): ObjectSchema {
  return manifest(spec, declaration.status ? [field("status", declaration.status.schema, declaration.status.doc)] : []);
}

const BY_TYPE = new Map<string, { declaration: KindDeclaration; schema: ObjectSchema }>();
for (const declaration of KIND_DECLARATIONS) {
  BY_TYPE.set(`${declaration.apiVersion}|${declaration.kind}`, { declaration, schema: objectSchema(declaration, declaration.spec) });
  for (const served of declaration.servedVersions ?? [])
    BY_TYPE.set(`${served.apiVersion}|${declaration.kind}`, { declaration, schema: objectSchema(declaration, served.spec) });
}

/** The schema of a whole object of each modelled kind (its main apiVersion), keyed by Topology list name. */
export const KIND_SCHEMAS: Readonly<Record<ModelGroup, ObjectSchema>> = Object.fromEntries(
  KIND_DECLARATIONS.map((declaration) => [declaration.group, BY_TYPE.get(`${declaration.apiVersion}|${declaration.kind}`)!.schema]),
) as Record<ModelGroup, ObjectSchema>;

/** The schema of a whole object of this apiVersion/kind (served older versions included), or undefined when bgplb does not model it. */
export function schemaOf(apiVersion: string, kind: string): ObjectSchema | undefined {
  return BY_TYPE.get(`${apiVersion}|${kind}`)?.schema;
}

/** Every apiVersion/kind pair bgplb reads, with the schema of its objects. */
export function servedSchemas(): { readonly apiVersion: string; readonly kind: string; readonly schema: ObjectSchema }[] {
  return [...BY_TYPE.entries()].map(([key, entry]) => ({ apiVersion: key.split("|")[0], kind: entry.declaration.kind, schema: entry.schema }));
}
