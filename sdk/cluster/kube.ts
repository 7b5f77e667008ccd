/**
 * The speaker's Kubernetes access through @kubernetes/client-node:
 * kubeconfig (file or in-cluster), informers that survive API errors, Lease
 * writes and server-side apply.
 */
import type { Informer, KubernetesListObject, KubernetesObject, ObjectCache, RequestContext, V1Lease } from "@kubernetes/client-node";
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, ListWatch, PatchStrategy, Watch, setHeaderOptions } from "./kube-client.mjs";
import { setMaxListeners } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import { readTextInput } from "../io";
import type { Logger } from "../speaker/log";
import { FIELD_MANAGER } from "./status";
import { withoutWriterFields } from "./trim";

type Dispatcher = NonNullable<ReturnType<RequestContext["getDispatcher"]>>;

/**
 * A kubeconfig whose API requests share their connections, and all end at
 * {@link abortRequests}: a list or a write still waiting on the API server
 * must not keep a stopped speaker's process alive. (Watches have signals of
 * their own: an informer's `stop()` ends them.)
 *
 * client-node 2.0 makes a new connection pool (undici Agent) for every API
 * request, so every request opened its own TLS connection: a burst of
 * 1,000 status writes cost 1,000 handshakes on the speaker and on the API
 * server. Here every request made with the same connection options (the
 * same cluster, CA and client certificate) goes through one pool, which
 * keeps its connections alive; new options (a rotated certificate) get a
 * new pool and the old one closes once its requests are done.
 */
export class AbortableKubeConfig extends KubeConfig {
  private readonly requests = new AbortController();
  /** The connection options of the pool client-node is making right now (set and read in one synchronous run). */
  private optionsKey = "";
  private pool: { key: string; dispatcher: Dispatcher } | undefined;

  constructor() {
    super();
    // one listener per request on its way (informer lists, writes): more than the default 10 is normal
    setMaxListeners(0, this.requests.signal);
  }

  override createDispatcherOptions(...args: Parameters<KubeConfig["createDispatcherOptions"]>): ReturnType<KubeConfig["createDispatcherOptions"]> {
    const options = super.createDispatcherOptions(...args);
    this.optionsKey = dispatcherOptionsKey(options);
    return options;
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    const setDispatcher = context.setDispatcher.bind(context);
    // client-node makes the pool (calling createDispatcherOptions) and sets it in one synchronous run: the key read here is its own
    context.setDispatcher = (fresh: Dispatcher) => setDispatcher(this.sharedPool(fresh));
    await super.applySecurityAuthentication(context);
    context.setSignal(this.requests.signal);
  }

  /** Aborts every request still on its way, and every later one; closes the shared connections. */
  abortRequests(): void {
    this.requests.abort();
    void this.pool?.dispatcher.destroy().catch(() => undefined);
    this.pool = undefined;
  }

  /** The pool of the current connection options: `fresh` when they are new (the previous pool then closes gracefully), else the one kept. */
  private sharedPool(fresh: Dispatcher): Dispatcher {
    if (this.pool?.key === this.optionsKey) {
      void fresh.close().catch(() => undefined);
      return this.pool.dispatcher;
    }
    void this.pool?.dispatcher.close().catch(() => undefined);
    this.pool = { key: this.optionsKey, dispatcher: fresh };
    return fresh;
  }
}

/**
 * The connection options as text, certificates as base64 (made for every
 * request: JSON of a Buffer is an array of numbers, and hashing it cost more
 * than the request's own encoding).
 */
function dispatcherOptionsKey(value: unknown): string {
  if (Buffer.isBuffer(value)) return `<${value.toString("base64")}>`;
  if (Array.isArray(value)) return `[${value.map(dispatcherOptionsKey).join(",")}]`;
  if (typeof value === "object" && value !== null)
    return `{${Object.entries(value)
      .map(([key, v]) => `${key}:${dispatcherOptionsKey(v)}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "undefined";
}

/**
 * Loads a kubeconfig file (read with the bounded reader), or the in-cluster
 * service-account configuration when `path` is undefined.
 */
export function loadKubeConfig(path: string | undefined): AbortableKubeConfig {
  const config = new AbortableKubeConfig();
  if (path === undefined) config.loadFromCluster();
  else config.loadFromString(readTextInput(path));
  return config;
}

/** The API clients the speaker uses. */
export interface KubeClients {
  readonly config: KubeConfig;
  readonly core: CoreV1Api;
  readonly coordination: CoordinationV1Api;
  readonly custom: CustomObjectsApi;
}

