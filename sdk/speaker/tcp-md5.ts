/**
 * TCP MD5 signatures (RFC 2385) for BGP sessions, with Linux's
 * `TCP_MD5SIG` socket option. Node.js has no API for it, so the option is
 * set through the C library with the `koffi` FFI (prebuilt for each
 * platform inside its npm package: no compiler, no install script).
 *
 * The key must be on the socket before the first SYN, and Node.js creates a
 * socket's descriptor only inside `connect()`/`listen()`. So the descriptor
 * is made here (`socket(2)`), keyed, and handed to Node.js through public
 * API only: an outbound socket as `new net.Socket({fd})`, which Node.js then
 * binds and connects itself; a listener bound here and given to
 * `server.listen({fd})`, keyed for every peer address before it listens, so
 * no unsigned connection is accepted even in the first instant. A key on a
 * listening socket applies to the connections it accepts from that address.
 *
 * Passwords are taken as arguments and never logged or put into an error.
 * Only IPv4 and IPv6 addresses; Linux only (other systems throw a clear
 * error when a password is configured).
 */
import { constants as os } from "node:os";
import { Server, Socket } from "node:net";
import { parseIp } from "../net";

/** Longest key Linux accepts (`TCP_MD5SIG_MAXKEYLEN`), in octets. */
export const MAX_MD5_KEY_LENGTH = 80;

/** A peer address and the password its segments are signed with. */
export interface Md5Key {
  /** The peer's IP address. */
  readonly address: string;
  /** The shared secret, 1 to {@link MAX_MD5_KEY_LENGTH} octets of UTF-8. */
  readonly password: string;
}

const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_STREAM = 1;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const IPPROTO_TCP = 6;
const TCP_MD5SIG = 14;
/** sizeof(struct sockaddr_storage). */
const SOCKADDR_STORAGE = 128;
/** sizeof(struct tcp_md5sig): addr, flags, prefixlen, keylen (u16), ifindex (u32), key[80]. */
const TCP_MD5SIG_SIZE = SOCKADDR_STORAGE + 1 + 1 + 2 + 4 + MAX_MD5_KEY_LENGTH;
const LISTEN_BACKLOG = 511;

/** The C library calls this module makes. */
interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, length: number): number;
  bind(fd: number, address: Buffer, length: number): number;
  close(fd: number): number;
  errno(): number;
}

let libc: Libc | undefined;

/** Loads koffi and the C library on first use, so a speaker without passwords never loads native code. */
function loadLibc(): Libc {
  if (libc) return libc;
  if (process.platform !== "linux") throw new Error(`TCP MD5 (password) needs Linux's TCP_MD5SIG; this is ${process.platform}`);
  const koffi = require("koffi") as typeof import("koffi");
  const lib = koffi.load("libc.so.6");
  libc = {
    socket: lib.func("int socket(int domain, int type, int protocol)"),
    setsockopt: lib.func("int setsockopt(int fd, int level, int name, const void *value, uint32_t length)"),
    bind: lib.func("int bind(int fd, const void *address, uint32_t length)"),
    close: lib.func("int close(int fd)"),
    errno: () => koffi.errno(),
  };
  return libc;
}

/** The error for a failed call: the errno's name and what was being done (never a password). */
function systemError(what: string, errno: number): Error {
  const name = Object.entries(os.errno).find(([, value]) => value === errno)?.[0] ?? `errno ${errno}`;
  return Object.assign(new Error(`${what}: ${name}`), { code: name });
}

/** `struct sockaddr_in` / `sockaddr_in6` for `address` and `port`, in a buffer of `size` octets. */
function sockaddr(address: string, port: number, size: number): { bytes: Buffer; length: number } {
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

/** Checks a password's length without ever showing it; returns its octets. */
function keyOctets(password: string): Buffer {
  const key = Buffer.from(password, "utf8");
  if (key.length === 0 || key.length > MAX_MD5_KEY_LENGTH) {
    throw new RangeError(`TCP MD5 password is ${key.length} octets; it must be 1 to ${MAX_MD5_KEY_LENGTH}`);
  }
  return key;
}

/** The `struct tcp_md5sig` that signs segments to and from `key.address` with `key.password`. */
export function encodeMd5Sig(key: Md5Key): Buffer {
  const secret = keyOctets(key.password);
  const sig = sockaddr(key.address, 0, TCP_MD5SIG_SIZE).bytes;
  sig.writeUInt16LE(secret.length, SOCKADDR_STORAGE + 2);
  secret.copy(sig, SOCKADDR_STORAGE + 8);
  return sig;
}

function setKey(c: Libc, fd: number, key: Md5Key): void {
  const sig = encodeMd5Sig(key);
  if (c.setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, sig, sig.length) !== 0) {
    throw systemError(`setting the TCP MD5 key for ${key.address} (TCP_MD5SIG)`, c.errno());
  }
}

/** A new non-blocking TCP descriptor of `address`'s family, closed again if `prepare` throws. */
function keyedDescriptor(c: Libc, address: string, prepare: (fd: number) => void): number {
  const fd = c.socket(parseIp(address).family === 4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw systemError("creating a TCP socket", c.errno());
  try {
    prepare(fd);
  } catch (error) {
    c.close(fd);
    throw error;
  }
  return fd;
}

/**
 * An unconnected TCP socket whose segments to `key.address` are signed
 * with `key.password`; call `connect()` on it as on any `net.Socket`.
 * @throws Error naming the failed system call (e.g. ENOPROTOOPT on a kernel
 * without TCP MD5), or RangeError for a password of a bad length.
 */
export function md5Socket(key: Md5Key): Socket {
  const c = loadLibc();
  const fd = keyedDescriptor(c, key.address, (fd) => setKey(c, fd, key));
  return new Socket({ fd, readable: true, writable: true });
}

/**
 * Starts `server` listening on `host:port` on a socket that requires the
 * signature of each of `keys` from its address (connections from other
 * addresses are unsigned, as the kernel does for addresses without a key).
 * Resolves once listening; rejects with the failed call's error.
 */
export async function listenWithMd5(server: Server, host: string, port: number, keys: readonly Md5Key[]): Promise<void> {
  const c = loadLibc();
  const fd = keyedDescriptor(c, host, (fd) => {
    for (const key of keys) setKey(c, fd, key);
    const on = Buffer.alloc(4);
    on.writeInt32LE(1);
    if (c.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, on, on.length) !== 0) throw systemError("setting SO_REUSEADDR", c.errno());
    const local = sockaddr(host, port, SOCKADDR_STORAGE);
    if (c.bind(fd, local.bytes, local.length) !== 0) throw systemError(`binding ${host}:${port}`, c.errno());
  });
  // From here Node.js owns the descriptor (and closes it on failure).
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ fd, backlog: LISTEN_BACKLOG }, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
