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
    expect(config.peers[99_999]).to.deep.equal({ peerIP: "10.1.134.159", peerASN: 65001, peerPort: 179, gracefulRestart: false });
  });

  it("names the second occurrence of a repeated peer and the first, also among 100,000", () => {
    const err = configError(() => checkSpeakerConfig(configDocument([...many, many[70_001]])));
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
    expect(configError(() => checkSpeakerConfig({ ...configDocument(["10.0.0.1"]), routerID: "0.0.0.0" })).message).to.equal(
      'routerID: "0.0.0.0" is not a valid BGP identifier (RFC 6286: non-zero)',
    );
    expect(configError(() => checkSpeakerConfig({ ...configDocument(["10.0.0.1"]), localIP: "0.0.0.0" })).message).to.equal(
      'localIP: "0.0.0.0" cannot be the BGP identifier, which defaults to localIP (give routerID)',
    );
    expect(checkSpeakerConfig({ ...configDocument(["10.0.0.1"]), localIP: "0.0.0.0", routerID: "192.0.2.1" }).routerID).to.equal("192.0.2.1");
  });
});

describe("speaker config: TCP MD5 password and graceful restart", () => {
  const withPeer = (peer: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    localIP: "192.0.2.1",
    localASN: 65000,
    peers: [{ peerIP: "10.0.0.1", peerASN: 65001, ...peer }],
    ...extra,
  });

  it("takes a per-peer password of 1 to 80 octets and graceful restart with a 120 s default restart time", () => {
    const config = checkSpeakerConfig(withPeer({ password: "s3cr\u00e9t", gracefulRestart: true }));
    expect(config.peers[0]).to.deep.equal({ peerIP: "10.0.0.1", peerASN: 65001, peerPort: 179, password: "s3cr\u00e9t", gracefulRestart: true });
    expect(config.gracefulRestartTime).to.equal(120);
    expect(checkSpeakerConfig(withPeer({ password: "x".repeat(80) }, { gracefulRestartTime: 4095 })).gracefulRestartTime).to.equal(4095);
  });

  it("refuses an empty, an 81-octet or a non-string password without showing the value", () => {
    const secret = "\u00e9".repeat(41);
    const cases: [unknown, string][] = [
      ["", "peers[0].password: is 0 octets long; a TCP MD5 password is 1 to 80 octets (value not shown)"],
      [secret, "peers[0].password: is 82 octets long; a TCP MD5 password is 1 to 80 octets (value not shown)"],
      [12345678, "peers[0].password: is a number, not a string (value not shown)"],
    ];
    for (const [password, message] of cases) {
      const err = configError(() => checkSpeakerConfig(withPeer({ password })));
      expect(err.message).to.equal(message);
      expect(err.message).to.not.include(String(password) || "\u0000");
    }
  });

  it("refuses a restart time outside 1..4095 and a graceful restart flag that is not a boolean", () => {
    expect(configError(() => checkSpeakerConfig(withPeer({}, { gracefulRestartTime: 4096 }))).message).to.equal(
      "gracefulRestartTime: 4096 is not a restart time in seconds (an integer 1..4095)",
    );
    expect(configError(() => checkSpeakerConfig(withPeer({ gracefulRestart: "yes" }))).message).to.equal(
      'peers[0].gracefulRestart: "yes" is not true or false',
    );
  });
});