/** Makes the clients of a kubeconfig. */
export function kubeClients(config: KubeConfig): KubeClients {
  return {
    config,
    core: config.makeApiClient(CoreV1Api),
    coordination: config.makeApiClient(CoordinationV1Api),
    custom: config.makeApiClient(CustomObjectsApi),
  };
}

/** A custom resource collection in one namespace. */
export interface CustomCollection {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespace: string;
}

/** The HTTP status of a client-node error, if it has one. */
export function statusOf(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown };
  return typeof e?.code === "number" ? e.code : typeof e?.statusCode === "number" ? e.statusCode : undefined;
}

/** A short text for an API error: status and message. */
export function describeApiError(error: unknown): string {
  const status = statusOf(error);
  const body = (error as { body?: unknown })?.body;
  let reason = (error as Error)?.message?.split("\n")[0] ?? String(error);
  if (typeof body === "string") {
    try {
      const message = (JSON.parse(body) as { message?: unknown }).message;
      reason = typeof message === "string" ? message : body;
    } catch {
      reason = body;
    }
  }
  return status === undefined ? reason : `HTTP ${status}: ${reason.slice(0, 300)}`;
}

const BACKOFF_MIN_MS = 200;
const BACKOFF_MAX_MS = 5_000;

/**
 * A Watch whose requests all end at {@link ClosableWatch.close}: the open
 * ones are aborted, and none is made after it. client-node's ListWatch
 * starts a watch whenever a list or a reconnect delay it began before its
 * stop comes to an end; without this that watch would stay open (on a busy
 * collection, for ever) and keep the process from exiting.
 */
class ClosableWatch extends Watch {
  private readonly open = new Set<AbortController>();
  private closed = false;

  /** @param keep what is kept of each object an event carries */
  constructor(
    config: KubeConfig,
    private readonly keep: (object: KubernetesObject) => KubernetesObject,
  ) {
    super(config);
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (this.closed) {
      const refused = new AbortController();
      refused.abort();
      return refused;
    }
    const trimmed = (phase: string, apiObj: unknown, watchObj?: unknown): void =>
      callback(phase, phase === "ADDED" || phase === "MODIFIED" || phase === "DELETED" ? this.keep(apiObj as KubernetesObject) : apiObj, watchObj);
    let ended = false;
    let controller: AbortController | undefined;
    // eslint-disable-next-line prefer-const -- the callback below reads it, and may run before the assignment
    controller = await super.watch(path, queryParams, trimmed, (err) => {
      ended = true;
      if (controller) this.open.delete(controller);
      done(err);
    });
    if (this.closed) controller.abort();
    else if (!ended) this.open.add(controller);
    return controller;
  }

  /** Aborts every open watch; later ones are not made. */
  close(): void {
    this.closed = true;
    for (const controller of this.open) controller.abort();
    this.open.clear();
  }
}

/**
 * A list+watch cache of one collection. The informer lists, then watches
 * from the list's resourceVersion; on 410 Gone it re-lists; on any other
 * error it restarts after a doubling backoff (200 ms to 5 s) and keeps its
 * cached objects meanwhile, so the speaker plans on the last known state
 * while the API server is away. `onChange` runs after every event (with
 * the object added or updated, as kept),
 * `onError` after every failed list or watch. After `stop()` no request
 * of the informer stays open and none is made: a list still on its way
 * finishes and is dropped. The cache holds each object as `keep` returns
 * it (by default without `managedFields` and kubectl's last-applied
 * annotation, see ./trim.ts).
 */
export function watchCollection<T extends KubernetesObject>(
  config: KubeConfig,
  path: string,
  list: () => Promise<KubernetesListObject<T>>,
  onChange: (object?: T) => void,
  logger: Logger,
  labelSelector?: string,
  onError?: () => void,
  keep: (object: T) => T = withoutWriterFields,
): Informer<T> & ObjectCache<T> & { synced: () => boolean } {
  let listed = false;
  let backoff = BACKOFF_MIN_MS;
  let stopped = false;
  let synced = false;
  const watch = new ClosableWatch(config, (object) => keep(object as T));
  const informer = new ListWatch<T>(
    path,
    watch,
    async () => {
      const result = await list();
      if (stopped) throw new Error(`${path}: informer stopped`);
      listed = true;
      return { ...result, items: result.items.map(keep) };
    },
    false,
    labelSelector,
    undefined,
    // the reconnect delay must not keep a stopped speaker's process alive
    { delayFn: (ms) => delay(ms, undefined, { ref: false }) },
  );
  const start = informer.start.bind(informer);
  const run = (): void => {
    start().then(
      () => {
        // start() resolves after the list is in the cache (or the list failed: then `listed` stays false)
        synced = listed;
        onChange();
      },
      () => undefined,
    );
  };
  for (const verb of ["add", "update", "delete"] as const) {
    informer.on(verb, (object) => {
      backoff = BACKOFF_MIN_MS;
      onChange(verb === "delete" ? undefined : object);
    });
  }
  informer.on("error", (error) => {
    if (stopped) return;
    onError?.();
    logger.log("warn", "watch failed; retrying", { path, error: describeApiError(error), retryMs: backoff });
    setTimeout(() => {
      if (!stopped) run();
    }, backoff).unref();
    backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
  });
  const stop = informer.stop.bind(informer);
  return Object.assign(informer, {
    synced: () => synced,
    start: async () => run(),
    stop: async () => {
      stopped = true;
      watch.close();
      await stop();
    },
  });
}

