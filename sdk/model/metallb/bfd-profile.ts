// Generated from sdk/schema by `npm run generate`; do not edit.
import type { METALLB_V1BETA1_API_VERSION } from "../api";
import type { ModelObjectBase } from "../meta";

/** `BFDProfile.spec`; all times in milliseconds. */
export interface BFDProfileSpec {
  /** Minimum interval at which this system can receive control packets, 10–60000 ms. @default 300 */
  readonly receiveInterval?: number;
  /** Minimum transmit interval (less jitter) for control packets, 10–60000 ms. @default 300 */
  readonly transmitInterval?: number;
  /** Detection multiplier, 2–255. @default 3 */
  readonly detectMultiplier?: number;
  /** Minimum echo transmit interval, 10–60000 ms. @default 50 */
  readonly echoInterval?: number;
  /** Echo transmission mode. @default false */
  readonly echoMode?: boolean;
  /** Passive: wait for the peer's control packets before sending. @default false */
  readonly passiveMode?: boolean;
  /** Minimum expected TTL of incoming control packets (multi-hop only), 1–254. @default 254 */
  readonly minimumTtl?: number;
}

/** BFD timers for MetalLB peers (`metallb.io/v1beta1` `BFDProfile`), in `metallb-system`. */
export interface BFDProfile extends ModelObjectBase {
  readonly apiVersion: typeof METALLB_V1BETA1_API_VERSION;
  readonly kind: "BFDProfile";
  /** The BFD timers. */
  readonly spec: BFDProfileSpec;
}
