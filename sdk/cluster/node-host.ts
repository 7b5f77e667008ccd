/**
 * The node's network as the speaker changes it: floating IPs on an
 * interface, added and removed with rtnetlink and announced with a
 * gratuitous ARP from a packet socket, and finding the interface and subnet
 * that carry the node's address. All in-process through the C library
 * ({@link loadLibc}): the speaker image has no `ip` or `arping`.
 */
import { readTextInput } from "../io/read-input";
import { interfaceAddresses } from "../speaker/vrf";
import { makeCidr, parseIp } from "../net";
import { AF_NETLINK, AF_PACKET, MSG_DONTWAIT, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_RAW, loadLibc, systemError, type Libc } from "../speaker/libc";
import {
  ETH_P_ARP,
  NETLINK_ROUTE,
  acknowledgementErrno,
  addressRequest,
  arpBroadcastDestination,
  gratuitousArp,
  parseMacAddress,
  type AddressChange,
} from "./node-packets";

/** What the speaker does to the node's network; tests may supply their own. */
export interface NodeHost {
  /** Adds `address` (/32 or /128) to the interface and announces it with gratuitous ARP; no error when it is already there. */
  addAddress(address: string): Promise<void>;
  /** Removes `address` from the interface; no error when it is not there. */
  removeAddress(address: string): Promise<void>;
  /** The addresses on the interface now (canonical text). */
  addresses(): Promise<string[]>;
}

/**
 * The interface carrying `nodeIP` and the subnet it is on (`10.0.1.0/24`).
 * @throws Error when no interface has that address.
 */
export async function interfaceOf(nodeIP: string): Promise<{ interfaceName: string; subnet: string }> {
  const ip = parseIp(nodeIP);
  const found = interfaceAddresses().find((a) => a.address === ip.text);
  if (!found) throw new Error(`no interface carries the node address ${ip.text}; give --interface and --node-subnet`);
  return { interfaceName: found.interfaceName, subnet: makeCidr(ip.family, ip.value, found.prefixLength).text };
}

const FEATURE = "changing the node's addresses (rtnetlink) and sending gratuitous ARP";
/** Octets of a netlink reply buffer: an acknowledgement echoes at most the request, under 100 octets. */
const REPLY_OCTETS = 8192;
let sequence = 0;

function interfaceIndex(c: Libc, interfaceName: string, what: string): number {
  const index = c.if_nametoindex(interfaceName);
  if (index === 0) throw systemError(`${what}: no network interface ${interfaceName}`, c.errno());
  return index;
}

/** Runs `use` on a new descriptor of `socket(domain, type, protocol)` and closes it again. */
function withSocket<T>(c: Libc, what: string, domain: number, type: number, protocol: number, use: (fd: number) => T): T {
  const fd = c.socket(domain, type | SOCK_CLOEXEC, protocol);
  if (fd < 0) throw systemError(`opening a socket for ${what}`, c.errno());
  try {
    return use(fd);
  } finally {
    c.close(fd);
  }
}

/**
 * Adds or deletes `address` as a host address on `interfaceName` with an
 * rtnetlink request, checking the kernel's acknowledgement; an address
 * already there (EEXIST) or already gone (EADDRNOTAVAIL) is no error.
 * The kernel answers while handling the send, so the reply is read without waiting.
 */
function changeAddress(change: AddressChange, interfaceName: string, address: string): void {
  const c = loadLibc(FEATURE);
  const ip = parseIp(address);
  const what = `${change === "add" ? "adding" : "deleting"} ${ip.text}/${ip.family === 4 ? 32 : 128} ${change === "add" ? "to" : "on"} ${interfaceName}`;
  const index = interfaceIndex(c, interfaceName, what);
  sequence = (sequence + 1) >>> 0;
  const request = addressRequest(change, index, ip.text, sequence);
  const errno = withSocket(c, what, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, (fd) => {
    if (c.sendto(fd, request, request.length, 0, null, 0) < 0) throw systemError(what, c.errno());
    const reply = Buffer.alloc(REPLY_OCTETS);
    const received = c.recv(fd, reply, reply.length, MSG_DONTWAIT);
    if (received < 0) throw systemError(`${what}: reading the kernel's answer`, c.errno());
    return acknowledgementErrno(reply.subarray(0, received), sequence);
  });
  const tolerated = change === "add" ? "EEXIST" : "EADDRNOTAVAIL";
  if (errno !== 0) {
    const error = systemError(what, errno);
    if ((error as NodeJS.ErrnoException).code !== tolerated) throw error;
  }
}

/** Broadcasts one gratuitous ARP for the IPv4 `address` out of `interfaceName`, from the interface's MAC address. */
function announce(interfaceName: string, address: string): void {
  const c = loadLibc(FEATURE);
  const what = `gratuitous ARP for ${address} on ${interfaceName}`;
  const index = interfaceIndex(c, interfaceName, what);
  const macFile = `/sys/class/net/${interfaceName}/address`;
  const packet = gratuitousArp(parseMacAddress(readTextInput(macFile, { maxBytes: 64 }), macFile), address);
  const destination = arpBroadcastDestination(index);
  // the protocol of a packet socket is in network byte order (htons)
  withSocket(c, what, AF_PACKET, SOCK_DGRAM, ((ETH_P_ARP & 0xff) << 8) | (ETH_P_ARP >> 8), (fd) => {
    if (c.sendto(fd, packet, packet.length, 0, destination, destination.length) < 0) throw systemError(what, c.errno());
  });
}

/**
 * A {@link NodeHost} on `interfaceName`; `onAnnounceFailed` is told when
 * the gratuitous ARP for an added IPv4 address could not be sent (the
 * address is in place all the same). IPv6 addresses get no unsolicited
 * neighbour advertisement beyond the kernel's own.
 */
export function linuxNodeHost(interfaceName: string, onAnnounceFailed: (error: Error) => void): NodeHost {
  return {
    async addAddress(address) {
      const ip = parseIp(address);
      changeAddress("add", interfaceName, ip.text);
      if (ip.family === 4) {
        try {
          announce(interfaceName, ip.text);
        } catch (error) {
          onAnnounceFailed(error as Error);
        }
      }
    },
    async removeAddress(address) {
      changeAddress("delete", interfaceName, address);
    },
    async addresses() {
      return interfaceAddresses()
        .filter((a) => a.interfaceName === interfaceName)
        .map((a) => a.address);
    },
  };
}
