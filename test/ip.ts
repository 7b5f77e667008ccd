/**
 * Address values for tests: the BGP code carries IPv4 addresses as numbers
 * and IPv6 ones as bigints; tests write them as text through these, which
 * parse with the one parser (sdk/net) and throw on a typo.
 */
import { formatIpValue, parseIpv4, parseIpValue, type IpValue } from "../sdk/net";

/** The value of an IPv4 or IPv6 address written as text. */
export function ip(text: string): IpValue {
  const value = parseIpValue(text);
  if (value === undefined) throw new Error(`test address ${JSON.stringify(text)} does not parse`);
  return value;
}

/** The value of an IPv4 address written as text. */
export function ip4(text: string): number {
  const value = parseIpv4(text);
  if (value === undefined) throw new Error(`test address ${JSON.stringify(text)} is not IPv4`);
  return value;
}

/** The value of an IPv6 address written as text. */
export function ip6(text: string): bigint {
  const value = ip(text);
  if (typeof value !== "bigint") throw new Error(`test address ${JSON.stringify(text)} is not IPv6`);
  return value;
}

/** A route with its address and next hops as text, for assertions written with text. */
export function routeText<T extends { readonly address: IpValue; readonly nextHops: readonly IpValue[] }>(
  route: T,
): Omit<T, "address" | "nextHops"> & { address: string; nextHops: string[] } {
  return { ...route, address: formatIpValue(route.address), nextHops: route.nextHops.map(formatIpValue) };
}
