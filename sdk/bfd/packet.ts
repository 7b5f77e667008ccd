/**
 * The BFD Control packet of RFC 5880 §4.1: one type, a decode that never
 * throws (it returns the reason a packet is discarded, following the
 * reception checks of §6.8.6 that need no session) and an encode.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |Vers |  Diag   |Sta|P|F|C|A|D|M|  Detect Mult  |    Length     |
 * |                       My Discriminator                        |
 * |                      Your Discriminator                       |
 * |                    Desired Min TX Interval                    |
 * |                   Required Min RX Interval                    |
 * |                 Required Min Echo RX Interval                 |
 * |    Auth Type  |   Auth Len    |    Authentication Data...     |
 * ```
 * Intervals are in microseconds on the wire and here.
 */

/** The only BFD version (RFC 5880 §4.1). */
export const BFD_VERSION = 1;
/** Length of a Control packet without an authentication section. */
export const CONTROL_PACKET_LENGTH = 24;
/** UDP destination port of single-hop Control packets (RFC 5881 §4). */
export const BFD_CONTROL_PORT = 3784;
/** Lowest UDP source port of Control packets (RFC 5881 §4). */
export const BFD_SOURCE_PORT_MIN = 49152;
/** Highest UDP source port of Control packets (RFC 5881 §4). */
export const BFD_SOURCE_PORT_MAX = 65535;
/** TTL / hop limit of single-hop packets, sent and required on receipt (RFC 5881 §5, GTSM). */
export const BFD_SINGLE_HOP_TTL = 255;

/** Session states (RFC 5880 §4.1, field Sta), by wire value. */
export type BfdState = "AdminDown" | "Down" | "Init" | "Up";

/** The states by wire value 0..3. */
export const BFD_STATES: readonly BfdState[] = ["AdminDown", "Down", "Init", "Up"];

/** Diagnostic codes (RFC 5880 §4.1, field Diag). */
export const Diagnostic = {
  None: 0,
  ControlDetectionTimeExpired: 1,
  EchoFunctionFailed: 2,
  NeighborSignaledSessionDown: 3,
  ForwardingPlaneReset: 4,
  PathDown: 5,
  ConcatenatedPathDown: 6,
  AdministrativelyDown: 7,
  ReverseConcatenatedPathDown: 8,
} as const;

/** Names of the diagnostic codes 0..8, for logs. */
export const DIAGNOSTIC_NAMES: readonly string[] = [
  "No Diagnostic",
  "Control Detection Time Expired",
  "Echo Function Failed",
  "Neighbor Signaled Session Down",
  "Forwarding Plane Reset",
  "Path Down",
  "Concatenated Path Down",
  "Administratively Down",
  "Reverse Concatenated Path Down",
];

/** The text of a diagnostic code for logs ("Control Detection Time Expired", or "diagnostic 17"). */
export function diagnosticName(code: number): string {
  return DIAGNOSTIC_NAMES[code] ?? `diagnostic ${code}`;
}

/** The authentication section (RFC 5880 §4.2), kept as received; bgplb configures no authentication. */
export interface BfdAuthentication {
  /** Auth Type (1 simple password, 2/3 keyed MD5, 4/5 keyed SHA1). */
  readonly type: number;
  /** The section after Auth Type and Auth Len. */
  readonly data: Uint8Array;
}

/** One BFD Control packet. */
export interface ControlPacket {
  /** Diag: the reason of the sender's last state change (see {@link Diagnostic}). */
  readonly diagnostic: number;
  /** Sta: the sender's session state. */
  readonly state: BfdState;
  /** P: the sender asks for verification of a parameter change. */
  readonly poll: boolean;
  /** F: the answer to a packet with P set. */
  readonly final: boolean;
  /** C: the sender's BFD is independent of its control plane. */
  readonly controlPlaneIndependent: boolean;
  /** D: the sender wants demand mode. */
  readonly demand: boolean;
  /** Detect Mult: the sender's detection time multiplier, 1..255. */
  readonly detectMult: number;
  /** My Discriminator: the sender's non-zero session identifier. */
  readonly myDiscriminator: number;
  /** Your Discriminator: the receiver's identifier as the sender knows it, or 0. */
  readonly yourDiscriminator: number;
  /** Desired Min TX Interval, microseconds. */
  readonly desiredMinTxUs: number;
  /** Required Min RX Interval, microseconds (0: the sender wants no packets). */
  readonly requiredMinRxUs: number;
  /** Required Min Echo RX Interval, microseconds (0: the sender loops no echo packets). */
  readonly requiredMinEchoRxUs: number;
  /** The authentication section when A is set. */
  readonly authentication?: BfdAuthentication;
}

/** The result of {@link decodeControlPacket}: the packet, or why it is discarded. */
export type DecodeResult = { readonly ok: true; readonly packet: ControlPacket } | { readonly ok: false; readonly reason: string };

const STATE_SHIFT = 6;
const POLL = 0x20;
const FINAL = 0x10;
const CPI = 0x08;
const AUTH = 0x04;
const DEMAND = 0x02;
const MULTIPOINT = 0x01;

