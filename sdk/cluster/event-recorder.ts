/**
 * Records the speaker's Kubernetes Events, each distinct one once: an Event
 * already recorded for the same object, reason and message is not created
 * again. The memory is bounded (client-go's recorder keeps 4,096 entries
 * too): the oldest are forgotten first, so a speaker that sees Services
 * come and go for months does not grow with them.
 */
import type { CoreV1Api } from "@kubernetes/client-node";
import type { Logger } from "../speaker/log";
import { eventObject } from "./events";
import { describeApiError } from "./kube";
import { objectKeyText, type RawObject } from "./observed";

/** How many recorded Events are remembered. */
export const EVENT_MEMORY = 4_096;

/** Creates Events through the API, once per object, reason and message among the last {@link EVENT_MEMORY}. */
export class EventRecorder {
  private readonly recorded = new Set<string>();

  /**
   * @param core the API client Events are created with
   * @param host the node the speaker runs on (the Events' source host)
   * @param logger told when an Event cannot be created (it is tried again the next time it is recorded)
   */
  constructor(
    private readonly core: Pick<CoreV1Api, "createNamespacedEvent">,
    private readonly host: string,
    private readonly logger: Logger,
  ) {}

  /** Whether this Event was recorded already (recording it again does nothing). */
  has(object: RawObject, reason: string, message: string): boolean {
    return this.recorded.has(eventKey(object, reason, message));
  }

  /** Creates the Event unless it was recorded already; API errors are logged, never thrown. */
  async record(object: RawObject, type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
    const key = eventKey(object, reason, message);
    if (this.recorded.has(key)) return;
    const body = eventObject(object, type, reason, message, this.host, new Date());
    try {
      await this.core.createNamespacedEvent({ namespace: body.metadata.namespace!, body });
    } catch (error) {
      this.logger.log("warn", "event not recorded", { reason, error: describeApiError(error) });
      return;
    }
    this.recorded.add(key);
    if (this.recorded.size > EVENT_MEMORY) this.recorded.delete(this.recorded.values().next().value!);
  }
}

function eventKey(object: RawObject, reason: string, message: string): string {
  return `${object.kind}/${objectKeyText(object)}|${reason}|${message}`;
}
