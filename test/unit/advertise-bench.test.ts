import { expect } from "chai";
import { firstUpdateMs } from "../../bench/advertise";

describe("advertise benchmark: first UPDATE from the receiver's trace", () => {
  const trace = (lines: readonly string[]): string => `${lines.join("\n")}\n`;

  it("is the time from the session coming up to the first UPDATE after it, in ms", () => {
    const log = trace([
      "12:00:01.000000 <TRACE> n0: Got UPDATE",
      "12:00:02.100000 <TRACE> n0: Got KEEPALIVE",
      "12:00:02.100250 <TRACE> n0: State changed to up",
      "12:00:02.104750 <TRACE> n0: Got UPDATE",
      "12:00:02.200000 <TRACE> n0: Got UPDATE",
    ]);
    expect(firstUpdateMs(log)).to.equal(4.5);
  });

  it("counts across midnight", () => {
    expect(firstUpdateMs(trace(["23:59:59.999000 <TRACE> n0: State changed to up", "00:00:00.001000 <TRACE> n0: Got UPDATE"]))).to.equal(2);
  });

  it("is undefined without an Established or without an UPDATE after it", () => {
    expect(firstUpdateMs(trace(["12:00:01.000000 <TRACE> n0: Got UPDATE"]))).to.equal(undefined);
    expect(firstUpdateMs(trace(["12:00:01.000000 <TRACE> n0: Got UPDATE", "12:00:02.000000 <TRACE> n0: State changed to up"]))).to.equal(undefined);
  });
});
