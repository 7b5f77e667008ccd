/** The control socket's line protocol: batches, replies, errors naming the line, limits; hostile input never throws. */
import { expect } from "chai";
import fc from "fast-check";
import { formatIpValue, type IpValue } from "../../sdk/net";
import { ControlConversation, MAX_BATCH_LINES, MAX_LINE_LENGTH, type ApplyBatch } from "../../sdk/speaker/control";

/** A conversation whose applied batches are recorded as address texts. */
function recorded(apply?: ApplyBatch): { conversation: ControlConversation; batches: [string[], string[]][] } {
  const batches: [string[], string[]][] = [];
  const names = (values: readonly IpValue[]): string[] => values.map(formatIpValue);
  const conversation = new ControlConversation(
    apply ??
      ((announce, withdraw) => {
        batches.push([names(announce), names(withdraw)]);
        return `announced ${announce.length} withdrawn ${withdraw.length}`;
      }),
  );
  return { conversation, batches };
}

const text = (s: string): Uint8Array => Buffer.from(s);

describe("speaker control socket protocol", () => {
  it("applies a batch ended by an empty line, the last line naming a VIP winning, and answers once", () => {
    const { conversation, batches } = recorded();
    expect(conversation.receive(text("announce 192.0.2.10\nannounce 192.0.2.11/32\n# note\nwithdraw 192.0.2.11\n"))).to.deep.equal([]);
    expect(conversation.receive(text("announce 2001:DB8::1\n\n"))).to.deep.equal(["ok announced 2 withdrawn 1"]);
    expect(batches).to.deep.equal([[["192.0.2.10", "2001:db8::1"], ["192.0.2.11"]]]);
  });

  it("ends a batch when the client closes its side, also in the middle of a line; lines may arrive in pieces and end in CRLF", () => {
    const { conversation, batches } = recorded();
    expect(conversation.receive(text("anno"))).to.deep.equal([]);
    expect(conversation.receive(text("unce 192.0.2.10\r\nwithdraw 192.0.2"))).to.deep.equal([]);
    expect(conversation.receive(text(".1"))).to.deep.equal([]);
    expect(conversation.end()).to.deep.equal(["ok announced 1 withdrawn 1"]);
    expect(batches).to.deep.equal([[["192.0.2.10"], ["192.0.2.1"]]]);
  });

  it("refuses a batch with bad lines, naming each by number, and applies nothing of it; the next batch is taken", () => {
    const { conversation, batches } = recorded();
    const replies = conversation.receive(text("announce 192.0.2.10\nannounce 192.0.2.300\nflap 192.0.2.1\nwithdraw\nannounce 192.0.2.0/24\n\n"));
    expect(replies).to.have.length(1);
    expect(replies[0]).to.match(/^error: /);
    expect(replies[0]).to.include('line 2: "192.0.2.300" is not an IPv4 or IPv6 address');
    expect(replies[0]).to.include('line 3: "flap 192.0.2.1" is not "announce PREFIX" or "withdraw PREFIX"');
    expect(replies[0]).to.include("line 4: withdraw needs a prefix");
    expect(replies[0]).to.include('line 5: "192.0.2.0/24" is not a host address');
    expect(replies[0]).to.include("batch of 5 lines not applied");
    expect(batches).to.deep.equal([]);
    expect(conversation.receive(text("withdraw 192.0.2.10\n\n"))).to.deep.equal(["ok announced 0 withdrawn 1"]);
  });

  it("refuses a line longer than the limit without keeping it, and a batch over the line limit", () => {
    const { conversation } = recorded();
    const long = `announce ${"1".repeat(MAX_LINE_LENGTH)}\n\n`;
    expect(conversation.receive(text(long))).to.deep.equal([`error: line 1: longer than ${MAX_LINE_LENGTH} characters; batch of 1 lines not applied`]);
    const many = "withdraw 192.0.2.1\n".repeat(MAX_BATCH_LINES + 2) + "\n";
    const [reply] = conversation.receive(text(many));
    expect(reply).to.equal(
      `error: line ${MAX_BATCH_LINES + 3}: the batch has more than ${MAX_BATCH_LINES} lines (end a batch with an empty line); batch of ${MAX_BATCH_LINES + 2} lines not applied`,
    );
  });

  it("answers with the error of a batch the speaker refuses", () => {
    const { conversation } = recorded(() => {
      throw new Error("ipv6NextHops: is empty");
    });
    expect(conversation.receive(text("announce 2001:db8::1\n\n"))).to.deep.equal(["error: ipv6NextHops: is empty; batch of 1 lines not applied"]);
  });

  it("property: hostile input in any split never throws, and every reply is one line starting with ok or error", () => {
    const line = fc.oneof(
      fc.constantFrom("announce 192.0.2.1", "withdraw 2001:db8::1", "", "#", "announce", "withdraw  ::/128", "\r"),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: "binary", maxLength: 300 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.array(fc.nat(64), { maxLength: 8 }), fc.boolean(), (lines, cuts, throwing) => {
        const { conversation } = recorded(
          throwing
            ? () => {
                throw new Error("refused");
              }
            : undefined,
        );
        const bytes = Buffer.from(lines.join("\n"));
        const replies: string[] = [];
        let from = 0;
        for (const cut of cuts) {
          replies.push(...conversation.receive(bytes.subarray(from, from + cut)));
          from += cut;
        }
        replies.push(...conversation.receive(bytes.subarray(from)), ...conversation.end());
        for (const reply of replies) expect(reply).to.match(/^(ok |error: )[^\n]*$/);
      }),
    );
  });
});
