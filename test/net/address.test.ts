import { expect } from "chai";
import fc from "fast-check";
import {
  AddressError,
  addressSpan,
  isIp,
  spanSize,
  blockPrefixLengths,
  findOverlaps,
  formatIp,
  ipFamily,
  isWithin,
  normalizeAddressBlock,
  normalizeIp,
  parseAddressBlock,
  parseCidr,
  parseIp,
  parseRange,
  sameIp,
  spanContains,
  spansOverlap,
  subnetOf,
  toCidrs,
} from "../../sdk/net";

function errorOf(fn: () => unknown): AddressError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(AddressError);
    return error as AddressError;
  }
  throw new Error("expected an AddressError");
}

describe("net: addresses", () => {
  it("parses IPv4 and IPv6 with family, value and canonical text", () => {
    expect(parseIp("10.0.1.10")).to.deep.equal({ family: 4, value: 0x0a00010an, text: "10.0.1.10" });
    expect(parseIp("2001:DB8:0:0::1")).to.deep.equal({ family: 6, value: (0x20010db8n << 96n) | 1n, text: "2001:db8::1" });
    expect(ipFamily("fd00::")).to.equal(6);
    expect(normalizeIp("2001:0db8::0001")).to.equal("2001:db8::1");
    expect(sameIp("2001:db8::1", "2001:DB8:0::1")).to.equal(true);
    expect(sameIp("10.0.0.1", "10.0.0.2")).to.equal(false);
    expect(isIp("10.0.0.1")).to.equal(true);
    expect(isIp("10.0.0.0/8")).to.equal(false);
    expect(spanSize(addressSpan(parseIp("10.0.0.1")))).to.equal(1n);
    expect(spanSize(parseCidr("2001:db8::/64"))).to.equal(1n << 64n);
  });

  it("rejects short IPv4 forms, zones and garbage with the input in the message", () => {
    for (const bad of ["10.1", "0x0a000001", "fe80::1%eth0", "10.0.0.256", "", "host"]) {
      const error = errorOf(() => parseIp(bad));
      expect(error.code).to.equal("invalid-address");
      expect(error.message).to.contain(`"${bad}"`);
    }
  });

  it("rejects addresses and CIDRs with spaces around them, as MetalLB (Go's net.ParseIP) does, and says so; range ends may have spaces", () => {
    for (const [bad, parse] of [
      [" 10.0.0.1", parseIp],
      ["2001:db8::1 ", parseIp],
      [" 198.51.100.0/24", parseCidr],
      ["198.51.100.0/24 ", parseAddressBlock],
      ["198.51.100.0/ 24", parseCidr],
    ] as const) {
      const error = errorOf(() => parse(bad));
      expect(error.message, bad).to.contain(`"${bad}"`);
    }
    expect(errorOf(() => parseIp(" 10.0.0.1")).message).to.contain("spaces around it");
    expect(errorOf(() => parseCidr(" 198.51.100.0/24")).message).to.contain("spaces around it");
    expect(parseAddressBlock("203.0.113.10 - 203.0.113.20")).to.include({ kind: "range", text: "203.0.113.10-203.0.113.20" });
  });

  it("formats any value back to the text it came from", () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (text) => {
        const ip = parseIp(text);
        expect(formatIp(ip.family, ip.value)).to.equal(ip.text);
        expect(parseIp(ip.text).value).to.equal(ip.value);
      }),
    );
  });
});

