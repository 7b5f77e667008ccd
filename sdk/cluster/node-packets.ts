/**
 * The kernel messages and link-layer frames the speaker sends to change the
 * node's network, built and read without I/O: rtnetlink requests that add or
 * delete an interface address (RTM_NEWADDR/RTM_DELADDR, rtnetlink(7)) with
 * the kernel's acknowledgement, and the gratuitous ARP (RFC 5227
 * announcement) that tells the segment a floating IPv4 address moved.
 *
 * Netlink headers are in host byte order; these are little-endian, the order
 * of every platform the speaker image is built for (x64, arm64).
 */
import { parseIp, writeIpv4, writeIpv6 } from "../net";

/** `NETLINK_ROUTE`: the rtnetlink protocol of an `AF_NETLINK` socket. */
export const NETLINK_ROUTE = 0;
/** `ETH_P_ARP`: the EtherType of ARP. */
export const ETH_P_ARP = 0x0806;

const RTM_NEWADDR = 20;
const RTM_DELADDR = 21;
const NLMSG_ERROR = 2;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_EXCL = 0x200;
const NLM_F_CREATE = 0x400;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_PACKET = 17;
const NLMSG_HEADER = 16;
const IFADDRMSG = 8;
const RTATTR_HEADER = 4;
const ARP_REQUEST = 1;
const ARPHRD_ETHER = 1;
const ETHERTYPE_IPV4 = 0x0800;
/** sizeof(struct sockaddr_ll). */
const SOCKADDR_LL = 20;
const MAC_LENGTH = 6;

/** What an address request asks the kernel to do. */
export type AddressChange = "add" | "delete";

function addressOctets(address: string): { family: number; octets: Buffer } {
  const ip = parseIp(address);
  const octets = Buffer.alloc(ip.family === 4 ? 4 : 16);
  (ip.family === 4 ? writeIpv4 : writeIpv6)(ip.text, octets, 0, "address");
  return { family: ip.family === 4 ? AF_INET : AF_INET6, octets };
}

/**
 * The rtnetlink request that adds (`RTM_NEWADDR`, create, exclusive) or
 * deletes (`RTM_DELADDR`) `address` as a host address (/32 or /128) on the
 * interface with index `interfaceIndex`, asking for an acknowledgement;
 * `sequence` identifies the answer ({@link acknowledgementErrno}).
 */
export function addressRequest(change: AddressChange, interfaceIndex: number, address: string, sequence: number): Buffer {
  const { family, octets } = addressOctets(address);
  const attribute = RTATTR_HEADER + octets.length;
  const length = NLMSG_HEADER + IFADDRMSG + 2 * attribute;
  const message = Buffer.alloc(length);
  message.writeUInt32LE(length, 0);
  message.writeUInt16LE(change === "add" ? RTM_NEWADDR : RTM_DELADDR, 4);
  message.writeUInt16LE(NLM_F_REQUEST | NLM_F_ACK | (change === "add" ? NLM_F_CREATE | NLM_F_EXCL : 0), 6);
  message.writeUInt32LE(sequence, 8);
  message.writeUInt8(family, NLMSG_HEADER);
  message.writeUInt8(octets.length * 8, NLMSG_HEADER + 1);
  message.writeUInt32LE(interfaceIndex, NLMSG_HEADER + 4);
  let offset = NLMSG_HEADER + IFADDRMSG;
  for (const type of [IFA_LOCAL, IFA_ADDRESS]) {
    message.writeUInt16LE(attribute, offset);
    message.writeUInt16LE(type, offset + 2);
    octets.copy(message, offset + RTATTR_HEADER);
    offset += attribute;
  }
  return message;
}

/**
 * The errno of the kernel's acknowledgement (`NLMSG_ERROR`) of request
 * `sequence` in `reply`: 0 when the request succeeded.
 * @throws Error when the reply is malformed or holds no such acknowledgement.
 */
export function acknowledgementErrno(reply: Buffer, sequence: number): number {
  let offset = 0;
  while (offset + NLMSG_HEADER <= reply.length) {
    const length = reply.readUInt32LE(offset);
    if (length < NLMSG_HEADER || offset + length > reply.length) {
      throw new Error(`netlink reply: message at octet ${offset} claims ${length} octets, ${reply.length - offset} remain`);
    }
    if (reply.readUInt16LE(offset + 4) === NLMSG_ERROR && reply.readUInt32LE(offset + 8) === sequence) {
      if (length < NLMSG_HEADER + 4) throw new Error(`netlink reply: acknowledgement of ${length} octets has no error code`);
      return -reply.readInt32LE(offset + NLMSG_HEADER);
    }
    offset += (length + 3) & ~3;
  }
  throw new Error(`netlink reply: no acknowledgement of request ${sequence} in ${reply.length} octets`);
}

/**
 * A MAC address as Linux writes it (`/sys/class/net/<if>/address`,
 * `02:00:00:00:00:01`).
 * @throws Error naming `source` and the text when it is not six hexadecimal octets.
 */
export function parseMacAddress(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(trimmed)) throw new Error(`${source}: "${trimmed}" is not an Ethernet MAC address`);
  return Buffer.from(trimmed.replaceAll(":", ""), "hex");
}

/**
 * The ARP packet of a gratuitous ARP announcing that `address` (IPv4) is at
 * `mac`: a request whose sender and target protocol address are both
 * `address` and whose target hardware address is zero (RFC 5227 §2.3),
 * without the Ethernet header (an `AF_PACKET`/`SOCK_DGRAM` socket adds it).
 */
export function gratuitousArp(mac: Buffer, address: string): Buffer {
  const ip = parseIp(address);
  if (ip.family !== 4) throw new Error(`gratuitous ARP is for IPv4 addresses; ${ip.text} is IPv6`);
  if (mac.length !== MAC_LENGTH) throw new Error(`gratuitous ARP needs a ${MAC_LENGTH}-octet MAC address, not ${mac.length}`);
  const packet = Buffer.alloc(28);
  packet.writeUInt16BE(ARPHRD_ETHER, 0);
  packet.writeUInt16BE(ETHERTYPE_IPV4, 2);
  packet.writeUInt8(MAC_LENGTH, 4);
  packet.writeUInt8(4, 5);
  packet.writeUInt16BE(ARP_REQUEST, 6);
  mac.copy(packet, 8);
  writeIpv4(ip.text, packet, 14, "sender address");
  writeIpv4(ip.text, packet, 24, "target address");
  return packet;
}

/** The `struct sockaddr_ll` that sends an ARP packet to the Ethernet broadcast address out of interface `interfaceIndex`. */
export function arpBroadcastDestination(interfaceIndex: number): Buffer {
  const destination = Buffer.alloc(SOCKADDR_LL);
  destination.writeUInt16LE(AF_PACKET, 0);
  destination.writeUInt16BE(ETH_P_ARP, 2);
  destination.writeInt32LE(interfaceIndex, 4);
  destination.writeUInt8(MAC_LENGTH, 11);
  destination.fill(0xff, 12, 12 + MAC_LENGTH);
  return destination;
}
