/**
 * The control socket of `bgplb advertise --control PATH`: a Unix socket
 * (mode 0600) taking incremental changes to the advertise set, one per line:
 *
 *     announce 192.0.2.10
 *     withdraw 2001:db8::10/128
 *
 * A batch ends with an empty line or when the client closes its side; it is
 * applied as a whole (the last line naming a VIP wins) and answered with one
 * line: `ok announced N withdrawn M advertised K` (N and M count VIPs that
 * changed), or `error: ...` naming each bad line by number, in which case
 * nothing of the batch is applied. Lines starting with `#` are ignored.
 * Lines are at most {@link MAX_LINE_LENGTH} characters, batches at most
 * {@link MAX_BATCH_LINES} lines. Nothing a client sends ends the process or
 * its other connections.
 */
import { chmodSync, lstatSync, unlinkSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { StringDecoder } from "node:string_decoder";
import type { IpValue } from "../net";
import type { Logger } from "./log";
import { readVipValue } from "./vips";

/** Longest line accepted, in characters, newline excluded. */
export const MAX_LINE_LENGTH = 256;
/** Most lines in one batch. */
export const MAX_BATCH_LINES = 262_144;
/** Bad lines named in one error reply; the rest are counted. */
const ERRORS_NAMED = 5;
/** Clients connected at once; more are refused. */
const MAX_CONNECTIONS = 16;

/** Applies one checked batch of address values; returns the reply's text after `ok ` or throws an Error whose message becomes the reply. */
export type ApplyBatch = (announce: readonly IpValue[], withdraw: readonly IpValue[]) => string;

/**
 * One client's conversation, without I/O: octets in, reply lines out.
 * {@link receive} and {@link end} never throw.
 */
export class ControlConversation {
  private readonly decoder = new StringDecoder("utf8");
  /** The line being read. */
  private partial = "";
  /** The line being read is over the limit: its rest is skipped up to the newline. */
  private overlong = false;
  private line = 0;
  /** The batch: each VIP's last verb (true = announce), by address value. */
  private batch = new Map<IpValue, boolean>();
  private batchLines = 0;
  /** The first bad lines' errors, and how many there are in all. */
  private errors: string[] = [];
  private errorCount = 0;

  constructor(private readonly apply: ApplyBatch) {}

  /** Takes octets from the client; returns the replies of the batches they complete. */
  receive(chunk: Uint8Array): string[] {
    const replies: string[] = [];
    const text = this.decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    let from = 0;
    for (;;) {
      const newline = text.indexOf("\n", from);
      const end = newline < 0 ? text.length : newline;
      if (!this.overlong) {
        if (this.partial.length + end - from > MAX_LINE_LENGTH) {
          this.overlong = true;
          this.partial = "";
        } else if (this.partial === "") {
          this.partial = text.slice(from, end);
        } else {
          this.partial += text.slice(from, end);
        }
      }
      if (newline < 0) return replies;
      this.endLine(replies);
      from = newline + 1;
    }
  }

  /** The client closed its side: a batch begun is ended and answered. */
  end(): string[] {
    const replies: string[] = [];
    if (this.partial !== "" || this.overlong) this.endLine(replies);
    if (this.batchLines > 0) replies.push(this.finish());
    return replies;
  }

  private endLine(replies: string[]): void {
    this.line++;
    const overlong = this.overlong;
    const text = this.partial;
    this.partial = "";
    this.overlong = false;
    if (overlong) return this.count(`line ${this.line}: longer than ${MAX_LINE_LENGTH} characters`);
    const content = text.trim();
    if (content === "") {
      if (this.batchLines > 0) replies.push(this.finish());
      return;
    }
    if (content.startsWith("#")) return;
    // Over the limit, lines are counted but not kept.
    if (this.batchLines >= MAX_BATCH_LINES) return this.count(undefined);
    const space = content.search(/\s/);
    const verb = space < 0 ? content : content.slice(0, space);
    const operand = space < 0 ? "" : content.slice(space + 1).trim();
    if (verb !== "announce" && verb !== "withdraw") {
      return this.count(`line ${this.line}: ${JSON.stringify(text.slice(0, 64))} is not "announce PREFIX" or "withdraw PREFIX"`);
    }
    if (operand === "") return this.count(`line ${this.line}: ${verb} needs a prefix (e.g. ${verb} 192.0.2.10)`);
    const value = readVipValue(operand);
    if (typeof value === "string") return this.count(`line ${this.line}: ${value}`);
    this.batch.delete(value);
    this.batch.set(value, verb === "announce");
    this.count(undefined);
  }

  /** Counts a line of the batch, with its error if it is bad. */
  private count(error: string | undefined): void {
    this.batchLines++;
    const problem =
      this.batchLines === MAX_BATCH_LINES + 1 ? `line ${this.line}: the batch has more than ${MAX_BATCH_LINES} lines (end a batch with an empty line)` : error;
    if (problem === undefined) return;
    if (this.errors.length < ERRORS_NAMED) this.errors.push(problem);
    this.errorCount++;
  }

  /** Applies or refuses the batch; its reply. */
  private finish(): string {
    const { batch, errors, errorCount, batchLines } = this;
    this.batch = new Map();
    this.errors = [];
    this.errorCount = 0;
    this.batchLines = 0;
    if (errorCount > 0) {
      const more = errorCount > errors.length ? `; and ${errorCount - errors.length} more bad lines` : "";
      return `error: ${errors.join("; ")}${more}; batch of ${batchLines} lines not applied`;
    }
    const announce: IpValue[] = [];
    const withdraw: IpValue[] = [];
    for (const [value, up] of batch) (up ? announce : withdraw).push(value);
    try {
      return `ok ${this.apply(announce, withdraw)}`;
    } catch (err) {
      return `error: ${err instanceof Error ? err.message : String(err)}; batch of ${batchLines} lines not applied`;
    }
  }
}

/**
 * Listens on `path` (mode 0600) for control connections. A socket left at
 * `path` by an earlier run is replaced; any other file there is refused.
 * @throws Error naming the path when it cannot listen.
 */
export async function startControlServer(path: string, apply: ApplyBatch, logger: Logger): Promise<Server> {
  let existing;
  try {
    existing = lstatSync(path);
  } catch {
    existing = undefined;
  }
  if (existing && !existing.isSocket()) throw new Error(`control socket ${path}: a file that is not a socket is in the way`);
  if (existing) unlinkSync(path);
  // Half-open: a client may close its side and still read the reply.
  const server = createServer({ allowHalfOpen: true }, (socket) => serve(socket, apply, logger));
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) => reject(new Error(`control socket ${path}: ${err.message}`)));
    // Bound with no permission for group and others from the start; chmod makes it so whatever the file system did.
    const umask = process.umask(0o177);
    try {
      server.listen(path, () => resolve());
    } finally {
      process.umask(umask);
    }
  });
  chmodSync(path, 0o600);
  server.on("error", (err) => logger.log("error", "control socket error", { path, error: err.message }));
  return server;
}

function serve(socket: Socket, apply: ApplyBatch, logger: Logger): void {
  const conversation = new ControlConversation(apply);
  const send = (replies: readonly string[]): void => {
    if (replies.length > 0 && socket.writable) socket.write(`${replies.join("\n")}\n`);
  };
  socket.on("data", (chunk: Buffer) => send(conversation.receive(chunk)));
  socket.on("end", () => {
    send(conversation.end());
    socket.end();
  });
  socket.on("error", (err) => logger.log("warn", "control connection error", { error: err.message }));
}
