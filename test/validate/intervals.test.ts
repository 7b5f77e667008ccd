import { expect } from "chai";
import fc from "fast-check";
import { findOverlaps, IntervalIndex, type Interval } from "../../sdk/validate/intervals";

const iv = (start: number, end: number, owner: string): Interval<string> => ({ start: BigInt(start), end: BigInt(end), owner });

const arbIntervals = fc.array(
  fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 20 })).map(([s, len]) => ({ s, e: s + len })),
  { maxLength: 30 },
).map((xs) => xs.map((x, i) => iv(x.s, x.e, `i${i}`)));

const naiveOverlapping = (xs: readonly Interval<string>[]): Set<string> => {
  const out = new Set<string>();
  for (let i = 0; i < xs.length; i++)
    for (let j = i + 1; j < xs.length; j++)
      if (xs[i]!.start <= xs[j]!.end && xs[j]!.start <= xs[i]!.end) {
        out.add(xs[i]!.owner);
        out.add(xs[j]!.owner);
      }
  return out;
};

describe("validate/intervals", () => {
  it("pairs an interval with the earlier one that reaches over it", () => {
    const pairs = findOverlaps([iv(10, 20, "b"), iv(0, 100, "a"), iv(200, 300, "c")]);
    expect(pairs.map(([x, y]) => [x.owner, y.owner])).to.deep.equal([["a", "b"]]);
  });

  it("treats touching ends as overlapping (closed intervals) and adjacent ones as disjoint", () => {
    expect(findOverlaps([iv(0, 10, "a"), iv(10, 20, "b")])).to.have.length(1);
    expect(findOverlaps([iv(0, 10, "a"), iv(11, 20, "b")])).to.have.length(0);
  });

  it("flags exactly the intervals a quadratic check flags", () => {
    fc.assert(
      fc.property(arbIntervals, (xs) => {
        const flagged = new Set<string>();
        for (const [a, b] of findOverlaps(xs)) {
          expect(a.start <= b.end && b.start <= a.end).to.equal(true);
          flagged.add(a.owner);
          flagged.add(b.owner);
        }
        const expected = naiveOverlapping(xs);
        // Every interval in an overlap is either reported or is the reach that another was reported against.
        expect([...flagged].sort()).to.deep.equal([...expected].sort());
      }),
    );
  });

  it("index finds an overlapping interval whenever one exists", () => {
    fc.assert(
      fc.property(arbIntervals, fc.integer({ min: 0, max: 230 }), fc.integer({ min: 0, max: 10 }), (xs, s, len) => {
        const hit = new IntervalIndex(xs).overlapping(BigInt(s), BigInt(s + len));
        const any = xs.some((x) => x.start <= BigInt(s + len) && BigInt(s) <= x.end);
        expect(hit !== undefined).to.equal(any);
        if (hit) expect(hit.start <= BigInt(s + len) && BigInt(s) <= hit.end).to.equal(true);
      }),
    );
  });

  it("index answers point containment", () => {
    const index = new IntervalIndex([iv(0, 100, "wide"), iv(5, 6, "narrow"), iv(300, 310, "far")]);
    expect(index.containing(50n)?.owner).to.equal("wide");
    expect(index.containing(305n)?.owner).to.equal("far");
    expect(index.containing(200n)).to.equal(undefined);
  });
});
