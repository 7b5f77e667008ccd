/**
 * OPEN message body (RFC 4271 §4.2) with capabilities in optional
 * parameters (RFC 5492) and RFC 9072's extended optional parameters.
 */
import { readCapability, writeCapability } from "./capabilities";
import { decoded, refused } from "./errors";
import { AS_TRANS, BGP_VERSION, ErrorCode, OpenErrorSubcode, OptionalParameterType, type Capability, type Decoded, type OpenMessage } from "../messages";
import type { ByteWriter } from "./wire";
import { readU16, readU32 } from "./wire";

/** Appends the OPEN body; switches to RFC 9072's extended form when the parameters exceed 255 octets. */
export function writeOpenBody(out: ByteWriter, message: OpenMessage): void {
  out.u8(message.version, "open.version");
  out.u16(message.myAsn, "open.myAsn");
  out.u16(message.holdTime, "open.holdTime");
  out.u32(message.bgpId, "open.bgpId");
  const lengthAt = out.skip(1);
  if (message.capabilities.length === 0) return;
  out.u8(OptionalParameterType.Capabilities);
  const parameterLengthAt = out.skip(1);
  const valueStart = out.position;
  for (const capability of message.capabilities) writeCapability(out, capability);
  const valueLength = out.position - valueStart;
  if (valueLength + 2 <= 255) {
    out.patchU8(parameterLengthAt, valueLength);
    out.patchU8(lengthAt, valueLength + 2);
    return;
  }
  // RFC 9072 §2: Non-Ext OP Len = 255, Non-Ext OP Type = 255, 2-octet
  // Extended Opt. Parm. Length, and 2-octet parameter lengths.
  const value = out.copy(valueStart);
  out.position = lengthAt;
  out.u8(255);
  out.u8(OptionalParameterType.ExtendedLength);
  out.u16(value.length + 3);
  out.u8(OptionalParameterType.Capabilities);
  out.u16(value.length);
  out.append(value);
}

/**
 * Decodes an OPEN body in `bytes[start, end)` (the header already checked
 * the minimum length). Returns the message or the NOTIFICATION to send.
 */
export function readOpenBody(bytes: Uint8Array, start: number, end: number): Decoded<OpenMessage> {
  const version = bytes[start];
  if (version !== BGP_VERSION) {
    return refused(
      ErrorCode.OpenMessage,
      OpenErrorSubcode.UnsupportedVersionNumber,
      `BGP version ${version} is not supported; this speaker supports version ${BGP_VERSION}`,
      Uint8Array.of(0, BGP_VERSION),
    );
  }
  const myAsn = readU16(bytes, start + 1);
  const holdTime = readU16(bytes, start + 3);
  if (holdTime === 1 || holdTime === 2) {
    return refused(ErrorCode.OpenMessage, OpenErrorSubcode.UnacceptableHoldTime, `hold time ${holdTime} s is neither 0 nor at least 3`);
  }
  const bgpId = readU32(bytes, start + 5);
  if (bgpId === 0) {
    return refused(ErrorCode.OpenMessage, OpenErrorSubcode.BadBgpIdentifier, "BGP identifier 0.0.0.0 is not valid");
  }
  const parameters = readOptionalParameters(bytes, start + 9, end);
  if (!parameters.ok) return parameters;
  return decoded({ kind: "open", version, myAsn, holdTime, bgpId, capabilities: parameters.value });
}

function malformedParameters(reason: string): Decoded<never> {
  return refused(ErrorCode.OpenMessage, OpenErrorSubcode.Unspecific, reason);
}

