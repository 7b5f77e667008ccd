import { expect } from "chai";
import { checkSpeakerConfig, ConfigError, parseSpeakerConfig } from "../../sdk/speaker/config";

/** `count` distinct peer addresses in 10.0.0.0/8. */
function peerAddresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`);
}

function configDocument(peers: readonly string[]): Record<string, unknown> {
  return { localIP: "192.0.2.1", localASN: 65000, peers: peers.map((peerIP) => ({ peerIP, peerASN: 65001 })) };
}

function configText(peers: readonly string[]): string {
  return `localIP: 192.0.2.1\nlocalASN: 65000\npeers:\n${peers.map((ip) => `  - {peerIP: ${ip}, peerASN: 65001}\n`).join("")}`;
}

function configError(check: () => unknown): ConfigError {
  try {
    check();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("speaker config: peers", () => {
  const many = peerAddresses(100_000);

  it("takes 100,000 distinct peers, in order", () => {
    const config = checkSpeakerConfig(configDocument(many));
    expect(config.peers).to.have.length(100_000);
    expect(config.peers[99_999]).to.deep.equal({ peerIP: "10.1.134.159", peerASN: 65001, peerPort: 179 });
  });

  it("names the second occurrence of a repeated peer and the first, also among 100,000", () => {
    const err = configError(() => checkSpeakerConfig(configDocument([...many, many[70_001]!])));
    expect([err.field, err.message]).to.deep.equal(["peers[100000].peerIP", 'peers[100000].peerIP: "10.1.17.113" is already peers[70001].peerIP']);
    const small = configError(() => parseSpeakerConfig(configText(["10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.2"])));
    expect(small.message).to.equal('peers[2].peerIP: "10.0.0.1" is already peers[0].peerIP');
  });

  it("refuses a peer that is localIP itself, and a next hop listed twice", () => {
    expect(configError(() => parseSpeakerConfig(configText(["10.0.0.1", "192.0.2.1"]))).message).to.equal('peers[1].peerIP: "192.0.2.1" is localIP itself');
    const hops = configError(() => parseSpeakerConfig(`${configText(["10.0.0.1"])}nextHops: [192.0.2.1, 192.0.2.3, 192.0.2.1]\n`));
    expect(hops.message).to.equal('nextHops[2]: "192.0.2.1" is already nextHops[0]');
  });

  it("refuses 0.0.0.0 as the BGP identifier, given as routerID or defaulting from localIP", () => {
    expect(configError(() => checkSpeakerConfig({ ...configDocument(["10.0.0.1"]), routerID: "0.0.0.0" })).message).to.equal('routerID: "0.0.0.0" is not a valid BGP identifier (RFC 6286: non-zero)');
    expect(configError(() => checkSpeakerConfig({ ...configDocument(["10.0.0.1"]), localIP: "0.0.0.0" })).message).to.equal(
      'localIP: "0.0.0.0" cannot be the BGP identifier, which defaults to localIP (give routerID)',
    );
    expect(checkSpeakerConfig({ ...configDocument(["10.0.0.1"]), localIP: "0.0.0.0", routerID: "192.0.2.1" }).routerID).to.equal("192.0.2.1");
  });
});
