/**
 * The outbound TCP socket of a BGP session, with the options that must be
 * on it before the first SYN and that Node.js cannot set: the TCP MD5 key
 * (RFC 2385, see tcp-md5.ts) and the TTL (IPv4) or hop limit (IPv6) of
 * every packet — 1 for a single-hop eBGP session so it never crosses a
 * router, 255 for iBGP and eBGP multihop, as FRR sends them; and, for a
 * session in a VRF, the VRF device it is bound to (`SO_BINDTODEVICE`), so
 * the kernel routes it by the VRF's table, as FRR's `router bgp … vrf`. The
 * descriptor is made here ({@link loadLibc}) and given to Node.js as
 * `new net.Socket({fd})`, which then binds and connects it itself.
 */
import { connect, Socket, type NetConnectOpts } from "node:net";
import { parseIp } from "../net";
import { SOCK_STREAM, bindToDevice, intOption, loadLibc, preparedDescriptor, systemError } from "./libc";
import { MD5_FEATURE, setMd5Key } from "./tcp-md5";

const IPPROTO_IP = 0;
const IP_TTL = 2;
const IPPROTO_IPV6 = 41;
const IPV6_UNICAST_HOPS = 16;

/** What the socket to a peer needs besides the address to connect to. */
export interface SessionSocketOptions {
  /** The peer's IP address. */
  readonly peerIP: string;
  /** TCP MD5 password for segments to and from the peer; never logged. */
  readonly password?: string;
  /** TTL / hop limit of every packet to the peer, 1..255. @default the system's (64 on Linux) */
  readonly ttl?: number;
  /** The VRF device (or any network device) the socket is bound to before it connects. @default none: the default VRF */
  readonly vrf?: string;
}

/**
 * Connects to `target` on a socket with `options`' key, TTL and VRF; a
 * plain `net.connect` when none is set, so such a session never loads
 * native code.
 * @throws Error naming the failed system call (ENODEV for a VRF device the
 * node does not have), RangeError for a bad password length or TTL.
 */
export function connectSessionSocket(options: SessionSocketOptions, target: NetConnectOpts): Socket {
  const { peerIP, password, ttl, vrf } = options;
  if (password === undefined && ttl === undefined && vrf === undefined) return connect(target);
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > 255)) throw new RangeError(`TTL ${ttl} is not 1..255`);
  const feature =
    password !== undefined ? MD5_FEATURE : vrf !== undefined ? "a BGP session in a VRF (SO_BINDTODEVICE)" : "setting the TTL of a BGP session (IP_TTL)";
  const c = loadLibc(feature);
  const fd = preparedDescriptor(c, peerIP, SOCK_STREAM, (fd) => {
    if (vrf !== undefined) bindToDevice(c, fd, vrf);
    if (password !== undefined) setMd5Key(c, fd, { address: peerIP, password });
    if (ttl === undefined) return;
    const value = intOption(ttl);
    const v4 = parseIp(peerIP).family === 4;
    if (c.setsockopt(fd, v4 ? IPPROTO_IP : IPPROTO_IPV6, v4 ? IP_TTL : IPV6_UNICAST_HOPS, value, value.length) !== 0) {
      throw systemError(`setting ${v4 ? "IP_TTL" : "IPV6_UNICAST_HOPS"} ${ttl} for ${peerIP}`, c.errno());
    }
  });
  return new Socket({ fd, readable: true, writable: true }).connect(target);
}
