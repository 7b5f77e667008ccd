/**
 * A scripted BGP peer for speaker tests (on loopback, or in a lab namespace): it listens, answers
 * every connection with OPEN and KEEPALIVE, records what the speaker sends
 * on each connection, and lets a test write raw (hostile) bytes.
 */
import { createServer, type Server, type Socket } from "node:net";
import { Afi, MessageFramer, Safi, decodeMessage, encodeMessage, type BgpMessage } from "../../../sdk/bgp";
import { waitFor } from "./wait";

/** One message the speaker sent, with its length on the wire. */
export interface Received {
  readonly message: BgpMessage;
  readonly length: number;
}

/** One TCP connection the speaker opened to the raw peer. */
export interface RawConnection {
  readonly socket: Socket;
  /** What the speaker sent, decoded, in order. */
  readonly received: Received[];
}

/** What the raw peer announces in its OPEN. */
export interface RawPeerSpec {
  readonly asn: number;
  /** BGP identifier as a number (test/ip.ts ip4 writes it from text). */
  readonly bgpId: number;
  /** Address to listen on. @default "127.0.0.1" */
  readonly host?: string;
  /** Port to listen on. @default an ephemeral port */
  readonly port?: number;
}

/** A listening raw peer; {@link RawPeer.connections} grows with every connection the speaker makes. */
export class RawPeer {
  private constructor(
    private readonly server: Server,
    /** The port it listens on. */
    readonly port: number,
    /** Every connection so far, oldest first. */
    readonly connections: readonly RawConnection[],
  ) {}

  /** Starts listening. */
  static async listen(spec: RawPeerSpec): Promise<RawPeer> {
    const connections: RawConnection[] = [];
    const server = createServer((socket) => {
      const connection: RawConnection = { socket, received: [] };
      connections.push(connection);
      const framer = new MessageFramer();
      socket.on("error", () => undefined);
      socket.on("data", (chunk) => {
        framer.push(chunk);
        for (let framed = framer.nextFrame(); framed?.ok; framed = framer.nextFrame()) {
          const decoded = decodeMessage(framed.value);
          if (decoded.ok) connection.received.push({ message: decoded.message, length: framed.value.length });
        }
      });
      const open: BgpMessage = {
        kind: "open",
        version: 4,
        myAsn: spec.asn,
        holdTime: 30,
        bgpId: spec.bgpId,
        capabilities: [{ kind: "multiprotocol", afi: Afi.Ipv4, safi: Safi.Unicast }, { kind: "routeRefresh" }],
      };
      socket.write(encodeMessage(open));
      socket.write(encodeMessage({ kind: "keepalive" }));
    });
    await new Promise<void>((resolve) => server.listen(spec.port ?? 0, spec.host ?? "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("raw peer: no port");
    return new RawPeer(server, address.port, connections);
  }

  /** Waits until connection number `index` (0-based) has received a message matching `match`. */
  waitMessage(index: number, what: string, match: (m: BgpMessage) => boolean, timeoutMs = 10_000): Promise<Received> {
    return waitFor(`raw peer connection ${index}: ${what}`, async () => this.connections[index]?.received.find((r) => match(r.message)), {
      timeoutMs,
      intervalMs: 20,
    });
  }

  /** Closes the listener and every connection. */
  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A ROUTE-REFRESH whose header claims, and which carries, `length` octets (RFC 7313 §5 wants exactly 23). */
export function oversizedRouteRefresh(length: number): Uint8Array {
  const bytes = new Uint8Array(length).fill(0x5a);
  bytes.fill(0xff, 0, 16);
  bytes[16] = length >> 8;
  bytes[17] = length & 0xff;
  bytes[18] = 5;
  return bytes;
}
