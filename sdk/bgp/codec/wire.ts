/**
 * Octet-level helpers shared by the encoders and decoders: a growable
 * big-endian writer and bounds-free readers (callers check bounds first).
 */

function checkRange(value: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${field}: ${value} is not an integer in 0..${max}`);
}

/** Big-endian writer over one growable buffer, reused across messages to avoid per-message allocation. */
export class ByteWriter {
  private buffer: Uint8Array;
  /** Next write offset; also the number of octets written. */
  position = 0;

  constructor(initialCapacity = 4096) {
    this.buffer = new Uint8Array(initialCapacity);
  }

  /** The underlying buffer; valid up to {@link position} until the next write. */
  get bytes(): Uint8Array {
    return this.buffer;
  }

  /** Forgets everything written. */
  reset(): void {
    this.position = 0;
  }

  /** Makes room for `count` more octets. */
  ensure(count: number): void {
    const needed = this.position + count;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.position));
    this.buffer = grown;
  }

  /** Appends one octet; throws a RangeError naming `field` when `value` is not in 0..255. */
  u8(value: number, field = "octet"): void {
    checkRange(value, 0xff, field);
    this.ensure(1);
    this.buffer[this.position++] = value & 0xff;
  }

  /** Appends a 2-octet big-endian number; throws a RangeError naming `field` when it does not fit. */
  u16(value: number, field = "2-octet field"): void {
    checkRange(value, 0xffff, field);
    this.ensure(2);
    const b = this.buffer;
    b[this.position++] = (value >>> 8) & 0xff;
    b[this.position++] = value & 0xff;
  }

  /** Appends a 4-octet big-endian number; throws a RangeError naming `field` when it does not fit. */
  u32(value: number, field = "4-octet field"): void {
    checkRange(value, 0xffffffff, field);
    this.ensure(4);
    const b = this.buffer;
    b[this.position++] = (value >>> 24) & 0xff;
    b[this.position++] = (value >>> 16) & 0xff;
    b[this.position++] = (value >>> 8) & 0xff;
    b[this.position++] = value & 0xff;
  }

  /** Appends raw octets. */
  append(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.position);
    this.position += bytes.length;
  }

  /** Appends `count` zero-valued octets and returns their offset, to be patched later. */
  skip(count: number): number {
    this.ensure(count);
    const at = this.position;
    this.buffer.fill(0, at, at + count);
    this.position += count;
    return at;
  }

  /** Overwrites one octet at `offset`. */
  patchU8(offset: number, value: number): void {
    this.buffer[offset] = value & 0xff;
  }

  /** Overwrites a 2-octet big-endian number at `offset`. */
  patchU16(offset: number, value: number): void {
    this.buffer[offset] = (value >>> 8) & 0xff;
    this.buffer[offset + 1] = value & 0xff;
  }

  /** A fresh copy of the octets from `start` to the current position. */
  copy(start = 0): Uint8Array {
    return this.buffer.slice(start, this.position);
  }
}

/** Reads a 2-octet big-endian number. */
export function readU16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 8) | bytes[offset + 1];
}

/** Reads a 4-octet big-endian unsigned number. */
export function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

/** Formats octets as lowercase hex for diagnostics, truncated after `max` octets. */
export function hex(bytes: Uint8Array, max = 32): string {
  const shown = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, max)).toString("hex");
  return bytes.length > max ? `${shown}…` : shown;
}
