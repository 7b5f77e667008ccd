/**
 * Capability encoding and decoding (RFC 5492 §4) for the capabilities the
 * speaker models; anything else round-trips as an unknown capability.
 */
import { decoded, refused } from "./errors";
import {
  CapabilityCode,
  ErrorCode,
  OpenErrorSubcode,
  type AddPathEntry,
  type AddPathMode,
  type Capability,
  type Decoded,
  type ExtendedNextHopEntry,
  type GracefulRestartFamily,
} from "../messages";
import type { ByteWriter } from "./wire";
import { readU16, readU32 } from "./wire";

/** Appends one capability as code, length, value. */
export function writeCapability(out: ByteWriter, capability: Capability): void {
  const lengthAt = out.position + 1;
  switch (capability.kind) {
    case "multiprotocol":
      out.u8(CapabilityCode.Multiprotocol);
      out.u8(0);
      out.u16(capability.afi, "multiprotocol.afi");
      out.u8(0);
      out.u8(capability.safi, "multiprotocol.safi");
      break;
    case "routeRefresh":
      out.u8(CapabilityCode.RouteRefresh);
      out.u8(0);
      break;
    case "fourOctetAs":
      out.u8(CapabilityCode.FourOctetAs);
      out.u8(0);
      out.u32(capability.asn, "fourOctetAs.asn");
      break;
    case "addPath":
      out.u8(CapabilityCode.AddPath);
      out.u8(0);
      for (const entry of capability.entries) {
        out.u16(entry.afi, "addPath.afi");
        out.u8(entry.safi, "addPath.safi");
        out.u8(entry.sendReceive, "addPath.sendReceive");
      }
      break;
    case "extendedNextHop":
      out.u8(CapabilityCode.ExtendedNextHop);
      out.u8(0);
      for (const entry of capability.entries) {
        out.u16(entry.afi, "extendedNextHop.afi");
        out.u16(entry.safi, "extendedNextHop.safi");
        out.u16(entry.nextHopAfi, "extendedNextHop.nextHopAfi");
      }
      break;
    case "gracefulRestart":
      out.u8(CapabilityCode.GracefulRestart);
      out.u8(0);
      if (!Number.isInteger(capability.flags) || capability.flags < 0 || capability.flags > 0xf) {
        throw new RangeError(`gracefulRestart.flags: ${capability.flags} does not fit in 4 bits`);
      }
      if (!Number.isInteger(capability.restartTimeSeconds) || capability.restartTimeSeconds < 0 || capability.restartTimeSeconds > 0xfff) {
        throw new RangeError(`gracefulRestart.restartTimeSeconds: ${capability.restartTimeSeconds} is not 0..4095`);
      }
      out.u16((capability.flags << 12) | capability.restartTimeSeconds);
      for (const family of capability.families) {
        out.u16(family.afi, "gracefulRestart.afi");
        out.u8(family.safi, "gracefulRestart.safi");
        out.u8(family.flags, "gracefulRestart.familyFlags");
      }
      break;
    case "unknown":
      out.u8(capability.code, "unknown capability code");
      out.u8(0);
      out.append(capability.value);
      break;
  }
  const valueLength = out.position - lengthAt - 1;
  if (valueLength > 255) throw new RangeError(`capability ${capability.kind}: value of ${valueLength} octets exceeds 255`);
  out.patchU8(lengthAt, valueLength);
}

/**
 * Decodes one capability value at `bytes[start, start + length)` (its code
 * and length octets precede it). Returns the capability, or OPEN Message
 * Error (unspecific) with the whole capability as data when a modelled
 * capability is too short to carry its value.
 *
 * Lengths are read liberally, as FRR does, because RFC 5492 asks for no
 * reset on a malformed capability: octets after a fixed-size value
 * (Multiprotocol, 4-octet AS) or after the last whole entry of a list
 * (ADD-PATH, Extended Next Hop, Graceful Restart) are ignored, and Route Refresh (RFC 2918),
 * which carries no value, takes any length. Capabilities not modelled here
 * (Enhanced Route Refresh, Extended Message, FQDN, …)
 * are kept as unknown whatever their length.
 */
export function readCapability(code: number, bytes: Uint8Array, start: number, length: number): Decoded<Capability> {
  const tooShort = (reason: string): Decoded<never> =>
    refused(ErrorCode.OpenMessage, OpenErrorSubcode.Unspecific, reason, bytes.slice(start - 2, start + length));
  switch (code) {
    case CapabilityCode.Multiprotocol:
      if (length < 4) return tooShort(`Multiprotocol capability length ${length}, expected 4`);
      return decoded({ kind: "multiprotocol", afi: readU16(bytes, start), safi: bytes[start + 3] });
    case CapabilityCode.RouteRefresh:
      return decoded({ kind: "routeRefresh" });
    case CapabilityCode.FourOctetAs:
      if (length < 4) return tooShort(`4-octet AS capability length ${length}, expected 4`);
      return decoded({ kind: "fourOctetAs", asn: readU32(bytes, start) });
    case CapabilityCode.AddPath: {
      // RFC 7911 §4: a Send/Receive value other than 1-3 is not understood and
      // ignored, not an OPEN error. FRR's `disable-addpath-rx` sends 0 per
      // family; such tuples are dropped, and a capability left with none is
      // kept as an unknown one (negotiates nothing).
      const entries: AddPathEntry[] = [];
      for (let at = start; at + 4 <= start + length; at += 4) {
        const sendReceive = bytes[at + 3];
        if (sendReceive >= 1 && sendReceive <= 3) entries.push({ afi: readU16(bytes, at), safi: bytes[at + 2], sendReceive: sendReceive as AddPathMode });
      }
      return decoded(entries.length > 0 ? { kind: "addPath", entries } : { kind: "unknown", code, value: bytes.slice(start, start + length) });
    }
    case CapabilityCode.GracefulRestart: {
      if (length < 2) return tooShort(`Graceful Restart capability length ${length}, expected at least 2`);
      const families: GracefulRestartFamily[] = [];
      for (let at = start + 2; at + 4 <= start + length; at += 4) {
        families.push({ afi: readU16(bytes, at), safi: bytes[at + 2], flags: bytes[at + 3] });
      }
      const word = readU16(bytes, start);
      return decoded({ kind: "gracefulRestart", flags: word >>> 12, restartTimeSeconds: word & 0xfff, families });
    }
    case CapabilityCode.ExtendedNextHop: {
      const entries: ExtendedNextHopEntry[] = [];
      for (let at = start; at + 6 <= start + length; at += 6) {
        entries.push({ afi: readU16(bytes, at), safi: readU16(bytes, at + 2), nextHopAfi: readU16(bytes, at + 4) });
      }
      return decoded({ kind: "extendedNextHop", entries });
    }
    default:
      return decoded({ kind: "unknown", code, value: bytes.slice(start, start + length) });
  }
}
