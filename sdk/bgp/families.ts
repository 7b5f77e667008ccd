/** Mapping between the family names the codec uses and their AFI/SAFI codes. */
import { Afi, Safi, type FamilyName } from "./messages";

/** The family name of an AFI/SAFI pair this codec handles, or undefined. */
export function familyName(afi: number, safi: number): FamilyName | undefined {
  if (safi !== Safi.Unicast) return undefined;
  if (afi === Afi.Ipv4) return "ipv4-unicast";
  if (afi === Afi.Ipv6) return "ipv6-unicast";
  return undefined;
}

/** AFI/SAFI of a family name. */
export function familyCodes(family: FamilyName): { readonly afi: number; readonly safi: number } {
  return family === "ipv6-unicast" ? { afi: Afi.Ipv6, safi: Safi.Unicast } : { afi: Afi.Ipv4, safi: Safi.Unicast };
}
