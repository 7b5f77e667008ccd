/**
 * UPDATE message body (RFC 4271 §4.3): withdrawn routes, path attributes,
 * NLRI, with the RFC 7606 checks that need the whole message.
 */
import { attributeName, readAttributes } from "./attributes-decode";
import { writeAttributes } from "./attributes-encode";
import { decoded, refused } from "./errors";
import {
  Afi,
  AttributeType,
  ErrorCode,
  UpdateErrorSubcode,
  type CodecContext,
  type Decoded,
  type Prefix,
  type UpdateDiagnostic,
  type UpdateMessage,
} from "../messages";
import { readPrefixes, writePrefix } from "./nlri";
import type { ByteWriter } from "./wire";
import { readU16 } from "./wire";

/** Appends the UPDATE body. Throws a RangeError naming the field for a value that cannot be encoded. */
export function writeUpdateBody(out: ByteWriter, message: UpdateMessage, context: CodecContext): void {
  const addPath = context.addPath["ipv4-unicast"]?.send ?? false;
  const withdrawnAt = out.skip(2);
  for (const prefix of message.withdrawn) writePrefix(out, prefix, Afi.Ipv4, addPath, "withdrawn");
  out.patchU16(withdrawnAt, out.position - withdrawnAt - 2);
  const attributesAt = out.skip(2);
  writeAttributes(out, message.attributes, context);
  out.patchU16(attributesAt, out.position - attributesAt - 2);
  for (const prefix of message.nlri) writePrefix(out, prefix, Afi.Ipv4, addPath, "nlri");
}

const WITHDRAWN_FIELD = { subcode: UpdateErrorSubcode.InvalidNetworkField, reasonPrefix: "withdrawn routes: " };
const NLRI_FIELD = { subcode: UpdateErrorSubcode.InvalidNetworkField, reasonPrefix: "NLRI: " };

/** A decoded UPDATE with its RFC 7606 outcome. */
export interface DecodedUpdate {
  readonly message: UpdateMessage;
  readonly treatAsWithdraw: boolean;
  readonly diagnostics: readonly UpdateDiagnostic[];
}

/** Decodes an UPDATE body in `bytes[start, end)` (at least 4 octets, checked by the header). */
export function readUpdateBody(bytes: Uint8Array, start: number, end: number, context: CodecContext): Decoded<DecodedUpdate> {
  const addPath = context.addPath["ipv4-unicast"]?.receive ?? false;
  const withdrawnLength = readU16(bytes, start);
  const withdrawnEnd = start + 2 + withdrawnLength;
  if (withdrawnEnd + 2 > end) {
    return refused(
      ErrorCode.UpdateMessage,
      UpdateErrorSubcode.MalformedAttributeList,
      `Withdrawn Routes Length ${withdrawnLength} leaves no room for the Total Path Attribute Length in a ${end - start}-octet body`,
    );
  }
  const attributesLength = readU16(bytes, withdrawnEnd);
  const attributesStart = withdrawnEnd + 2;
  const attributesEnd = attributesStart + attributesLength;
  if (attributesEnd > end) {
    return refused(
      ErrorCode.UpdateMessage,
      UpdateErrorSubcode.MalformedAttributeList,
      `Withdrawn Routes Length ${withdrawnLength} plus Total Path Attribute Length ${attributesLength} exceed the ${end - start}-octet body`,
    );
  }
  const withdrawn: Prefix[] = [];
  const withdrawnRead = readPrefixes(bytes, start + 2, withdrawnEnd, Afi.Ipv4, addPath, withdrawn, WITHDRAWN_FIELD);
  if (!withdrawnRead.ok) return withdrawnRead;
  const nlri: Prefix[] = [];
  const nlriRead = readPrefixes(bytes, attributesEnd, end, Afi.Ipv4, addPath, nlri, NLRI_FIELD);
  if (!nlriRead.ok) return nlriRead;
  const read = readAttributes(bytes, attributesStart, attributesEnd, context);
  if (!read.ok) return read;
  const { attributes } = read.value;
  // RFC 4760 §3: without IPv4 NLRI the NEXT_HOP attribute is not used, so
  // a bad one must not withdraw MP_REACH_NLRI routes.
  const diagnostics = read.value.diagnostics.map((d) =>
    nlri.length === 0 && d.attributeType === AttributeType.NextHop && d.action === "treat-as-withdraw" ? { ...d, action: "attribute-discard" as const } : d,
  );
  const reachable = nlri.length > 0 || attributes.mpReach !== undefined;
  if (reachable) {
    const missing: number[] = [];
    if (attributes.origin === undefined && !hasDiagnostic(diagnostics, AttributeType.Origin)) missing.push(AttributeType.Origin);
    if (attributes.asPath === undefined && !hasDiagnostic(diagnostics, AttributeType.AsPath)) missing.push(AttributeType.AsPath);
    if (nlri.length > 0 && attributes.nextHop === undefined && !hasDiagnostic(diagnostics, AttributeType.NextHop)) missing.push(AttributeType.NextHop);
    for (const type of missing) {
      const name = attributeName(type);
      diagnostics.push({
        action: "treat-as-withdraw",
        subcode: UpdateErrorSubcode.MissingWellKnownAttribute,
        attributeType: type,
        attributeName: name,
        reason: `well-known attribute ${name} (type ${type}) is missing`,
      });
    }
  }
  const treatAsWithdraw = reachable && diagnostics.some((d) => d.action === "treat-as-withdraw");
  return decoded({ message: { kind: "update", withdrawn, attributes, nlri }, treatAsWithdraw, diagnostics });
}

function hasDiagnostic(diagnostics: readonly UpdateDiagnostic[], type: number): boolean {
  return diagnostics.some((d) => d.attributeType === type);
}
