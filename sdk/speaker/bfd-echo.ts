/**
 * BFD Echo packets (RFC 5880 §6.4, RFC 5881 §4) for single-hop IPv4
 * sessions. An Echo packet is a UDP datagram to port 3785 whose source and
 * destination are both our address: the peer's forwarding sends it back.
 * The node's own kernel can neither send it to the peer (it routes our own
 * address locally) nor take it back (a packet arriving with one of our
 * addresses as source is dropped as martian unless `accept_local` is set),
 * so both go through one `AF_PACKET` socket on the interface of the local
 * address: frames are written to the peer's MAC address (from the kernel's
 * ARP table) and the returning ones are read back, the kernel filtering
 * them with a BPF program. libuv cannot watch such a socket, so it is read
 * on a short timer. The payload carries our discriminator and a sequence
 * number; only our own come back. In a VRF this works unchanged: the
 * packet socket is below IP routing, on the VRF's member interface that
 * carries the local address, and reads only that interface's ARP entries.
 */
import { parseIp } from "../net";
import { readTextInput } from "../io/read-input";
import { interfaceAddresses, nodeDevices } from "./vrf";
import { AF_PACKET, MSG_DONTWAIT, SOCK_CLOEXEC, SOCK_DGRAM, intOption, loadLibc, systemError, type Libc, type SocketFilterInstruction } from "./libc";

/** UDP port of BFD Echo packets (RFC 5881 §4). */
export const BFD_ECHO_PORT = 3785;
const ETH_P_IP = 0x0800;
const SOCKADDR_LL = 20;
const SOL_PACKET = 263;
const PACKET_IGNORE_OUTGOING = 23;
const IPPROTO_UDP = 17;
const IP_HEADER = 20;
const UDP_HEADER = 8;
/** Marks our Echo payload ("bgeb"), then discriminator and sequence. */
const ECHO_MAGIC = 0x62676562;
const ECHO_PAYLOAD = 12;
const ARP_TABLE = "/proc/net/arp";
/** How long a read of the ARP table is used before it is read again, ms. */
const ARP_TABLE_MAX_AGE_MS = 1_000;

function ipv4Octets(address: string): Buffer {
  const ip = parseIp(address);
  if (ip.family !== 4) throw new RangeError(`BFD Echo is IPv4 only; ${ip.text} is IPv6`);
  const octets = Buffer.alloc(4);
  octets.writeUInt32BE(Number(ip.value));
  return octets;
}

