import { expect } from "chai";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DAEMONS } from "./harness/daemons";
import type { HostileLogLine } from "./harness/hostile-peer";
import { Lab } from "./harness/lab";
import { labPerTest } from "./harness/lab-hooks";
import type { PeerDaemon } from "./harness/peer";
import { runInNamespace, type NamespaceProcess } from "./harness/process";
import { NODE, SpeakerProcess } from "./harness/speaker";
import { waitFor } from "./harness/wait";

const SPEAKER_ASN = 4200000000;
const PEER_ASN = 4200000001;
const HOSTILE_ASN = 65010;
/** A second address of the peer namespace, for the hostile peer. */
const HOSTILE_IP = "198.18.0.4";
const HOSTILE_PORT = 1179;
const VIP = "192.0.2.10";
/** Each case on its own session, with the NOTIFICATION the speaker answers with (none when the peer's own NOTIFICATION ends the session). */
const CASES: readonly { readonly name: string; readonly reply?: { code: number; subcode: number; length?: number } }[] = [
  { name: "route-refresh-4076", reply: { code: 7, subcode: 1, length: 4096 } },
  { name: "route-refresh-4096", reply: { code: 7, subcode: 1, length: 4096 } },
  { name: "bad-message-type", reply: { code: 1, subcode: 3 } },
  { name: "open-in-established", reply: { code: 5, subcode: 3 } },
  { name: "notification-4096" },
];
const HOSTILE = resolve(__dirname, "harness/hostile-peer.js");

function hostileLog(proc: NamespaceProcess): HostileLogLine[] {
  return readFileSync(proc.logFile, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as HostileLogLine);
}

describe("bgplb advertise against a hostile peer (real binary, network namespaces)", function () {
  this.timeout(120_000);
  let lab: Lab | undefined;

  labPerTest(
    () => lab,
    () => (lab = undefined),
  );

  it("a ROUTE-REFRESH of 4,076 or 4,096 octets gets a 4,096-octet 7/1, other hostile messages their NOTIFICATION; the process lives, /healthz is 200, GoBGP's session is untouched and the peer re-establishes and gets its routes", async () => {
    lab = await Lab.create();
    await runInNamespace(lab.peer.ns, "ip", ["addr", "add", `${HOSTILE_IP}/24`, "dev", "veth0"]);
    const gobgp: PeerDaemon = DAEMONS.find((d) => d.kind === "gobgp")!.make(lab, {
      asn: PEER_ASN,
      address: lab.peer.ipv4,
      neighbors: [{ address: lab.speaker.ipv4, asn: SPEAKER_ASN }],
      holdTimeSeconds: 9,
    });
    await gobgp.start();
    const hostile = lab.start("hostile", lab.peer.ns, NODE, [
      HOSTILE,
      HOSTILE_IP,
      String(HOSTILE_PORT),
      String(HOSTILE_ASN),
      HOSTILE_IP,
      ...CASES.map((c) => c.name),
    ]);
    const speaker = new SpeakerProcess(lab, {
      config: {
        localIP: lab.speaker.ipv4,
        localASN: SPEAKER_ASN,
        holdTime: 9,
        connectRetryTime: 1,
        peers: [
          { peerIP: lab.peer.ipv4, peerASN: PEER_ASN },
          { peerIP: HOSTILE_IP, peerASN: HOSTILE_ASN, peerPort: HOSTILE_PORT },
        ],
      },
      advertiseIps: [VIP],
    });
    speaker.start();
    const gobgpHolds = async (): Promise<true | undefined> => ((await gobgp.routes()).some((r) => r.prefix === `${VIP}/32`) ? true : undefined);
    await waitFor("GoBGP holds the VIP", gobgpHolds, { timeoutMs: 30_000 });
    const gobgpUps = speaker.logs().filter((l) => l.msg === "session established" && l.peer === lab!.peer.ipv4).length;

    for (const [connection, { name, reply }] of CASES.entries()) {
      await waitFor(`${name} sent`, async () => hostileLog(hostile).find((l) => l.connection === connection && l.sent === name), { timeoutMs: 30_000 });
      if (reply) {
        const answer = await waitFor(
          `NOTIFICATION answering ${name}`,
          async () => hostileLog(hostile).find((l) => l.connection === connection && l.kind === "notification"),
          { timeoutMs: 10_000 },
        );
        expect(answer, name).to.deep.include(reply);
      } else {
        await waitFor(`the session after ${name}`, async () => hostileLog(hostile).find((l) => l.connection === connection + 1), { timeoutMs: 30_000 });
        expect(
          hostileLog(hostile).filter((l) => l.connection === connection && l.kind === "notification"),
          name,
        ).to.deep.equal([]);
      }
      expect(speaker.process.running, `${name}: speaker alive\n${speaker.logText()}`).to.equal(true);
      expect((await speaker.http("/healthz")).status, name).to.equal(200);
      expect((await gobgp.session(lab.speaker.ipv4)).established, name).to.equal(true);
    }
    const calm = CASES.length;
    const routes = await waitFor(
      "the hostile peer, re-established and well-behaved, gets the VIP",
      async () => hostileLog(hostile).find((l) => l.connection === calm && l.nlri?.includes(`${VIP}/32`)),
      { timeoutMs: 30_000 },
    );
    expect(routes.kind).to.equal("update");
    expect(await gobgpHolds()).to.equal(true);
    expect(speaker.logs().filter((l) => l.msg === "session established" && l.peer === lab!.peer.ipv4)).to.have.length(gobgpUps);
    expect(
      speaker.logs().filter((l) => l.level === "error"),
      speaker.logText(),
    ).to.deep.equal([]);
    expect(await speaker.terminate()).to.equal(0);
  });
});
