/**
 * The rtnetlink address requests, the kernel's acknowledgement and the
 * gratuitous ARP packet, byte for byte (layouts from rtnetlink(7),
 * netlink(7), packet(7) and RFC 826/5227).
 */
import { expect } from "chai";
import { acknowledgementErrno, addressRequest, arpBroadcastDestination, gratuitousArp, parseMacAddress } from "../../sdk/cluster/node-packets";

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ""), "hex");

describe("node packets", () => {
  it("RTM_NEWADDR for 192.0.2.10/32 on interface 3: request, ack, create, exclusive; IFA_LOCAL and IFA_ADDRESS", () => {
    expect(addressRequest("add", 3, "192.0.2.10", 7).toString("hex")).to.equal(
      hex(`28000000 1400 0506 07000000 00000000
           02 20 00 00 03000000
           0800 0200 c000020a
           0800 0100 c000020a`).toString("hex"),
    );
  });

  it("RTM_DELADDR for 2001:db8::10/128 on interface 2: request, ack; 16-octet attributes", () => {
    expect(addressRequest("delete", 2, "2001:0db8::0010", 0x01020304).toString("hex")).to.equal(
      hex(`40000000 1500 0500 04030201 00000000
           0a 80 00 00 02000000
           1400 0200 20010db8000000000000000000000010
           1400 0100 20010db8000000000000000000000010`).toString("hex"),
    );
  });

  it("refuses an address that is not an IP address", () => {
    expect(() => addressRequest("add", 1, "192.0.2", 1)).to.throw(/192\.0\.2/);
  });

  const ack = (sequence: number, errno: number): Buffer => {
    const message = Buffer.alloc(36);
    message.writeUInt32LE(36, 0);
    message.writeUInt16LE(2, 4);
    message.writeUInt32LE(sequence, 8);
    message.writeInt32LE(-errno, 16);
    return message;
  };

  it("reads the errno of the acknowledgement of its own request, 0 for success", () => {
    expect(acknowledgementErrno(ack(9, 0), 9)).to.equal(0);
    expect(acknowledgementErrno(ack(9, 17), 9)).to.equal(17);
  });

  it("skips messages of other requests and finds its acknowledgement after them", () => {
    expect(acknowledgementErrno(Buffer.concat([ack(8, 1), ack(9, 99)]), 9)).to.equal(99);
  });

  it("refuses a reply without its acknowledgement, or with a message longer than the reply", () => {
    expect(() => acknowledgementErrno(ack(8, 0), 9)).to.throw(/no acknowledgement of request 9/);
    expect(() => acknowledgementErrno(ack(9, 0).subarray(0, 30), 9)).to.throw(/claims 36 octets, 30 remain/);
    const short = ack(9, 0).subarray(0, 16);
    short.writeUInt32LE(16, 0);
    expect(() => acknowledgementErrno(short, 9)).to.throw(/has no error code/);
    const zero = Buffer.alloc(16);
    expect(() => acknowledgementErrno(zero, 9)).to.throw(/claims 0 octets/);
  });

  it("reads a MAC address from sysfs text and refuses anything else, naming the file", () => {
    expect(parseMacAddress("02:00:5e:10:ab:CD\n", "f").toString("hex")).to.equal("02005e10abcd");
    expect(() => parseMacAddress("02:00:5e:10:ab\n", "/sys/class/net/x/address")).to.throw(
      /\/sys\/class\/net\/x\/address: "02:00:5e:10:ab" is not an Ethernet MAC address/,
    );
  });

  it("gratuitous ARP for 192.0.2.10 from 02:00:5e:10:ab:cd: request, sender and target 192.0.2.10, target MAC zero", () => {
    expect(gratuitousArp(hex("02005e10abcd"), "192.0.2.10").toString("hex")).to.equal(
      hex(`0001 0800 06 04 0001
           02005e10abcd c000020a
           000000000000 c000020a`).toString("hex"),
    );
    expect(() => gratuitousArp(hex("02005e10abcd"), "2001:db8::1")).to.throw(/IPv4 addresses; 2001:db8::1 is IPv6/);
    expect(() => gratuitousArp(hex("02005e10ab"), "192.0.2.10")).to.throw(/6-octet MAC address, not 5/);
  });

  it("sends ARP to the Ethernet broadcast address out of the given interface (struct sockaddr_ll)", () => {
    expect(arpBroadcastDestination(5).toString("hex")).to.equal(hex("1100 0806 05000000 0000 00 06 ffffffffffff0000").toString("hex"));
  });
});
