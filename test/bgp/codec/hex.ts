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
