/**
 * bgplb: bare-metal Kubernetes BGP load balancing as typed code.
 *
 * The core: the typed model and its builders, address math, offline
 * validation, manifest parse/render/diff; the BGP protocol core and the
 * speaker under the `bgp`, `bfd` and `speaker` namespaces; the speaker's
 * Kubernetes objects (RBAC, CRDs, DaemonSet) under `deployment`; the routers'
 * side (router configuration, failure plans, pictures) under `routers`.
 */
export * from "./model";
export * from "./net";
export * from "./validate";
export * from "./manifest";
export * as bgp from "./bgp";
export * as bfd from "./bfd";
export * as deployment from "./deployment";
export * as routers from "./routers";