describe("net: CIDRs and ranges", () => {
  it("parses CIDRs, flags host bits and normalizes", () => {
    const cidr = parseCidr("10.0.1.7/24");
    expect(cidr).to.include({ kind: "cidr", family: 4, prefixLength: 24, hostBitsSet: true, text: "10.0.1.0/24" });
    expect(cidr.last - cidr.first).to.equal(255n);
    expect(parseCidr("fd00::/112")).to.include({ family: 6, prefixLength: 112, hostBitsSet: false, text: "fd00::/112" });
    expect(parseCidr("0.0.0.0/0").last).to.equal(0xffffffffn);
  });

  it("rejects bad prefix lengths naming the value and the allowed range", () => {
    const error = errorOf(() => parseCidr("10.0.0.0/33"));
    expect(error.code).to.equal("invalid-prefix-length");
    expect(error.message).to.equal('"10.0.0.0/33" has prefix length "33"; IPv4 prefix lengths are 0-32');
    expect(errorOf(() => parseCidr("2001:db8::/129")).code).to.equal("invalid-prefix-length");
    expect(errorOf(() => parseCidr("10.0.0.0/")).code).to.equal("invalid-prefix-length");
    expect(errorOf(() => parseCidr("10.0.0/8")).code).to.equal("invalid-cidr");
  });

  it("parses ranges and detects start > end and mixed families", () => {
    expect(parseRange("203.0.113.1-203.0.113.20")).to.include({ kind: "range", family: 4, text: "203.0.113.1-203.0.113.20" });
    expect(parseRange("2001:db8::1-2001:db8::20").last).to.equal((0x20010db8n << 96n) | 0x20n);
    const reversed = errorOf(() => parseRange("10.0.0.9-10.0.0.1"));
    expect(reversed.code).to.equal("range-start-after-end");
    expect(reversed.message).to.contain("10.0.0.9 > 10.0.0.1");
    expect(errorOf(() => parseRange("10.0.0.1-2001:db8::1")).code).to.equal("mixed-family-range");
    expect(errorOf(() => parseRange("10.0.0.1-10.0.0.2-10.0.0.3")).code).to.equal("invalid-range");
  });

  it("parses pool entries as CIDR or range and nothing else", () => {
    expect(parseAddressBlock("1.2.3.0/24").kind).to.equal("cidr");
    expect(parseAddressBlock("1.2.3.1-1.2.3.5").kind).to.equal("range");
    expect(errorOf(() => parseAddressBlock("1.2.3.4")).code).to.equal("invalid-block");
    expect(normalizeAddressBlock("2001:DB8::0001-2001:db8::0020")).to.equal("2001:db8::1-2001:db8::20");
  });

  it("answers containment, overlap and subnet-of", () => {
    const pool = parseAddressBlock("10.0.0.1-10.0.0.4");
    expect(spanContains(pool, "10.0.0.4")).to.equal(true);
    expect(spanContains(pool, "10.0.0.5")).to.equal(false);
    expect(spanContains(pool, "::a00:1")).to.equal(false);
    expect(spansOverlap(pool, parseCidr("10.0.0.4/30"))).to.equal(true);
    expect(spansOverlap(pool, parseCidr("10.0.0.8/30"))).to.equal(false);
    expect(isWithin(pool, parseCidr("10.0.0.0/29"))).to.equal(true);
    expect(isWithin(parseCidr("10.0.0.0/23"), parseCidr("10.0.0.0/24"))).to.equal(false);
    expect(subnetOf("10.0.1.7", 24).text).to.equal("10.0.1.0/24");
  });

  it("covers a range with the fewest CIDRs", () => {
    expect(toCidrs(parseRange("10.0.0.1-10.0.0.4")).map((c) => c.text)).to.deep.equal(["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/32"]);
    expect(blockPrefixLengths(parseRange("10.0.0.0-10.0.0.255"))).to.deep.equal([24]);
    expect(toCidrs(parseRange("0.0.0.0-255.255.255.255")).map((c) => c.text)).to.deep.equal(["0.0.0.0/0"]);
  });

  it("cover is exact and disjoint for any range (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 0xffffffffn }), fc.bigInt({ min: 0n, max: 0xffffffffn }), (a, b) => {
        const [first, last] = a <= b ? [a, b] : [b, a];
        const cidrs = toCidrs({ family: 4, first, last });
        expect(cidrs[0].first).to.equal(first);
        expect(cidrs[cidrs.length - 1].last).to.equal(last);
        for (let i = 1; i < cidrs.length; i++) expect(cidrs[i].first).to.equal(cidrs[i - 1].last + 1n);
        expect(cidrs.length).to.be.at.most(62);
      }),
    );
  });

  it("finds overlaps in sorted order and agrees with the pairwise check (property)", () => {
    expect(findOverlaps(["10.0.0.0/24", "10.0.1.0/24", "10.0.0.128/25"], (t) => parseCidr(t))).to.deep.equal([
      { earlier: "10.0.0.0/24", later: "10.0.0.128/25" },
    ]);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 20 })), { maxLength: 30 }), (pairs) => {
        const spans = pairs.map(([start, length]) => ({ family: 4 as const, first: BigInt(start), last: BigInt(start + length) }));
        const reported = new Set(findOverlaps(spans, (s) => s).map((o) => o.later));
        for (const span of spans) {
          const overlapsAnother = spans.some((other) => other !== span && spansOverlap(span, other));
          if (reported.has(span)) expect(overlapsAnother).to.equal(true);
        }
        const anyOverlap = spans.some((a, i) => spans.some((b, j) => i < j && spansOverlap(a, b)));
        expect(reported.size > 0).to.equal(anyOverlap);
      }),
    );
  });
});
