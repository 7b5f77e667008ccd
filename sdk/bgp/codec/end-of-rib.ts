/**
 * Recognising the End-of-RIB marker (RFC 4724 §2) in a received UPDATE;
 * the encoder is `endOfRib` in update-packer.ts.
 */
import { Afi, Safi, type UpdateMessage } from "../messages";

/**
 * The AFI/SAFI whose End-of-RIB `update` is, or undefined for any other
 * UPDATE: IPv4 unicast's is an UPDATE with no withdrawn routes, no
 * attributes and no NLRI; any other family's carries only an
 * MP_UNREACH_NLRI for it that withdraws nothing.
 */
export function endOfRibFamily(update: UpdateMessage): { readonly afi: number; readonly safi: number } | undefined {
  if (update.withdrawn.length > 0 || update.nlri.length > 0) return undefined;
  const present = Object.entries(update.attributes)
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name);
  if (present.length === 0) return { afi: Afi.Ipv4, safi: Safi.Unicast };
  const unreach = update.attributes.mpUnreach;
  if (present.length === 1 && unreach !== undefined && unreach.withdrawn.length === 0) return { afi: unreach.afi, safi: unreach.safi };
  return undefined;
}
