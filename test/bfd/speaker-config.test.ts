/** The per-peer `bfd` option of the speaker config (BFDProfile spec fields). */
import { expect } from "chai";
import { bfdProfileTimers } from "../../sdk/speaker/bfd-driver";
import { checkSpeakerConfig } from "../../sdk/speaker/config";

function withBfd(bfd: unknown): unknown {
  return {
    localIP: "192.0.2.1",
    localASN: 65000,
    peers: [
      { peerIP: "192.0.2.2", peerASN: 65001, bfd },
      { peerIP: "192.0.2.3", peerASN: 65001 },
    ],
  };
}

describe("speaker config: bfd", () => {
  it("maps BFDProfile fields to the session timers, with MetalLB's defaults (300 ms x 3, active)", () => {
    const config = checkSpeakerConfig(
      withBfd({ transmitInterval: 100, receiveInterval: 200, detectMultiplier: 5, passiveMode: true, echoInterval: 50, minimumTtl: 254 }),
    );
    expect(config.peers[0].bfd).to.deep.equal({ desiredMinTxMs: 100, requiredMinRxMs: 200, detectMultiplier: 5, passive: true });
    expect(checkSpeakerConfig(withBfd({})).peers[0].bfd).to.deep.equal({ desiredMinTxMs: 300, requiredMinRxMs: 300, detectMultiplier: 3, passive: false });
    expect(config.peers[1]).to.not.have.property("bfd");
  });

  it("echoMode runs the Echo function at echoInterval (50 ms by default); without it there is none", () => {
    expect(checkSpeakerConfig(withBfd({ echoMode: true, echoInterval: 40 })).peers[0].bfd).to.include({ echoIntervalMs: 40 });
    expect(checkSpeakerConfig(withBfd({ echoMode: true })).peers[0].bfd).to.include({ echoIntervalMs: 50 });
    expect(checkSpeakerConfig(withBfd({ echoMode: false, echoInterval: 40 })).peers[0].bfd).to.not.have.property("echoIntervalMs");
    expect(bfdProfileTimers({ echoMode: true, echoInterval: 20 })).to.include({ echoIntervalMs: 20 });
  });

  it("maps a typed BFDProfile spec the same way (for the MetalLB mode)", () => {
    expect(bfdProfileTimers({})).to.deep.equal({ desiredMinTxMs: 300, requiredMinRxMs: 300, detectMultiplier: 3, passive: false });
    expect(bfdProfileTimers({ transmitInterval: 50, receiveInterval: 60, detectMultiplier: 4, passiveMode: true, echoInterval: 10 })).to.deep.equal({
      desiredMinTxMs: 50,
      requiredMinRxMs: 60,
      detectMultiplier: 4,
      passive: true,
    });
  });

  const refused: [unknown, string][] = [
    [true, `peers[0].bfd: true is not a mapping of BFDProfile fields (e.g. {transmitInterval: 300, receiveInterval: 300})`],
    [{ transmitInterval: 5 }, "peers[0].bfd.transmitInterval: 5 is not an interval in milliseconds (an integer 10..60000)"],
    [{ detectMultiplier: 1 }, "peers[0].bfd.detectMultiplier: 1 is not a detection multiplier (an integer 2..255)"],
    [{ passiveMode: "yes" }, `peers[0].bfd.passiveMode: "yes" is not true or false`],
    [{ echoMode: "on" }, `peers[0].bfd.echoMode: "on" is not true or false`],
    [{ minimumTtl: 255 }, "peers[0].bfd.minimumTtl: 255 is not a TTL (an integer 1..254)"],
    [
      { interval: 300 },
      "peers[0].bfd.interval: unknown field (known: receiveInterval, transmitInterval, detectMultiplier, echoInterval, echoMode, passiveMode, minimumTtl)",
    ],
  ];
  for (const [bfd, message] of refused) {
    it(`refuses bfd ${JSON.stringify(bfd)}, naming the field and value`, () => {
      expect(() => checkSpeakerConfig(withBfd(bfd))).to.throw(message);
    });
  }
});
