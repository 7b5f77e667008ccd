/**
 * TCP MD5 signatures (RFC 2385) for BGP sessions, with Linux's
 * `TCP_MD5SIG` socket option. Node.js has no API for it, so the option is
 * set through the C library ({@link loadLibc}, the `koffi` FFI: prebuilt
 * for each platform inside its npm package, no compiler, no install script).
 *
 * The key must be on the socket before the first SYN, and Node.js creates a
 * socket's descriptor only inside `connect()`/`listen()`. So the descriptor
 * is made here (`socket(2)`), keyed, and handed to Node.js through public
 * API only: an outbound socket by `sessionSocket` (session-socket.ts); a listener bound here and given to
 * `server.listen({fd})`, keyed for every peer address before it listens, so
 * no unsigned connection is accepted even in the first instant. A key on a
 * listening socket applies to the connections it accepts from that address.
 *
 * Passwords are taken as arguments and never logged or put into an error.
 * Only IPv4 and IPv6 addresses; Linux only (other systems throw a clear
 * error when a password is configured).
 */
import type { Server } from "node:net";
import { SOCKADDR_STORAGE, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, intOption, loadLibc, preparedDescriptor, sockaddr, systemError, type Libc } from "./libc";

/** Longest key Linux accepts (`TCP_MD5SIG_MAXKEYLEN`), in octets. */
export const MAX_MD5_KEY_LENGTH = 80;

/** A peer address and the password its segments are signed with. */
export interface Md5Key {
  /** The peer's IP address. */
  readonly address: string;
  /** The shared secret, 1 to {@link MAX_MD5_KEY_LENGTH} octets of UTF-8. */
  readonly password: string;
}

const IPPROTO_TCP = 6;
const TCP_MD5SIG = 14;
/** sizeof(struct tcp_md5sig): addr, flags, prefixlen, keylen (u16), ifindex (u32), key[80]. */
const TCP_MD5SIG_SIZE = SOCKADDR_STORAGE + 1 + 1 + 2 + 4 + MAX_MD5_KEY_LENGTH;
const LISTEN_BACKLOG = 511;
export const MD5_FEATURE = "TCP MD5 (password) with TCP_MD5SIG";

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

/** Keys `fd` for `key` (a descriptor not yet connected or listening). */
export function setMd5Key(c: Libc, fd: number, key: Md5Key): void {
  const sig = encodeMd5Sig(key);
  if (c.setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, sig, sig.length) !== 0) {
    throw systemError(`setting the TCP MD5 key for ${key.address} (TCP_MD5SIG)`, c.errno());
  }
}

/**
 * Starts `server` listening on `host:port` on a socket that requires the
 * signature of each of `keys` from its address (connections from other
 * addresses are unsigned, as the kernel does for addresses without a key).
 * Resolves once listening; rejects with the failed call's error.
 */
export async function listenWithMd5(server: Server, host: string, port: number, keys: readonly Md5Key[]): Promise<void> {
  const c = loadLibc(MD5_FEATURE);
  const fd = preparedDescriptor(c, host, SOCK_STREAM, (fd) => {
    for (const key of keys) setMd5Key(c, fd, key);
    const on = intOption(1);
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
