import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const MEDIA_TYPES = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layer: "application/vnd.oci.image.layer.v1.tar+gzip",
} as const;

/** A content descriptor (OCI image spec, descriptor.md). */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

/** What runs: the `config` object of the OCI image configuration. */
export interface RunConfig {
  readonly User: string;
  readonly Env: readonly string[];
  readonly Entrypoint: readonly string[];
  readonly Cmd: readonly string[];
  readonly WorkingDir: string;
  readonly Labels: Readonly<Record<string, string>>;
}

/** One layer to write: an uncompressed tar and what it holds. */
export interface LayerInput {
  readonly description: string;
  readonly tar: Buffer;
}

/** A written layer. */
export interface WrittenLayer extends Descriptor {
  readonly description: string;
  /** Digest of the uncompressed tar (the config's `diff_id`). */
  readonly diffId: string;
  readonly uncompressedSize: number;
}

/** The written image. */
export interface WrittenImage {
  readonly manifest: Descriptor;
  readonly config: Descriptor;
  readonly layers: readonly WrittenLayer[];
  /** Bytes a registry stores and a pull transfers: manifest, config and compressed layers. */
  readonly compressedSize: number;
}

function sha256(data: Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

function writeBlob(dir: string, mediaType: string, data: Buffer): Descriptor {
  const digest = sha256(data);
  writeFileSync(join(dir, "blobs", "sha256", digest.slice("sha256:".length)), data);
  return { mediaType, digest, size: data.length };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), "utf8");
}

/**
 * Writes an OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/`)
 * for one linux image into the existing empty directory `dir`. Layers are
 * gzipped with node's zlib at level 9, whose gzip header carries no name and
 * no time, so equal tars give equal blobs; the configuration has no
 * `created` time and no history, so equal inputs give an equal manifest
 * digest. `refName` becomes the index's `org.opencontainers.image.ref.name`.
 */
export function writeImageLayout(
  dir: string,
  image: {
    readonly architecture: string;
    readonly layers: readonly LayerInput[];
    readonly config: RunConfig;
    readonly annotations: Readonly<Record<string, string>>;
    readonly refName: string;
  },
): WrittenImage {
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  const layers: WrittenLayer[] = image.layers.map((layer) => ({
    ...writeBlob(dir, MEDIA_TYPES.layer, gzipSync(layer.tar, { level: 9 })),
    description: layer.description,
    diffId: sha256(layer.tar),
    uncompressedSize: layer.tar.length,
  }));
  const config = writeBlob(
    dir,
    MEDIA_TYPES.config,
    json({
      architecture: image.architecture,
      os: "linux",
      config: image.config,
      rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
    }),
  );
  const descriptor = (d: Descriptor): Descriptor => ({ mediaType: d.mediaType, digest: d.digest, size: d.size });
  const manifest = writeBlob(
    dir,
    MEDIA_TYPES.manifest,
    json({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      config: descriptor(config),
      layers: layers.map(descriptor),
      annotations: image.annotations,
    }),
  );
  writeFileSync(join(dir, "oci-layout"), json({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(dir, "index.json"),
    json({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.index,
      manifests: [
        {
          ...descriptor(manifest),
          platform: { architecture: image.architecture, os: "linux" },
          annotations: { "org.opencontainers.image.ref.name": image.refName },
        },
      ],
    }),
  );
  const compressedSize = manifest.size + config.size + layers.reduce((sum, l) => sum + l.size, 0);
  return { manifest, config, layers, compressedSize };
}
