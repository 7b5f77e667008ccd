/**
 * The peer driver against raw peers on loopback: hostile input and defects
 * end one session (logged, Cease, restart after backoff), never the process,
 * and leave the other sessions alone.
 */
import { expect } from "chai";
import { ErrorCode, MAX_MESSAGE_LENGTH, RouteRefreshErrorSubcode, type BgpMessage } from "../../sdk/bgp";
import type { OriginatedRoute } from "../../sdk/bgp/rib/rib-out";
import type { LogFields, Logger, LogLevel } from "../../sdk/speaker/log";
import { SpeakerMetrics } from "../../sdk/speaker/metrics";
import { PeerDriver } from "../../sdk/speaker/peer";
import { waitFor } from "../interop/harness/wait";
import { oversizedRouteRefresh, RawPeer } from "../interop/harness/raw-peer";
import { ip, ip4 } from "../ip";
import { formatIpValue } from "../../sdk/net";

interface LogLine {
  readonly level: LogLevel;
  readonly msg: string;
  readonly fields: LogFields;
}

function memoryLogger(lines: LogLine[]): Logger {
  return { log: (level, msg, fields = {}) => lines.push({ level, msg, fields }) };
}

const ROUTE: OriginatedRoute = { family: "ipv4-unicast", address: ip("192.0.2.10"), length: 32, nextHops: [ip("127.0.0.1")] };

function driver(peer: RawPeer, logs: LogLine[], metrics: SpeakerMetrics, name: string, logger: Logger = memoryLogger(logs), vrf?: string): PeerDriver {
  return new PeerDriver({
    peerIP: "127.0.0.1",
    peerPort: peer.port,
    localIP: "127.0.0.1",
    ...(vrf === undefined ? {} : { vrf }),
    fsm: {
      localAsn: 65000,
      peerAsn: 65001,
      localBgpId: "192.0.2.1",
      holdTimeSeconds: 30,
      connectRetryTimeSeconds: 1,
      families: ["ipv4-unicast"],
      backoff: { initialSeconds: 0.1, maxSeconds: 0.4 },
    },
    logger,
    metrics: metrics.peer(name),
  });
}

const isKeepalive = (m: BgpMessage): boolean => m.kind === "keepalive";
const isUpdateOf =
  (prefix: string) =>
  (m: BgpMessage): boolean =>
    m.kind === "update" && m.nlri.some((p) => `${formatIpValue(p.address)}/${p.length}` === prefix);

