/**
 * `bgplb render --speaker`: the objects that run the cluster speaker
 * (sdk/deployment), rendered like every other manifest.
 */
import {
  ImageReferenceError,
  SpeakerDeploymentError,
  layoutImage,
  parseImageReference,
  speakerDeploymentObjects,
  speakerSidecar,
  type SpeakerDeploymentOptions,
} from "../deployment";
import { DirectoryWriteError, renderObject, toYamlDocument, writeManifestDirectory, type PlainManifest } from "../manifest";
import { topologyOf, type ObjectMeta, type OpaqueObject } from "../model";
import { parseCommandArgs } from "./args";
import type { CommandIo } from "./command";
import { UsageError } from "./command";

/** The usage lines of `--speaker` and its options. */
export const SPEAKER_RENDER_HELP = `Speaker deployment (bgplb render --speaker --cluster-namespace NS --image REF,
or bgplb render --speaker --mode metallb [--namespace NS] --image REF):
  --speaker            render the objects that run the cluster speaker instead
                       of a topology: ServiceAccount, ClusterRole and Roles
                       allowing exactly the API calls it makes, their
                       bindings, the BGPSession and BGPAdvertisedRoute CRDs,
                       and the DaemonSet (or the static pod, or the sidecar
                       container); in that order on stdout
  --mode gke|metallb   which objects the speaker serves (default gke);
                       metallb: RBAC for MetalLB's objects in --namespace,
                       which defaults to metallb-system, the DaemonSet runs
                       bgplb speaker --mode metallb, no status CRDs
  --cluster-namespace NS   gke mode: the namespace of the Cluster (cluster-NAME)
  --image REF          [registry/]repository[:tag][@sha256:DIGEST]; the
                       digest is required, here or from --image-layout
  --image-layout DIR   the OCI layout bgplb image build wrote: its digest
                       (and tag, when REF has none) pin the image
  --workload KIND      daemonset (default), static-pod (control-plane
                       nodes; reads /etc/kubernetes/bgplb-speaker.conf) or
                       sidecar (the container spec alone, stdout only)
  --namespace NS       namespace of the ServiceAccount and workload
                       (default kube-system; metallb mode: MetalLB's
                       namespace, default metallb-system)
  --create-namespace   also render that Namespace
  --name NAME          name of every object (default bgplb-speaker)
  --health-port PORT   /healthz, /readyz and /metrics port (default 7473)
  --lease-duration S   the speaker's --lease-duration
  --node-selector K=V  a node label the DaemonSet's nodes must have; repeat
                       for several (default kubernetes.io/os=linux)
  --no-crds            leave the status CRDs out`;

/** The flag of each option a SpeakerDeploymentError names. */
const FLAG_OF: Readonly<Record<string, string>> = {
  mode: "--mode:",
  workload: "--workload:",
  clusterNamespace: "--cluster-namespace:",
  namespace: "--namespace:",
  name: "--name:",
  healthPort: "--health-port:",
  leaseDurationSeconds: "--lease-duration:",
};

/** A plain manifest as an object of an unmodelled kind, for the renderer. */
function opaque(manifest: PlainManifest): OpaqueObject {
  return { apiVersion: String(manifest["apiVersion"]), kind: String(manifest["kind"]), metadata: manifest["metadata"] as ObjectMeta, body: manifest };
}

function nodeSelector(pairs: readonly string[] | undefined): Record<string, string> | undefined {
  if (pairs === undefined) return undefined;
  const selector: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--node-selector: ${JSON.stringify(pair)} is not KEY=VALUE`);
    selector[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return selector;
}

function whole(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag}: ${JSON.stringify(value)} is not a whole number`);
  return Number(value);
}

/** The options only `--speaker` takes. */
const SPEAKER_OPTIONS = {
  mode: { type: "string" },
  "cluster-namespace": { type: "string" },
  image: { type: "string" },
  "image-layout": { type: "string" },
  workload: { type: "string" },
  namespace: { type: "string" },
  "create-namespace": { type: "boolean" },
  name: { type: "string" },
  "health-port": { type: "string" },
  "lease-duration": { type: "string" },
  "node-selector": { type: "string", multiple: true },
  "no-crds": { type: "boolean" },
} as const;

