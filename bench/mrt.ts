/**
 * A minimal MRT TABLE_DUMP_V2 writer (RFC 6396 §4.3): one peer, IPv4
 * unicast entries with the same attributes. GoBGP loads such a file with
 * `gobgp mrt inject global`, its fastest way to originate many routes.
 */
import { writeAttributes } from "../sdk/bgp/codec/attributes-encode";
import type { PathAttributes } from "../sdk/bgp/messages";
import { ByteWriter } from "../sdk/bgp/codec/wire";

const TABLE_DUMP_V2 = 13;
const PEER_INDEX_TABLE = 1;
const RIB_IPV4_UNICAST = 2;
/** Peer type bit: the peer's AS number is 4 octets. */
const PEER_AS4 = 2;

function header(out: ByteWriter, subtype: number): number {
  out.u32(0);
  out.u16(TABLE_DUMP_V2);
  out.u16(subtype);
  return out.skip(4);
}

function finish(out: ByteWriter, lengthAt: number): void {
  const length = out.position - lengthAt - 4;
  out.patchU16(lengthAt, length >>> 16);
  out.patchU16(lengthAt + 2, length & 0xffff);
}

/**
 * An MRT file with `count` IPv4 host routes (addresses `first`, `first+1`,
 * ... as 32-bit numbers), each with `attributes` (4-octet AS_PATH), learnt
 * from one peer `peerAddress` (a 32-bit number) in `peerAsn`; then the
 * first `repeat` of them again. (`gobgp mrt inject` 3.10 loses the last
 * records of a file; repeated ones are harmless to lose.)
 */
export function mrtHostRoutes(first: number, count: number, attributes: PathAttributes, peerAddress: number, peerAsn: number, repeat = 0): Uint8Array {
  const out = new ByteWriter(64 + count * 64);
  let at = header(out, PEER_INDEX_TABLE);
  out.u32(peerAddress);
  out.u16(0);
  out.u16(1);
  out.u8(PEER_AS4);
  out.u32(peerAddress);
  out.u32(peerAddress);
  out.u32(peerAsn);
  finish(out, at);
  const encoded = new ByteWriter();
  writeAttributes(encoded, attributes, { fourOctetAs: true, addPath: {}, extendedNextHop: false });
  const attributeBytes = encoded.copy();
  for (let i = 0; i < count + repeat; i++) {
    at = header(out, RIB_IPV4_UNICAST);
    out.u32(i);
    out.u8(32);
    out.u32((first + (i % count)) >>> 0);
    out.u16(1);
    out.u16(0);
    out.u32(0);
    out.u16(attributeBytes.length);
    out.append(attributeBytes);
    finish(out, at);
  }
  return out.copy();
}