/** The RFC 1071 checksum of `bytes`. */
function checksum(bytes: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += bytes.readUInt16BE(i);
  if (bytes.length % 2 === 1) sum += bytes[bytes.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * The IPv4 packet of one Echo: from and to `localIP`, TTL 255, UDP from
 * `sourcePort` to 3785, payload magic + `discriminator` + `sequence` (UDP
 * checksum 0, allowed over IPv4).
 */
export function encodeEchoPacket(localIP: string, sourcePort: number, discriminator: number, sequence: number): Buffer {
  const address = ipv4Octets(localIP);
  const packet = Buffer.alloc(IP_HEADER + UDP_HEADER + ECHO_PAYLOAD);
  packet.writeUInt8(0x45, 0);
  packet.writeUInt8(0xc0, 1); // network control
  packet.writeUInt16BE(packet.length, 2);
  packet.writeUInt8(255, 8);
  packet.writeUInt8(IPPROTO_UDP, 9);
  address.copy(packet, 12);
  address.copy(packet, 16);
  packet.writeUInt16BE(checksum(packet.subarray(0, IP_HEADER)), 10);
  packet.writeUInt16BE(sourcePort, IP_HEADER);
  packet.writeUInt16BE(BFD_ECHO_PORT, IP_HEADER + 2);
  packet.writeUInt16BE(UDP_HEADER + ECHO_PAYLOAD, IP_HEADER + 4);
  packet.writeUInt32BE(ECHO_MAGIC, IP_HEADER + UDP_HEADER);
  packet.writeUInt32BE(discriminator >>> 0, IP_HEADER + UDP_HEADER + 4);
  packet.writeUInt32BE(sequence >>> 0, IP_HEADER + UDP_HEADER + 8);
  return packet;
}

/** The discriminator and sequence of one of our Echo packets come back, or undefined for anything else. */
export function decodeEchoPacket(packet: Buffer, localIP: string): { discriminator: number; sequence: number } | undefined {
  if (packet.length < IP_HEADER || packet[0] >> 4 !== 4) return undefined;
  const headerLength = (packet[0] & 0x0f) * 4;
  const address = ipv4Octets(localIP);
  if (packet[9] !== IPPROTO_UDP || !packet.subarray(12, 16).equals(address) || !packet.subarray(16, 20).equals(address)) return undefined;
  const payload = headerLength + UDP_HEADER;
  if (packet.length < payload + ECHO_PAYLOAD || packet.readUInt16BE(headerLength + 2) !== BFD_ECHO_PORT) return undefined;
  if (packet.readUInt32BE(payload) !== ECHO_MAGIC) return undefined;
  return { discriminator: packet.readUInt32BE(payload + 4), sequence: packet.readUInt32BE(payload + 8) };
}

/** Classic BPF over the network header: accept UDP from and to `localIP` to port 3785, drop the rest. */
export function echoFilter(localIP: string): SocketFilterInstruction[] {
  const address = ipv4Octets(localIP).readUInt32BE(0);
  const LD_B = 0x30;
  const LD_W = 0x20;
  const LD_H_IND = 0x48;
  const LDX_MSH = 0xb1;
  const JEQ = 0x15;
  const RET = 0x06;
  return [
    { code: LD_B, jt: 0, jf: 0, k: 9 },
    { code: JEQ, jt: 0, jf: 8, k: IPPROTO_UDP },
    { code: LD_W, jt: 0, jf: 0, k: 12 },
    { code: JEQ, jt: 0, jf: 6, k: address },
    { code: LD_W, jt: 0, jf: 0, k: 16 },
    { code: JEQ, jt: 0, jf: 4, k: address },
    { code: LDX_MSH, jt: 0, jf: 0, k: 0 },
    { code: LD_H_IND, jt: 0, jf: 0, k: 2 },
    { code: JEQ, jt: 0, jf: 1, k: BFD_ECHO_PORT },
    { code: RET, jt: 0, jf: 0, k: 0xffffffff },
    { code: RET, jt: 0, jf: 0, k: 0 },
  ];
}

/**
 * The complete entries of interface `device` in a `/proc/net/arp` text:
 * IPv4 address → MAC address (6 octets). Other interfaces' entries are left
 * out: the same address may be another host there (another VRF).
 */
export function parseArpTable(text: string, device: string): Map<string, Buffer> {
  const table = new Map<string, Buffer>();
  for (const line of text.split("\n").slice(1)) {
    const [address, , flags, mac, , on] = line.trim().split(/\s+/);
    if (address === undefined || mac === undefined || on !== device || !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac) || (Number(flags) & 0x2) === 0) continue;
    table.set(address, Buffer.from(mac.replaceAll(":", ""), "hex"));
  }
  return table;
}

/** The `struct sockaddr_ll` of an IPv4 frame to `mac` out of interface `ifindex`. */
function frameDestination(ifindex: number, mac: Buffer): Buffer {
  const destination = Buffer.alloc(SOCKADDR_LL);
  destination.writeUInt16LE(AF_PACKET, 0);
  destination.writeUInt16BE(ETH_P_IP, 2);
  destination.writeInt32LE(ifindex, 4);
  destination.writeUInt8(6, 11);
  mac.copy(destination, 12);
  return destination;
}

/** The Echo packets of every session of one local IPv4 address (see the module comment). */
export class BfdEchoPort {
  private readonly buffer = Buffer.alloc(2048);
  private arp: { table: Map<string, Buffer>; readAt: number } | undefined;
  private readonly poll: NodeJS.Timeout;

  private constructor(
    private readonly c: Libc,
    private readonly fd: number,
    private readonly ifindex: number,
    private readonly interfaceName: string,
    private readonly localIP: string,
    private readonly sourcePort: number,
    onEcho: (discriminator: number, sequence: number) => void,
    pollMs: number,
  ) {
    this.poll = setInterval(() => {
      for (;;) {
        const received = this.c.recv(this.fd, this.buffer, this.buffer.length, MSG_DONTWAIT);
        if (received <= 0) return;
        const echo = decodeEchoPacket(this.buffer.subarray(0, received), this.localIP);
        if (echo) onEcho(echo.discriminator, echo.sequence);
      }
    }, pollMs);
  }

  /**
   * Opens the port on the interface holding `localIP` (in VRF `vrf`: the
   * one of its interfaces that does), reading returned Echo packets every
   * `pollMs` and handing ours to `onEcho`.
   * @throws Error naming the address or the failed call.
   */
  static open(localIP: string, sourcePort: number, pollMs: number, onEcho: (discriminator: number, sequence: number) => void, vrf?: string): BfdEchoPort {
    const name =
      vrf === undefined
        ? interfaceAddresses().find((a) => a.address === parseIp(localIP).text)?.interfaceName
        : nodeDevices()
            .get(vrf)
            ?.find((a) => a.address === localIP)?.interfaceName;
    if (name === undefined) throw new Error(`BFD Echo: no network interface${vrf === undefined ? "" : ` in VRF ${vrf}`} carries ${localIP}`);
    const c = loadLibc("BFD Echo packets (AF_PACKET socket)");
    const ifindex = c.if_nametoindex(name);
    if (ifindex === 0) throw systemError(`BFD Echo: interface ${name}`, c.errno());
    const fd = c.socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, ((ETH_P_IP & 0xff) << 8) | (ETH_P_IP >> 8));
    if (fd < 0) throw systemError(`BFD Echo: opening a packet socket on ${name}`, c.errno());
    try {
      const on = intOption(1);
      if (c.setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, on, on.length) !== 0)
        throw systemError("BFD Echo: PACKET_IGNORE_OUTGOING (Linux 4.20 or later)", c.errno());
      if (c.attachFilter(fd, echoFilter(localIP)) !== 0) throw systemError("BFD Echo: attaching the Echo filter", c.errno());
      const local = frameDestination(ifindex, Buffer.alloc(6));
      if (c.bind(fd, local, local.length) !== 0) throw systemError(`BFD Echo: binding the packet socket to ${name}`, c.errno());
    } catch (error) {
      c.close(fd);
      throw error;
    }
    return new BfdEchoPort(c, fd, ifindex, name, localIP, sourcePort, onEcho, pollMs);
  }

  /** Sends one Echo packet through `peerIP`; false when the peer's MAC address is not (yet) known. */
  send(peerIP: string, discriminator: number, sequence: number): boolean {
    const now = Date.now();
    if (!this.arp || now - this.arp.readAt > ARP_TABLE_MAX_AGE_MS)
      this.arp = { table: parseArpTable(readTextInput(ARP_TABLE, { maxBytes: 1 << 20 }), this.interfaceName), readAt: now };
    const mac = this.arp.table.get(peerIP);
    if (!mac) return false;
    const packet = encodeEchoPacket(this.localIP, this.sourcePort, discriminator, sequence);
    const destination = frameDestination(this.ifindex, mac);
    if (this.c.sendto(this.fd, packet, packet.length, 0, destination, destination.length) < 0) throw systemError(`BFD Echo to ${peerIP}`, this.c.errno());
    return true;
  }

  /** Stops reading and closes the socket. */
  close(): void {
    clearInterval(this.poll);
    this.c.close(this.fd);
  }
}
