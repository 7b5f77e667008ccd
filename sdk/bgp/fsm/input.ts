/**
 * Turns what the codec produced (a decoded message or a session-resetting
 * decode error) into the FSM event RFC 4271 §8.1.5 names for it.
 */
import type { FsmEvent } from "./types";
import { isVersionError } from "./notifications";
import { ErrorCode, type BgpMessage, type SessionError } from "../messages";

/** The FSM event for a received, decoded message. */
export function eventForMessage(message: BgpMessage): FsmEvent {
  switch (message.kind) {
    case "open":
      return { type: "BGPOpen", message };
    case "keepalive":
      return { type: "KeepAliveMsg" };
    case "update":
      return { type: "UpdateMsg", message };
    case "notification":
      return isVersionError(message) ? { type: "NotifMsgVerErr", message } : { type: "NotifMsg", message };
    case "routeRefresh":
      return { type: "RouteRefreshMsg", message };
  }
}

/**
 * The FSM event for a decode error: Message Header Error → BGPHeaderErr,
 * OPEN Message Error → BGPOpenMsgErr, anything else (UPDATE, ROUTE-REFRESH
 * errors) → UpdateMsgErr. The FSM sends `error` as the NOTIFICATION.
 */
export function eventForDecodeError(error: SessionError): FsmEvent {
  if (error.code === ErrorCode.MessageHeader) return { type: "BGPHeaderErr", error };
  if (error.code === ErrorCode.OpenMessage) return { type: "BGPOpenMsgErr", error };
  return { type: "UpdateMsgErr", error };
}
