/**
 * The BFD Echo function (RFC 5880 §6.4, RFC 5881 §4) of `bgplb advertise`
 * against FRR bfdd with `echo-mode`, in network namespaces that forward
 * (as a router and a node do): our Echo packets go out as frames to the
 * router's MAC address, its forwarding sends them back, and when it stops
 * doing so the speaker takes BFD and BGP down with Echo Function Failed
 * while the Control packets still flow.
 */
import { expect } from "chai";
import { missingPrograms, requirePrerequisites } from "../setup/prerequisites";
import { BFD_ROUTER_PROGRAMS, FrrBfd } from "./harness/bfd";
import { Lab, type LinkEnd } from "./harness/lab";
import { labPerTest } from "./harness/lab-hooks";
import { runInNamespace } from "./harness/process";
import { SpeakerProcess, type SpeakerLogLine } from "./harness/speaker";
import { waitFor } from "./harness/wait";

const SPEAKER_ASN = 64512;
const ROUTER_ASN = 64513;
const VIP = "192.0.2.10";
const ECHO_MS = 50;

/** The Echo packets the router forwards back to `speaker`: counted in its FORWARD chain. */
async function echoesForwarded(router: LinkEnd, speaker: string): Promise<number> {
  const out = (await runInNamespace(router.ns, "iptables", ["-L", "FORWARD", "-v", "-n", "-x"])).stdout;
  const line = out.split("\n").find((l) => l.includes("dpt:3785") && l.includes(speaker) && !l.includes("DROP"));
  return Number(line?.trim().split(/\s+/)[0] ?? NaN);
}

describe("BFD Echo against FRR bfdd (echo-mode)", function () {
  this.timeout(90_000);
  let lab: Lab | undefined;
  labPerTest(
    () => lab,
    () => (lab = undefined),
    (ctx) => requirePrerequisites(ctx, missingPrograms(BFD_ROUTER_PROGRAMS)),
  );

  it("BFD Echo: our Echo packets are looped back by the router while Up; when it stops, BFD goes Down with Echo Function Failed and BGP with it", async () => {
    const l = (lab = await Lab.create());
    for (const end of [l.speaker, l.peer]) await runInNamespace(end.ns, "sysctl", ["-qw", "net.ipv4.ip_forward=1"]);
    await runInNamespace(l.peer.ns, "iptables", ["-A", "FORWARD", "-p", "udp", "--dport", "3785", "-s", l.speaker.ipv4, "-d", l.speaker.ipv4]);
    const router = new FrrBfd(l, l.peer, {
      asn: ROUTER_ASN,
      neighbor: { address: l.speaker.ipv4, asn: SPEAKER_ASN },
      timers: { intervalMs: 300, detectMultiplier: 3 },
      echoIntervalMs: ECHO_MS,
    });
    await router.start();
    const speaker = new SpeakerProcess(l, {
      config: {
        localIP: l.speaker.ipv4,
        localASN: SPEAKER_ASN,
        holdTime: 9,
        connectRetryTime: 1,
        peers: [
          {
            peerIP: l.peer.ipv4,
            peerASN: ROUTER_ASN,
            bfd: { receiveInterval: 300, transmitInterval: 300, detectMultiplier: 3, echoMode: true, echoInterval: ECHO_MS },
          },
        ],
      },
      advertiseIps: [VIP],
    });
    speaker.start();
    const isChange = (to: string) => (line: SpeakerLogLine) => line.msg === "BFD state changed" && line.to === to;
    await waitFor("FRR BFD Up", async () => ((await router.bfdState()) === "up" ? true : undefined), { timeoutMs: 30_000 });
    const up = await speaker.waitLog("BFD Up", isChange("Up"));
    expect(up.echoIntervalMs, "Echo active at the agreed interval").to.equal(ECHO_MS);
    await waitFor(
      "FRR BGP Established with the route",
      async () => ((await router.bgpEstablished()) && (await router.prefixes()).includes(`${VIP}/32`) ? true : undefined),
      {
        timeoutMs: 30_000,
      },
    );
    expect(await router.bfdDetail(), "FRR sees our Required Min Echo RX Interval").to.match(/Remote timers:[\s\S]*Echo receive interval: 50ms/);
    const looped = await waitFor("Echo packets looped by the router", async () => ((await echoesForwarded(l.peer, l.speaker.ipv4)) >= 20 ? true : undefined), {
      timeoutMs: 10_000,
    });
    expect(looped).to.equal(true);
    expect(speaker.logs().filter(isChange("Down")), "Echo keeps the session Up").to.deep.equal([]);

    // The router stops looping our Echo packets; Control packets (UDP 3784) still flow both ways.
    await runInNamespace(l.peer.ns, "iptables", ["-I", "FORWARD", "-p", "udp", "--dport", "3785", "-s", l.speaker.ipv4, "-j", "DROP"]);
    const cutAt = Date.now();
    const down = await speaker.waitLog("BFD Down", isChange("Down"), 10_000);
    expect(down.diagnostic).to.equal("Echo Function Failed");
    process.stdout.write(`      BFD Echo (${ECHO_MS} ms x 3): the speaker found the Echo path down after ${Date.parse(String(down.time)) - cutAt} ms\n`);
    await speaker.waitLog("BGP stopped by BFD", (line) => line.msg === "BFD session down: stopping the BGP session");
    await waitFor(
      "FRR BGP down and the route gone",
      async () => (!(await router.bgpEstablished()) && !(await router.prefixes()).includes(`${VIP}/32`) ? true : undefined),
      {
        timeoutMs: 15_000,
      },
    );
  });
});
