/** An in-memory coordination.k8s.io Lease store for controller tests: resourceVersion checks as the API server makes them. */
import type { CoordinationV1Api, V1Lease } from "@kubernetes/client-node";

/** How one client of the store reaches it. */
export interface LeaseLink {
  /** When it returns an error, the write fails with it and changes nothing (an API server this client cannot reach). */
  failure?: () => Error | undefined;
  /** Awaited before each write reaches the store (a slow API server). */
  delay?: () => Promise<void>;
}

/** Leases by name; a write with a stale resourceVersion fails with 409, of a missing Lease with 404. */
export class LeaseStore {
  readonly leases = new Map<string, V1Lease>();
  writes = 0;
  private version = 0;

  /** The Lease of this name as stored now. */
  get(name: string): V1Lease | undefined {
    return this.leases.get(name);
  }

  /** A client of the store. */
  api(link: LeaseLink = {}): CoordinationV1Api {
    const reach = async (): Promise<void> => {
      await link.delay?.();
      const error = link.failure?.();
      if (error) throw error;
    };
    return {
      createNamespacedLease: async ({ body }: { body: V1Lease }) => {
        await reach();
        if (this.leases.has(body.metadata!.name!)) throw apiError(409, "AlreadyExists");
        return this.store(body);
      },
      replaceNamespacedLease: async ({ name, body }: { name: string; body: V1Lease }) => {
        await reach();
        const stored = this.leases.get(name);
        if (!stored) throw apiError(404, "NotFound");
        if (stored.metadata?.resourceVersion !== body.metadata?.resourceVersion) throw apiError(409, "Conflict");
        return this.store(body);
      },
    } as unknown as CoordinationV1Api;
  }

  private store(body: V1Lease): V1Lease {
    this.writes++;
    const lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(++this.version) } };
    this.leases.set(lease.metadata.name!, lease);
    return lease;
  }
}

/** An error as client-node throws it for an HTTP status. */
export function apiError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}
