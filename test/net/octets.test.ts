import { expect } from "chai";
import fc from "fast-check";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { isIp, parseIp, parseIpv4, parseIpv6, readIpv6 } from "../../sdk/net";

function parsed(text: string): number[] | undefined {
  const out = new Uint8Array(16);
  return parseIpv6(text, out, 0) ? [...out] : undefined;
}

describe("net: address text and octets (the one IP parser)", () => {
  it("property: IPv6 parse agrees with ipaddr.js on full, compressed and dotted forms", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const address = ipaddr.fromByteArray([...bytes]) as ipaddr.IPv6;
        const fixed = address.parts.map((p) => p.toString(16).padStart(4, "0"));
        const dotted = `${fixed.slice(0, 6).join(":")}:${bytes.slice(12).join(".")}`;
        for (const text of [address.toNormalizedString(), fixed.join(":"), address.toRFC5952String(), dotted]) {
          expect(parsed(text), text).to.deep.equal([...bytes]);
        }
        expect(parsed(address.toRFC5952String().toUpperCase())).to.deep.equal([...bytes]);
      }),
      { numRuns: 500 },
    );
  });

  it("property: IPv6 text is RFC 5952 and reads back to the same octets", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const text = readIpv6(bytes, 0);
        expect(parsed(text)).to.deep.equal([...bytes]);
        const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
        if (!mapped) expect(text).to.equal(ipaddr.fromByteArray([...bytes]).toString());
      }),
      { numRuns: 500 },
    );
  });

  it("compresses the first of two equal zero runs and never a single zero word (RFC 5952 §4.2)", () => {
    const cases: [string, string][] = [
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
      ["0:0:0:0:0:0:0:0", "::"],
      ["0:0:0:0:0:0:0:1", "::1"],
      ["0:0:0:0:0:ffff:c000:201", "::ffff:192.0.2.1"],
    ];
    for (const [input, expected] of cases) {
      const out = new Uint8Array(16);
      expect(parseIpv6(input, out, 0)).to.equal(true);
      expect(readIpv6(out, 0)).to.equal(expected);
    }
  });

  it("rejects what is not an IPv6 address", () => {
    for (const text of [
      "",
      ":",
      ":::",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9",
      "1::2::3",
      "1::2:3:4:5:6:7:8",
      "12345::",
      "1:",
      ":1",
      "g::",
      "fe80::1%eth0",
      "2001:db8::/32",
      "::1.2.3",
      "::1.2.3.256",
      "1:2:3:4:5:6:7:1.2.3.4",
      "192.0.2.1",
    ]) {
      expect(parsed(text), text).to.equal(undefined);
    }
  });

  it("IPv4 parse accepts dotted quads only", () => {
    expect(parseIpv4("192.0.2.1")).to.equal(0xc0000201);
    expect(parseIpv4("255.255.255.255")).to.equal(0xffffffff);
    for (const text of ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1..2.3", "1.2.3.", "01234.1.1.1", "a.b.c.d", " 1.2.3.4"]) {
      expect(parseIpv4(text), text).to.equal(undefined);
    }
  });

  it("property: accepts exactly what inet_pton accepts (node's isIP), zone identifiers aside", () => {
    const piece = fc.constantFrom(
      "0",
      "00",
      "1",
      "01",
      "10",
      "255",
      "256",
      "999",
      "ffff",
      "FFFF",
      "fffff",
      "0db8",
      "a",
      "g",
      ":",
      "::",
      ".",
      "%eth0",
      " ",
      "/24",
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 16 }), (pieces) => {
        const text = pieces.join("");
        expect(isIp(text), text).to.equal(isIP(text) !== 0 && !text.includes("%"));
      }),
      { numRuns: 5000 },
    );
  });

  it("refuses leading zeros in IPv4, also in an IPv6 dotted-quad tail (they read as octal elsewhere)", () => {
    for (const text of ["010.0.0.1", "10.00.0.1", "10.0.0.01", "::ffff:10.0.0.01"]) {
      expect(isIp(text), text).to.equal(false);
    }
    expect(() => parseIp("010.0.0.1")).to.throw('"010.0.0.1" is not an IP address');
    expect(parseIpv4("10.0.0.0")).to.equal(0x0a000000);
  });

  it("parseIp gives IPv6 in RFC 5952 form, IPv4-mapped addresses with a dotted-quad tail", () => {
    expect(parseIp("2001:DB8:0::1").text).to.equal("2001:db8::1");
    expect(parseIp("::FFFF:c000:0201")).to.deep.equal({ family: 6, value: 0xffffc0000201n, text: "::ffff:192.0.2.1" });
    expect(parseIp("::1.2.3.4").value).to.equal(0x01020304n);
  });
});
