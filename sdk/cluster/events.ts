/**
 * Kubernetes Events the speaker records on the objects it acts on, built as
 * `core/v1` Event bodies. Pure.
 */
import type { CoreV1Event } from "@kubernetes/client-node";
import type { RawObject } from "./observed";
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
      uid: (object.metadata as { uid?: string } | undefined)?.uid,
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
