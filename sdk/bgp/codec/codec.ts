/**
 * Whole-message encoding and decoding: header plus the body of each
 * message type. Decoding never throws; encoding throws a RangeError naming
 * the field when a message cannot be put on the wire.
 */
import { refused } from "./errors";
import { checkHeader, patchLength, writeHeader } from "./header";
import {
  DEFAULT_CODEC_CONTEXT,
  ErrorCode,
  HEADER_LENGTH,
  HeaderErrorSubcode,
  MAX_MESSAGE_LENGTH,
  MessageType,
  type BgpMessage,
  type CodecContext,
  type DecodeResult,
} from "../messages";
import { readOpenBody, writeOpenBody } from "./open";
import { readUpdateBody, writeUpdateBody } from "./update";
import { ByteWriter, hex, readU16 } from "./wire";

const scratch = new ByteWriter(4096);

const TYPE_CODES: Readonly<Record<BgpMessage["kind"], MessageType>> = {
  open: MessageType.Open,
  update: MessageType.Update,
  notification: MessageType.Notification,
  keepalive: MessageType.Keepalive,
  routeRefresh: MessageType.RouteRefresh,
};

/**
 * Appends one complete message (header included) to `out`. Use this to
 * batch several messages into one socket write. On a RangeError nothing
 * of the message is left in `out`.
 */
export function writeMessage(out: ByteWriter, message: BgpMessage, context: CodecContext = DEFAULT_CODEC_CONTEXT): void {
  const start = out.position;
  try {
    writeBody(out, message, context);
  } catch (error) {
    out.position = start;
    throw error;
  }
}

/** Room for NOTIFICATION data in one message: the maximum length less the header, code and subcode. */
export const MAX_NOTIFICATION_DATA_LENGTH = MAX_MESSAGE_LENGTH - HEADER_LENGTH - 2;

/**
 * The NOTIFICATION data as sent: cut to {@link MAX_NOTIFICATION_DATA_LENGTH}
 * octets. A NOTIFICATION may quote a whole bad message (RFC 7313 §5: a
 * ROUTE-REFRESH of wrong length) that is itself up to 65,535 octets long,
 * but no message may exceed 4,096 octets (RFC 4271 §4; RFC 8654 raises the
 * limit only when both sides announce Extended Messages, which this codec
 * does not), so the report is truncated rather than not sent.
 */
function notificationDataThatFits(data: Uint8Array): Uint8Array {
  return data.length > MAX_NOTIFICATION_DATA_LENGTH ? data.subarray(0, MAX_NOTIFICATION_DATA_LENGTH) : data;
}

function writeBody(out: ByteWriter, message: BgpMessage, context: CodecContext): void {
  const start = writeHeader(out, TYPE_CODES[message.kind]);
  switch (message.kind) {
    case "open":
      writeOpenBody(out, message);
      break;
    case "update":
      writeUpdateBody(out, message, context);
      break;
    case "notification":
      out.u8(message.code, "notification.code");
      out.u8(message.subcode, "notification.subcode");
      out.append(notificationDataThatFits(message.data));
      break;
    case "keepalive":
      break;
    case "routeRefresh":
      out.u16(message.afi, "routeRefresh.afi");
      out.u8(0);
      out.u8(message.safi, "routeRefresh.safi");
      break;
  }
  patchLength(out, start);
}

/**
 * Encodes one message into a new buffer of exactly its length.
 * Throws a RangeError naming the field when a value cannot be encoded or
 * the message would exceed 4096 octets; never for a NOTIFICATION with
 * valid code and subcode, whose data is truncated to fit.
 */
export function encodeMessage(message: BgpMessage, context: CodecContext = DEFAULT_CODEC_CONTEXT): Uint8Array {
  scratch.reset();
  writeMessage(scratch, message, context);
  return scratch.copy();
}

function success(message: BgpMessage): DecodeResult {
  return { ok: true, message, treatAsWithdraw: false, diagnostics: [] };
}

/**
 * Decodes one complete message (header included, `frame.length` equal to
 * the header's length field, as {@link MessageFramer} yields). Never
 * throws: every problem becomes `{ ok: false, error }` with the
 * NOTIFICATION to send, or an RFC 7606 outcome on an UPDATE.
 */
export function decodeMessage(frame: Uint8Array, context: CodecContext = DEFAULT_CODEC_CONTEXT): DecodeResult {
  try {
    return decodeChecked(frame, context);
  } catch (error) {
    // A defect here must not take the daemon down with a hostile peer's
    // bytes; Cease without subcode is the NOTIFICATION for "none of the above".
    return refused(ErrorCode.Cease, 0, `internal decoder error: ${String(error)} on ${hex(frame)}`);
  }
}

function decodeChecked(frame: Uint8Array, context: CodecContext): DecodeResult {
  if (frame.length < HEADER_LENGTH) {
    return refused(ErrorCode.MessageHeader, HeaderErrorSubcode.BadMessageLength, `frame of ${frame.length} octets is shorter than a header`);
  }
  const checked = checkHeader(frame, 0);
  if (!checked.ok) return checked;
  const header = checked.value;
  if (header.length !== frame.length) {
    return refused(
      ErrorCode.MessageHeader,
      HeaderErrorSubcode.BadMessageLength,
      `length field ${header.length} differs from the ${frame.length} octets given`,
      frame.slice(16, 18),
    );
  }
  const end = frame.length;
  switch (header.type) {
    case MessageType.Open: {
      const open = readOpenBody(frame, HEADER_LENGTH, end);
      return open.ok ? success(open.value) : open;
    }
    case MessageType.Update: {
      const update = readUpdateBody(frame, HEADER_LENGTH, end, context);
      if (!update.ok) return update;
      return { ok: true, message: update.value.message, treatAsWithdraw: update.value.treatAsWithdraw, diagnostics: update.value.diagnostics };
    }
    case MessageType.Notification:
      return success({
        kind: "notification",
        code: frame[HEADER_LENGTH],
        subcode: frame[HEADER_LENGTH + 1],
        data: frame.slice(HEADER_LENGTH + 2, end),
      });
    case MessageType.Keepalive:
      return success({ kind: "keepalive" });
    case MessageType.RouteRefresh:
      return success({ kind: "routeRefresh", afi: readU16(frame, HEADER_LENGTH), safi: frame[HEADER_LENGTH + 3] });
  }
}
