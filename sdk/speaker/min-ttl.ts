/**
 * UDP receive sockets that only datagrams with a minimum TTL (IPv4) or hop
 * limit (IPv6) reach: the receive half of GTSM (RFC 5082), which single-hop
 * BFD requires (RFC 5881 §5: only TTL 255 accepted). Node.js's dgram can
 * neither report a datagram's TTL nor set socket options, and Linux applies
 * `IP_MINTTL` to TCP only; so the descriptor is made here
 * ({@link loadLibc}) with a classic BPF socket filter that reads the TTL
 * from the IP header and drops the datagram in the kernel when it is below
 * the minimum, bound, and handed to `dgram` with `bind({fd})`. The same
 * path makes the UDP sockets of a session in a VRF, bound to the VRF
 * device (`SO_BINDTODEVICE`, which dgram cannot set either) before the bind.
 */
import { createSocket, type Socket } from "node:dgram";
import { parseIp } from "../net";
import {
  SOCKADDR_STORAGE,
  SOCK_DGRAM,
  bindToDevice,
  loadLibc,
  preparedDescriptor,
  sockaddr,
  systemError,
  type Libc,
  type SocketFilterInstruction,
} from "./libc";

/** Classic BPF: load a byte at an absolute offset; jump if A >= k; return k. */
const BPF_LD_B_ABS = 0x30;
const BPF_JGE_K = 0x35;
const BPF_RET_K = 0x06;
/** Offsets from `SKF_NET_OFF` address the network (IP) header of the datagram. */
const SKF_NET_OFF = -0x100000;
/** Where the TTL (IPv4) and hop limit (IPv6) sit in their headers. */
const TTL_OFFSET = { 4: 8, 6: 7 } as const;

/** The filter program: accept the whole datagram when its TTL / hop limit is at least `minTtl`, else drop it. */
function minTtlFilter(family: 4 | 6, minTtl: number): SocketFilterInstruction[] {
  return [
    { code: BPF_LD_B_ABS, jt: 0, jf: 0, k: (SKF_NET_OFF + TTL_OFFSET[family]) >>> 0 },
    { code: BPF_JGE_K, jt: 0, jf: 1, k: minTtl },
    { code: BPF_RET_K, jt: 0, jf: 0, k: 0xffffffff },
    { code: BPF_RET_K, jt: 0, jf: 0, k: 0 },
  ];
}

/**
 * A UDP socket bound to `address:port` that receives only datagrams with a
 * TTL / hop limit of at least `minTtl` (1–255); the kernel drops the others
 * before they reach the process. The filter is in place before the bind, so
 * no datagram slips through in between. With `vrf`, the socket is bound to
 * that VRF device first (see {@link bindUdpInVrf}).
 * @throws Error naming the failed call and address (e.g. EADDRINUSE, ENODEV for a missing VRF device), or on a system other than Linux.
 */
export async function bindWithMinTtl(address: string, port: number, minTtl: number, vrf?: string): Promise<Socket> {
  if (!Number.isInteger(minTtl) || minTtl < 1 || minTtl > 255) throw new RangeError(`minimum TTL ${minTtl} is not 1..255`);
  const family = parseIp(address).family;
  return preparedUdpSocket("A minimum receive TTL (BPF socket filter)", address, port, (c, fd) => {
    if (vrf !== undefined) bindToDevice(c, fd, vrf);
    if (c.attachFilter(fd, minTtlFilter(family, minTtl)) !== 0) throw systemError(`attaching the minimum-TTL filter on ${address}`, c.errno());
  });
}

/**
 * A UDP socket bound to VRF device `vrf` and then to `address:port`:
 * it sends by the VRF's routing table and receives what arrives in the VRF
 * (which, with Linux's default `udp_l3mdev_accept` 0, a socket outside it
 * never sees). Node.js's dgram cannot set `SO_BINDTODEVICE`, so the
 * descriptor is made here, as for {@link bindWithMinTtl}.
 * @throws Error naming the failed call (ENODEV for a missing VRF device), or on a system other than Linux.
 */
export async function bindUdpInVrf(address: string, port: number, vrf: string): Promise<Socket> {
  return preparedUdpSocket("A UDP socket in a VRF (SO_BINDTODEVICE)", address, port, (c, fd) => bindToDevice(c, fd, vrf));
}

/** A UDP socket made by the C library, `prepare`d, bound to `address:port`, then handed to node:dgram. */
async function preparedUdpSocket(feature: string, address: string, port: number, prepare: (c: Libc, fd: number) => void): Promise<Socket> {
  const c = loadLibc(feature);
  const fd = preparedDescriptor(c, address, SOCK_DGRAM, (fd) => {
    prepare(c, fd);
    const local = sockaddr(address, port, SOCKADDR_STORAGE);
    if (c.bind(fd, local.bytes, local.length) !== 0) throw systemError(`binding ${address} port ${port}`, c.errno());
  });
  // From here Node.js owns the descriptor (and closes it on failure).
  const socket = createSocket({ type: parseIp(address).family === 6 ? "udp6" : "udp4" });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind({ fd }, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  return socket;
}
