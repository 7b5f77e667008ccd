/**
 * A client for BIRD's control socket (the protocol `birdc` speaks): one
 * connection kept open, so polling a daemon every few milliseconds costs a
 * round trip rather than a process start.
 */
import { connect, type Socket } from "node:net";

/** One open control connection; commands run one at a time. */
export class BirdControl {
  private buffer = "";
  private waiting: { readonly resolve: (reply: string) => void; readonly reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  /** The command under way (settled), after which the next one is written. */
  private last: Promise<unknown> = Promise.resolve();

  private constructor(private readonly socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      this.deliver();
    });
    socket.on("error", (err) => {
      this.failure ??= err;
    });
    // A daemon that exits (a sender stopped with SIGTERM) fails the command waiting on it rather than leaving it pending.
    socket.on("close", () => {
      this.failure ??= new Error("control socket closed");
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.reject(this.failure);
    });
  }

  /** Connects to the control socket at `path` and reads the greeting. */
  static async open(path: string): Promise<BirdControl> {
    const socket = connect(path);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const control = new BirdControl(socket);
    await control.reply();
    return control;
  }

  /**
   * Runs `command` (e.g. `show protocols all n0`) and resolves to the reply
   * text. A command given while another is under way waits for its reply (the
   * replies carry no tag to tell them apart): a poll during a `configure` no
   * longer takes the place of the command waiting, which then never resolved.
   */
  command(command: string): Promise<string> {
    const run = this.last.then(() => {
      if (this.failure) throw this.failure;
      const reply = this.reply();
      this.socket.write(`${command}\n`);
      return reply;
    });
    this.last = run.catch(() => undefined);
    return run;
  }

  /** Closes the connection. */
  close(): void {
    this.socket.destroy();
  }

  private reply(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.deliver();
    });
  }

  /** A reply ends with a line of a 4-digit code followed by a space. */
  private deliver(): void {
    if (!this.waiting) return;
    const end = /^\d{4} .*\n/m.exec(this.buffer);
    if (!end) return;
    const cut = end.index + end[0].length;
    const text = this.buffer.slice(0, cut);
    this.buffer = this.buffer.slice(cut);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting.resolve(text);
  }
}

/** What `show protocols all NAME` says about a BGP protocol. */
export interface BgpProtocolView {
  readonly established: boolean;
  /** Routes imported from the neighbor (all channels). */
  readonly imported: number;
  /** Route announcements received (all channels). */
  readonly updatesReceived: number;
  /** Route withdrawals received (all channels). */
  readonly withdrawsReceived: number;
}

/** Parses `show protocols all NAME` of a BGP protocol. */
export function parseProtocol(text: string): BgpProtocolView {
  const sum = (pattern: RegExp): number => [...text.matchAll(pattern)].reduce((n, m) => n + Number(m[1]), 0);
  return {
    established: /BGP state:\s+Established/.test(text),
    imported: sum(/Routes:\s+(\d+) imported/g),
    updatesReceived: sum(/Import updates:\s+(\d+)/g),
    withdrawsReceived: sum(/Import withdraws:\s+(\d+)/g),
  };
}
