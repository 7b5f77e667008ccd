/**
 * What the allocator leader (either mode) submits for one Service's planned
 * allocation: its problems as Warning Events, its status when the addresses
 * differ from what it shows (or what we submitted and the watch does not
 * show yet), then an IPAllocated Event. Writes go through the leader's
 * write queue; Events after the burst (`later`).
 */
import type { CoreV1Api } from "@kubernetes/client-node";
import type { Logger } from "../speaker/log";
import type { EventRecorder } from "./event-recorder";
import type { AddressRequest, ServiceAllocation } from "./ipam";
import { applyServiceStatus } from "./kube";
import { objectKeyText, type RawObject } from "./observed";
import { serviceStatusBody, serviceStatusWriteState } from "./status";
import type { SubmittedAddresses } from "./submitted-addresses";
import type { WriteQueue } from "./write-queue";

/** The leader's means of writing. */
export interface AllocationWriters {
  readonly writes: WriteQueue;
  readonly submitted: SubmittedAddresses;
  readonly events: EventRecorder;
  readonly core: CoreV1Api;
  /** Told of every status write that landed, when given. */
  readonly logger?: Logger;
}

/** Submits the writes `allocation` needs for `service`, whose request (as the allocator saw it) is `request`. */
export function submitAllocation(writers: AllocationWriters, service: RawObject, request: AddressRequest, allocation: ServiceAllocation): void {
  const { writes, submitted, events, core, logger } = writers;
  const key = objectKeyText(service);
  for (const problem of allocation.problems.filter((p) => !events.has(service, p.reason, p.message)))
    writes.submit(
      `event/${key}/${problem.reason}`,
      problem.message,
      `Event on Service ${key}`,
      () => events.record(service, "Warning", problem.reason, problem.message),
      "later",
    );
  const addresses = allocation.addresses;
  // what the Service shows, or what we submitted while the watch does not show it yet
  if (sameTexts(addresses, request.current)) return;
  submitted.submitted(service, addresses);
  writes.submit(`service/${key}`, serviceStatusWriteState(service, addresses), `Service ${key} status`, async () => {
    try {
      await applyServiceStatus(core, service.metadata!.namespace!, service.metadata!.name!, serviceStatusBody(addresses));
    } catch (error) {
      submitted.failed(service, addresses);
      throw error;
    }
    submitted.landed(service, addresses);
    const pools = [...new Set(allocation.pools)].join(", ");
    logger?.log("info", "Service addresses assigned", { service: key, addresses: addresses.join(","), pools });
    if (addresses.length === 0) return;
    const message = `assigned ${addresses.join(", ")} from pool ${pools}`;
    writes.submit(`event/${key}/IPAllocated`, message, `Event on Service ${key}`, () => events.record(service, "Normal", "IPAllocated", message), "later");
  });
}

/** Whether two lists of texts are the same, in order. */
function sameTexts(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((text, i) => text === b[i]);
}