/**
 * Decodes one Control packet from a UDP payload, applying the reception
 * checks of RFC 5880 §6.8.6 that need no session: version 1, length at
 * least 24 (26 with authentication) and no longer than the payload, a
 * consistent authentication section, Detect Mult and My Discriminator not
 * zero, M clear, and Your Discriminator set unless the state is Down or
 * AdminDown. Bytes after Length are ignored. Never throws.
 */
export function decodeControlPacket(bytes: Uint8Array): DecodeResult {
  if (bytes.length < CONTROL_PACKET_LENGTH) return { ok: false, reason: `${bytes.length} octets, shorter than a Control packet (24)` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[0] >> 5;
  if (version !== BFD_VERSION) return { ok: false, reason: `version ${version}, expected 1` };
  const flags = bytes[1];
  const length = bytes[3];
  const authenticated = (flags & AUTH) !== 0;
  const minimum = authenticated ? CONTROL_PACKET_LENGTH + 2 : CONTROL_PACKET_LENGTH;
  if (length < minimum) return { ok: false, reason: `Length ${length}, below ${minimum}` };
  if (length > bytes.length) return { ok: false, reason: `Length ${length}, beyond the ${bytes.length}-octet payload` };
  const detectMult = bytes[2];
  if (detectMult === 0) return { ok: false, reason: "Detect Mult 0" };
  if (flags & MULTIPOINT) return { ok: false, reason: "Multipoint (M) bit set" };
  const myDiscriminator = view.getUint32(4);
  if (myDiscriminator === 0) return { ok: false, reason: "My Discriminator 0" };
  const state = BFD_STATES[flags >> STATE_SHIFT];
  const yourDiscriminator = view.getUint32(8);
  if (yourDiscriminator === 0 && state !== "Down" && state !== "AdminDown") return { ok: false, reason: `Your Discriminator 0 in state ${state}` };
  let authentication: BfdAuthentication | undefined;
  if (authenticated) {
    const authLength = bytes[CONTROL_PACKET_LENGTH + 1];
    if (authLength < 2 || CONTROL_PACKET_LENGTH + authLength !== length) {
      return { ok: false, reason: `Auth Len ${authLength} does not fill Length ${length}` };
    }
    authentication = {
      type: bytes[CONTROL_PACKET_LENGTH],
      data: bytes.slice(CONTROL_PACKET_LENGTH + 2, CONTROL_PACKET_LENGTH + authLength),
    };
  } else if (length !== CONTROL_PACKET_LENGTH) {
    return { ok: false, reason: `Length ${length} without authentication, expected 24` };
  }
  const packet: ControlPacket = {
    diagnostic: bytes[0] & 0x1f,
    state,
    poll: (flags & POLL) !== 0,
    final: (flags & FINAL) !== 0,
    controlPlaneIndependent: (flags & CPI) !== 0,
    demand: (flags & DEMAND) !== 0,
    detectMult,
    myDiscriminator,
    yourDiscriminator,
    desiredMinTxUs: view.getUint32(12),
    requiredMinRxUs: view.getUint32(16),
    requiredMinEchoRxUs: view.getUint32(20),
  };
  return { ok: true, packet: authentication ? { ...packet, authentication } : packet };
}

/**
 * Encodes a Control packet. Throws a RangeError naming the field when a
 * value does not fit its field (a bug of the caller, not peer input).
 */
export function encodeControlPacket(packet: ControlPacket): Uint8Array {
  const auth = packet.authentication;
  const length = CONTROL_PACKET_LENGTH + (auth ? 2 + auth.data.length : 0);
  checkField("diagnostic", packet.diagnostic, 0x1f);
  checkField("detectMult", packet.detectMult, 0xff);
  for (const field of ["myDiscriminator", "yourDiscriminator", "desiredMinTxUs", "requiredMinRxUs", "requiredMinEchoRxUs"] as const) {
    checkField(field, packet[field], 0xffffffff);
  }
  if (auth) checkField("authentication.type", auth.type, 0xff);
  if (length > 0xff) throw new RangeError(`authentication.data: ${auth?.data.length} octets make the packet longer than 255`);
  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  bytes[0] = (BFD_VERSION << 5) | packet.diagnostic;
  bytes[1] =
    (BFD_STATES.indexOf(packet.state) << STATE_SHIFT) |
    (packet.poll ? POLL : 0) |
    (packet.final ? FINAL : 0) |
    (packet.controlPlaneIndependent ? CPI : 0) |
    (auth ? AUTH : 0) |
    (packet.demand ? DEMAND : 0);
  bytes[2] = packet.detectMult;
  bytes[3] = length;
  view.setUint32(4, packet.myDiscriminator);
  view.setUint32(8, packet.yourDiscriminator);
  view.setUint32(12, packet.desiredMinTxUs);
  view.setUint32(16, packet.requiredMinRxUs);
  view.setUint32(20, packet.requiredMinEchoRxUs);
  if (auth) {
    bytes[CONTROL_PACKET_LENGTH] = auth.type;
    bytes[CONTROL_PACKET_LENGTH + 1] = 2 + auth.data.length;
    bytes.set(auth.data, CONTROL_PACKET_LENGTH + 2);
  }
  return bytes;
}

function checkField(field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${field}: ${value} is not an integer in 0..${max}`);
}
