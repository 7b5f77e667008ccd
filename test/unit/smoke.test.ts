import { expect } from "chai";
import fc from "fast-check";
describe("toolchain", () => {
  it("runs on Node 22+", () => {
    expect(Number(process.versions.node.split(".")[0])).to.be.at.least(22);
    fc.assert(fc.property(fc.integer(), (n) => n + 0 === n));
  });
});
