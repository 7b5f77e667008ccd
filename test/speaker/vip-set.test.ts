/** The speaker's advertised-VIP set: sorted address values, the difference each replace or change makes. */
import { expect } from "chai";
import fc from "fast-check";
import type { IpValue } from "../../sdk/net";
import { VipSet } from "../../sdk/speaker/vip-set";

/** A few IPv4 values (some ≥ 2^31) and IPv6 values, small pools so operations overlap. */
const value: fc.Arbitrary<IpValue> = fc.oneof(
  fc.constantFrom(0, 1, 0x0a000001, 0x7fffffff, 0x80000000, 0xc000020a, 0xffffffff),
  fc.constantFrom(0n, 1n, 0x2001_0db8n << 96n, (1n << 128n) - 1n),
);

const sorted = (values: Iterable<IpValue>): IpValue[] =>
  [...values].sort((a, b) => (typeof a !== typeof b ? (typeof a === "number" ? -1 : 1) : a < b ? -1 : a > b ? 1 : 0));

describe("speaker VIP set", () => {
  it("replace reports what was added and removed, in ascending order, IPv4 first, duplicates counted once", () => {
    const set = new VipSet();
    expect(set.replace([0xc000020b, 0xc000020a, 1n, 0xc000020a])).to.deep.equal({ added: [0xc000020a, 0xc000020b, 1n], removed: [] });
    expect(set.replace([0xc000020a, 2n])).to.deep.equal({ added: [2n], removed: [0xc000020b, 1n] });
    expect(set.size).to.equal(2);
  });

  it("change adds and removes; a value both announced and withdrawn is removed", () => {
    const set = new VipSet();
    set.replace([1, 2, 3]);
    expect(set.change([4, 2, 5], [1, 5])).to.deep.equal({ added: [4], removed: [1] });
    expect(set.replace([2, 3, 4])).to.deep.equal({ added: [], removed: [] });
  });

  it("property: after any sequence of replaces and changes, the set and each reported difference match a plain Set", () => {
    const op = fc.oneof(
      fc.record({ replace: fc.array(value, { maxLength: 12 }) }),
      fc.record({ announce: fc.array(value, { maxLength: 6 }), withdraw: fc.array(value, { maxLength: 6 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
        const set = new VipSet();
        let model = new Set<IpValue>();
        for (const o of ops) {
          const next = "replace" in o ? new Set(o.replace) : new Set([...model, ...o.announce].filter((v) => !o.withdraw.includes(v)));
          const difference = "replace" in o ? set.replace(o.replace) : set.change(o.announce, o.withdraw);
          expect(difference.added).to.deep.equal(sorted([...next].filter((v) => !model.has(v))));
          expect(difference.removed).to.deep.equal(sorted([...model].filter((v) => !next.has(v))));
          expect(set.size).to.equal(next.size);
          model = next;
        }
      }),
    );
  });
});
