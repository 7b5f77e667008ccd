/**
 * TCP MD5 (RFC 2385) against FRR (`neighbor X password`) and BIRD
 * (`password "…"`) in network namespaces: Established with the right
 * password whether we dial or they dial; never Established with a wrong
 * password or none. The password never appears in the speaker's log.
 */
import { expect } from "chai";
import { Lab } from "./harness/lab";
import { labPerTest } from "./harness/lab-hooks";
import { DAEMONS } from "./harness/daemons";
import type { PeerDaemon, PeerSpec } from "./harness/peer";
import { SpeakerProcess } from "./harness/speaker";
import { sleep, waitFor } from "./harness/wait";

const SPEAKER_ASN = 64512;
const PEER_ASN = 64513;
const VIP = "192.0.2.10";
const PASSWORD = "md5-Secret-7f3a";
const HOLD = 3;
/** A port nothing listens on: a speaker dialing it can only be reached by the router dialing us. */
const DEAD_PORT = 1179;
/** How long a refused session is watched: several connect retries of both ends. */
const REFUSED_WATCH_MS = 8_000;

const MD5_DAEMONS = DAEMONS.filter((d) => d.kind === "frr" || d.kind === "bird");

for (const daemon of MD5_DAEMONS) {
  describe(`TCP MD5 against ${daemon.kind}`, function () {
    this.timeout(60_000);
    let lab: Lab | undefined;

    labPerTest(
      () => lab,
      () => (lab = undefined),
    );

    /** A lab with the router (password `routerPassword`) and our speaker (password `ourPassword`, if any). */
    async function setUp(options: {
      routerPassword: string;
      ourPassword?: string;
      routerPassive?: boolean;
      weDialNowhere?: boolean;
    }): Promise<{ peer: PeerDaemon; speaker: SpeakerProcess; lab: Lab }> {
      const l = await Lab.create();
      lab = l;
      const spec: PeerSpec = {
        asn: PEER_ASN,
        address: l.peer.ipv4,
        neighbors: [{ address: l.speaker.ipv4, asn: SPEAKER_ASN, password: options.routerPassword }],
        holdTimeSeconds: HOLD,
        passive: options.routerPassive ?? false,
      };
      const peer = daemon.make(l, spec);
      await peer.start();
      const speakerPeer = {
        peerIP: l.peer.ipv4,
        peerASN: PEER_ASN,
        ...(options.weDialNowhere ? { peerPort: DEAD_PORT } : {}),
        ...(options.ourPassword === undefined ? {} : { password: options.ourPassword }),
      };
      const speaker = new SpeakerProcess(l, {
        config: { localIP: l.speaker.ipv4, localASN: SPEAKER_ASN, peers: [speakerPeer], holdTime: HOLD, connectRetryTime: 1 },
        advertiseIps: [VIP],
      });
      speaker.start();
      return { peer, speaker, lab: l };
    }

    async function establishedWithRoute(peer: PeerDaemon, speaker: SpeakerProcess, neighbor: string): Promise<void> {
      await waitFor(`${peer.kind} session Established`, async () => ((await peer.session(neighbor)).established ? true : undefined), { timeoutMs: 30_000 });
      await waitFor(`${VIP}/32 in ${peer.kind}`, async () => ((await peer.routes()).some((r) => r.prefix === `${VIP}/32`) ? true : undefined), {
        timeoutMs: 15_000,
      });
      await speaker.waitLog("session established", (l) => l.msg === "session established");
    }

    async function neverEstablished(peer: PeerDaemon, speaker: SpeakerProcess, neighbor: string): Promise<void> {
      const deadline = Date.now() + REFUSED_WATCH_MS;
      while (Date.now() < deadline) {
        expect((await peer.session(neighbor)).established, `${peer.kind} session must not come up`).to.equal(false);
        await sleep(250);
      }
      expect(speaker.logs().filter((l) => l.msg === "session established")).to.deep.equal([]);
      expect(speaker.logs().filter((l) => l.msg === "connecting").length, "the speaker kept trying").to.be.greaterThan(1);
      expect(speaker.process.running, "the speaker keeps running").to.equal(true);
    }

    function passwordNotLogged(speaker: SpeakerProcess): void {
      const text = speaker.logText();
      expect(text.length).to.be.greaterThan(0);
      expect(text.includes(PASSWORD), "password must not be in the speaker log").to.equal(false);
    }

    it("MD5: Established with the right password when we dial (router passive)", async () => {
      const { peer, speaker, lab: l } = await setUp({ routerPassword: PASSWORD, ourPassword: PASSWORD, routerPassive: true });
      await establishedWithRoute(peer, speaker, l.speaker.ipv4);
      expect(speaker.logs().find((line) => line.msg === "inbound connection accepted")).to.equal(undefined);
      passwordNotLogged(speaker);
    });

    it("MD5: Established with the right password when the router dials our listener", async () => {
      const { peer, speaker, lab: l } = await setUp({ routerPassword: PASSWORD, ourPassword: PASSWORD, weDialNowhere: true });
      await establishedWithRoute(peer, speaker, l.speaker.ipv4);
      expect(speaker.logs().some((line) => line.msg === "inbound connection accepted")).to.equal(true);
      passwordNotLogged(speaker);
    });

    it("MD5: never Established with a wrong password, in either direction", async () => {
      const { peer, speaker, lab: l } = await setUp({ routerPassword: PASSWORD, ourPassword: "not-the-password" });
      await neverEstablished(peer, speaker, l.speaker.ipv4);
      passwordNotLogged(speaker);
      expect(speaker.logText().includes("not-the-password")).to.equal(false);
    });

    it("MD5: never Established when we have no password and the router has one", async () => {
      const { peer, speaker, lab: l } = await setUp({ routerPassword: PASSWORD });
      await neverEstablished(peer, speaker, l.speaker.ipv4);
    });
  });
}
