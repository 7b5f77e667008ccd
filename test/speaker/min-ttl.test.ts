/** The GTSM receive check (a BPF socket filter through koffi): datagrams below the minimum TTL / hop limit never arrive. */
import { expect } from "chai";
import { createSocket, type Socket } from "node:dgram";
import { bindWithMinTtl } from "../../sdk/speaker/min-ttl";

async function sender(type: "udp4" | "udp6", ttl: number): Promise<Socket> {
  const socket = createSocket(type);
  await new Promise<void>((resolve) => socket.bind(0, type === "udp4" ? "127.0.0.1" : "::1", () => resolve()));
  socket.setTTL(ttl);
  return socket;
}

/** The payloads `receiver` gets while each sender sends its TTL as text. */
async function received(receiver: Socket, type: "udp4" | "udp6", ttls: readonly number[]): Promise<string[]> {
  const got: string[] = [];
  receiver.on("message", (bytes) => got.push(bytes.toString()));
  const { address, port } = receiver.address();
  for (const ttl of ttls) {
    const s = await sender(type, ttl);
    await new Promise<void>((resolve) => s.send(String(ttl), port, address, () => resolve()));
    s.close();
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  return got.sort();
}

describe("minimum receive TTL (GTSM) on a UDP socket", function () {
  if (process.platform !== "linux") return;

  for (const type of ["udp4", "udp6"] as const) {
    it(`${type}: with minimum 255 only the TTL-255 datagram arrives; 254 and 64 are dropped by the kernel`, async () => {
      const receiver = await bindWithMinTtl(type === "udp4" ? "127.0.0.1" : "::1", 0, 255);
      try {
        expect(await received(receiver, type, [64, 254, 255])).to.deep.equal(["255"]);
      } finally {
        receiver.close();
      }
    });
  }

  it("with minimum 1 every datagram arrives (the filter, not the socket, drops them)", async () => {
    const receiver = await bindWithMinTtl("127.0.0.1", 0, 1);
    try {
      expect(await received(receiver, "udp4", [64, 254, 255])).to.deep.equal(["254", "255", "64"]);
    } finally {
      receiver.close();
    }
  });

  it("refuses a minimum outside 1..255 and names a port in use", async () => {
    await bindWithMinTtl("127.0.0.1", 0, 0).then(
      () => expect.fail("accepted 0"),
      (error: Error) => expect(error.message).to.equal("minimum TTL 0 is not 1..255"),
    );
    const taken = await bindWithMinTtl("127.0.0.1", 0, 255);
    try {
      await bindWithMinTtl("127.0.0.1", taken.address().port, 255).then(
        () => expect.fail("bound twice"),
        (error: Error) => expect(error.message).to.match(/^binding 127\.0\.0\.1 port \d+: EADDRINUSE$/),
      );
    } finally {
      taken.close();
    }
  });
});
