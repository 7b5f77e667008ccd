import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { KIND_DECLARATIONS, integerBounds, type FieldEntry, type FieldSchema, type KindDeclaration, type ObjectSchema } from "../../sdk/schema";
import { toolPaths } from "../e2e/harness/tools";
import { requirePrerequisites } from "../setup/prerequisites";

/** A property of an OpenAPI v3 schema, as MetalLB's CRDs write it. */
interface OpenApi {
  readonly type?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly enum?: readonly string[];
  readonly default?: unknown;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, OpenApi>>;
  readonly items?: OpenApi;
  readonly additionalProperties?: OpenApi;
  readonly "x-kubernetes-validations"?: readonly { readonly rule: string; readonly message: string }[];
}

/**
 * Where bgplb's declaration knowingly differs from MetalLB's CRD, and why.
 * The list may only shrink: a listed difference that is gone fails the test.
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  "BGPPeer v1beta1 spec.peerPort minimum": "bgplb refuses peerPort 0 in v1beta1 as in v1beta2 (the served v1beta1 is converted to v1beta2, whose minimum is 1)",
  "BGPPeer v1beta1 spec.peerPort default": "the default 179 comes from the storage version v1beta2",
  "BGPAdvertisement v1beta1 spec.aggregationLength maximum": "bgplb bounds the IPv4 aggregation length by 32 (MetalLB's webhook does; its CRD does not)",
  "BGPAdvertisement v1beta1 spec.aggregationLengthV6 minimum":
    "bgplb bounds the IPv6 aggregation length to 0-128 (MetalLB's webhook does; its CRD only says int32)",
  "BGPAdvertisement v1beta1 spec.aggregationLengthV6 maximum": "as above",
  "BGPPeer v1beta2 spec.passwordSecret required": "bgplb requires the Secret's name: a reference without one names no Secret",
  "BGPPeer v1beta1 spec.nodeSelectors[].matchExpressions[] required": "v1beta1's CRD leaves key and operator optional; bgplb requires them as v1beta2 does",
  "BGPAdvertisement v1beta1 spec.localPref minimum": "LOCAL_PREF is unsigned on the wire; MetalLB's CRD only says int32",
};

function crdDirectory(): string | undefined {
  return toolPaths().get("metallb-crds" as never);
}

function versionSchema(file: string, version: string): OpenApi {
  const crd = parse(readFileSync(file, "utf8")) as { spec: { versions: { name: string; schema: { openAPIV3Schema: OpenApi } }[] } };
  const found = crd.spec.versions.find((entry) => entry.name === version);
  if (found === undefined) throw new Error(`${file} has no version ${version}`);
  return found.schema.openAPIV3Schema.properties!["spec"];
}

function typeName(schema: FieldSchema): string {
  return { string: "string", integer: "integer", boolean: "boolean", stringMap: "object", list: "array", object: "object" }[schema.type];
}

/** Every difference between one declared object and MetalLB's schema of it, as `where what` lines. */
function differences(where: string, ours: ObjectSchema, theirs: OpenApi): string[] {
  const found: string[] = [];
  const ourNames = ours.fields.map((entry) => entry.name).sort();
  const theirNames = Object.keys(theirs.properties ?? {}).sort();
  for (const name of theirNames.filter((name) => !ourNames.includes(name))) found.push(`${where}.${name} missing`);
  for (const name of ourNames.filter((name) => !theirNames.includes(name))) found.push(`${where}.${name} unknown to MetalLB`);
  const ourRequired = ours.fields
    .filter((entry) => entry.required)
    .map((entry) => entry.name)
    .sort();
  if (JSON.stringify(ourRequired) !== JSON.stringify([...(theirs.required ?? [])].sort())) found.push(`${where} required`);
  for (const entry of ours.fields) {
    const property = theirs.properties?.[entry.name];
    if (property !== undefined) found.push(...fieldDifferences(`${where}.${entry.name}`, entry.schema, entry, property));
  }
  return found;
}

