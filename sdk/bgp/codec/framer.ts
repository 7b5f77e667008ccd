/**
 * Splits a TCP byte stream into BGP messages. Sans-IO: the daemon feeds
 * whatever chunks the socket delivers and pulls complete messages out.
 */
import { decodeMessage } from "./codec";
import { checkHeader } from "./header";
import { DEFAULT_CODEC_CONTEXT, ErrorCode, HEADER_LENGTH, type CodecContext, type DecodeResult, type Decoded, type SessionError } from "../messages";
import { readU16 } from "./wire";

/** One framed message (its octets, header included), or the header error that desynchronised the stream. */
export type FrameResult = Decoded<Uint8Array>;

/**
 * Incremental framer. After a header error it keeps returning that error:
 * the stream cannot be resynchronised and the session must close.
 */
export class MessageFramer {
  private buffer = new Uint8Array(8192);
  private start = 0;
  private end = 0;
  private failed: SessionError | undefined;

  /** Octets received but not yet returned as messages. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Appends a chunk from the socket. The chunk is copied; the caller may reuse it. */
  push(chunk: Uint8Array): void {
    if (this.failed) return;
    if (this.end + chunk.length > this.buffer.length) {
      const pending = this.end - this.start;
      if (pending + chunk.length <= this.buffer.length) {
        this.buffer.copyWithin(0, this.start, this.end);
      } else {
        let size = this.buffer.length * 2;
        while (size < pending + chunk.length) size *= 2;
        const grown = new Uint8Array(size);
        grown.set(this.buffer.subarray(this.start, this.end));
        this.buffer = grown;
      }
      this.start = 0;
      this.end = pending;
    }
    this.buffer.set(chunk, this.end);
    this.end += chunk.length;
  }

  /**
   * The next complete message as raw octets (header included), a header
   * error, or undefined when more octets are needed.
   */
  nextFrame(): FrameResult | undefined {
    if (this.failed) return { ok: false, error: this.failed };
    if (this.end - this.start < HEADER_LENGTH) return undefined;
    const length = readU16(this.buffer, this.start + 16);
    // ROUTE-REFRESH length errors carry the whole message as data, so wait
    // for it when the length is plausible.
    const available = this.end - this.start;
    const header = checkHeader(this.buffer.subarray(this.start, this.start + Math.min(available, Math.max(length, HEADER_LENGTH))), 0);
    if (!header.ok) {
      if (header.error.code === ErrorCode.RouteRefreshMessage && length >= HEADER_LENGTH && available < length) return undefined;
      this.failed = header.error;
      this.start = this.end = 0;
      return header;
    }
    const messageLength = header.value.length;
    if (available < messageLength) return undefined;
    const frame = this.buffer.slice(this.start, this.start + messageLength);
    this.start += messageLength;
    if (this.start === this.end) this.start = this.end = 0;
    return { ok: true, value: frame };
  }

  /**
   * The next message decoded with `context` (which may change between
   * calls, e.g. once the OPEN exchange is done), or undefined when more
   * octets are needed.
   */
  next(context: CodecContext = DEFAULT_CODEC_CONTEXT): DecodeResult | undefined {
    const framed = this.nextFrame();
    if (framed === undefined) return undefined;
    if (!framed.ok) return framed;
    return decodeMessage(framed.value, context);
  }
}
