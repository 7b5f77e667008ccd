/**
 * The NOTIFICATION messages the FSM sends (RFC 4271 §6, RFC 4486 Cease
 * subcodes, RFC 6608 FSM error subcodes, RFC 8203/9003 shutdown
 * communication), and the session errors the OPEN check produces.
 */
import {
  CeaseSubcode,
  ErrorCode,
  FsmErrorSubcode,
  MAX_SHUTDOWN_COMMUNICATION_LENGTH,
  OpenErrorSubcode,
  type NotificationMessage,
  type SessionError,
} from "../messages";
import type { FsmState } from "./types";

const EMPTY = new Uint8Array(0);

/** A NOTIFICATION with the given code, subcode and data. */
export function notification(code: number, subcode: number, data: Uint8Array = EMPTY): NotificationMessage {
  return { kind: "notification", code, subcode, data };
}

/** The NOTIFICATION that reports `error` to the peer. */
export function notificationFor(error: SessionError): NotificationMessage {
  return notification(error.code, error.subcode, error.data);
}

/**
 * RFC 8203 / RFC 9003 data of a Cease / Administrative Shutdown: a length
 * octet and the UTF-8 text, cut at a character boundary to fit 255 octets.
 */
export function shutdownCommunicationData(text: string): Uint8Array {
  const encoder = new TextEncoder();
  let bytes = encoder.encode(text);
  if (bytes.length > MAX_SHUTDOWN_COMMUNICATION_LENGTH) {
    let cut = MAX_SHUTDOWN_COMMUNICATION_LENGTH;
    // Back up over UTF-8 continuation octets (10xxxxxx) so no character is split.
    while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--;
    bytes = bytes.subarray(0, cut);
  }
  const data = new Uint8Array(bytes.length + 1);
  data[0] = bytes.length;
  data.set(bytes, 1);
  return data;
}

/** Cease / Administrative Shutdown, with the shutdown communication when one is given. */
export function administrativeShutdown(communication?: string): NotificationMessage {
  const data = communication === undefined ? EMPTY : shutdownCommunicationData(communication);
  return notification(ErrorCode.Cease, CeaseSubcode.AdministrativeShutdown, data);
}

/** Cease / Connection Collision Resolution (RFC 4486). */
export function collisionCease(): NotificationMessage {
  return notification(ErrorCode.Cease, CeaseSubcode.ConnectionCollisionResolution);
}

/** Hold Timer Expired (RFC 4271 §6.5). */
export function holdTimerExpired(): NotificationMessage {
  return notification(ErrorCode.HoldTimerExpired, 0);
}

/** Finite State Machine Error with the RFC 6608 subcode for the state the unexpected event arrived in. */
export function fsmError(state: FsmState): NotificationMessage {
  const subcode =
    state === "OpenSent"
      ? FsmErrorSubcode.UnexpectedMessageInOpenSent
      : state === "OpenConfirm"
        ? FsmErrorSubcode.UnexpectedMessageInOpenConfirm
        : state === "Established"
          ? FsmErrorSubcode.UnexpectedMessageInEstablished
          : FsmErrorSubcode.Unspecified;
  return notification(ErrorCode.FiniteStateMachine, subcode);
}

/** True when `message` is OPEN Message Error / Unsupported Version Number (event 24 rather than 25). */
export function isVersionError(message: NotificationMessage): boolean {
  return message.code === ErrorCode.OpenMessage && message.subcode === OpenErrorSubcode.UnsupportedVersionNumber;
}
