/**
 * The speaker image a deployment runs: registry, repository, tag and the
 * digest that pins it, given as one reference text or taken from the OCI
 * layout `bgplb image build` wrote.
 */
import { join } from "node:path";
import { readTextInput } from "../io";

/** An image reference pinned by digest. */
export interface ImageReference {
  /** Registry host (and port), e.g. `registry.example:5000`; absent for the runtime's default. */
  readonly registry?: string;
  /** Repository path, e.g. `platform/bgplb-speaker`. */
  readonly repository: string;
  /** Tag, kept for people reading the manifest; the digest decides what runs. */
  readonly tag?: string;
  /** `sha256:` and 64 hex digits. */
  readonly digest: string;
}

/** An image reference that cannot be used: the message names the field and the value. */
export class ImageReferenceError extends Error {
  override readonly name = "ImageReferenceError";
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REGISTRY = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/** Checks each part of a reference; `field` names it in errors (`--image`, `image.digest`). */
export function checkImageReference(reference: Partial<ImageReference>, field: string): ImageReference {
  const { registry, repository, tag, digest } = reference;
  if (registry !== undefined && !REGISTRY.test(registry))
    throw new ImageReferenceError(`${field}: registry ${JSON.stringify(registry)} is not a host name or address with an optional :port`);
  if (repository === undefined || !REPOSITORY.test(repository)) {
    throw new ImageReferenceError(
      `${field}: repository ${JSON.stringify(repository ?? "")} is not a repository path (lower-case path components, e.g. platform/bgplb-speaker)`,
    );
  }
  if (tag !== undefined && !TAG.test(tag))
    throw new ImageReferenceError(`${field}: tag ${JSON.stringify(tag)} is not a tag (letters, digits, _ . -, at most 128)`);
  if (digest === undefined) {
    throw new ImageReferenceError(`${field}: the image is not pinned by a digest; give one (@sha256:…) or the image layout bgplb image build wrote`);
  }
  if (!DIGEST.test(digest)) throw new ImageReferenceError(`${field}: digest ${JSON.stringify(digest)} is not sha256: followed by 64 lower-case hex digits`);
  return { ...(registry === undefined ? {} : { registry }), repository, ...(tag === undefined ? {} : { tag }), digest };
}

/**
 * Parses `[registry/]repository[:tag][@sha256:…]`. The first path component
 * is the registry when it has a `.` or `:` or is `localhost`. The digest may
 * be missing here (`fallbackDigest` then supplies it).
 */
export function parseImageReference(text: string, field: string, fallback: { digest?: string; tag?: string } = {}): ImageReference {
  const at = text.indexOf("@");
  const named = at < 0 ? text : text.slice(0, at);
  const digest = at < 0 ? fallback.digest : text.slice(at + 1);
  const slash = named.indexOf("/");
  const first = slash < 0 ? "" : named.slice(0, slash);
  const hasRegistry = first.includes(".") || first.includes(":") || first === "localhost";
  const path = hasRegistry ? named.slice(slash + 1) : named;
  const colon = path.lastIndexOf(":");
  const repository = colon < 0 ? path : path.slice(0, colon);
  const tag = colon < 0 ? fallback.tag : path.slice(colon + 1);
  return checkImageReference(
    { ...(hasRegistry ? { registry: first } : {}), repository, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) },
    field,
  );
}

/** The reference text: `registry/repository:tag@digest` (the parts given). */
export function formatImageReference(image: ImageReference): string {
  return `${image.registry === undefined ? "" : `${image.registry}/`}${image.repository}${image.tag === undefined ? "" : `:${image.tag}`}@${image.digest}`;
}

/** The manifest digest and tag (`org.opencontainers.image.ref.name`) of an OCI image layout. */
export interface LayoutImage {
  readonly digest: string;
  readonly tag?: string;
}

/**
 * Reads the image of an OCI layout directory (`index.json`, the output of
 * `bgplb image build`): its one manifest's digest and ref name.
 * @throws ImageReferenceError naming the file when it is not such a layout
 */
export function layoutImage(directory: string): LayoutImage {
  const file = join(directory, "index.json");
  let text: string;
  try {
    text = readTextInput(file, { maxBytes: 1024 * 1024 });
  } catch (error) {
    throw new ImageReferenceError(`${(error as Error).message} (give the directory bgplb image build --out wrote)`);
  }
  let index: { manifests?: { digest?: unknown; annotations?: Record<string, unknown> }[] };
  try {
    index = JSON.parse(text) as typeof index;
  } catch (error) {
    throw new ImageReferenceError(`${file}: not JSON (${(error as Error).message})`);
  }
  const manifests = Array.isArray(index?.manifests) ? index.manifests : [];
  if (manifests.length !== 1) throw new ImageReferenceError(`${file}: holds ${manifests.length} manifests; expected the one image bgplb image build writes`);
  const digest = manifests[0].digest;
  if (typeof digest !== "string" || !DIGEST.test(digest))
    throw new ImageReferenceError(`${file}: manifests[0].digest ${JSON.stringify(digest)} is not a sha256 digest`);
  const tag = manifests[0].annotations?.["org.opencontainers.image.ref.name"];
  return { digest, ...(typeof tag === "string" && TAG.test(tag) ? { tag } : {}) };
}
