/** fast-check arbitraries for BFD. */
import fc from "fast-check";
import { BFD_STATES, type ControlPacket } from "../../sdk/bfd/packet";

const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** Any Control packet that passes the session-independent reception checks. */
export const controlPacket: fc.Arbitrary<ControlPacket> = fc
  .record({
    diagnostic: fc.integer({ min: 0, max: 31 }),
    state: fc.constantFrom(...BFD_STATES),
    poll: fc.boolean(),
    final: fc.boolean(),
    controlPlaneIndependent: fc.boolean(),
    demand: fc.boolean(),
    detectMult: fc.integer({ min: 1, max: 255 }),
    myDiscriminator: fc.integer({ min: 1, max: 0xffffffff }),
    yourDiscriminator: u32,
    desiredMinTxUs: u32,
    requiredMinRxUs: u32,
    requiredMinEchoRxUs: u32,
    authentication: fc.option(fc.record({ type: fc.integer({ min: 0, max: 255 }), data: fc.uint8Array({ maxLength: 40 }) }), { nil: undefined }),
  })
  .map(({ authentication, ...packet }) => {
    const yourDiscriminator = packet.yourDiscriminator === 0 && (packet.state === "Up" || packet.state === "Init") ? 1 : packet.yourDiscriminator;
    return authentication ? { ...packet, yourDiscriminator, authentication } : { ...packet, yourDiscriminator };
  });
