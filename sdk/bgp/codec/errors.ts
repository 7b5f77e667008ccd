/**
 * Construction of the session-ending errors the decoders return
 * (RFC 4271 §6): a NOTIFICATION code, subcode and data plus a reason for logs.
 */
import type { SessionError } from "../messages";

const EMPTY = new Uint8Array(0);

/** A {@link SessionError}; `data` defaults to empty. */
export function sessionError(code: number, subcode: number, reason: string, data: Uint8Array = EMPTY): SessionError {
  return { code, subcode, data, reason };
}
