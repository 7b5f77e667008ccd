/**
 * Graceful restart (RFC 4724) against FRR and BIRD in network namespaces,
 * both with graceful restart configured. With it on our side, the router
 * keeps our routes through a SIGKILL and restart of the speaker (sampled
 * all along), and after our End-of-RIB drops the stale one we no longer
 * advertise. Without it, the router removes our routes as soon as the
 * session drops.
 *
 * Our speaker advertises and installs nothing it receives, so its helper
 * role is only to accept the router's capability and End-of-RIB: checked
 * here from its log.
 */
import { expect } from "chai";
import { Lab } from "./harness/lab";
import { labPerTest } from "./harness/lab-hooks";
import { DAEMONS } from "./harness/daemons";
import type { PeerDaemon } from "./harness/peer";
import { SpeakerProcess, type SpeakerRun } from "./harness/speaker";
import { sleep, waitFor } from "./harness/wait";

const SPEAKER_ASN = 64512;
const PEER_ASN = 64513;
const KEPT = "192.0.2.10/32";
const DROPPED = "192.0.2.11/32";
const HOLD = 3;
/** How many times the router's table is sampled while the speaker is down (200 ms apart). */
const DOWN_SAMPLES = 8;

const GR_DAEMONS = DAEMONS.filter((d) => d.kind === "frr" || d.kind === "bird");

for (const daemon of GR_DAEMONS) {
  describe(`graceful restart against ${daemon.kind}`, function () {
    this.timeout(90_000);
    let lab: Lab | undefined;

    labPerTest(
      () => lab,
      () => (lab = undefined),
    );

    function run(l: Lab, gracefulRestart: boolean, vips: readonly string[]): SpeakerRun {
      return {
        config: {
          localIP: l.speaker.ipv4,
          localASN: SPEAKER_ASN,
          peers: [{ peerIP: l.peer.ipv4, peerASN: PEER_ASN, gracefulRestart }],
          holdTime: HOLD,
          connectRetryTime: 1,
          gracefulRestartTime: 60,
        },
        advertiseFile: vips.map((p) => p.replace("/32", "")),
      };
    }

    async function setUp(gracefulRestart: boolean): Promise<{ l: Lab; peer: PeerDaemon; speaker: SpeakerProcess }> {
      const l = await Lab.create();
      lab = l;
      const peer = daemon.make(l, {
        asn: PEER_ASN,
        address: l.peer.ipv4,
        neighbors: [{ address: l.speaker.ipv4, asn: SPEAKER_ASN }],
        holdTimeSeconds: HOLD,
        gracefulRestart: true,
      });
      await peer.start();
      const speaker = new SpeakerProcess(l, run(l, gracefulRestart, [KEPT, DROPPED]));
      speaker.start();
      await waitFor(
        `${peer.kind} holds both routes`,
        async () => ((await prefixes(peer)).filter((p) => p === KEPT || p === DROPPED).length === 2 ? true : undefined),
        {
          timeoutMs: 30_000,
        },
      );
      return { l, peer, speaker };
    }

    async function prefixes(peer: PeerDaemon): Promise<string[]> {
      return (await peer.routes()).map((r) => r.prefix);
    }

    /**
     * Whether the router's own view of the session shows the capability of a
     * restarted speaker: Restart State (R), Forwarding State (F) for IPv4 and
     * IPv6, restart time 60 s. Without R/F the router flushes the stale routes
     * at the OPEN and learns them again a moment later, too fast to sample.
     */
    function restartFlagsSeen(peer: PeerDaemon, detail: string): boolean {
      if (peer.kind === "frr") {
        const gr = (JSON.parse(detail) as { gracefulRestartInfo?: Record<string, unknown> }).gracefulRestartInfo ?? {};
        const fBit = (family: string): unknown => (gr[family] as { fBit?: boolean } | undefined)?.fBit;
        const timers = gr.timers as { receivedRestartTimer?: number } | undefined;
        return gr.rBit === true && fBit("ipv4Unicast") === true && fBit("ipv6Unicast") === true && timers?.receivedRestartTimer === 60;
      }
      return /Neighbor capabilities[\s\S]*Graceful restart\s+Restart time: 60\s+Restart recovery\s+AF supported: ipv4 ipv6\s+AF preserved: ipv4 ipv6/.test(
        detail,
      );
    }

    async function kill(speaker: SpeakerProcess): Promise<void> {
      speaker.signal("SIGKILL");
      await speaker.process.waitExit(5_000);
    }

    it("graceful restart: the router keeps our routes through a SIGKILL and restart, and drops the stale one after our End-of-RIB", async () => {
      const { l, peer, speaker } = await setUp(true);
      const first = await speaker.waitLog("End-of-RIB sent", (line) => line.msg === "end-of-RIB sent");
      expect(first.families).to.equal("ipv4-unicast,ipv6-unicast");
      await speaker.waitLog("router's End-of-RIB", (line) => line.msg === "end-of-RIB received" && line.family === "ipv4-unicast");
      await kill(speaker);
      await waitFor(`${peer.kind} to see the session drop`, async () => ((await peer.session(l.speaker.ipv4)).established ? undefined : true), {
        timeoutMs: 15_000,
      });
      const down: string[][] = [];
      while (down.length < DOWN_SAMPLES) {
        down.push(await prefixes(peer));
        expect((await peer.session(l.speaker.ipv4)).established, "the session stays down while the speaker is dead").to.equal(false);
        await sleep(200);
      }
      expect(
        down.filter((s) => !s.includes(KEPT) || !s.includes(DROPPED)),
        "both routes kept while the speaker is down",
      ).to.deep.equal([]);
      const restarted = new SpeakerProcess(l, run(l, true, [KEPT]), "speaker-restarted");
      restarted.start();
      const up: string[][] = [];
      await waitFor(
        `${peer.kind} to drop the stale ${DROPPED} after our End-of-RIB`,
        async () => {
          const now = await prefixes(peer);
          up.push(now);
          return now.includes(DROPPED) ? undefined : true;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      expect(
        up.filter((s) => !s.includes(KEPT)),
        `${KEPT} missing in some of the ${up.length} samples after the restart`,
      ).to.deep.equal([]);
      await restarted.waitLog("End-of-RIB sent after the restart", (line) => line.msg === "end-of-RIB sent");
      const view = await peer.session(l.speaker.ipv4);
      expect(view.established).to.equal(true);
      expect(restartFlagsSeen(peer, view.detail), `${peer.kind} saw our R bit, F bits and restart time:\n${view.detail}`).to.equal(true);
      expect(await prefixes(peer)).to.include(KEPT);
    });

    it("without graceful restart on our side: the router removes our routes as soon as the speaker is killed", async () => {
      const { peer, speaker } = await setUp(false);
      await speaker.waitLog("End-of-RIB sent without graceful restart negotiated", (line) => line.msg === "end-of-RIB sent");
      await kill(speaker);
      await waitFor(`${peer.kind} to remove our routes`, async () => ((await prefixes(peer)).some((p) => p === KEPT || p === DROPPED) ? undefined : true), {
        timeoutMs: 10_000,
        intervalMs: 100,
      });
    });
  });
}
