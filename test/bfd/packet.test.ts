/** BFD Control packet codec (RFC 5880 §4.1): annotated byte vectors, reception checks, properties. */
import { expect } from "chai";
import fc from "fast-check";
import { decodeControlPacket, encodeControlPacket, type ControlPacket } from "../../sdk/bfd/packet";
import { controlPacket } from "./arbitraries";

function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+|#[^\n]*/g, ""), "hex"));
}

/** A Down packet as FRR bfdd sends it first: 1 s TX, 300 ms RX, no Your Discriminator yet. */
const FIRST_DOWN = hex(`
  20          # Vers 1 (001), Diag 0 (00000)
  40          # Sta Down (01), P F C A D M all 0
  03          # Detect Mult 3
  18          # Length 24
  a1b2c3d4    # My Discriminator
  00000000    # Your Discriminator: not known yet
  000f4240    # Desired Min TX Interval 1,000,000 us (slow start, RFC 5880 §6.8.3)
  000493e0    # Required Min RX Interval 300,000 us
  0000c350    # Required Min Echo RX Interval 50,000 us
`);

const FIRST_DOWN_PACKET: ControlPacket = {
  diagnostic: 0,
  state: "Down",
  poll: false,
  final: false,
  controlPlaneIndependent: false,
  demand: false,
  detectMult: 3,
  myDiscriminator: 0xa1b2c3d4,
  yourDiscriminator: 0,
  desiredMinTxUs: 1_000_000,
  requiredMinRxUs: 300_000,
  requiredMinEchoRxUs: 50_000,
};

/** An Up packet with Poll after a detection-time failure: Diag 1, P set. */
const UP_POLL = hex(`
  21          # Vers 1, Diag 1 (Control Detection Time Expired)
  e0          # Sta Up (11), P 1, F 0, C 0, A 0, D 0, M 0
  05          # Detect Mult 5
  18          # Length 24
  00000001    # My Discriminator 1
  ffffffff    # Your Discriminator 4294967295
  000186a0    # Desired Min TX 100,000 us
  0000c350    # Required Min RX 50,000 us
  00000000    # no echo
`);

/** Init with Final, C and D set, and a simple-password authentication section (RFC 5880 §4.2.1). */
const INIT_AUTH = hex(`
  20          # Vers 1, Diag 0
  9e          # Sta Init (10), P 0, F 1, C 1, A 1, D 1, M 0
  02          # Detect Mult 2
  1d          # Length 29 = 24 + 5
  00000010 00000020 000003e8 000003e8 00000000
  01          # Auth Type 1 (simple password)
  05          # Auth Len 5: type, len, key ID, 2 password octets
  07 6869     # Key ID 7, password "hi"
`);

describe("bfd Control packet codec", () => {
  it("decodes an annotated Down packet and encodes it back byte for byte", () => {
    const result = decodeControlPacket(FIRST_DOWN);
    expect(result).to.deep.equal({ ok: true, packet: FIRST_DOWN_PACKET });
    expect(Buffer.from(encodeControlPacket(FIRST_DOWN_PACKET)).toString("hex")).to.equal(Buffer.from(FIRST_DOWN).toString("hex"));
  });

  it("decodes Up with Poll and Diag 1, and Init with Final, C, D and authentication", () => {
    const up = decodeControlPacket(UP_POLL);
    expect(up.ok && up.packet).to.include({
      state: "Up",
      diagnostic: 1,
      poll: true,
      final: false,
      detectMult: 5,
      yourDiscriminator: 0xffffffff,
      desiredMinTxUs: 100_000,
    });
    const init = decodeControlPacket(INIT_AUTH);
    expect(init.ok && init.packet).to.include({ state: "Init", final: true, controlPlaneIndependent: true, demand: true, poll: false });
    expect(init.ok && init.packet.authentication).to.deep.equal({ type: 1, data: Uint8Array.from([7, 0x68, 0x69]) });
    expect(Buffer.from(encodeControlPacket(init.ok ? init.packet : FIRST_DOWN_PACKET)).equals(Buffer.from(INIT_AUTH))).to.equal(true);
  });

  const cases: [string, (b: Uint8Array) => void, RegExp][] = [
    ["a payload shorter than 24", () => undefined, /shorter than a Control packet/],
    ["version 2", (b) => (b[0] = 0x40), /version 2, expected 1/],
    ["Length 23", (b) => (b[3] = 23), /Length 23, below 24/],
    ["Length beyond the payload", (b) => (b[3] = 40), /beyond the 24-octet payload/],
    ["Detect Mult 0", (b) => (b[2] = 0), /Detect Mult 0/],
    ["the M bit", (b) => (b[1] |= 0x01), /Multipoint/],
    ["My Discriminator 0", (b) => b.fill(0, 4, 8), /My Discriminator 0/],
    ["Your Discriminator 0 in Up", (b) => (b[1] = 0xc0), /Your Discriminator 0 in state Up/],
    ["A set but no room for Auth Type and Len", (b) => (b[1] |= 0x04), /Length 24, below 26/],
  ];
  for (const [what, mutate, reason] of cases) {
    it(`discards ${what} (RFC 5880 §6.8.6) with the reason`, () => {
      const bytes = Uint8Array.from(FIRST_DOWN);
      mutate(bytes);
      const result = decodeControlPacket(what.startsWith("a payload") ? bytes.subarray(0, 23) : bytes);
      expect(result.ok).to.equal(false);
      expect(!result.ok && result.reason).to.match(reason);
    });
  }

  it("discards an Auth Len that does not fill Length", () => {
    const bytes = Uint8Array.from(INIT_AUTH);
    bytes[25] = 4;
    expect(decodeControlPacket(bytes)).to.deep.equal({ ok: false, reason: "Auth Len 4 does not fill Length 29" });
  });

  it("discards Length 25 without authentication", () => {
    const bytes = Uint8Array.from([...FIRST_DOWN, 0]);
    bytes[3] = 25;
    expect(decodeControlPacket(bytes)).to.deep.equal({ ok: false, reason: "Length 25 without authentication, expected 24" });
  });

  it("ignores octets after Length (UDP padding)", () => {
    const padded = Uint8Array.from([...FIRST_DOWN, 0, 0, 0]);
    expect(decodeControlPacket(padded)).to.deep.equal({ ok: true, packet: FIRST_DOWN_PACKET });
  });

  it("encode refuses a value that does not fit its field, naming it", () => {
    expect(() => encodeControlPacket({ ...FIRST_DOWN_PACKET, detectMult: 256 })).to.throw(RangeError, /detectMult: 256/);
    expect(() => encodeControlPacket({ ...FIRST_DOWN_PACKET, desiredMinTxUs: -1 })).to.throw(RangeError, /desiredMinTxUs: -1/);
  });

  it("property: decode never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const result = decodeControlPacket(bytes);
        expect(typeof result.ok).to.equal("boolean");
      }),
      { numRuns: 2000 },
    );
  });

  it("property: decode never throws on a valid packet with any single octet changed", () => {
    fc.assert(
      fc.property(controlPacket, fc.nat(), fc.integer({ min: 0, max: 255 }), (packet, at, value) => {
        const bytes = encodeControlPacket(packet);
        bytes[at % bytes.length] = value;
        decodeControlPacket(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it("property: encode then decode gives back the packet", () => {
    fc.assert(
      fc.property(controlPacket, (packet) => {
        expect(decodeControlPacket(encodeControlPacket(packet))).to.deep.equal({ ok: true, packet });
      }),
      { numRuns: 1000 },
    );
  });
});
