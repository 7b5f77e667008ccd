/**
 * Kubernetes Events the speaker records on the objects it acts on, built as
 * `core/v1` Event bodies. Pure.
 */
import type { CoreV1Event } from "@kubernetes/client-node";
import type { Logger } from "../speaker/log";
import type { ConfigurationDecision, RawObject } from "./observed";
import { FIELD_MANAGER } from "./status";

/** An Event about `object` from the speaker on `host`, in the object's namespace (`default` for cluster-scoped objects). */
export function eventObject(object: RawObject, type: "Normal" | "Warning", reason: string, message: string, host: string, now: Date): CoreV1Event {
  const namespace = object.metadata?.namespace ?? "default";
  return {
    metadata: { generateName: `${object.metadata?.name ?? "object"}.`, namespace },
    involvedObject: {
      apiVersion: object.apiVersion ?? "v1",
      kind: object.kind ?? "Service",
      name: object.metadata?.name,
      namespace,
      uid: object.metadata?.uid,
    },
    reason,
    message,
    type,
    source: { component: FIELD_MANAGER, host },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}

/**
 * Logs and records (as a Warning Event on the object) each error of a
 * rejected configuration, unless they are the ones reported last time.
 * @returns the text of these errors, to pass as `previous` next time
 */
export function reportRejectedConfiguration(
  previous: string,
  raws: readonly RawObject[],
  errors: ConfigurationDecision["errors"],
  logger: Logger,
  event: (object: RawObject, type: "Warning", reason: string, message: string) => Promise<void>,
): string {
  const text = errors.map((d) => `${d.code} ${d.object.kind}/${d.object.name} ${d.path}: ${d.message}`).join("\n");
  if (text === previous) return text;
  for (const d of errors) {
    logger.log("error", "configuration rejected; keeping the last good configuration", {
      code: d.code,
      object: `${d.object.kind}/${d.object.name}`,
      path: d.path,
      message: d.message,
    });
    const raw = raws.find((r) => r.kind === d.object.kind && r.metadata?.name === d.object.name);
    if (raw) void event(raw, "Warning", "InvalidConfiguration", `${d.code} ${d.path}: ${d.message}; the speaker keeps the last good configuration`);
  }
  return text;
}
