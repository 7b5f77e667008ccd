import type { Lab } from "./lab";
import type { PeerDaemon, PeerSpec } from "./peer";
import { Bird } from "./bird";
import { Exabgp } from "./exabgp";
import { Frr } from "./frr";
import { Gobgp } from "./gobgp";

/** A kind of router daemon the suites run against. */
export interface DaemonKind {
  readonly kind: "gobgp" | "bird" | "frr" | "exabgp";
  /** Builds (does not start) the daemon in the lab's peer namespace. */
  readonly make: (lab: Lab, spec: PeerSpec) => PeerDaemon;
}

/** Every daemon the interop suites cover. */
export const DAEMONS: readonly DaemonKind[] = [
  { kind: "gobgp", make: (lab, spec) => new Gobgp(lab, lab.peer, spec) },
  { kind: "bird", make: (lab, spec) => new Bird(lab, lab.peer, spec) },
  { kind: "frr", make: (lab, spec) => new Frr(lab, lab.peer, spec) },
  { kind: "exabgp", make: (lab, spec) => new Exabgp(lab, lab.peer, spec) },
];
