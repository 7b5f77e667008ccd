/** BFD Echo packets: the IPv4/UDP packet, its decoding, the BPF filter's jumps, the ARP table reader. */
import { expect } from "chai";
import { BFD_ECHO_PORT, decodeEchoPacket, echoFilter, encodeEchoPacket, parseArpTable } from "../../sdk/speaker/bfd-echo";

describe("bfd echo packets", () => {
  it("an Echo is IPv4/UDP from and to the local address, TTL 255, to port 3785, with a valid header checksum, and decodes back", () => {
    const packet = encodeEchoPacket("198.18.0.1", 49200, 0xdeadbeef, 7);
    expect(packet.length).to.equal(40);
    expect(packet.subarray(0, 2).toString("hex")).to.equal("45c0");
    expect([packet[8], packet[9], packet.readUInt16BE(22)]).to.deep.equal([255, 17, BFD_ECHO_PORT]);
    expect(packet.subarray(12, 20).toString("hex")).to.equal("c6120001c6120001");
    let sum = 0;
    for (let i = 0; i < 20; i += 2) sum += packet.readUInt16BE(i);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    expect(sum, "header checksum").to.equal(0xffff);
    expect(decodeEchoPacket(packet, "198.18.0.1")).to.deep.equal({ discriminator: 0xdeadbeef, sequence: 7 });
  });

  it("decodes nothing but our own Echo: another address, another port, a short or foreign payload", () => {
    const packet = encodeEchoPacket("198.18.0.1", 49200, 1, 2);
    expect(decodeEchoPacket(packet, "198.18.0.2")).to.equal(undefined);
    const otherPort = Buffer.from(packet);
    otherPort.writeUInt16BE(3784, 22);
    expect(decodeEchoPacket(otherPort, "198.18.0.1")).to.equal(undefined);
    expect(decodeEchoPacket(packet.subarray(0, 30), "198.18.0.1")).to.equal(undefined);
    const foreign = Buffer.from(packet);
    foreign.writeUInt32BE(0, 28);
    expect(decodeEchoPacket(foreign, "198.18.0.1")).to.equal(undefined);
    expect(() => encodeEchoPacket("2001:db8::1", 49200, 1, 2)).to.throw(RangeError, "IPv4 only");
  });

  it("the filter's drop jumps all land on the final drop, and it matches the local address", () => {
    const program = echoFilter("198.18.0.1");
    const drop = program.length - 1;
    for (const [index, instruction] of program.entries())
      if (instruction.code === 0x15 && instruction.jf > 0) expect(index + 1 + instruction.jf).to.equal(drop);
    expect(program.filter((i) => i.k === 0xc6120001)).to.have.length(2);
    expect(program[drop]).to.deep.equal({ code: 0x06, jt: 0, jf: 0, k: 0 });
  });

  it("reads complete ARP entries of the Echo interface only (the same address on another interface, e.g. in another VRF, is another host)", () => {
    const text = [
      "IP address       HW type     Flags       HW address            Mask     Device",
      "198.18.0.2       0x1         0x2         aa:bb:cc:dd:ee:01     *        veth0",
      "198.18.0.3       0x1         0x0         00:00:00:00:00:00     *        veth0",
      "198.18.0.2       0x1         0x2         aa:bb:cc:dd:ee:02     *        veth1",
    ].join("\n");
    const table = parseArpTable(text, "veth0");
    expect([...table.keys()]).to.deep.equal(["198.18.0.2"]);
    expect(table.get("198.18.0.2")?.toString("hex")).to.equal("aabbccddee01");
    expect(parseArpTable(text, "veth1").get("198.18.0.2")?.toString("hex")).to.equal("aabbccddee02");
  });
});
