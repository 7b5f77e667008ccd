/**
 * End-of-RIB (RFC 4724 §2) from the peer driver against a raw peer on
 * loopback: sent after the initial table on every session, also without
 * graceful restart negotiated and with nothing to advertise; the peer's
 * End-of-RIB is recognised and logged, not taken for an empty UPDATE.
 */
import { expect } from "chai";
import { endOfRib, endOfRibFamily, type BgpMessage } from "../../sdk/bgp";
import type { OriginatedRoute } from "../../sdk/bgp/rib/rib-out";
import type { LogFields, LogLevel } from "../../sdk/speaker/log";
import { SpeakerMetrics } from "../../sdk/speaker/metrics";
import { PeerDriver } from "../../sdk/speaker/peer";
import { RawPeer } from "../interop/harness/raw-peer";
import { waitFor } from "../interop/harness/wait";
import { ip, ip4 } from "../ip";

const ROUTE: OriginatedRoute = { family: "ipv4-unicast", address: ip("192.0.2.10"), length: 32, nextHops: [ip("127.0.0.1")] };

function isEndOfRib(m: BgpMessage): boolean {
  return m.kind === "update" && endOfRibFamily(m) !== undefined;
}

describe("speaker peer driver: End-of-RIB", function () {
  this.timeout(20_000);
  let peer: RawPeer | undefined;
  let driver: PeerDriver | undefined;
  const logs: { level: LogLevel; msg: string; fields: LogFields }[] = [];

  afterEach(async () => {
    await driver?.stop("test over");
    await peer?.close();
    logs.length = 0;
  });

  async function start(routes: readonly OriginatedRoute[]): Promise<RawPeer> {
    peer = await RawPeer.listen({ asn: 65001, bgpId: ip4("192.0.2.2") });
    driver = new PeerDriver({
      peerIP: "127.0.0.1",
      peerPort: peer.port,
      localIP: "127.0.0.1",
      fsm: { localAsn: 65000, peerAsn: 65001, localBgpId: "192.0.2.1", holdTimeSeconds: 30, connectRetryTimeSeconds: 1, families: ["ipv4-unicast"] },
      logger: { log: (level, msg, fields = {}) => logs.push({ level, msg, fields }) },
      metrics: new SpeakerMetrics().peer("raw"),
    });
    driver.advertise(routes);
    driver.start();
    return peer;
  }

  it("follows the initial table with the IPv4 End-of-RIB, without graceful restart negotiated", async () => {
    const raw = await start([ROUTE]);
    await raw.waitMessage(0, "End-of-RIB", isEndOfRib);
    const updates = raw.connections[0].received.filter((r) => r.message.kind === "update").map((r) => r.message);
    expect(updates).to.have.length(2);
    expect(updates[0]).to.deep.include({ nlri: [{ address: ip("192.0.2.10"), length: 32 }] });
    expect(updates[1] && updates[1].kind === "update" ? endOfRibFamily(updates[1]) : undefined).to.deep.equal({ afi: 1, safi: 1 });
    expect(logs.find((l) => l.msg === "end-of-RIB sent")?.fields).to.include({ families: "ipv4-unicast" });
  });

  it("sends End-of-RIB alone when there is nothing to advertise, and logs the peer's End-of-RIB as such", async () => {
    const raw = await start([]);
    await raw.waitMessage(0, "End-of-RIB", isEndOfRib);
    expect(raw.connections[0].received.filter((r) => r.message.kind === "update")).to.have.length(1);
    raw.connections[0].socket.write(endOfRib("ipv4-unicast"));
    raw.connections[0].socket.write(endOfRib("ipv6-unicast"));
    await waitFor("the peer's End-of-RIB logged", async () => (logs.filter((l) => l.msg === "end-of-RIB received").length === 2 ? true : undefined), {
      timeoutMs: 5_000,
      intervalMs: 20,
    });
    expect(logs.filter((l) => l.msg === "end-of-RIB received").map((l) => l.fields.family)).to.deep.equal(["ipv4-unicast", "ipv6-unicast"]);
    expect(logs.filter((l) => l.msg === "update received")).to.deep.equal([]);
    expect(driver?.state).to.equal("Established");
  });
});
