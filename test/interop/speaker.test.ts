import { expect } from "chai";
import { LINK, Lab } from "./harness/lab";
import { labPerTest } from "./harness/lab-hooks";
import { sleep } from "./harness/wait";
import { DAEMONS } from "./harness/daemons";
import type { PeerDaemon, PeerSpec, ReceivedRoute } from "./harness/peer";
import { SpeakerProcess, type SpeakerRun } from "./harness/speaker";
import { waitFor } from "./harness/wait";

const SPEAKER_ASN = 4200000000;
const PEER_ASN = 4200000001;
const VIP4 = "192.0.2.10";
const VIP4_B = "192.0.2.11";
const VIP6 = "2001:db8:ff::10";
const HOLD = 3;

function peerSpec(lab: Lab, overrides: Partial<PeerSpec> = {}): PeerSpec {
  return { asn: PEER_ASN, address: lab.peer.ipv4, neighbors: [{ address: lab.speaker.ipv4, asn: SPEAKER_ASN }], holdTimeSeconds: HOLD, ...overrides };
}

function speakerConfig(lab: Lab, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    localIP: lab.speaker.ipv4,
    localASN: SPEAKER_ASN,
    peers: [{ peerIP: lab.peer.ipv4, peerASN: PEER_ASN }],
    holdTime: HOLD,
    connectRetryTime: 1,
    communities: ["65000:100"],
    largeCommunities: ["4200000000:1:2"],
    ipv6NextHops: [lab.speaker.ipv6],
    ...extra,
  };
}

async function established(peer: PeerDaemon, neighbor: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(`${peer.kind} session with ${neighbor} Established`, async () => ((await peer.session(neighbor)).established ? true : undefined), {
    timeoutMs,
  });
}

function routesFor(peer: PeerDaemon, prefix: string, count: number, timeoutMs = 15_000): Promise<ReceivedRoute[]> {
  return waitFor(
    `${count} path(s) for ${prefix} in ${peer.kind}`,
    async () => {
      const found = (await peer.routes()).filter((r) => r.prefix === prefix);
      return found.length === count ? found : undefined;
    },
    { timeoutMs },
  );
}

