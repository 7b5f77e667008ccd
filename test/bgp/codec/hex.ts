/**
 * Test helper: octets from annotated hex. Everything from `#` to the end of
 * a line is a comment; whitespace is ignored. `MARKER` is the 16 0xff octets.
 */
export const MARKER = "ff".repeat(16);

/** Parses annotated hex into octets; throws on an odd digit count or a non-hex character. */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/#[^\n]*/g, "").replace(/\s+/g, "");
  if (digits.length % 2 !== 0 || /[^0-9a-f]/i.test(digits)) throw new Error(`bad hex vector: ${digits}`);
  return Uint8Array.from(Buffer.from(digits, "hex"));
}

/** Octets as a hex string, for readable assertion failures. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

function u16(n: number): string {
  return n.toString(16).padStart(4, "0");
}

/** A message of `type` with `body` (annotated hex) and a correct length field. */
export function message(type: number, body: string): Uint8Array {
  const b = hex(body);
  return hex(`${MARKER} ${u16(19 + b.length)} ${type.toString(16).padStart(2, "0")} ${toHex(b)}`);
}

/** An UPDATE with the given withdrawn routes, attributes and NLRI (annotated hex), lengths filled in. */
export function update(withdrawn: string, attributes: string, nlri: string): Uint8Array {
  const w = hex(withdrawn);
  const a = hex(attributes);
  return message(2, `${u16(w.length)} ${toHex(w)} ${u16(a.length)} ${toHex(a)} ${nlri}`);
}