/** Parses the optional parameters starting at the Opt Parm Len octet at `at`. */
function readOptionalParameters(bytes: Uint8Array, at: number, end: number): Decoded<Capability[]> {
  let length = bytes[at];
  let position = at + 1;
  let extended = false;
  if (length > 0 && position < end && bytes[position] === OptionalParameterType.ExtendedLength) {
    if (position + 3 > end) return malformedParameters("extended optional parameters header is truncated");
    extended = true;
    length = readU16(bytes, position + 1);
    position += 3;
  }
  if (position + length !== end) {
    return malformedParameters(`optional parameters length ${length} does not match the ${end - position} octets present`);
  }
  const capabilities: Capability[] = [];
  const headerLength = extended ? 3 : 2;
  while (position < end) {
    if (position + headerLength > end) return malformedParameters("optional parameter header is truncated");
    const type = bytes[position];
    const parameterLength = extended ? readU16(bytes, position + 1) : bytes[position + 1];
    const valueStart = position + headerLength;
    const valueEnd = valueStart + parameterLength;
    if (valueEnd > end) {
      return malformedParameters(`optional parameter type ${type} length ${parameterLength} runs past the message`);
    }
    if (type !== OptionalParameterType.Capabilities) {
      return refused(
        ErrorCode.OpenMessage,
        OpenErrorSubcode.UnsupportedOptionalParameter,
        `optional parameter type ${type} is not supported (only 2, capabilities)`,
      );
    }
    let cursor = valueStart;
    while (cursor < valueEnd) {
      if (cursor + 2 > valueEnd) return malformedParameters("capability header is truncated");
      const code = bytes[cursor];
      const capabilityLength = bytes[cursor + 1];
      if (cursor + 2 + capabilityLength > valueEnd) {
        return malformedParameters(`capability ${code} length ${capabilityLength} runs past its parameter`);
      }
      const capability = readCapability(code, bytes, cursor + 2, capabilityLength);
      if (!capability.ok) return capability;
      capabilities.push(capability.value);
      cursor += 2 + capabilityLength;
    }
    position = valueEnd;
  }
  return decoded(capabilities);
}

/** The AS number a peer's OPEN declares: the 4-octet AS capability if present, else My Autonomous System. */
export function openAsn(open: OpenMessage): number {
  for (const capability of open.capabilities) if (capability.kind === "fourOctetAs") return capability.asn;
  return open.myAsn;
}

/**
 * RFC 4271 §6.2 / RFC 6793 §4.1 "Bad Peer AS" check for the FSM: the
 * peer's AS number when its OPEN declares `expectedAsn`, else the
 * NOTIFICATION to send. AS 0 (RFC 7607 §2), a 4-octet capability
 * with AS_TRANS in it, or a 2-octet field that is neither the ASN nor
 * AS_TRANS, is also refused.
 *
 * So is an OPEN whose 4-octet AS capabilities disagree: RFC 6793 gives a
 * speaker one AS number and RFC 5492 does not say which copy of a repeated
 * capability counts (FRR takes the first, GoBGP and BIRD the last), so the
 * order of the copies must not decide which AS the peer is. Identical
 * copies are accepted.
 */
export function checkPeerAs(open: OpenMessage, expectedAsn: number): Decoded<number> {
  const asn = openAsn(open);
  const announced = new Set<number>();
  for (const capability of open.capabilities) if (capability.kind === "fourOctetAs") announced.add(capability.asn);
  const twoOctetFieldOk = announced.size === 0 || open.myAsn === asn || (asn > 0xffff && open.myAsn === AS_TRANS);
  if (asn === expectedAsn && asn !== 0 && asn !== AS_TRANS && twoOctetFieldOk && announced.size <= 1) return decoded(asn);
  const declared = announced.size > 1 ? `different AS numbers in its 4-octet AS capabilities (${[...announced].join(", ")})` : `AS ${asn}`;
  return refused(
    ErrorCode.OpenMessage,
    OpenErrorSubcode.BadPeerAs,
    `peer declared ${declared} (My Autonomous System field ${open.myAsn}), expected AS ${expectedAsn}`,
    Uint8Array.of(open.myAsn >>> 8, open.myAsn & 0xff),
  );
}
