import { expect } from "chai";
import { Lab, reapStaleLabs } from "./harness/lab";
import { Gobgp } from "./harness/gobgp";
import { Bird } from "./harness/bird";
import { Frr } from "./harness/frr";
import { Exabgp } from "./harness/exabgp";
import { Gobgp as GobgpPeer } from "./harness/gobgp";
import type { PeerDaemon } from "./harness/peer";
import { waitFor } from "./harness/wait";
import { requireInteropHost } from "./harness/host";

const SPEAKER_ASN = 4200000000;
const PEER_ASN = 65001;
const VIP = "192.0.2.10/32";

interface Case {
  readonly kind: string;
  readonly make: (lab: Lab) => PeerDaemon;
}

const spec = (lab: Lab) => ({ asn: PEER_ASN, address: lab.peer.ipv4, neighbors: [{ address: lab.speaker.ipv4, asn: SPEAKER_ASN }] });
const cases: Case[] = [
  { kind: "gobgp", make: (lab) => new GobgpPeer(lab, lab.peer, spec(lab)) },
  { kind: "bird", make: (lab) => new Bird(lab, lab.peer, spec(lab)) },
  { kind: "frr", make: (lab) => new Frr(lab, lab.peer, spec(lab)) },
  { kind: "exabgp", make: (lab) => new Exabgp(lab, lab.peer, spec(lab)) },
];

describe("interop harness: GoBGP as the reference speaker", function () {
  this.timeout(60_000);
  before(async function () {
    requireInteropHost(this);
    await reapStaleLabs();
  });

  for (const c of cases) {
    describe(`GoBGP -> ${c.kind}`, () => {
      let lab: Lab;
      afterEach(async function () {
        await lab?.destroy(this.currentTest?.state === "failed");
      });

      it("establishes and delivers a /32 with next hop, origin, AS_PATH and community", async () => {
        lab = await Lab.create();
        const peer = c.make(lab);
        const reference = new Gobgp(
          lab,
          lab.speaker,
          {
            asn: SPEAKER_ASN,
            address: lab.speaker.ipv4,
            neighbors: [{ address: lab.peer.ipv4, asn: PEER_ASN }],
          },
          "reference-gobgpd",
        );
        await peer.start();
        await reference.start();
        await reference.announce(VIP, lab.speaker.ipv4, ["65000:100"]);
        await waitFor(`${c.kind} session Established`, async () => ((await peer.session(lab.speaker.ipv4)).established ? true : undefined), {
          timeoutMs: 30_000,
        });
        const route = await waitFor(`${VIP} in ${c.kind}`, async () => (await peer.routes()).find((r) => r.prefix === VIP), { timeoutMs: 15_000 });
        expect(route).to.deep.equal({
          prefix: VIP,
          nextHop: lab.speaker.ipv4,
          origin: "IGP",
          asPath: [SPEAKER_ASN],
          communities: ["65000:100"],
          largeCommunities: [],
        });
      });
    });
  }
});
