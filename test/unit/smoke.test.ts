import { expect } from "chai";

describe("toolchain", () => {
  it("runs the tests on Node 22 or newer (the node devDependency, not the machine's Node 20)", () => {
    expect(Number(process.versions.node.split(".")[0])).to.be.at.least(22);
  });
});
