/** Advertise-file parsing: canonical VIPs in one pass, errors naming file, line and value. */
import { expect } from "chai";
import fc from "fast-check";
import { parseIp } from "../../sdk/net";
import { parseVip, parseVipFile } from "../../sdk/speaker/vips";

describe("speaker VIP parsing", () => {
  it("parses a file: comments, blank lines, /32 and /128 suffixes, canonical text", () => {
    const text = "# VIPs\n192.0.2.10\n\n192.0.2.11/32 # web\n2001:DB8::10/128\n  198.51.100.7  \n";
    expect(parseVipFile(text, "vips.txt")).to.deep.equal([
      { address: "192.0.2.10", value: 0xc000020a, family: 4, length: 32 },
      { address: "192.0.2.11", value: 0xc000020b, family: 4, length: 32 },
      { address: "2001:db8::10", value: 0x2001_0db8_0000_0000_0000_0000_0000_0010n, family: 6, length: 128 },
      { address: "198.51.100.7", value: 0xc6336407, family: 4, length: 32 },
    ]);
  });

  it("names the file, the line and the value of a bad entry", () => {
    expect(() => parseVipFile("192.0.2.1\n192.0.2.300\n", "vips.txt")).to.throw('vips.txt line 2: "192.0.2.300" is not an IPv4 or IPv6 address');
    expect(() => parseVipFile("192.0.2.0/24\n", "vips.txt")).to.throw('vips.txt line 1: "192.0.2.0/24" is not a host address');
    expect(() => parseVip("010.0.0.1", "--advertise-ip")).to.throw('--advertise-ip: "010.0.0.1" is not an IPv4 or IPv6 address');
    expect(() => parseVip("192.0.2.1/", "--advertise-ip")).to.throw("is not a host address");
  });

  it("property: accepts exactly what parseIp accepts, with its canonical text", () => {
    const candidate = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300)).map((o) => o.join(".")),
      fc.stringMatching(/^[0-9.]{1,16}$/),
    );
    fc.assert(
      fc.property(candidate, (text) => {
        let expected: string | undefined;
        try {
          expected = parseIp(text).text;
        } catch {
          expected = undefined;
        }
        let actual: string | undefined;
        try {
          actual = parseVip(text, "x").address;
        } catch {
          actual = undefined;
        }
        expect(actual).to.equal(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
