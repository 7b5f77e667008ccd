/**
 * The few C library calls the speaker needs and Node.js does not offer
 * (socket options such as TCP_MD5SIG and a BPF socket filter on a descriptor made
 * before Node.js takes it; netlink and packet sockets that change the node's
 * addresses and send gratuitous ARP), through the `koffi` FFI: prebuilt for each
 * platform inside its npm package, loaded on first use only, so a speaker
 * that needs none of them never loads native code. Linux only.
 */
import { constants as os } from "node:os";
import { parseIp } from "../net";

/** The C library calls. */
export interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, length: number): number;
  /** `setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program)`: attaches a classic BPF socket filter. */
  attachFilter(fd: number, program: readonly SocketFilterInstruction[]): number;
  bind(fd: number, address: Buffer, length: number): number;
  close(fd: number): number;
  /** Sends `length` octets of `data`; `address` null on a socket with a default destination. */
  sendto(fd: number, data: Buffer, length: number, flags: number, address: Buffer | null, addressLength: number): number;
  /** Receives up to `length` octets into `into`; returns the count, or -1. */
  recv(fd: number, into: Buffer, length: number, flags: number): number;
  /** The index of the network interface named `name`, or 0. */
  if_nametoindex(name: string): number;
  errno(): number;
}

const AF_INET = 2;
const AF_INET6 = 10;
export const SOCK_STREAM = 1;
export const AF_NETLINK = 16;
export const AF_PACKET = 17;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const MSG_DONTWAIT = 0x40;
const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;
const SO_ATTACH_FILTER = 26;
const SO_BINDTODEVICE = 25;

/** One classic BPF instruction (`struct sock_filter`). */
export interface SocketFilterInstruction {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}
/** sizeof(struct sockaddr_storage). */
export const SOCKADDR_STORAGE = 128;

let libc: Libc | undefined;

/**
 * The C library, loaded on first use.
 * @throws Error naming `feature` on a system other than Linux.
 */
export function loadLibc(feature: string): Libc {
  if (libc) return libc;
  if (process.platform !== "linux") throw new Error(`${feature} needs Linux; this is ${process.platform}`);
  const koffi = require("koffi") as typeof import("koffi");
  const lib = koffi.load("libc.so.6");
  const instruction = koffi.struct("bgplb_sock_filter", { code: "uint16", jt: "uint8", jf: "uint8", k: "uint32" });
  const program = koffi.struct("bgplb_sock_fprog", { len: "uint16", filter: koffi.pointer(instruction) });
  const setFilter = lib.func("int setsockopt(int fd, int level, int name, const bgplb_sock_fprog *value, uint32_t length)");
  libc = {
    socket: lib.func("int socket(int domain, int type, int protocol)"),
    setsockopt: lib.func("int setsockopt(int fd, int level, int name, const void *value, uint32_t length)"),
    bind: lib.func("int bind(int fd, const void *address, uint32_t length)"),
    attachFilter: (fd, filter) => setFilter(fd, SOL_SOCKET, SO_ATTACH_FILTER, { len: filter.length, filter }, koffi.sizeof(program)) as number,
    close: lib.func("int close(int fd)"),
    sendto: lib.func("long sendto(int fd, const void *data, size_t length, int flags, const void *address, uint32_t addressLength)"),
    recv: lib.func("long recv(int fd, _Out_ void *into, size_t length, int flags)"),
    if_nametoindex: lib.func("unsigned int if_nametoindex(const char *name)"),
    errno: () => koffi.errno(),
  };
  return libc;
}

/** The error for a failed call: the errno's name and what was being done. */
export function systemError(what: string, errno: number): Error {
  const name = Object.entries(os.errno).find(([, value]) => value === errno)?.[0] ?? `errno ${errno}`;
  return Object.assign(new Error(`${what}: ${name}`), { code: name });
}

/** `struct sockaddr_in` / `sockaddr_in6` for `address` and `port`, in a buffer of `size` octets. */
export function sockaddr(address: string, port: number, size: number): { bytes: Buffer; length: number } {
  const ip = parseIp(address);
  const bytes = Buffer.alloc(size);
  bytes.writeUInt16LE(ip.family === 4 ? AF_INET : AF_INET6, 0);
  bytes.writeUInt16BE(port, 2);
  if (ip.family === 4) {
    bytes.writeUInt32BE(Number(ip.value), 4);
  } else {
    bytes.writeBigUInt64BE(ip.value >> 64n, 8);
    bytes.writeBigUInt64BE(ip.value & 0xffffffffffffffffn, 16);
  }
  return { bytes, length: ip.family === 4 ? 16 : 28 };
}

/** A 32-bit integer socket option value. */
export function intOption(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32LE(value);
  return bytes;
}

/**
 * Binds `fd` to network device `device` (`SO_BINDTODEVICE`), before it
 * connects or binds: its route lookups then use that device, and for a VRF
 * device (l3mdev) the VRF's routing table; it receives only what arrives
 * in that VRF. Needs CAP_NET_RAW.
 * @throws Error naming the device (ENODEV when the node has no such device).
 */
export function bindToDevice(c: Libc, fd: number, device: string): void {
  const name = Buffer.from(`${device}\0`, "utf8");
  if (c.setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, name.length) !== 0)
    throw systemError(`binding the socket to VRF device ${JSON.stringify(device)} (SO_BINDTODEVICE)`, c.errno());
}

/** A new non-blocking descriptor of `address`'s family and `type`, closed again if `prepare` throws. */
export function preparedDescriptor(c: Libc, address: string, type: number, prepare: (fd: number) => void): number {
  const fd = c.socket(parseIp(address).family === 4 ? AF_INET : AF_INET6, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw systemError(`creating a ${type === SOCK_DGRAM ? "UDP" : "TCP"} socket`, c.errno());
  try {
    prepare(fd);
  } catch (error) {
    c.close(fd);
    throw error;
  }
  return fd;
}