for (const daemon of DAEMONS) {
  describe(`bgplb advertise against ${daemon.kind}`, function () {
    this.timeout(60_000);
    let lab: Lab | undefined;

    labPerTest(
      () => lab,
      () => (lab = undefined),
    );

    async function setUp(
      run: (lab: Lab) => SpeakerRun,
      spec: (lab: Lab) => PeerSpec = peerSpec,
    ): Promise<{ lab: Lab; peer: PeerDaemon; speaker: SpeakerProcess }> {
      lab = await Lab.create();
      const peer = daemon.make(lab, spec(lab));
      await peer.start();
      const speaker = new SpeakerProcess(lab, run(lab));
      speaker.start();
      return { lab, peer, speaker };
    }

    it("establishes with 4-octet ASNs and the peer holds the /32 and /128 with our next hop, origin, AS_PATH and communities", async () => {
      const { lab: l, peer, speaker } = await setUp((l) => ({ config: speakerConfig(l), advertiseIps: [VIP4, VIP6] }));
      await established(peer, l.speaker.ipv4);
      const [v4] = await routesFor(peer, `${VIP4}/32`, 1);
      expect(v4).to.deep.equal({
        prefix: `${VIP4}/32`,
        nextHop: l.speaker.ipv4,
        origin: "IGP",
        asPath: [SPEAKER_ASN],
        communities: ["65000:100"],
        largeCommunities: ["4200000000:1:2"],
      });
      const [v6] = await routesFor(peer, `${VIP6}/128`, 1);
      expect(v6).to.deep.equal({ ...v4, prefix: `${VIP6}/128`, nextHop: l.speaker.ipv6 });
      const ready = await waitFor(
        "readyz 200",
        async () => {
          const r = await speaker.http("/readyz");
          return r.status === 200 ? r : undefined;
        },
        { timeoutMs: 5_000 },
      );
      expect(ready.body).to.equal("ready\n");
      expect((await speaker.http("/healthz")).status).to.equal(200);
      const metrics = (await speaker.http("/metrics")).body;
      expect(metrics).to.include('bgplb_sessions{state="Established"} 1');
      expect(metrics).to.include(`bgplb_prefixes_advertised{peer="${l.peer.ipv4}"} 2`);
      const states = speaker
        .logs()
        .filter((x) => x.msg === "peer state changed")
        .map((x) => x.to);
      expect(states).to.include("BGP_FSM_OPENSENT");
      expect(states[states.length - 1]).to.equal("BGP_FSM_ESTABLISHED");
    });

    it("ADD-PATH: one session carries two next hops for one VIP and the peer holds both paths", async () => {
      const {
        lab: l,
        peer,
        speaker,
      } = await setUp(
        (l) => ({ config: speakerConfig(l, { addPath: true, nextHops: [l.speaker.ipv4, LINK.secondNextHop.ipv4] }), advertiseIps: [VIP4] }),
        (l) => peerSpec(l, { addPathReceive: true }),
      );
      await established(peer, l.speaker.ipv4);
      const paths = await routesFor(peer, `${VIP4}/32`, 2);
      expect(paths.map((p) => p.nextHop).sort()).to.deep.equal([l.speaker.ipv4, LINK.secondNextHop.ipv4].sort());
      for (const p of paths) expect(p.asPath).to.deep.equal([SPEAKER_ASN]);
      const up = await speaker.waitLog("session established", (x) => x.msg === "session established");
      expect(String(up.addPathSend)).to.include("ipv4-unicast");
    });

    it("withdraws a VIP removed from the advertise file on SIGHUP, and everything on SIGTERM (exit 0, Cease)", async () => {
      const { lab: l, peer, speaker } = await setUp((l) => ({ config: speakerConfig(l), advertiseFile: [VIP4, VIP4_B] }));
      await established(peer, l.speaker.ipv4);
      await routesFor(peer, `${VIP4}/32`, 1);
      await routesFor(peer, `${VIP4_B}/32`, 1);
      speaker.setAdvertiseFile([VIP4]);
      speaker.signal("SIGHUP");
      await routesFor(peer, `${VIP4_B}/32`, 0);
      expect(await routesFor(peer, `${VIP4}/32`, 1)).to.have.length(1);
      expect((await peer.session(l.speaker.ipv4)).established).to.equal(true);
      expect(await speaker.terminate()).to.equal(0);
      await routesFor(peer, `${VIP4}/32`, 0);
      const logs = speaker.logs();
      const withdrawAt = logs.findIndex((x) => x.msg === "update sent" && JSON.stringify(x.withdrawn ?? "").includes(`${VIP4}/32`));
      const ceaseAt = logs.findIndex((x) => x.msg === "notification sent" && x.code === 6 && x.subcode === 2);
      expect(withdrawAt, "withdrawal logged").to.be.greaterThan(-1);
      expect(ceaseAt, "Cease/Administrative Shutdown after the withdrawal").to.be.greaterThan(withdrawAt);
      await waitFor(`${peer.kind} sees the session down`, async () => ((await peer.session(l.speaker.ipv4)).established ? undefined : true), {
        timeoutMs: 10_000,
      });
    });

    it("re-establishes and re-advertises by itself after the peer restarts", async () => {
      const { lab: l, peer, speaker } = await setUp((l) => ({ config: speakerConfig(l), advertiseIps: [VIP4] }));
      await established(peer, l.speaker.ipv4);
      await routesFor(peer, `${VIP4}/32`, 1);
      await peer.stop();
      await peer.start();
      await established(peer, l.speaker.ipv4, 30_000);
      const [route] = await routesFor(peer, `${VIP4}/32`, 1);
      expect(route?.nextHop).to.equal(l.speaker.ipv4);
      expect(speaker.process.running).to.equal(true);
      expect(speaker.logs().filter((x) => x.msg === "session established").length).to.be.at.least(2);
    });

    it("takes the connection of a peer that only dials us while we back off from our failed attempts", async () => {
      lab = await Lab.create();
      const l = lab;
      // We dial a port nobody listens on: every attempt of ours is refused, so the session can only
      // come up on the peer's connection, which arrives while we wait in Idle for the next attempt.
      const peers = [{ peerIP: l.peer.ipv4, peerASN: PEER_ASN, peerPort: 1179 }];
      const speaker = new SpeakerProcess(l, { config: speakerConfig(l, { peers }), advertiseIps: [VIP4] });
      speaker.start();
      await speaker.waitLog(
        "two connection attempts refused",
        () => speaker.logs().filter((x) => x.msg === "peer state changed" && x.reason === "tcpFailed").length >= 2,
      );
      const peer = daemon.make(l, peerSpec(l));
      await peer.start();
      await established(peer, l.speaker.ipv4, 30_000);
      await routesFor(peer, `${VIP4}/32`, 1);
      const logs = speaker.logs();
      expect(logs.some((x) => x.msg === "inbound connection accepted")).to.equal(true);
      const states = logs.filter((x) => x.msg === "peer state changed").map((x) => `${String(x.from)}>${String(x.to)}`);
      expect(states.slice(-3)).to.deep.equal([
        "BGP_FSM_IDLE>BGP_FSM_OPENSENT",
        "BGP_FSM_OPENSENT>BGP_FSM_OPENCONFIRM",
        "BGP_FSM_OPENCONFIRM>BGP_FSM_ESTABLISHED",
      ]);
    });

    it("expires the hold timer when the peer goes silent (SIGSTOP) and recovers after SIGCONT", async () => {
      const { lab: l, peer, speaker } = await setUp((l) => ({ config: speakerConfig(l), advertiseIps: [VIP4] }));
      await established(peer, l.speaker.ipv4);
      await routesFor(peer, `${VIP4}/32`, 1);
      peer.pause();
      try {
        await speaker.waitLog("hold timer expired", (x) => x.msg === "hold timer expired", 15_000);
        await speaker.waitLog("NOTIFICATION Hold Timer Expired sent", (x) => x.msg === "notification sent" && x.code === 4);
        const ready = await speaker.http("/readyz");
        expect(ready.status).to.equal(503);
      } finally {
        peer.resume();
      }
      const before = speaker.logs().filter((x) => x.msg === "session established").length;
      await speaker.waitLog("session established again", () => speaker.logs().filter((x) => x.msg === "session established").length > before, 40_000);
      await established(peer, l.speaker.ipv4, 30_000);
      await routesFor(peer, `${VIP4}/32`, 1);
    });

    it("refuses a peer with the wrong AS (NOTIFICATION Bad Peer AS) and backs off its reconnects", async () => {
      const {
        lab: l,
        peer,
        speaker,
      } = await setUp(
        (l) => ({ config: speakerConfig(l, { peers: [{ peerIP: l.peer.ipv4, peerASN: 65099 }] }), advertiseIps: [VIP4] }),
        (l) => peerSpec(l, { passive: true }),
      );
      const startedAt = Date.now();
      const first = await speaker.waitLog("NOTIFICATION Bad Peer AS sent", (x) => x.msg === "notification sent" && x.code === 2 && x.subcode === 2);
      expect(String(first.notification)).to.match(/BadPeerAs|Bad Peer AS/i);
      await waitFor(
        `${peer.kind} reports the Bad Peer AS notification`,
        async () =>
          /bad.?peer.?as|open message error|"code":\s*2|notifications received: [1-9]/i.test(await peer.lastError(l.speaker.ipv4)) ? true : undefined,
        { timeoutMs: 10_000 },
      );
      const windowMs = 10_000;
      await sleep(windowMs);
      const elapsedMs = Date.now() - startedAt;
      const logs = speaker.logs();
      const connects = logs.filter((x) => x.msg === "connecting").length;
      const refusals = logs.filter((x) => x.msg === "notification sent" && x.code === 2 && x.subcode === 2).length;
      // Every failed attempt doubles the wait: Bad Peer AS refusals, and connections the peer closes
      // before its OPEN (GoBGP during its idle hold). With 1 s jittered down to 0.75 s, attempt n+1
      // starts at least 0.75 s * (2^n - 1) after the first, so few fit in the run; retrying every
      // ConnectRetryTime (1 s) without counting would make about one per second.
      const mostAttempts = 1 + Math.floor(Math.log2(elapsedMs / 750 + 1));
      expect(refusals, `Bad Peer AS refusals in ${elapsedMs} ms`).to.be.at.least(2);
      expect(connects, `connection attempts in ${elapsedMs} ms`).to.be.within(refusals, mostAttempts);
      expect((await peer.session(l.speaker.ipv4)).established).to.equal(false);
      expect((await speaker.http("/readyz")).status).to.equal(503);
    });
  });
}

describe("bgplb advertise against FRR with ADD-PATH receive disabled", function () {
  this.timeout(60_000);
  let lab: Lab | undefined;

  labPerTest(
    () => lab,
    () => (lab = undefined),
  );

  // FRR's `disable-addpath-rx` still sends the ADD-PATH capability, with Send/Receive 0 for each
  // family. RFC 7911 §4: any value other than 1-3 means the capability is ignored, not an OPEN error.
  it("establishes although the peer's ADD-PATH capability carries Send/Receive 0", async () => {
    lab = await Lab.create();
    const frr = DAEMONS.find((d) => d.kind === "frr");
    if (!frr) throw new Error("frr missing from DAEMONS");
    const peer = frr.make(lab, peerSpec(lab, { addPathReceive: false }));
    await peer.start();
    const speaker = new SpeakerProcess(lab, { config: speakerConfig(lab), advertiseIps: [VIP4] });
    speaker.start();
    await established(peer, lab.speaker.ipv4);
    const [route] = await routesFor(peer, `${VIP4}/32`, 1);
    expect(route?.nextHop).to.equal(lab.speaker.ipv4);
  });
});
