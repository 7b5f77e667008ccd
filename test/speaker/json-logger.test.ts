/**
 * The speaker's JSON log lines through pino: `level` by name, ISO `time`,
 * the event's fields and `msg`; info and debug to stdout, warn and error to
 * stderr; debug only when asked for.
 */
import { expect } from "chai";
import { jsonLogger } from "../../sdk/speaker/json-logger";

describe("speaker JSON logs (pino)", () => {
  it("writes one JSON object per line with level, time, fields and msg, split between stdout and stderr", () => {
    const out: string[] = [];
    const err: string[] = [];
    const logger = jsonLogger(
      (line) => out.push(line),
      (line) => err.push(line),
    );
    logger.log("info", "BGP_FSM_ESTABLISHED", { peer: "192.0.2.1", asn: 65001, families: ["ipv4-unicast", "ipv6-unicast"], gone: undefined });
    logger.log("debug", "BGP_FSM_TIMER", { timer: "keepalive" });
    logger.log("warn", "update treated as withdraw", { peer: "192.0.2.1", attributeType: 2 });
    logger.log("error", "uncaught error, speaker keeps running");
    expect(out).to.have.length(1);
    expect(err).to.have.length(2);
    for (const line of [...out, ...err]) expect(line.endsWith("}\n") && !line.slice(0, -1).includes("\n")).to.equal(true);
    const info = JSON.parse(out[0]) as Record<string, unknown>;
    expect(Object.keys(info).sort()).to.deep.equal(["asn", "families", "level", "msg", "peer", "time"]);
    expect(info).to.deep.include({ level: "info", msg: "BGP_FSM_ESTABLISHED", peer: "192.0.2.1", asn: 65001, families: ["ipv4-unicast", "ipv6-unicast"] });
    expect(new Date(info.time as string).toISOString()).to.equal(info.time);
    expect(err.map((line) => JSON.parse(line) as Record<string, unknown>).map((l) => [l.level, l.msg])).to.deep.equal([
      ["warn", "update treated as withdraw"],
      ["error", "uncaught error, speaker keeps running"],
    ]);
    expect(logger.enabled?.("debug")).to.equal(false);
    expect(logger.enabled?.("info")).to.equal(true);
  });

  it("writes debug lines to stdout when debug logging is on", () => {
    const out: string[] = [];
    const logger = jsonLogger(
      (line) => out.push(line),
      () => expect.fail("nothing on stderr"),
      true,
    );
    expect(logger.enabled?.("debug")).to.equal(true);
    logger.log("debug", "BGP_FSM_TIMER", { timer: "keepalive" });
    expect(JSON.parse(out[0])).to.deep.include({ level: "debug", msg: "BGP_FSM_TIMER", timer: "keepalive" });
  });
});
