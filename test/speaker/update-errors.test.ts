/**
 * A raw BGP peer on loopback sends malformed UPDATEs to a {@link PeerDriver}:
 * every RFC 7606 treat-as-withdraw and attribute discard is logged at warn
 * with the peer, the attribute and the reason, and counted in /metrics,
 * while the session stays up.
 */
import { expect } from "chai";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { encodeMessage, MessageFramer } from "../../sdk/bgp";
import type { LogFields, Logger, LogLevel } from "../../sdk/speaker/log";
import { SpeakerMetrics } from "../../sdk/speaker/metrics";
import { PeerDriver } from "../../sdk/speaker/peer";
import { update } from "../bgp/codec/hex";
import { waitFor } from "../interop/harness/wait";
import { ip4 } from "../ip";

const PEER_IP = "127.0.0.1";
/** The speaker's side of the session: another loopback address, so a next hop equal to it is "own", not just loopback. */
const LOCAL_IP = "127.0.0.2";
const SPEAKER_ASN = 65001;
const PEER_ASN = 65002;

const ORIGIN = "40 01 01 00"; // ORIGIN IGP
const NLRI = "18 cb0071"; // 203.0.113.0/24

/** UPDATE 1: AS_PATH [65002, 0] (RFC 7607: treat-as-withdraw) and LOCAL_PREF 100 from an eBGP peer (RFC 7606 §7.5: discard). */
const AS_ZERO_AND_LOCAL_PREF = update("", `${ORIGIN} 40 02 0a 02 02 0000fdea 00000000 40 03 04 c0000209 40 05 04 00000064`, NLRI);
/** UPDATE 2: a clean AS_PATH [65002] and NEXT_HOP 127.0.0.2, the speaker's own address (treat-as-withdraw). */
const OWN_NEXT_HOP = update("", `${ORIGIN} 40 02 06 02 01 0000fdea 40 03 04 7f000002`, NLRI);

interface Line extends Record<string, unknown> {
  readonly level: LogLevel;
  readonly msg: string;
}

/** A peer that completes the OPEN exchange and then writes `updates` once the speaker's KEEPALIVE arrives. */
function rawPeer(updates: readonly Uint8Array[]): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    const framer = new MessageFramer();
    let sent = false;
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => {
      framer.push(chunk);
      for (let result = framer.next(); result !== undefined; result = framer.next()) {
        if (!result.ok) return;
        if (result.message.kind === "open") {
          const open = encodeMessage({
            kind: "open",
            version: 4,
            myAsn: PEER_ASN,
            holdTime: 90,
            bgpId: ip4("192.0.2.2"),
            capabilities: [
              { kind: "multiprotocol", afi: 1, safi: 1 },
              { kind: "fourOctetAs", asn: PEER_ASN },
            ],
          });
          socket.write(open);
          socket.write(encodeMessage({ kind: "keepalive" }));
        } else if (result.message.kind === "keepalive" && !sent) {
          sent = true;
          for (const u of updates) socket.write(u);
        }
      }
    });
  });
  return new Promise((resolve) => server.listen({ host: PEER_IP, port: 0 }, () => resolve({ server, port: (server.address() as AddressInfo).port, sockets })));
}

describe("speaker: RFC 7606 outcomes are logged and counted", function () {
  this.timeout(20_000);
  let driver: PeerDriver | undefined;
  let peer: Awaited<ReturnType<typeof rawPeer>> | undefined;

  afterEach(async () => {
    await driver?.stop("test done");
    for (const socket of peer?.sockets ?? []) socket.destroy();
    await new Promise<void>((resolve) => (peer ? peer.server.close(() => resolve()) : resolve()));
    driver = undefined;
    peer = undefined;
  });

  it("warns with peer, attribute and reason for each treat-as-withdraw and discard, counts them by attribute and action, and stays Established", async () => {
    peer = await rawPeer([AS_ZERO_AND_LOCAL_PREF, OWN_NEXT_HOP]);
    const lines: Line[] = [];
    const logger: Logger = { log: (level: LogLevel, msg: string, fields: LogFields = {}) => lines.push({ level, msg, ...fields }) };
    const metrics = new SpeakerMetrics();
    driver = new PeerDriver({
      peerIP: PEER_IP,
      peerPort: peer.port,
      localIP: LOCAL_IP,
      fsm: { localAsn: SPEAKER_ASN, peerAsn: PEER_ASN, localBgpId: "192.0.2.1", connectRetryTimeSeconds: 1 },
      logger,
      metrics: metrics.peer(PEER_IP),
    });
    driver.start();
    const warnings = await waitFor(
      "three RFC 7606 warnings",
      async () => {
        const found = lines.filter((l) => l.msg === "update treated as withdraw" || l.msg === "update attribute discarded");
        return found.length >= 3 ? found : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    expect(warnings.map((l) => [l.level, l.peer, l.msg, l.attribute, l.attributeType, l.action])).to.deep.equal([
      ["warn", PEER_IP, "update treated as withdraw", "AS_PATH", 2, "treat-as-withdraw"],
      ["warn", PEER_IP, "update attribute discarded", "LOCAL_PREF", 5, "attribute-discard"],
      ["warn", PEER_IP, "update treated as withdraw", "NEXT_HOP", 3, "treat-as-withdraw"],
    ]);
    expect(String(warnings[0]?.reason)).to.contain("AS 0");
    expect(String(warnings[1]?.reason)).to.contain("external");
    expect(String(warnings[2]?.reason)).to.contain("127.0.0.2").and.contain("own address");
    const text = await metrics.render();
    expect(text).to.contain("# TYPE bgplb_update_errors_total counter");
    expect(text).to.contain(`bgplb_update_errors_total{peer="${PEER_IP}",attribute="AS_PATH",action="treat-as-withdraw"} 1`);
    expect(text).to.contain(`bgplb_update_errors_total{peer="${PEER_IP}",attribute="LOCAL_PREF",action="attribute-discard"} 1`);
    expect(text).to.contain(`bgplb_update_errors_total{peer="${PEER_IP}",attribute="NEXT_HOP",action="treat-as-withdraw"} 1`);
    expect(driver.state).to.equal("Established");
    expect(lines.filter((l) => l.msg === "notification sent")).to.deep.equal([]);
  });
});
