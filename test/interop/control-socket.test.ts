/** `bgplb advertise --control`: changes through the control socket reach a real BIRD as exactly the difference. */
import { expect } from "chai";
import { existsSync, statSync } from "node:fs";
import { Bird } from "./harness/bird";
import { requireInteropHost } from "./harness/host";
import { Lab, reapStaleLabs } from "./harness/lab";
import { SpeakerProcess, type SpeakerLogLine } from "./harness/speaker";
import { waitFor } from "./harness/wait";

const SPEAKER_ASN = 65001;
const PEER_ASN = 65002;
const COUNT = 200;

/** The i-th VIP: 10.0.0.0 upwards (data only; no traffic goes to them). */
function vip(i: number): string {
  return `10.0.${(i >>> 8) & 255}.${i & 255}`;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe("bgplb advertise --control against bird", function () {
  this.timeout(120_000);
  let lab: Lab | undefined;

  before(async function () {
    requireInteropHost(this);
    await reapStaleLabs();
  });

  after(async function () {
    await lab?.destroy(this.currentTest?.state === "failed");
  });

  it("a batch sends only its difference, a bad batch changes nothing and names the line, the socket is 0600 and removed on exit", async () => {
    lab = await Lab.create();
    const l = lab;
    const bird = new Bird(l, l.peer, { asn: PEER_ASN, address: l.peer.ipv4, neighbors: [{ address: l.speaker.ipv4, asn: SPEAKER_ASN }] });
    await bird.start();
    const speaker = new SpeakerProcess(l, {
      config: { localIP: l.speaker.ipv4, localASN: SPEAKER_ASN, peers: [{ peerIP: l.peer.ipv4, peerASN: PEER_ASN }], connectRetryTime: 1 },
      advertiseFile: range(0, COUNT).map(vip),
      control: true,
    });
    speaker.start();
    const holds = (wanted: readonly number[]): Promise<true> => {
      const expected = wanted.map((i) => `${vip(i)}/32`).sort();
      return waitFor(
        "bird holding the advertise set",
        async () => {
          const prefixes = (await bird.routes()).map((r) => r.prefix).sort();
          return JSON.stringify(prefixes) === JSON.stringify(expected) ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
    };
    await holds(range(0, COUNT));
    await speaker.waitLog("control socket", (x) => x.msg === "control socket listening");
    expect(statSync(speaker.controlPath).mode & 0o777).to.equal(0o600);
    const sent = (): SpeakerLogLine[] => speaker.logs().filter((x) => x.msg === "update sent");
    expect(sent()).to.have.length(1);

    const batch = [...range(0, 50).map((i) => `withdraw ${vip(i)}`), ...range(COUNT, COUNT + 50).map((i) => `announce ${vip(i)}`), `announce ${vip(60)}`];
    expect(await speaker.control(batch)).to.equal(`ok announced 50 withdrawn 50 advertised ${COUNT}`);
    await holds(range(50, COUNT + 50));
    const change = await waitFor("the change sent", async () => sent()[1], { timeoutMs: 10_000 });
    expect(change).to.include({ announcedCount: 50, withdrawnCount: 50 });

    const bad = await speaker.control([`withdraw ${vip(70)}`, "announce 10.0.0.300", "withdraw 10.0.1.0/24"]);
    expect(bad).to.equal(
      'error: line 2: "10.0.0.300" is not an IPv4 or IPv6 address; line 3: "10.0.1.0/24" is not a host address (VIPs are advertised as /32 or /128); batch of 3 lines not applied',
    );
    expect(await speaker.control([`announce ${vip(60)}`])).to.equal(`ok announced 0 withdrawn 0 advertised ${COUNT}`);
    await holds(range(50, COUNT + 50));
    expect(sent(), "nothing sent for a refused or empty change").to.have.length(2);
    expect(speaker.process.running).to.equal(true);

    expect(await speaker.terminate()).to.equal(0);
    expect(existsSync(speaker.controlPath), "socket removed on exit").to.equal(false);
  });
});
