/**
 * TCP MD5 (RFC 2385) through Linux's TCP_MD5SIG on loopback: the struct
 * layout, a signed connection with the right key in both directions, and
 * no connection with a wrong key or none (the kernel drops unsigned or
 * badly signed segments, so the SYN is never answered: the tests wait for
 * the kernel's drop counter, not for a fixed time).
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { connect, createServer, type NetConnectOpts, type Server, type Socket } from "node:net";
import { connectSessionSocket } from "../../sdk/speaker/session-socket";
import { encodeMd5Sig, listenWithMd5 } from "../../sdk/speaker/tcp-md5";

/** The kernel's counters of segments dropped for TCP MD5 (RFC 2385) reasons, from /proc/net/netstat. */
type Md5Counter = "TCPMD5NotFound" | "TCPMD5Unexpected" | "TCPMD5Failure";

function md5Counters(): Record<Md5Counter, number> {
  const lines = readFileSync("/proc/net/netstat", "utf8")
    .split("\n")
    .filter((line) => line.startsWith("TcpExt:"));
  const names = lines[0].split(" ");
  const values = lines[1].split(" ");
  const value = (name: Md5Counter): number => Number(values[names.indexOf(name)]);
  return { TCPMD5NotFound: value("TCPMD5NotFound"), TCPMD5Unexpected: value("TCPMD5Unexpected"), TCPMD5Failure: value("TCPMD5Failure") };
}

/** After the kernel counted a drop, how long a connection still has to show up before the attempt counts as unanswered. */
const AFTER_DROP_MS = 100;

/**
 * What happened to a connection attempt: connected (and the listener
 * accepted it), dropped (the kernel counted the SYN under `dropCounter` and
 * no connection followed), or nothing within `ms`. Waiting for the counter
 * instead of a fixed time proves the SYN reached the listener's host and
 * was refused for its MD5 option.
 */
function outcome(
  open: (target: NetConnectOpts) => Socket,
  server: Server,
  port: number,
  ms: number,
  dropCounter?: Md5Counter,
): Promise<"connected" | "dropped" | "no answer"> {
  const before = md5Counters();
  let socket: Socket | undefined;
  return new Promise<"connected" | "dropped" | "no answer">((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    const settle = (result: "connected" | "dropped" | "no answer"): void => {
      for (const timer of timers) clearTimeout(timer);
      resolve(result);
    };
    timers.push(setTimeout(() => settle("no answer"), ms));
    const poll = setInterval(() => {
      if (dropCounter === undefined || md5Counters()[dropCounter] === before[dropCounter]) return;
      clearInterval(poll);
      timers.push(setTimeout(() => settle("dropped"), AFTER_DROP_MS));
    }, 10);
    timers.push(poll);
    server.once("connection", (accepted: Socket) => {
      accepted.destroy();
      settle("connected");
    });
    socket = open({ host: "127.0.0.1", port, localAddress: "127.0.0.1" });
    socket.on("error", () => undefined);
  }).finally(() => socket?.destroy());
}

/** Opens a connection signed with `password`. */
function keyed(password: string): (target: NetConnectOpts) => Socket {
  return (target) => connectSessionSocket({ peerIP: "127.0.0.1", password }, target);
}

describe("speaker TCP MD5 (TCP_MD5SIG) on loopback", function () {
  this.timeout(20_000);
  let server: Server | undefined;

  before(function () {
    if (process.platform !== "linux") this.skip();
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function keyedListener(password: string): Promise<number> {
    server = createServer();
    await listenWithMd5(server, "127.0.0.1", 0, [{ address: "127.0.0.1", password }]);
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no listening port");
    return address.port;
  }

  it("lays out struct tcp_md5sig as linux/tcp.h does: sockaddr_storage, flags, prefixlen, keylen, ifindex, key[80]", () => {
    const sig = encodeMd5Sig({ address: "198.18.0.2", password: "bgp" });
    expect(sig.length).to.equal(216);
    expect(sig.subarray(0, 8).toString("hex")).to.equal("0200" + "0000" + "c6120002"); // AF_INET (host order), port 0, address
    expect(sig.readUInt16LE(130)).to.equal(3); // tcpm_keylen
    expect(sig.subarray(136, 139).toString()).to.equal("bgp");
    const v6 = encodeMd5Sig({ address: "2001:db8::2", password: "k" });
    expect(v6.subarray(0, 24).toString("hex")).to.equal("0a00" + "0000" + "00000000" + "20010db8000000000000000000000002");
    expect(() => encodeMd5Sig({ address: "198.18.0.2", password: "x".repeat(81) })).to.throw(RangeError, "TCP MD5 password is 81 octets; it must be 1 to 80");
  });

  it("connects and carries data when both ends have the same key", async () => {
    const port = await keyedListener("right horse");
    const received = new Promise<string>((resolve) => server?.once("connection", (s: Socket) => s.once("data", (d: Buffer) => resolve(d.toString()))));
    const client = connectSessionSocket({ peerIP: "127.0.0.1", password: "right horse" }, { host: "127.0.0.1", port, localAddress: "127.0.0.1" });
    client.once("connect", () => client.write("hello"));
    expect(await received).to.equal("hello");
    client.destroy();
  });

  it("a keyed listener never answers a connection signed with a wrong key or unsigned", async () => {
    const port = await keyedListener("right horse");
    expect(await outcome(keyed("wrong horse"), server!, port, 10_000, "TCPMD5Failure")).to.equal("dropped");
    expect(await outcome(connect, server!, port, 10_000, "TCPMD5NotFound")).to.equal("dropped");
    // The same listener still takes the right key afterwards.
    expect(await outcome(keyed("right horse"), server!, port, 10_000)).to.equal("connected");
  });

  it("a keyed listener on a port already in use fails naming the address and EADDRINUSE", async () => {
    const port = await keyedListener("right horse");
    const second = createServer();
    const error = await listenWithMd5(second, "127.0.0.1", port, [{ address: "127.0.0.1", password: "right horse" }]).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error?.message).to.equal(`binding 127.0.0.1:${port}: EADDRINUSE`);
    expect(error?.message).to.not.include("right horse");
  });

  it("an unkeyed listener never answers a signed connection", async () => {
    server = createServer();
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no listening port");
    expect(await outcome(keyed("right horse"), server, address.port, 10_000, "TCPMD5Unexpected")).to.equal("dropped");
  });
});
