/**
 * A BFD peer on a loopback address for driver tests and the bench: a
 * {@link BfdSession} behind one UDP socket on `<address>:3784`, which can
 * fall silent at once (no AdminDown), as a crashed router does.
 */
import { createSocket, type Socket } from "node:dgram";
import { BFD_CONTROL_PORT, decodeControlPacket, encodeControlPacket } from "../../sdk/bfd/packet";
import { BfdSession, type BfdAction, type BfdEvent, type BfdSessionConfig } from "../../sdk/bfd/session";

export class LoopbackPeer {
  private readonly socket: Socket;
  private readonly session: BfdSession;
  private timer: NodeJS.Timeout | undefined;
  private silent = false;
  /** Every state change, in order. */
  readonly changes: string[] = [];
  /** When the last packet from the other side was accepted (Date.now()). */
  lastReceivedAt = 0;
  /** When this peer last sent a packet (Date.now()). */
  lastSentAt = 0;

  private constructor(
    private readonly remote: string,
    socket: Socket,
    config: BfdSessionConfig,
  ) {
    this.socket = socket;
    this.session = new BfdSession({ config, random: Math.random }, Date.now());
    socket.on("message", (bytes) => {
      const result = decodeControlPacket(bytes);
      if (!result.ok || this.silent) return;
      this.lastReceivedAt = Date.now();
      this.feed({ type: "packet", packet: result.packet });
    });
  }

  /** Binds `<address>:3784` and starts a session towards `remote`. */
  static async start(address: string, remote: string, config: BfdSessionConfig): Promise<LoopbackPeer> {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind({ address, port: BFD_CONTROL_PORT, exclusive: true }, () => resolve());
    });
    socket.setTTL(255);
    const peer = new LoopbackPeer(remote, socket, config);
    peer.feed({ type: "start" });
    return peer;
  }

  get state(): string {
    return this.session.state;
  }

  /** The state in the other side's last packet. */
  get remoteState(): string {
    return this.session.remoteSessionState;
  }

  /** Takes the session AdminDown (the peer is told), keeping the socket. */
  adminDown(): void {
    this.feed({ type: "adminDown" });
  }

  /** Stops sending and receiving at once, without a word to the other side. */
  fallSilent(): void {
    this.silent = true;
    clearTimeout(this.timer);
  }

  close(): Promise<void> {
    this.fallSilent();
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private feed(event: BfdEvent): void {
    if (this.silent) return;
    for (const action of this.session.handle(event, Date.now())) this.perform(action);
    clearTimeout(this.timer);
    const deadline = this.session.deadline;
    if (deadline !== undefined) this.timer = setTimeout(() => this.feed({ type: "timer" }), Math.max(0, deadline - Date.now()));
  }

  private perform(action: BfdAction): void {
    if (action.type === "send") {
      this.socket.send(encodeControlPacket(action.packet), BFD_CONTROL_PORT, this.remote);
      this.lastSentAt = Date.now();
    }
    if (action.type === "stateChange") this.changes.push(`${action.from}->${action.to}`);
  }
}
