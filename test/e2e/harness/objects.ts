import { expect } from "chai";
import type { PlainManifest } from "../../../sdk/manifest";
import { DEFAULTED_FIELDS } from "../../../sdk/schema";
import type { KubeObject } from "./cluster";

/** The spec fields (paths under spec) the API server defaults for this kind, from the kind declarations: the only fields it may add to a rendered object. */
function serverDefaults(apiVersion: string, kind: string): string[] {
  return DEFAULTED_FIELDS.filter((entry) => entry.serverDefault && entry.apiVersion === apiVersion && entry.kind === kind && entry.path[0] === "spec").map(
    (entry) => entry.path.slice(1).join("."),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Paths (dot-joined, under spec) the stored value has and the rendered one
 * lacks; asserts every rendered field is stored unchanged.
 */
function addedPaths(stored: unknown, rendered: unknown, at: string): string[] {
  if (!isRecord(rendered) || !isRecord(stored)) {
    expect(stored, at).to.deep.equal(rendered);
    return [];
  }
  const added: string[] = [];
  for (const [key, value] of Object.entries(stored)) {
    const path = at === "" ? key : `${at}.${key}`;
    if (key in rendered) added.push(...addedPaths(value, rendered[key], path));
    else added.push(path);
  }
  for (const key of Object.keys(rendered)) expect(stored, `${at}: ${key} dropped by the server`).to.have.property(key);
  return added;
}

/** apiVersion, kind, name and namespace of a rendered manifest. */
export function identity(manifest: PlainManifest): { apiVersion: string; kind: string; name: string; namespace: string } {
  const metadata = manifest["metadata"] as { name: string; namespace: string };
  return { apiVersion: manifest["apiVersion"] as string, kind: manifest["kind"] as string, name: metadata.name, namespace: metadata.namespace };
}

/** `kind.group` for kubectl, from an apiVersion and kind of our CRDs. */
export function resourceOf(apiVersion: string, kind: string): string {
  return `${kind.toLowerCase()}s.${apiVersion.split("/")[0]}`;
}

/**
 * Asserts the API server stores `manifest` as rendered: the same labels and
 * annotations, every rendered spec field unchanged, and no spec field added
 * beyond the server defaults the kind declares (checked against MetalLB's CRDs by test/schema).
 */
export function expectStoredAsRendered(stored: KubeObject, manifest: PlainManifest): void {
  const { apiVersion, kind, name } = identity(manifest);
  const metadata = manifest["metadata"] as { labels?: unknown; annotations?: unknown };
  expect(stored.metadata.labels, `${kind} ${name} labels`).to.deep.equal(metadata.labels);
  expect(stored.metadata.annotations, `${kind} ${name} annotations`).to.deep.equal(metadata.annotations);
  const added = addedPaths(stored.spec, manifest["spec"], "");
  const allowed = serverDefaults(apiVersion, kind);
  expect(
    added.filter((path) => !allowed.includes(path)),
    `${kind} ${name}: fields the server added`,
  ).to.deep.equal([]);
}
