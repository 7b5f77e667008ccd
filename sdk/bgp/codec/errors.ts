/**
 * The codec's error convention. Decoding what a peer sent never throws: every
 * decoder and check returns a {@link Decoded} result whose error is the
 * NOTIFICATION (RFC 4271 §6) that ends the session, or that RFC 7606 turns
 * into treat-as-withdraw or attribute-discard. Encoding our own values throws
 * a RangeError naming the field: such a value is a defect of the caller
 * (configuration is validated before it reaches the codec), never input from
 * a peer, and the speaker's guard ends only that session on it.
 */
import type { Decoded, SessionError } from "../messages";

const EMPTY = new Uint8Array(0);

/** A {@link SessionError}; `data` defaults to empty. */
function sessionError(code: number, subcode: number, reason: string, data: Uint8Array = EMPTY): SessionError {
  return { code, subcode, data, reason };
}

/** A successful {@link Decoded} result. */
export function decoded<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

/** The successful result of a check that yields no value; shared, as it carries nothing. */
export const CHECKED: Decoded<void> = { ok: true, value: undefined };

/** A failed {@link Decoded} result with NOTIFICATION(code, subcode, data); `data` defaults to empty. */
export function refused(code: number, subcode: number, reason: string, data?: Uint8Array): { readonly ok: false; readonly error: SessionError } {
  return { ok: false, error: sessionError(code, subcode, reason, data) };
}
