/**
 * BFD: codec cost per Control packet, and failure detection of the UDP
 * driver on loopback at MetalLB's 300 ms x 3 against a peer that falls
 * silent (measured from the peer's last packet and from the moment it fell
 * silent to the driver's path-down event).
 */
import { decodeControlPacket, encodeControlPacket, type ControlPacket } from "../sdk/bfd/packet";
import { BfdDriver, type BfdStateChange } from "../sdk/speaker/bfd-driver";
import { LoopbackPeer } from "../test/bfd/loopback-peer";

const PACKET: ControlPacket = {
  diagnostic: 0,
  state: "Up",
  poll: false,
  final: false,
  controlPlaneIndependent: false,
  demand: false,
  detectMult: 3,
  myDiscriminator: 0x1234,
  yourDiscriminator: 0x5678,
  desiredMinTxUs: 300_000,
  requiredMinRxUs: 300_000,
  requiredMinEchoRxUs: 0,
};
const TIMERS = { desiredMinTxMs: 300, requiredMinRxMs: 300, detectMultiplier: 3, passive: false };
const TRIALS = 5;

function codec(): void {
  const count = 1_000_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) decodeControlPacket(encodeControlPacket(PACKET));
  const ns = Number(process.hrtime.bigint() - start) / count;
  console.log(`\nBFD codec: encode + decode of one Control packet ${ns.toFixed(0)} ns (${(1e9 / ns / 1e6).toFixed(2)} M packets/s)`);
}

async function detectionTrial(): Promise<{ fromLastPacketMs: number; fromSilenceMs: number }> {
  const driver = new BfdDriver({ localIP: "127.0.0.1", logger: { log: () => undefined } });
  driver.addPeer("127.0.0.2", TIMERS);
  let resolveDown: (change: BfdStateChange) => void = () => undefined;
  const down = new Promise<BfdStateChange>((resolve) => (resolveDown = resolve));
  let resolveUp: () => void = () => undefined;
  const up = new Promise<void>((resolve) => (resolveUp = resolve));
  driver.subscribe("127.0.0.2", (change) => (change.pathDown ? resolveDown(change) : change.to === "Up" && resolveUp()));
  await driver.start();
  const peer = await LoopbackPeer.start("127.0.0.2", "127.0.0.1", { ...TIMERS, localDiscriminator: 42 });
  try {
    await up;
    await new Promise((resolve) => setTimeout(resolve, 1000 + Math.random() * 300));
    peer.fallSilent();
    const silentAt = Date.now();
    const lastSent = peer.lastSentAt;
    await down;
    return { fromLastPacketMs: Date.now() - lastSent, fromSilenceMs: Date.now() - silentAt };
  } finally {
    await driver.stop();
    await peer.close();
  }
}

/** Prints the BFD tables. */
export async function benchBfd(): Promise<void> {
  codec();
  const trials: { fromLastPacketMs: number; fromSilenceMs: number }[] = [];
  for (let i = 0; i < TRIALS; i++) trials.push(await detectionTrial());
  const stats = (values: number[]): string => {
    const sorted = [...values].sort((a, b) => a - b);
    return `min ${sorted[0]} / median ${sorted[Math.floor(sorted.length / 2)]} / max ${sorted.at(-1)} ms`;
  };
  console.log(`BFD failure detection on loopback, 300 ms x 3 (detection time 900 ms), ${TRIALS} trials:`);
  console.log(`  from the peer's last packet: ${stats(trials.map((t) => t.fromLastPacketMs))}`);
  console.log(`  from the peer falling silent: ${stats(trials.map((t) => t.fromSilenceMs))}`);
}