/** The list function of a namespaced custom resource collection. */
export function listCustom<T extends KubernetesObject>(custom: CustomObjectsApi, c: CustomCollection): () => Promise<KubernetesListObject<T>> {
  return async () =>
    (await custom.listNamespacedCustomObject({ group: c.group, version: c.version, namespace: c.namespace, plural: c.plural })) as KubernetesListObject<T>;
}

/** The watch path of a namespaced custom resource collection. */
export function customPath(c: CustomCollection): string {
  return `/apis/${c.group}/${c.version}/namespaces/${c.namespace}/${c.plural}`;
}

const APPLY = setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply);

/** Server-side applies a custom object (its main resource, then its status when it has one), with the speaker's field manager. */
export async function applyCustom(custom: CustomObjectsApi, plural: string, body: Record<string, unknown>): Promise<void> {
  const [group, version] = String(body["apiVersion"]).split("/") as [string, string];
  const metadata = body["metadata"] as { name: string; namespace: string };
  const { status, ...main } = body;
  const target = { group, version, namespace: metadata.namespace, plural, name: metadata.name, fieldManager: FIELD_MANAGER, force: true };
  await custom.patchNamespacedCustomObject({ ...target, body: main }, APPLY);
  if (status !== undefined)
    await custom.patchNamespacedCustomObjectStatus({ ...target, body: { apiVersion: body["apiVersion"], kind: body["kind"], metadata, status } }, APPLY);
}

/** Deletes a custom object; already gone is fine. */
export async function deleteCustom(custom: CustomObjectsApi, group: string, version: string, plural: string, namespace: string, name: string): Promise<void> {
  await custom.deleteNamespacedCustomObject({ group, version, namespace, plural, name }).catch((error) => {
    if (statusOf(error) !== 404) throw error;
  });
}

/** Server-side applies a Service's `status.loadBalancer`. */
export async function applyServiceStatus(core: CoreV1Api, namespace: string, name: string, body: Record<string, unknown>): Promise<void> {
  await core.patchNamespacedServiceStatus(
    { name, namespace, body: { apiVersion: "v1", kind: "Service", metadata: { name, namespace }, ...body }, fieldManager: FIELD_MANAGER, force: true },
    APPLY,
  );
}

/**
 * A MicroTime as the API server parses it (six fractional digits). client-node
 * would send a Date with three, which the server refuses; a string is sent
 * as it is, hence the cast.
 */
function microTime(time: Date | string): Date {
  const iso = time instanceof Date ? time.toISOString() : new Date(time).toISOString();
  return iso.replace(/\.(\d{3})Z$/, ".$1000Z") as unknown as Date;
}

/**
 * Writes a Lease to say `holder` holds it for `durationSeconds` (renewing
 * when it already does), or releases it when `holder` is undefined. Uses
 * the resourceVersion of `current`, so a concurrent writer makes it fail
 * with 409 Conflict rather than both succeeding.
 */
export async function writeLease(
  coordination: CoordinationV1Api,
  namespace: string,
  name: string,
  labels: Readonly<Record<string, string>>,
  holder: string | undefined,
  durationSeconds: number,
  current: V1Lease | undefined,
): Promise<V1Lease> {
  const now = microTime(new Date());
  const keepsHolder = holder !== undefined && current?.spec?.holderIdentity === holder;
  const spec = {
    holderIdentity: holder ?? "",
    leaseDurationSeconds: durationSeconds,
    renewTime: now,
    acquireTime: keepsHolder && current?.spec?.acquireTime ? microTime(current.spec.acquireTime) : now,
    leaseTransitions: (current?.spec?.leaseTransitions ?? 0) + (keepsHolder || holder === undefined ? 0 : 1),
  };
  if (!current)
    return coordination.createNamespacedLease({
      namespace,
      body: { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name, namespace, labels: { ...labels } }, spec },
    });
  return coordination.replaceNamespacedLease({ name, namespace, body: { ...current, spec } });
}