function fieldDifferences(where: string, schema: FieldSchema, entry: FieldEntry | undefined, theirs: OpenApi): string[] {
  const found: string[] = [];
  if (typeName(schema) !== theirs.type) return [`${where} type`];
  const ourDefault = entry?.serverDefault ? entry.default : undefined;
  if (JSON.stringify(ourDefault) !== JSON.stringify(theirs.default)) found.push(`${where} default`);
  const rules = theirs["x-kubernetes-validations"] ?? [];
  if (entry !== undefined && (entry.immutable !== undefined) !== rules.some((rule) => rule.rule === "self == oldSelf")) found.push(`${where} immutability`);
  switch (schema.type) {
    case "integer": {
      const ours = integerBounds(schema);
      const format = integerBounds({ type: "integer", ...(theirs.format === "int32" ? { format: "int32" } : {}) });
      if ((ours.minimum ?? null) !== (theirs.minimum ?? format.minimum ?? null)) found.push(`${where} minimum`);
      if ((ours.maximum ?? null) !== (theirs.maximum ?? format.maximum ?? null)) found.push(`${where} maximum`);
      break;
    }
    case "string": {
      if (JSON.stringify(schema.oneOf ?? null) !== JSON.stringify(theirs.enum ?? null) && !(where.endsWith(".operator") && theirs.enum === undefined))
        found.push(`${where} enum`);
      const durationRules = rules.filter((rule) => rule.rule.includes("duration(self)"));
      const bounded = schema.duration !== undefined && (schema.duration.minSeconds !== undefined || schema.duration.maxSeconds !== undefined);
      if (bounded !== durationRules.some((rule) => rule.rule.includes("getSeconds"))) found.push(`${where} duration bounds`);
      if ((schema.duration?.wholeSeconds === true) !== durationRules.some((rule) => rule.rule.includes("getMilliseconds() % 1000")))
        found.push(`${where} whole seconds`);
      if (schema.duration?.minSeconds !== undefined && !durationRules.some((rule) => rule.rule.includes(`>= ${schema.duration!.minSeconds}`)))
        found.push(`${where} duration minimum`);
      if (schema.duration?.maxSeconds !== undefined && !durationRules.some((rule) => rule.rule.includes(`<= ${schema.duration!.maxSeconds}`)))
        found.push(`${where} duration maximum`);
      break;
    }
    case "stringMap":
      if (theirs.additionalProperties?.type !== "string") found.push(`${where} map values`);
      break;
    case "list":
      if (theirs.items === undefined) return [...found, `${where} items`];
      found.push(...fieldDifferences(`${where}[]`, schema.items, undefined, theirs.items));
      break;
    case "object":
      found.push(...differences(where, schema, theirs));
      break;
    case "boolean":
      break;
  }
  return found;
}

const FILES: Readonly<Record<string, string>> = {
  BGPPeer: "metallb.io_bgppeers.yaml",
  BFDProfile: "metallb.io_bfdprofiles.yaml",
  IPAddressPool: "metallb.io_ipaddresspools.yaml",
  BGPAdvertisement: "metallb.io_bgpadvertisements.yaml",
};

function versionsOf(declaration: KindDeclaration): { version: string; spec: ObjectSchema }[] {
  return [{ apiVersion: declaration.apiVersion, spec: declaration.spec }, ...(declaration.servedVersions ?? [])].map((entry) => ({
    version: entry.apiVersion.split("/")[1],
    spec: entry.spec,
  }));
}

describe("schema: MetalLB field declarations against MetalLB's own CRDs (v0.16.2), field by field", () => {
  let directory = "";
  const metallb = KIND_DECLARATIONS.filter((declaration) => declaration.apiVersion.startsWith("metallb.io/"));

  before(function () {
    const found = crdDirectory();
    requirePrerequisites(
      this,
      found !== undefined && existsSync(found)
        ? []
        : [`MetalLB's CRDs are not in the Go module cache (${found ?? "build.sh names none"}); run test/e2e/tools/build.sh --sources`],
    );
    directory = found!;
  });

  it("declares every MetalLB kind bgplb models, from MetalLB's CRD files", () => {
    expect(metallb.map((declaration) => declaration.kind).sort()).to.deep.equal(Object.keys(FILES).sort());
  });

  const seen = new Set<string>();
  for (const declaration of metallb) {
    for (const { version, spec } of versionsOf(declaration)) {
      it(`${declaration.kind} ${version}: names, types, required fields, bounds, enums, defaults and immutability agree`, () => {
        const found = differences(`${declaration.kind} ${version} spec`, spec, versionSchema(path.join(directory, FILES[declaration.kind]), version));
        for (const difference of found) seen.add(difference);
        const unexpected = found.filter((difference) => KNOWN_DIFFERENCES[difference] === undefined);
        expect(unexpected, "differences from MetalLB's CRD that are not known").to.deep.equal([]);
      });
    }
  }

  it("every known difference still exists (the list may only shrink)", function () {
    if (seen.size === 0) this.skip();
    expect(Object.keys(KNOWN_DIFFERENCES).filter((difference) => !seen.has(difference))).to.deep.equal([]);
  });
});
