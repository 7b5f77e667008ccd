/**
 * Hostile input: random octets and mutated valid messages. The decoder and
 * framer must not throw, must terminate, and must always answer with a
 * message or a NOTIFICATION-shaped error — never the internal-error
 * fallback, which would mean a defect was caught rather than handled.
 */
import { expect } from "chai";
import fc from "fast-check";
import { decodeMessage, encodeMessage, MessageFramer, type CodecContext, type DecodeResult } from "../../../sdk/bgp";
import { context, messageInContext } from "./arbitraries";

function assertWellFormed(result: DecodeResult): void {
  if (result.ok) {
    expect(result.message.kind).to.be.oneOf(["open", "update", "keepalive", "notification", "routeRefresh"]);
    expect(Array.isArray(result.diagnostics)).to.equal(true);
    return;
  }
  expect(result.error.reason).to.not.match(/^internal decoder error/);
  expect(result.error.code).to.be.within(1, 7);
  expect(result.error.data).to.be.instanceOf(Uint8Array);
}

/** A header with a correct length field for `body`, so decoding gets past the header checks. */
function framed(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(19 + body.length);
  out.fill(0xff, 0, 16);
  out[16] = out.length >>> 8;
  out[17] = out.length & 0xff;
  out[18] = type;
  out.set(body, 19);
  return out;
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(bytes: Uint8Array, mutations: readonly Mutation[], fixLength: boolean): Uint8Array {
  let out = Uint8Array.from(bytes);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    if (m.kind === "flip") out[at] = m.value;
    else if (m.kind === "truncate") out = out.slice(0, at);
    else out = Uint8Array.from([...out.subarray(0, at), m.value, ...out.subarray(at)]);
  }
  if (fixLength && out.length >= 19) {
    out.fill(0xff, 0, 16);
    out[16] = out.length >>> 8;
    out[17] = out.length & 0xff;
  }
  return out;
}

describe("bgp codec: fuzz", () => {
  it("random octets never throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), context, (bytes, ctx) => assertWellFormed(decodeMessage(bytes, ctx))),
      { numRuns: 1000 },
    );
  });

  it("random bodies behind a valid header never throw", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.uint8Array({ maxLength: 400 }), context, (type, body, ctx) =>
        assertWellFormed(decodeMessage(framed(type, body), ctx)),
      ),
      { numRuns: 3000 },
    );
  });

  it("mutated valid messages never throw, with and without a repaired header", () => {
    fc.assert(
      fc.property(messageInContext, fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), context, (item, mutations, fix, ctx) => {
        const bytes = mutate(encodeMessage(item.message, item.context), mutations, fix);
        assertWellFormed(decodeMessage(bytes, item.context));
        assertWellFormed(decodeMessage(bytes, ctx));
      }),
      { numRuns: 2000 },
    );
  });

  it("the framer terminates on any stream and yields at most one result per 19 octets", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 64 }),
            messageInContext.map((m) => encodeMessage(m.message, m.context)),
          ),
          { maxLength: 8 },
        ),
        (chunks) => {
          const framer = new MessageFramer();
          const ctx: CodecContext = { fourOctetAs: true, addPath: {}, extendedNextHop: false };
          let total = 0;
          let results = 0;
          for (const chunk of chunks) {
            framer.push(chunk);
            total += chunk.length;
            for (let r = framer.next(ctx); r !== undefined; r = framer.next(ctx)) {
              assertWellFormed(r);
              results++;
              if (!r.ok) break;
            }
          }
          expect(results).to.be.at.most(chunks.length + Math.floor(total / 19));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("an UPDATE of 1357 duplicate attributes yields a bounded list of diagnostics", () => {
    // 4071 octets of 0x40 0x02 0x00 (empty AS_PATH) repeated, then 2 stray octets.
    const body = new Uint8Array(4077);
    const attributes = new Uint8Array(4073);
    for (let i = 0; i + 3 <= attributes.length; i += 3) attributes.set([0x40, 0x02, 0x00], i);
    body[2] = attributes.length >>> 8;
    body[3] = attributes.length & 0xff;
    body.set(attributes, 4);
    const result = decodeMessage(framed(2, body));
    assertWellFormed(result);
    if (!result.ok) throw new Error(result.error.reason);
    expect(result.diagnostics).to.have.length(33);
    expect(result.diagnostics[32]).to.deep.equal({
      action: "treat-as-withdraw",
      subcode: 1,
      reason: "1325 further attribute problems not listed",
    });
  });
});
