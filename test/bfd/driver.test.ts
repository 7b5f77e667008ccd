/** The UDP BFD driver on loopback against a sans-IO peer: Up, path failure, AdminDown, bad input. */
import { expect } from "chai";
import { createSocket } from "node:dgram";
import { BFD_CONTROL_PORT } from "../../sdk/bfd/packet";
import { BfdDriver, type BfdStateChange } from "../../sdk/speaker/bfd-driver";
import type { LogFields, Logger, LogLevel } from "../../sdk/speaker/log";
import { LoopbackPeer } from "./loopback-peer";

const LOCAL = "127.0.0.1";
const REMOTE = "127.0.0.2";
const FAST = { desiredMinTxMs: 20, requiredMinRxMs: 20, detectMultiplier: 3, passive: false };

function until<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      const value = probe();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 5);
    };
    tick();
  });
}

describe("bfd UDP driver (loopback)", function () {
  this.timeout(15_000);
  let driver: BfdDriver | undefined;
  let peer: LoopbackPeer | undefined;
  const lines: { level: LogLevel; msg: string; fields: LogFields }[] = [];
  const logger: Logger = { log: (level, msg, fields = {}) => lines.push({ level, msg, fields }) };

  afterEach(async () => {
    await driver?.stop();
    await peer?.close();
    driver = undefined;
    peer = undefined;
    lines.length = 0;
  });

  async function upPair(): Promise<BfdStateChange[]> {
    driver = new BfdDriver({ localIP: LOCAL, logger });
    driver.addPeer(REMOTE, FAST);
    const changes: BfdStateChange[] = [];
    driver.subscribe(REMOTE, (c) => changes.push(c));
    await driver.start();
    peer = await LoopbackPeer.start(REMOTE, LOCAL, { ...FAST, localDiscriminator: 7 });
    await until("both Up", () => (driver!.state(REMOTE) === "Up" && peer!.state === "Up" ? true : undefined));
    return changes;
  }

  it("comes Up with the peer, and a silent peer is a path failure (Control Detection Time Expired) within the detection time", async () => {
    const changes = await upPair();
    peer!.fallSilent();
    const silentAt = Date.now();
    const down = await until("Down", () => changes.find((c) => c.to === "Down"));
    expect(down).to.deep.equal({ peerIP: REMOTE, from: "Up", to: "Down", diagnostic: "Control Detection Time Expired", pathDown: true });
    // Detection time is 60 ms; the generous bound only says "detected, not by some other means later".
    expect(Date.now() - silentAt).to.be.below(1000);
  });

  it("the peer's AdminDown takes the session Down but is not a path failure (RFC 5882 §3.2)", async () => {
    const changes = await upPair();
    peer!.adminDown();
    const down = await until("Down", () => changes.find((c) => c.to === "Down"));
    expect(down).to.include({ diagnostic: "Neighbor Signaled Session Down", pathDown: false });
  });

  it("stopping the driver tells the peer AdminDown, which the peer does not take as a failure", async () => {
    await upPair();
    await driver!.stop();
    driver = undefined;
    await until("peer Down", () => (peer!.state === "Down" ? true : undefined));
    expect(peer!.changes.at(-1)).to.equal("Up->Down");
    expect(peer!.remoteState).to.equal("AdminDown");
  });

  it("garbage and packets from another address are discarded; the session stays Up", async () => {
    await upPair();
    const stranger = createSocket("udp4");
    await new Promise<void>((resolve) => stranger.bind({ address: "127.0.0.3", port: 0 }, () => resolve()));
    stranger.setTTL(255); // past the kernel's GTSM filter, so the driver's own checks are what discard them
    // A well-formed Down packet (My Discriminator 7, Your Discriminator 0), but from 127.0.0.3.
    const spoof = Buffer.from("204003180000000700000000000f4240000f424000000000", "hex");
    for (const bytes of [Buffer.from("hello"), Buffer.alloc(24), spoof]) {
      await new Promise<void>((resolve) => stranger.send(bytes, BFD_CONTROL_PORT, LOCAL, () => resolve()));
    }
    stranger.close();
    await until("three discards logged", () => (lines.filter((l) => l.msg === "BFD packet discarded").length >= 3 ? true : undefined));
    expect(driver!.state(REMOTE)).to.equal("Up");
  });

  it("GTSM: a Down packet from the peer's own address with TTL 254 is dropped by the kernel; the same packet with TTL 255 takes the session Down", async function () {
    if (process.platform !== "linux") this.skip();
    const changes = await upPair();
    // A well-formed Down packet (My Discriminator 7, Your Discriminator 0) from the peer's address.
    const down = Buffer.from("204003180000000700000000000f4240000f424000000000", "hex");
    const send = async (ttl: number): Promise<void> => {
      const forger = createSocket("udp4");
      await new Promise<void>((resolve) => forger.bind({ address: REMOTE, port: 0 }, () => resolve()));
      forger.setTTL(ttl);
      await new Promise<void>((resolve) => forger.send(down, BFD_CONTROL_PORT, LOCAL, () => resolve()));
      forger.close();
    };
    await send(254);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(driver!.state(REMOTE)).to.equal("Up");
    expect(changes.filter((c) => c.to === "Down")).to.deep.equal([]);
    await send(255);
    await until("Down after the TTL-255 packet", () => (changes.some((c) => c.to === "Down") ? true : undefined), 2000);
  });

  it("in a VRF the node does not have, start fails naming the address, the port, the VRF and the reason, and stop after it is clean", async () => {
    driver = new BfdDriver({ localIP: LOCAL, vrf: "bgplbnovrf0", logger });
    driver.addPeer(REMOTE, FAST);
    const failure = await driver.start().then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).to.match(
      /^BFD socket on 127\.0\.0\.1 port 3784 in VRF bgplbnovrf0: binding the socket to VRF device "bgplbnovrf0" \(SO_BINDTODEVICE\): (ENODEV|EPERM)$/,
    );
  });

  it("refuses a second session to the same peer, timers out of range and a peer of the other family, naming them", () => {
    driver = new BfdDriver({ localIP: LOCAL, logger });
    driver.addPeer(REMOTE, FAST);
    expect(() => driver!.addPeer(REMOTE, FAST)).to.throw(RangeError, /BFD peer 127.0.0.2 is already configured/);
    expect(() => driver!.addPeer("127.0.0.9", { ...FAST, detectMultiplier: 0 })).to.throw(RangeError, /detectMultiplier: 0/);
    expect(() => driver!.addPeer("::1", FAST)).to.throw(RangeError, "BFD peer ::1 is not of the family of the local address 127.0.0.1");
  });
});
