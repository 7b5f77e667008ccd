/**
 * A hostile BGP peer as a program, for interop tests that run it in the
 * lab's peer namespace: `node hostile-peer.js HOST PORT ASN BGP_ID CASE...`.
 * It listens on HOST:PORT and answers every connection of the speaker with
 * OPEN and KEEPALIVE; once connection number i is Established it sends the
 * hostile case number i (see {@link HOSTILE_CASES}); connections after the
 * last case are left alone (a well-behaved peer). Every message the speaker
 * sends is printed as one JSON line: `{connection, kind, code?, subcode?,
 * length, nlri?, withdrawn?}`, and each case sent as `{connection, sent}`.
 */
import { Afi, encodeMessage, Safi } from "../../../sdk/bgp";
import { formatIpValue } from "../../../sdk/net";
import { oversizedRouteRefresh, RawPeer } from "./raw-peer";
import { ip4 } from "../../ip";

/** The hostile messages by name. */
export const HOSTILE_CASES: Readonly<Record<string, Uint8Array>> = {
  "route-refresh-4076": oversizedRouteRefresh(4076),
  "route-refresh-4096": oversizedRouteRefresh(4096),
  /** A header of message type 9. */
  "bad-message-type": Uint8Array.of(...new Array<number>(16).fill(0xff), 0, 19, 9),
  /** A second OPEN, in Established. */
  "open-in-established": encodeMessage({
    kind: "open",
    version: 4,
    myAsn: 65010,
    holdTime: 30,
    bgpId: ip4("198.18.0.4"),
    capabilities: [{ kind: "multiprotocol", afi: Afi.Ipv4, safi: Safi.Unicast }],
  }),
  /** A NOTIFICATION as long as a message may be, its data not a shutdown communication. */
  "notification-4096": encodeMessage({ kind: "notification", code: 6, subcode: 2, data: new Uint8Array(4075).fill(0xfe) }),
};

/** What the program prints for one message received. */
export interface HostileLogLine {
  readonly connection: number;
  readonly kind?: string;
  readonly code?: number;
  readonly subcode?: number;
  readonly length?: number;
  readonly nlri?: readonly string[];
  readonly sent?: string;
}

async function main(): Promise<void> {
  const [host = "", port = "", asn = "", bgpId = "", ...cases] = process.argv.slice(2);
  for (const name of cases) if (!HOSTILE_CASES[name]) throw new Error(`unknown case ${name}`);
  const peer = await RawPeer.listen({ asn: Number(asn), bgpId: ip4(bgpId), host, port: Number(port) });
  const printed: number[] = [];
  const attacked = new Set<number>();
  const print = (line: HostileLogLine): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
  setInterval(() => {
    peer.connections.forEach((connection, i) => {
      for (let n = printed[i] ?? 0; n < connection.received.length; n++) {
        const { message, length } = connection.received[n];
        print({
          connection: i,
          kind: message.kind,
          length,
          ...(message.kind === "notification" ? { code: message.code, subcode: message.subcode } : {}),
          ...(message.kind === "update" ? { nlri: message.nlri.map((p) => `${formatIpValue(p.address)}/${p.length}`) } : {}),
        });
      }
      printed[i] = connection.received.length;
      const name = cases[i];
      if (name !== undefined && !attacked.has(i) && connection.received.some((r) => r.message.kind === "keepalive")) {
        attacked.add(i);
        connection.socket.write(HOSTILE_CASES[name]);
        print({ connection: i, sent: name });
      }
    });
  }, 20);
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`hostile peer: ${err.message}\n`);
    process.exitCode = 1;
  });
}
