import type { Application } from "./app";
import type { DebianPackage } from "./debian";
import type { NodeRuntime } from "./node-runtime";

/** What the SBOM describes. */
export interface SbomInput {
  readonly manifestDigest: string;
  readonly created: Date;
  readonly application: Application;
  readonly runtime: NodeRuntime;
  readonly debianPackages: readonly DebianPackage[];
}

interface SpdxPackage {
  readonly SPDXID: string;
  readonly name: string;
  readonly versionInfo: string;
  readonly downloadLocation: "NOASSERTION";
  readonly filesAnalyzed: false;
  readonly licenseConcluded: "NOASSERTION";
  readonly licenseDeclared: string;
  readonly copyrightText: "NOASSERTION";
  readonly checksums?: readonly { readonly algorithm: "SHA256"; readonly checksumValue: string }[];
  readonly externalRefs: readonly { readonly referenceCategory: "PACKAGE-MANAGER"; readonly referenceType: "purl"; readonly referenceLocator: string }[];
}

function spdxId(kind: string, name: string): string {
  return `SPDXRef-${kind}-${name.replace(/[^A-Za-z0-9.-]/g, "-")}`;
}

function npmPurl(name: string, version: string): string {
  return `pkg:npm/${name.startsWith("@") ? `%40${name.slice(1)}` : name}@${encodeURIComponent(version)}`;
}

function spdxPackage(id: string, name: string, version: string, license: string, purl: string, sha256?: string): SpdxPackage {
  return {
    SPDXID: id,
    name,
    versionInfo: version,
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    licenseConcluded: "NOASSERTION",
    licenseDeclared: license,
    copyrightText: "NOASSERTION",
    ...(sha256 ? { checksums: [{ algorithm: "SHA256" as const, checksumValue: sha256 }] } : {}),
    externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: purl }],
  };
}

/**
 * An SPDX 2.3 JSON document for the image: the image itself, which contains
 * the application, each npm package it depends on, the Node.js runtime and
 * each Debian package files were taken from (with the `.deb`'s SHA-256).
 * Deterministic: `created` is the build's source date, the namespace is
 * derived from the manifest digest.
 */
export function spdxDocument(input: SbomInput): Record<string, unknown> {
  const { application: app, runtime } = input;
  const image = spdxPackage(
    "SPDXRef-image",
    `${app.name}-image`,
    input.manifestDigest,
    app.license,
    `pkg:oci/${app.name}@${encodeURIComponent(input.manifestDigest)}`,
  );
  const contents = [
    spdxPackage(spdxId("npm", app.name), app.name, app.version, app.license, npmPurl(app.name, app.version)),
    ...app.dependencies.map((p) => spdxPackage(spdxId("npm", p.name), p.name, p.version, p.license, npmPurl(p.name, p.version))),
    spdxPackage(spdxId("npm", runtime.packageName), runtime.packageName, runtime.version, runtime.license, npmPurl(runtime.packageName, runtime.version)),
    ...input.debianPackages.map((p) =>
      spdxPackage(
        spdxId("deb", p.name),
        p.name,
        p.version,
        p.license,
        `pkg:deb/debian/${p.name}@${encodeURIComponent(p.version)}?arch=${p.architecture}`,
        p.sha256,
      ),
    ),
  ];
  return {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: `${app.name}-image-${app.version}`,
    documentNamespace: `urn:${app.name}:image:spdx:${input.manifestDigest}`,
    creationInfo: { created: input.created.toISOString().replace(/\.\d{3}Z$/, "Z"), creators: [`Tool: ${app.name}-image-build-${app.version}`] },
    documentDescribes: [image.SPDXID],
    packages: [image, ...contents],
    relationships: contents.map((p) => ({ spdxElementId: image.SPDXID, relationshipType: "CONTAINS", relatedSpdxElement: p.SPDXID })),
  };
}