/** True for `--speaker` and for an argument naming one of its options (`--image`, `--image=REF`). */
export function isSpeakerOption(arg: string): boolean {
  const name = arg.split("=")[0];
  return name === "--speaker" || (name.startsWith("--") && Object.hasOwn(SPEAKER_OPTIONS, name.slice(2)));
}

/** Runs `bgplb render --speaker …`; `args` are render's arguments. */
export function renderSpeaker(args: readonly string[], io: CommandIo): number {
  const { values, positionals } = parseCommandArgs(args, { speaker: { type: "boolean" }, out: { type: "string" }, ...SPEAKER_OPTIONS });
  if (!values.speaker) {
    const flag = args.find((arg) => isSpeakerOption(arg)) ?? "";
    throw new UsageError(`${flag.split("=")[0]} is an option of --speaker (rendering the speaker deployment); add --speaker or leave it out`);
  }
  if (positionals.length > 0) throw new UsageError(`--speaker renders no input files (got ${JSON.stringify(positionals[0])}); render the topology separately`);
  const mode = values.mode ?? "gke";
  if (mode !== "gke" && mode !== "metallb") throw new UsageError(`--mode: ${JSON.stringify(mode)} is not gke or metallb`);
  const clusterNamespace = values["cluster-namespace"];
  if (mode === "gke" && clusterNamespace === undefined)
    throw new UsageError("--speaker needs --cluster-namespace NS (the Cluster's namespace, cluster-NAME), or --mode metallb");
  if (mode === "metallb" && clusterNamespace !== undefined)
    throw new UsageError("--cluster-namespace does not apply to --mode metallb (it serves MetalLB's objects in --namespace)");
  if (values.image === undefined) throw new UsageError("--speaker needs --image [registry/]repository[:tag][@sha256:DIGEST]");
  const workload = values.workload ?? "daemonset";
  if (!["daemonset", "static-pod", "sidecar"].includes(workload))
    throw new UsageError(`--workload: ${JSON.stringify(workload)} is not daemonset, static-pod or sidecar`);
  if (workload === "sidecar" && values.out !== undefined) throw new UsageError("--workload sidecar prints one container spec; it has no --out");
  let objects: OpaqueObject[];
  try {
    const fromLayout = values["image-layout"] === undefined ? {} : layoutImage(values["image-layout"]);
    const selector = nodeSelector(values["node-selector"]);
    const healthPort = whole(values["health-port"], "--health-port");
    const leaseDurationSeconds = whole(values["lease-duration"], "--lease-duration");
    const options: SpeakerDeploymentOptions = {
      mode,
      ...(clusterNamespace === undefined ? {} : { clusterNamespace }),
      image: parseImageReference(values.image, "--image", fromLayout),
      workload: workload === "static-pod" ? "static-pod" : "daemonset",
      ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
      ...(values.name === undefined ? {} : { name: values.name }),
      createNamespace: values["create-namespace"] ?? false,
      ...(values["no-crds"] ? { statusCrds: false } : {}),
      ...(selector === undefined ? {} : { nodeSelector: selector }),
      ...(healthPort === undefined ? {} : { healthPort }),
      ...(leaseDurationSeconds === undefined ? {} : { leaseDurationSeconds }),
    };
    if (workload === "sidecar") {
      io.stdout(toYamlDocument(speakerSidecar(options)));
      return 0;
    }
    objects = speakerDeploymentObjects(options).map(opaque);
  } catch (error) {
    if (error instanceof ImageReferenceError) throw new UsageError(error.message);
    if (error instanceof SpeakerDeploymentError)
      throw new UsageError(error.message.replace(/^(\w+):/, (field: string, name: string) => FLAG_OF[name] ?? field));
    throw error;
  }
  if (values.out === undefined) {
    io.stdout(objects.map((object) => toYamlDocument(renderObject(object))).join("---\n"));
    return 0;
  }
  try {
    const files = writeManifestDirectory(values.out, topologyOf(objects));
    io.stderr(`wrote ${files.length} file(s) to ${values.out}\n`);
    return 0;
  } catch (error) {
    if (error instanceof DirectoryWriteError) throw new UsageError(error.message);
    throw error;
  }
}
