/**
 * The fixed 19-octet message header (RFC 4271 §4.1) and its checks
 * (RFC 4271 §6.1, RFC 7313 §5).
 */
import { decoded, refused } from "./errors";
import {
  ErrorCode,
  HEADER_LENGTH,
  HeaderErrorSubcode,
  MARKER_LENGTH,
  MAX_MESSAGE_LENGTH,
  MessageType,
  RouteRefreshErrorSubcode,
  type Decoded,
} from "../messages";
import type { ByteWriter } from "./wire";
import { readU16 } from "./wire";

/** Smallest legal length of each message type, header included. */
const MINIMUM_LENGTH: Readonly<Record<number, number>> = {
  [MessageType.Open]: 29,
  [MessageType.Update]: 23,
  [MessageType.Notification]: 21,
  [MessageType.Keepalive]: 19,
  [MessageType.RouteRefresh]: 23,
};

/** Type and total length of a message whose header passed every check. */
export interface MessageHeader {
  readonly type: MessageType;
  /** Total message length in octets, header included. */
  readonly length: number;
}

/**
 * Checks the header at `bytes[offset, offset + 19)`. For ROUTE-REFRESH
 * with a wrong length the error data is the whole message, so the caller
 * must pass at least `length` octets when it has them; otherwise the
 * data holds what is available.
 */
export function checkHeader(bytes: Uint8Array, offset: number): Decoded<MessageHeader> {
  for (let i = 0; i < MARKER_LENGTH; i++) {
    if (bytes[offset + i] !== 0xff) {
      return refused(
        ErrorCode.MessageHeader,
        HeaderErrorSubcode.ConnectionNotSynchronized,
        `marker octet ${i} is 0x${bytes[offset + i].toString(16).padStart(2, "0")}, expected 0xff`,
      );
    }
  }
  const length = readU16(bytes, offset + MARKER_LENGTH);
  const type = bytes[offset + MARKER_LENGTH + 2];
  const lengthField = bytes.slice(offset + MARKER_LENGTH, offset + MARKER_LENGTH + 2);
  if (length < HEADER_LENGTH || length > MAX_MESSAGE_LENGTH) {
    return refused(
      ErrorCode.MessageHeader,
      HeaderErrorSubcode.BadMessageLength,
      `message length ${length} is outside ${HEADER_LENGTH}..${MAX_MESSAGE_LENGTH}`,
      lengthField,
    );
  }
  const minimum = MINIMUM_LENGTH[type];
  if (minimum === undefined) {
    return refused(ErrorCode.MessageHeader, HeaderErrorSubcode.BadMessageType, `message type ${type} is not 1..5`, Uint8Array.of(type));
  }
  if (type === MessageType.RouteRefresh && length !== minimum) {
    return refused(
      ErrorCode.RouteRefreshMessage,
      RouteRefreshErrorSubcode.InvalidMessageLength,
      `ROUTE-REFRESH length ${length}, expected ${minimum}`,
      bytes.slice(offset, offset + Math.min(length, bytes.length - offset)),
    );
  }
  if (length < minimum || (type === MessageType.Keepalive && length !== minimum)) {
    return refused(
      ErrorCode.MessageHeader,
      HeaderErrorSubcode.BadMessageLength,
      type === MessageType.Keepalive
        ? `KEEPALIVE length ${length}, expected ${minimum}`
        : `${MESSAGE_NAMES[type]} length ${length} is below the minimum ${minimum}`,
      lengthField,
    );
  }
  return decoded({ type: type as MessageType, length });
}

/** Message names as RFC 4271 writes them, for logs. */
export const MESSAGE_NAMES: Readonly<Record<number, string>> = {
  [MessageType.Open]: "OPEN",
  [MessageType.Update]: "UPDATE",
  [MessageType.Notification]: "NOTIFICATION",
  [MessageType.Keepalive]: "KEEPALIVE",
  [MessageType.RouteRefresh]: "ROUTE-REFRESH",
};

/** Appends a header with a zero length and returns its offset; finish with {@link patchLength}. */
export function writeHeader(out: ByteWriter, type: MessageType): number {
  const at = out.position;
  out.ensure(HEADER_LENGTH);
  out.bytes.fill(0xff, at, at + MARKER_LENGTH);
  out.position += MARKER_LENGTH;
  out.u16(0);
  out.u8(type);
  return at;
}

/**
 * Sets the length field of the message that starts at `start` to what has
 * been written since. Throws a RangeError when it exceeds 4096 octets.
 */
export function patchLength(out: ByteWriter, start: number): void {
  const length = out.position - start;
  if (length > MAX_MESSAGE_LENGTH) {
    throw new RangeError(`message of ${length} octets exceeds the ${MAX_MESSAGE_LENGTH}-octet limit`);
  }
  out.patchU16(start + MARKER_LENGTH, length);
}
