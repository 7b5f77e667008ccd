/** How bad a finding is. `skipped` means the rule could not run offline: a fact it needs was not given. */
export type Severity = "error" | "warning" | "skipped";

/** The Kubernetes object a diagnostic is about, as a user would look it up. */
export interface ObjectRef {
  /** e.g. `baremetal.cluster.gke.io/v1`, `metallb.io/v1beta2`. */
  readonly apiVersion: string;
  /** e.g. `Cluster`, `BGPPeer`. */
  readonly kind: string;
  /** The object's namespace, when it has one. */
  readonly namespace?: string;
  /** `metadata.name`. */
  readonly name: string;
  /** The manifest file the object was read from, when known. */
  readonly file?: string;
}

/** One finding of the offline validation. Plain data: `JSON.stringify` gives the JSON shape. */
export interface Diagnostic {
  /** Stable rule code, `BGPLB` and three digits; a code is never reused for another rule. */
  readonly code: string;
  /** `error` blocks an apply, `warning` does not, `skipped` says a rule could not run. */
  readonly severity: Severity;
  /** Field path inside the object, e.g. `spec.loadBalancer.bgpPeers[1].asn`. */
  readonly path: string;
  /** The object the field belongs to. */
  readonly object: ObjectRef;
  /** What is wrong, containing the offending value. */
  readonly message: string;
  /** How to fix it (for `skipped`: which fact would enable the rule). */
  readonly hint: string;
}
