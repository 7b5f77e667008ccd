/** Why an address, CIDR or range could not be parsed. */
export type AddressErrorCode =
  "invalid-address" | "invalid-cidr" | "invalid-prefix-length" | "invalid-range" | "mixed-family-range" | "range-start-after-end" | "invalid-block";

/**
 * An address, CIDR or range that cannot be parsed. `input` is the text as
 * given; `code` lets callers (the validator) map the failure to a rule.
 */
export class AddressError extends Error {
  override readonly name = "AddressError";
  /** The failure kind. */
  readonly code: AddressErrorCode;
  /** The text that failed to parse, exactly as given. */
  readonly input: string;

  constructor(code: AddressErrorCode, input: string, message: string) {
    super(message);
    this.code = code;
    this.input = input;
  }
}
