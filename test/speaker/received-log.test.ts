/**
 * How the peer driver logs the UPDATEs a peer sends: one info line per
 * UPDATE with counts, naming the prefixes only of a small one; every prefix
 * of a large one only at debug (a router sending a full table must not
 * write every prefix at info).
 */
import { expect } from "chai";
import type { LogFields, LogLevel } from "../../sdk/speaker/log";
import { SpeakerMetrics } from "../../sdk/speaker/metrics";
import { PeerDriver } from "../../sdk/speaker/peer";
import { RawPeer } from "../interop/harness/raw-peer";
import { waitFor } from "../interop/harness/wait";
import { ip4 } from "../ip";

/** An UPDATE withdrawing 10.0.0.0/32 … 10.0.0.(count-1)/32, as octets (no attributes needed). */
function withdrawalOf(count: number): Buffer {
  const withdrawn = Buffer.alloc(count * 5);
  for (let i = 0; i < count; i++) withdrawn.set([32, 10, 0, 0, i], i * 5);
  const body = Buffer.concat([Buffer.from([withdrawn.length >> 8, withdrawn.length & 255]), withdrawn, Buffer.from([0, 0])]);
  const length = 19 + body.length;
  return Buffer.concat([Buffer.alloc(16, 0xff), Buffer.from([length >> 8, length & 255, 2]), body]);
}

const withdrawnText = (count: number): string => Array.from({ length: count }, (_, i) => `10.0.0.${i}/32`).join(" ");

describe("speaker peer driver: received UPDATEs in the log", function () {
  this.timeout(20_000);
  let peer: RawPeer | undefined;
  let driver: PeerDriver | undefined;
  const logs: { level: LogLevel; msg: string; fields: LogFields }[] = [];

  afterEach(async () => {
    await driver?.stop("test over");
    await peer?.close();
    logs.length = 0;
  });

  async function established(debug: boolean): Promise<RawPeer> {
    peer = await RawPeer.listen({ asn: 65001, bgpId: ip4("192.0.2.2") });
    driver = new PeerDriver({
      peerIP: "127.0.0.1",
      peerPort: peer.port,
      localIP: "127.0.0.1",
      fsm: { localAsn: 65000, peerAsn: 65001, localBgpId: "192.0.2.1", holdTimeSeconds: 30, connectRetryTimeSeconds: 1, families: ["ipv4-unicast"] },
      logger: { log: (level, msg, fields = {}) => logs.push({ level, msg, fields }), enabled: (level) => debug || level !== "debug" },
      metrics: new SpeakerMetrics().peer("raw"),
    });
    driver.start();
    const d = driver;
    await waitFor("Established", async () => (d.state === "Established" ? true : undefined), { timeoutMs: 5_000, intervalMs: 10 });
    return peer;
  }

  const received = (count: number): Promise<true> =>
    waitFor(`${count} UPDATEs logged`, async () => (logs.filter((l) => l.msg === "update received").length === count ? true : undefined), {
      timeoutMs: 5_000,
      intervalMs: 10,
    });

  it("names the prefixes of a small UPDATE at info and only counts a large one", async () => {
    const raw = await established(false);
    raw.connections[0].socket.write(withdrawalOf(3));
    raw.connections[0].socket.write(withdrawalOf(200));
    await received(2);
    const lines = logs.filter((l) => l.msg === "update received");
    expect(lines.map((l) => l.level)).to.deep.equal(["info", "info"]);
    expect(lines[0].fields).to.deep.include({ announcedCount: 0, withdrawnCount: 3, withdrawn: withdrawnText(3) });
    expect(lines[1].fields).to.deep.include({ announcedCount: 0, withdrawnCount: 200, withdrawn: undefined });
    expect(logs.filter((l) => l.level === "debug" && String(l.fields.withdrawn ?? "").includes("10.0.0.199/32"))).to.deep.equal([]);
  });

  it("writes every prefix of a large UPDATE at debug", async () => {
    const raw = await established(true);
    raw.connections[0].socket.write(withdrawalOf(200));
    await received(1);
    const full = logs.filter((l) => l.msg === "update received in full");
    expect(full.map((l) => [l.level, l.fields.withdrawn])).to.deep.equal([["debug", withdrawnText(200)]]);
  });
});