describe("speaker peer driver: one session's failure stays in that session", function () {
  this.timeout(20_000);
  const peers: RawPeer[] = [];
  const drivers: PeerDriver[] = [];

  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((d) => d.stop("test over")));
    await Promise.all(peers.splice(0).map((p) => p.close()));
  });

  async function pair(
    logs: LogLine[],
    routes: readonly OriginatedRoute[],
    logger?: Logger,
  ): Promise<{ hostile: RawPeer; calm: RawPeer; victim: PeerDriver; bystander: PeerDriver; metrics: SpeakerMetrics }> {
    const hostile = await RawPeer.listen({ asn: 65001, bgpId: ip4("192.0.2.2") });
    const calm = await RawPeer.listen({ asn: 65001, bgpId: ip4("192.0.2.3") });
    peers.push(hostile, calm);
    const metrics = new SpeakerMetrics();
    const victim = driver(hostile, logs, metrics, "hostile", logger);
    const bystander = driver(calm, [], metrics, "calm");
    drivers.push(victim, bystander);
    bystander.advertise([ROUTE]);
    victim.advertise(routes);
    bystander.start();
    victim.start();
    await calm.waitMessage(0, "UPDATE with the VIP", isUpdateOf("192.0.2.10/32"));
    return { hostile, calm, victim, bystander, metrics };
  }

  for (const length of [4_076, 4_096]) {
    it(`answers a ROUTE-REFRESH of ${length} octets in Established with a 4,096-octet 7/1, reconnects and re-advertises`, async () => {
      const logs: LogLine[] = [];
      const { hostile, calm, victim, bystander, metrics } = await pair(logs, [ROUTE]);
      await hostile.waitMessage(0, "UPDATE with the VIP", isUpdateOf("192.0.2.10/32"));
      expect(victim.state).to.equal("Established");
      hostile.connections[0].socket.write(oversizedRouteRefresh(length));
      const notification = await hostile.waitMessage(0, "NOTIFICATION", (m) => m.kind === "notification");
      expect(notification.message).to.include({ code: ErrorCode.RouteRefreshMessage, subcode: RouteRefreshErrorSubcode.InvalidMessageLength });
      expect(notification.length).to.equal(MAX_MESSAGE_LENGTH);
      await hostile.waitMessage(1, "UPDATE with the VIP after the reconnect", isUpdateOf("192.0.2.10/32"));
      await waitFor("victim Established again", async () => (victim.state === "Established" ? true : undefined), { timeoutMs: 5_000, intervalMs: 20 });
      expect(bystander.state).to.equal("Established");
      expect(calm.connections).to.have.length(1);
      expect(metrics.peer("calm").establishedTransitions).to.equal(1);
      expect(logs.filter((l) => l.level === "error")).to.deep.equal([]);
    });
  }

  it("a defect in a handler (an UPDATE that cannot be encoded) is logged with peer and state, sends Cease and restarts after backoff", async () => {
    const logs: LogLine[] = [];
    // A MULTI_EXIT_DISC the encoder refuses: packUpdates throws once the session is Established.
    const unencodable: OriginatedRoute = { ...ROUTE, med: -1 };
    const { hostile, calm, bystander, metrics } = await pair(logs, [unencodable]);
    const cease = await hostile.waitMessage(0, "NOTIFICATION Cease", (m) => m.kind === "notification");
    expect(cease.message).to.deep.include({ code: ErrorCode.Cease, subcode: 0 });
    await hostile.waitMessage(1, "KEEPALIVE on the connection after the backoff", isKeepalive);
    const error = logs.find((l) => l.level === "error");
    expect(error?.msg).to.equal("internal error: session stopped, restarting after backoff");
    expect(error?.fields).to.include({ where: "sending updates", state: "Established" });
    expect(error?.fields).to.include({ topic: "Peer", peer: "127.0.0.1", error: "med: -1 is not an integer in 0..4294967295" });
    expect(bystander.state).to.equal("Established");
    expect(calm.connections).to.have.length(1);
    expect(metrics.peer("calm").establishedTransitions).to.equal(1);
  });

  it("when stopping the failed session fails too, the driver drops its connections and starts a fresh session after backoff", async () => {
    const logs: LogLine[] = [];
    // The log sink fails on the Cease that stops the session, so the session cannot even be stopped cleanly.
    const failingSink: Logger = {
      log(level, msg, fields = {}) {
        logs.push({ level, msg, fields });
        if (msg === "notification sent") throw new Error("log sink failed");
      },
    };
    const { hostile, calm, bystander } = await pair(logs, [{ ...ROUTE, med: -1 }], failingSink);
    await hostile.waitMessage(1, "KEEPALIVE on a connection of the fresh session", isKeepalive);
    expect(
      logs
        .filter((l) => l.level === "error")
        .slice(0, 2)
        .map((l) => [l.msg, l.fields.error]),
    ).to.deep.equal([
      ["internal error: session stopped, restarting after backoff", "med: -1 is not an integer in 0..4294967295"],
      ["internal error while stopping the session: resetting it", "log sink failed"],
    ]);
    expect(bystander.state).to.equal("Established");
    expect(calm.connections).to.have.length(1);
  });
});

describe("speaker peer driver: a session in a VRF the node does not have", function () {
  this.timeout(20_000);

  it("each connection attempt fails like a refused connection, logged with the device and the reason, and is retried after ConnectRetry; never an internal error", async () => {
    const peer = await RawPeer.listen({ asn: 65001, bgpId: ip4("192.0.2.2") });
    const logs: LogLine[] = [];
    const metrics = new SpeakerMetrics();
    const inVrf = driver(peer, logs, metrics, "vrf", memoryLogger(logs), "bgplbnovrf0");
    try {
      inVrf.start();
      const refused = await waitFor(
        "two attempts not opened",
        async () => {
          const lines = logs.filter((l) => l.msg === "connection not opened");
          return lines.length >= 2 ? lines : undefined;
        },
        { timeoutMs: 10_000 },
      );
      for (const line of refused) {
        expect(line.level).to.equal("warn");
        expect(line.fields).to.include({ vrf: "bgplbnovrf0" });
        // ENODEV as root; EPERM without CAP_NET_RAW, which the kernel checks first
        expect(String(line.fields.error)).to.match(/^binding the socket to VRF device "bgplbnovrf0" \(SO_BINDTODEVICE\): (ENODEV|EPERM)$/);
      }
      expect(logs.filter((l) => l.msg.startsWith("internal error"))).to.deep.equal([]);
      expect(peer.connections).to.have.length(0);
    } finally {
      await inVrf.stop("test over");
      await peer.close();
    }
  });
});
