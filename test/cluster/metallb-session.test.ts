/** How a planned MetalLB session becomes the speaker's peer driver options. */
import { expect } from "chai";
import { planMetallbNode } from "../../sdk/cluster/metallb-plan";
import { metallbPeerDriverOptions } from "../../sdk/cluster/metallb-session";
import { metallbBgpPeer } from "../../sdk/model";
import { SpeakerMetrics } from "../../sdk/speaker/metrics";

const logger = { log: () => undefined };
const metrics = new SpeakerMetrics().peer("p");

function session(extra: Parameters<typeof metallbBgpPeer>[0]) {
  const plan = planMetallbNode(
    { peers: [metallbBgpPeer(extra)], pools: [], advertisements: [], bfdProfiles: [], communityAliases: new Map() },
    [{ name: "n1", labels: {}, addresses: ["198.18.0.11"] }],
    [],
    "n1",
  );
  return plan.sessions[0];
}

describe("MetalLB session → peer driver options", () => {
  it("carries TTL, keepalive, families, a dynamic peer AS, the password and the speaker-wide defaults", () => {
    const planned = session({
      name: "p",
      myASN: 64512,
      dynamicASN: "external",
      peerAddress: "198.18.0.254",
      holdTime: "30s",
      keepaliveTime: "5s",
      enableGracefulRestart: true,
    });
    const options = metallbPeerDriverOptions(planned, "secret", { connectRetrySeconds: 7, gracefulRestartSeconds: 120 }, logger, metrics);
    expect(options).to.deep.include({ peerIP: "198.18.0.254", peerPort: 179, localIP: "198.18.0.11", password: "secret", ttl: 1 });
    expect(options.fsm).to.deep.equal({
      localAsn: 64512,
      peerAsn: "external",
      localBgpId: "198.18.0.11",
      holdTimeSeconds: 30,
      keepaliveTimeSeconds: 5,
      connectRetryTimeSeconds: 7,
      families: ["ipv4-unicast"],
      gracefulRestartTimeSeconds: 120,
      restarting: true,
    });
  });

  it("carries the BGPPeer's vrf to the socket options (the VRF device the connections are bound to); none without one", () => {
    const planned = planMetallbNode(
      {
        peers: [metallbBgpPeer({ name: "p", myASN: 64512, peerASN: 65002, peerAddress: "10.1.0.254", vrf: "red" })],
        pools: [],
        advertisements: [],
        bfdProfiles: [],
        communityAliases: new Map(),
      },
      [{ name: "n1", labels: {}, addresses: ["198.18.0.11"] }],
      [],
      "n1",
      new Map([["red", [{ interfaceName: "eth1", address: "10.1.0.11", prefixLength: 24 }]]]),
    ).sessions[0];
    const options = metallbPeerDriverOptions(planned, undefined, { connectRetrySeconds: 7, gracefulRestartSeconds: 0 }, logger, metrics);
    expect(options).to.deep.include({ peerIP: "10.1.0.254", localIP: "10.1.0.11", vrf: "red" });
    const plain = metallbPeerDriverOptions(
      session({ name: "p", myASN: 64512, peerASN: 65002, peerAddress: "198.18.0.254" }),
      undefined,
      { connectRetrySeconds: 7, gracefulRestartSeconds: 0 },
      logger,
      metrics,
    );
    expect(plain).to.not.have.property("vrf");
  });

  it("leaves out what is not set: no password, no keepalive, no graceful restart without enableGracefulRestart; connectTime wins over the default", () => {
    const planned = session({ name: "p", myASN: 64512, peerASN: 64512, peerAddress: "198.18.0.254", connectTime: "3s" });
    const options = metallbPeerDriverOptions(planned, undefined, { connectRetrySeconds: 7, gracefulRestartSeconds: 120 }, logger, metrics);
    expect(options).to.not.have.property("password");
    expect(options.ttl).to.equal(255);
    expect(options.fsm).to.not.have.any.keys("keepaliveTimeSeconds", "gracefulRestartTimeSeconds", "restarting");
    expect(options.fsm.connectRetryTimeSeconds).to.equal(3);
  });

  it("graceful restart only for a BGPPeer with enableGracefulRestart, and for none with --graceful-restart-time 0", () => {
    const offered = (enableGracefulRestart: boolean | undefined, gracefulRestartSeconds: number) =>
      metallbPeerDriverOptions(
        session({
          name: "p",
          myASN: 64512,
          peerASN: 64500,
          peerAddress: "198.18.0.254",
          ...(enableGracefulRestart === undefined ? {} : { enableGracefulRestart }),
        }),
        undefined,
        { connectRetrySeconds: 7, gracefulRestartSeconds },
        logger,
        metrics,
      ).fsm.gracefulRestartTimeSeconds;
    expect(offered(true, 90)).to.equal(90);
    expect(offered(false, 90)).to.equal(undefined);
    expect(offered(undefined, 90)).to.equal(undefined);
    expect(offered(true, 0)).to.equal(undefined);
  });
});
