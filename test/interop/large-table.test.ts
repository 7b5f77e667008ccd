/** A large advertise set against BIRD: streamed in full UPDATEs, logged as counts, a 10% change sends only the difference. */
import { expect } from "chai";
import { Bird } from "./harness/bird";
import { requireInteropHost } from "./harness/host";
import { Lab, reapStaleLabs } from "./harness/lab";
import { SpeakerProcess, type SpeakerLogLine } from "./harness/speaker";
import { waitFor } from "./harness/wait";

const SPEAKER_ASN = 65001;
const PEER_ASN = 65002;
const COUNT = 20_000;

/** The i-th VIP: 10.0.0.0 upwards (data only; no traffic goes to them). */
function vip(i: number): string {
  return `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
}

describe("bgplb advertise with a large table against bird", function () {
  this.timeout(120_000);
  let lab: Lab | undefined;

  before(async function () {
    requireInteropHost(this);
    await reapStaleLabs();
  });

  after(async function () {
    await lab?.destroy(this.currentTest?.state === "failed");
  });

  it(`sends ${COUNT} VIPs in full UPDATEs with one summary log line, and a 10% change as only the difference`, async () => {
    lab = await Lab.create();
    const l = lab;
    const bird = new Bird(l, l.peer, { asn: PEER_ASN, address: l.peer.ipv4, neighbors: [{ address: l.speaker.ipv4, asn: SPEAKER_ASN }] });
    await bird.start();
    const speaker = new SpeakerProcess(l, {
      config: { localIP: l.speaker.ipv4, localASN: SPEAKER_ASN, peers: [{ peerIP: l.peer.ipv4, peerASN: PEER_ASN }], connectRetryTime: 1 },
      advertiseFile: Array.from({ length: COUNT }, (_, i) => vip(i)),
    });
    speaker.start();
    const holds = async (expected: (prefixes: Set<string>) => boolean): Promise<Set<string>> =>
      waitFor(
        "bird holding the advertise set",
        async () => {
          const prefixes = new Set((await bird.routes()).map((r) => r.prefix));
          return expected(prefixes) ? prefixes : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    await holds((p) => p.size === COUNT && p.has(`${vip(0)}/32`) && p.has(`${vip(COUNT - 1)}/32`));
    const sent = (): SpeakerLogLine[] => speaker.logs().filter((x) => x.msg === "update sent");
    const [full] = sent();
    // A /32 takes 5 octets: a 4096-octet UPDATE carries about 800, so the table needs no more than COUNT/750 messages.
    expect(full).to.include({ announcedCount: COUNT, withdrawnCount: 0 });
    expect(Number(full?.messages)).to.be.at.most(Math.ceil(COUNT / 750));
    expect(full?.announced, "no per-prefix list at info for a large send").to.equal(undefined);

    const tenth = COUNT / 10;
    speaker.setAdvertiseFile(Array.from({ length: COUNT }, (_, i) => vip(i < tenth ? COUNT + i : i)));
    speaker.signal("SIGHUP");
    await holds((p) => p.size === COUNT && !p.has(`${vip(0)}/32`) && p.has(`${vip(COUNT + tenth - 1)}/32`));
    const change = await waitFor("the change logged", async () => sent()[1], { timeoutMs: 10_000 });
    expect(change).to.include({ announcedCount: tenth, withdrawnCount: tenth });
    expect(await speaker.terminate()).to.equal(0);
  });
});
