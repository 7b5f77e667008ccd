import { expect } from "chai";
import { Lab, reapStaleLabs } from "./harness/lab";
import { DAEMONS } from "./harness/daemons";
import { requireInteropHost } from "./harness/host";
import type { PeerDaemon, PeerSpec, ReceivedRoute } from "./harness/peer";
import { SpeakerProcess, type SpeakerRun } from "./harness/speaker";
import { waitFor } from "./harness/wait";

const SPEAKER_ASN = 4200000000;
const PEER_ASN = 4200000001;
const VIP4 = "192.0.2.10";
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
  await waitFor(`${peer.kind} session with ${neighbor} Established`, async () => ((await peer.session(neighbor)).established ? true : undefined), { timeoutMs });
}

function routesFor(peer: PeerDaemon, prefix: string, count: number, timeoutMs = 15_000): Promise<ReceivedRoute[]> {
  return waitFor(`${count} path(s) for ${prefix} in ${peer.kind}`, async () => {
    const found = (await peer.routes()).filter((r) => r.prefix === prefix);
    return found.length === count ? found : undefined;
  }, { timeoutMs });
}

for (const daemon of DAEMONS) {
  describe(`bgplb advertise against ${daemon.kind}`, function () {
    this.timeout(60_000);
    let lab: Lab | undefined;

    before(async function () {
      requireInteropHost(this);
      await reapStaleLabs();
    });

    afterEach(async function () {
      await lab?.destroy(this.currentTest?.state === "failed");
      lab = undefined;
    });

    async function setUp(run: (lab: Lab) => SpeakerRun, spec: (lab: Lab) => PeerSpec = peerSpec): Promise<{ lab: Lab; peer: PeerDaemon; speaker: SpeakerProcess }> {
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
      const ready = await waitFor("readyz 200", async () => {
        const r = await speaker.http("/readyz");
        return r.status === 200 ? r : undefined;
      }, { timeoutMs: 5_000 });
      expect(ready.body).to.equal("ready\n");
      expect((await speaker.http("/healthz")).status).to.equal(200);
      const metrics = (await speaker.http("/metrics")).body;
      expect(metrics).to.include('bgplb_sessions{state="Established"} 1');
      expect(metrics).to.include(`bgplb_prefixes_advertised{peer="${l.peer.ipv4}"} 2`);
      const states = speaker.logs().filter((x) => x.msg === "peer state changed").map((x) => x.to);
      expect(states).to.include("BGP_FSM_OPENSENT");
      expect(states[states.length - 1]).to.equal("BGP_FSM_ESTABLISHED");
    });
  });
}
