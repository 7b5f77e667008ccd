import { expect } from "chai";
import fc from "fast-check";
import type { AddressSpan } from "../../sdk/net";
import { SpanIndex, type Spanned } from "../../sdk/validate/span-index";

const entry = (family: 4 | 6, first: number, last: number, item: string): Spanned<string> => ({
  span: { family, first: BigInt(first), last: BigInt(last) },
  item,
});
const span = (family: 4 | 6, first: number, last: number): AddressSpan => ({ family, first: BigInt(first), last: BigInt(last) });

const arbEntries = fc
  .array(fc.tuple(fc.constantFrom<4 | 6>(4, 6), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 20 })), { maxLength: 30 })
  .map((xs) => xs.map(([family, first, length], i) => entry(family, first, first + length, `e${i}`)));

describe("validate/span-index", () => {
  it("finds the entry holding an address, per family", () => {
    const index = new SpanIndex([entry(4, 0, 100, "wide"), entry(4, 5, 6, "narrow"), entry(6, 300, 310, "v6")]);
    expect(index.overlapping(span(4, 50, 50))?.item).to.equal("wide");
    expect(index.overlapping(span(6, 305, 305))?.item).to.equal("v6");
    expect(index.overlapping(span(4, 305, 305))).to.equal(undefined);
    expect(index.overlapping(span(6, 50, 50))).to.equal(undefined);
  });

  it("treats span ends as inclusive", () => {
    const index = new SpanIndex([entry(4, 10, 20, "a")]);
    expect(index.overlapping(span(4, 20, 30))?.item).to.equal("a");
    expect(index.overlapping(span(4, 0, 10))?.item).to.equal("a");
    expect(index.overlapping(span(4, 21, 30))).to.equal(undefined);
  });

  it("agrees with a scan of every entry", () => {
    fc.assert(
      fc.property(
        arbEntries,
        fc.constantFrom<4 | 6>(4, 6),
        fc.integer({ min: 0, max: 230 }),
        fc.integer({ min: 0, max: 10 }),
        (entries, family, first, length) => {
          const query = span(family, first, first + length);
          const hit = new SpanIndex(entries).overlapping(query);
          const overlaps = (e: Spanned<string>): boolean => e.span.family === family && e.span.first <= query.last && query.first <= e.span.last;
          expect(hit !== undefined).to.equal(entries.some(overlaps));
          if (hit) expect(overlaps(hit)).to.equal(true);
        },
      ),
    );
  });
});
