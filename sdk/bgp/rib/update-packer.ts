/**
 * Packs route changes into as few UPDATE messages as the 4096-octet limit
 * allows: routes with identical attributes and next hop share a message,
 * IPv4 routes in the NLRI field (or MP_REACH_NLRI when the next hop is
 * IPv6, RFC 8950), IPv6 routes in MP_REACH_NLRI; withdrawals in the
 * Withdrawn Routes field or MP_UNREACH_NLRI.
 */
import { beginAttribute, endAttribute, writeAttributes, writeMpReachValue } from "../codec/attributes-encode";
import { patchLength, writeHeader } from "../codec/header";
import {
  Afi,
  AttributeFlag,
  AttributeType,
  MAX_MESSAGE_LENGTH,
  MessageType,
  type CodecContext,
  type FamilyName,
  type MpNextHop,
  type PathAttributes,
  type Prefix,
} from "../messages";
import { formatIpValue } from "../../net/octets";
import { familyCodes } from "../families";
import { prefixWireLength, writePrefix } from "../codec/nlri";
import { ByteWriter } from "../codec/wire";

/** A route to announce. */
export interface AdvertisedRoute {
  readonly family: FamilyName;
  /** The prefix, with a path identifier when ADD-PATH send is negotiated for the family. */
  readonly prefix: Prefix;
  /**
   * Next hop. IPv4 routes: an IPv4 address (a number), or an IPv6 one (a
   * bigint) when extended next hop is negotiated. IPv6 routes: an IPv6
   * global address (an IPv4-mapped one such as ::ffff:192.0.2.1 over an
   * IPv4 session), plus an optional link-local address.
   */
  readonly nextHop: MpNextHop;
  /** The route's other attributes; their nextHop, mpReach and mpUnreach are ignored. */
  readonly attributes: PathAttributes;
}

/** A route to withdraw. */
export interface WithdrawnRoute {
  readonly family: FamilyName;
  readonly prefix: Prefix;
}

/** The changes to send to one peer. */
export interface RouteChanges {
  readonly announce?: readonly AdvertisedRoute[];
  readonly withdraw?: readonly WithdrawnRoute[];
}

/** Octets before the path attributes: header, Withdrawn Routes Length 0, Total Path Attribute Length. */
const FIXED = 19 + 2 + 2;

/** Where route changes go one at a time: an {@link UpdatePacker}, or a collector. */
export interface ChangeSink {
  /** One route to announce; see {@link AdvertisedRoute} for the fields. */
  announce(family: FamilyName, prefix: Prefix, nextHop: MpNextHop, attributes: PathAttributes): void;
  /** One route to withdraw. */
  withdraw(family: FamilyName, prefix: Prefix): void;
}

/** What the open message of an {@link UpdatePacker} carries. */
const enum Open {
  None,
  WithdrawIpv4,
  WithdrawMp,
  Classic,
  MpReach,
}

function prefixText(prefix: Prefix): string {
  return `${formatIpValue(prefix.address)}/${prefix.length}`;
}

function tooBig(what: string): RangeError {
  return new RangeError(`${what}: attributes leave no room for a single prefix in a ${MAX_MESSAGE_LENGTH}-octet UPDATE`);
}

/** Builds the message for a route that the codec cannot carry, or undefined when it can. */
function nextHopProblem(family: FamilyName, classic: boolean, prefix: Prefix, nextHop: MpNextHop, context: CodecContext): RangeError | undefined {
  if (family === "ipv4-unicast" && !classic && !context.extendedNextHop) {
    return new RangeError(
      `nextHop: IPv6 next hop ${formatIpValue(nextHop.global)} for IPv4 route ${prefixText(prefix)} needs the extended next hop capability`,
    );
  }
  if (family === "ipv6-unicast" && typeof nextHop.global !== "bigint") {
    return new RangeError(`nextHop: ${formatIpValue(nextHop.global)} for IPv6 route ${prefixText(prefix)} is not an IPv6 address (use ::ffff:a.b.c.d)`);
  }
  return undefined;
}

/**
 * Packs a stream of route changes into UPDATE messages as they come: a
 * message stays open while the following changes fit and share its
 * family, next hop and attributes (compared by identity of the encoded
 * attribute bytes, which are built once per distinct attribute set and
 * next hop), and is completed when they stop doing so. Feed changes
 * grouped for full messages; {@link take} hands out the completed ones,
 * {@link flush} completes the open one. One packer per stream: it owns
 * its buffer, so several peers can stream at once.
 */
export class UpdatePacker implements ChangeSink {
  private readonly out = new ByteWriter(2 * MAX_MESSAGE_LENGTH);
  private messages: Uint8Array[] = [];
  private open = Open.None;
  /** Prefixes written into the open message. */
  private openPrefixes = 0;
  private family: FamilyName = "ipv4-unicast";
  private addPath = false;
  private nextHop: MpNextHop | undefined;
  private encoded: Uint8Array | undefined;
  /** Offset of the field the open message patches when completed (withdrawn length or MP attribute header). */
  private patchAt = 0;
  private attributesLengthAt = 0;
  /** The attribute and next hop objects of the last announcement, and what they came to. */
  private lastAttributes: PathAttributes | undefined;
  private lastNextHop: MpNextHop | undefined;
  private lastKind = Open.None;
  private lastEncoded: Uint8Array | undefined;
  private readonly byContent = new Map<string, Uint8Array>();
  private readonly shared = new Map<PathAttributes, Uint8Array>();
  private readonly withNextHop = new Map<PathAttributes, Map<number, Uint8Array>>();
  /** Prefixes announced and withdrawn so far. */
  announced = 0;
  withdrawn = 0;
  /** Messages completed so far, including those already taken. */
  messageCount = 0;

  /** A packer for a peer with `context`. */
  constructor(private readonly context: CodecContext) {}

  announce(family: FamilyName, prefix: Prefix, nextHop: MpNextHop, attributes: PathAttributes): void {
    // The usual case: the same family, next hop and attribute object as the route before.
    const last = this.lastNextHop;
    if (attributes === this.lastAttributes && family === this.family && this.open >= Open.Classic && last !== undefined && sameNextHop(last, nextHop)) {
      if (!this.fits(prefix)) this.restartFor(prefix, family, () => this.begin(this.lastKind, family, nextHop, this.lastEncoded));
      this.writePrefix(prefix);
      this.announced++;
      return;
    }
    const global = nextHop.global;
    const classic = family === "ipv4-unicast" && typeof global === "number";
    const encoded = this.encodedFor(attributes, classic ? global : undefined);
    const same =
      this.encoded === encoded &&
      this.family === family &&
      (classic ? this.open === Open.Classic : this.open === Open.MpReach && this.nextHop !== undefined && sameNextHop(this.nextHop, nextHop));
    if (!same) {
      const problem = nextHopProblem(family, classic, prefix, nextHop, this.context);
      if (problem) throw problem;
      this.flush();
      this.begin(classic ? Open.Classic : Open.MpReach, family, nextHop, encoded);
    }
    if (!this.fits(prefix)) this.restartFor(prefix, family, () => this.begin(classic ? Open.Classic : Open.MpReach, family, nextHop, encoded));
    this.writePrefix(prefix);
    this.announced++;
    this.lastAttributes = attributes;
    this.lastNextHop = nextHop;
    this.lastKind = classic ? Open.Classic : Open.MpReach;
    this.lastEncoded = encoded;
  }

  withdraw(family: FamilyName, prefix: Prefix): void {
    const kind = family === "ipv4-unicast" ? Open.WithdrawIpv4 : Open.WithdrawMp;
    if (this.open !== kind || this.family !== family) {
      this.flush();
      this.begin(kind, family, undefined, undefined);
    }
    if (!this.fits(prefix)) {
      this.flush();
      this.begin(kind, family, undefined, undefined);
    }
    this.writePrefix(prefix);
    this.withdrawn++;
  }

  /**
   * Announces `routes` grouped by (family, next hop, attribute contents),
   * groups in order of first appearance, so each group fills its messages.
   * Works on runs of consecutive routes that share the attribute object,
   * family and next hop (a table usually is one run per group), so the
   * per-route cost is one comparison and the write of the prefix.
   */
  announceGrouped(routes: readonly AdvertisedRoute[]): void {
    const groups = new Map<Uint8Array, Map<string, number[]>>();
    const ordered: number[][] = [];
    let i = 0;
    while (i < routes.length) {
      const first = routes[i];
      let end = i + 1;
      while (end < routes.length && sameRoute(routes[end], first)) end++;
      const { global, linkLocal } = first.nextHop;
      const classic = first.family === "ipv4-unicast" && typeof global === "number";
      const encoded = this.encodedFor(first.attributes, classic ? global : undefined);
      let byHop = groups.get(encoded);
      if (byHop === undefined) {
        byHop = new Map();
        groups.set(encoded, byHop);
      }
      const key = classic ? "" : `${first.family}|${global}|${linkLocal ?? ""}`;
      let runs = byHop.get(key);
      if (runs === undefined) {
        runs = [];
        byHop.set(key, runs);
        ordered.push(runs);
      }
      runs.push(i, end);
      i = end;
    }
    for (const runs of ordered) {
      for (let r = 0; r < runs.length; r += 2) this.announceRun(routes, runs[r], runs[r + 1]);
    }
  }

  /** Announces `routes[start, end)`, which share the attribute object, family and next hop. */
  private announceRun(routes: readonly AdvertisedRoute[], start: number, end: number): void {
    const first = routes[start];
    this.announce(first.family, first.prefix, first.nextHop, first.attributes);
    const kind = this.lastKind;
    const family = first.family;
    const nextHop = first.nextHop;
    const encoded = this.lastEncoded;
    for (let i = start + 1; i < end; i++) {
      const prefix = routes[i].prefix;
      if (!this.fits(prefix)) this.restartFor(prefix, family, () => this.begin(kind, family, nextHop, encoded));
      this.writePrefix(prefix);
    }
    this.announced += end - start - 1;
  }

  /** The messages completed since the last call, oldest first. */
  take(): Uint8Array[] {
    const messages = this.messages;
    this.messages = [];
    return messages;
  }

  /** Completes the open message, if any. */
  flush(): void {
    const out = this.out;
    switch (this.open) {
      case Open.None:
        return;
      case Open.WithdrawIpv4:
        out.patchU16(this.patchAt, out.position - this.patchAt - 2);
        out.u16(0);
        break;
      case Open.WithdrawMp:
        endAttribute(out, this.patchAt);
        out.patchU16(this.attributesLengthAt, out.position - FIXED);
        break;
      case Open.Classic:
        break;
      case Open.MpReach:
        endAttribute(out, this.patchAt);
        out.append(this.encoded as Uint8Array);
        out.patchU16(this.attributesLengthAt, out.position - FIXED);
        break;
    }
    patchLength(out, 0);
    this.messages.push(out.copy());
    this.messageCount++;
    this.open = Open.None;
    this.encoded = undefined;
    this.nextHop = undefined;
  }

  private begin(kind: Open, family: FamilyName, nextHop: MpNextHop | undefined, encoded: Uint8Array | undefined): void {
    const out = this.out;
    out.reset();
    writeHeader(out, MessageType.Update);
    this.open = kind;
    this.openPrefixes = 0;
    this.family = family;
    this.addPath = this.context.addPath[family]?.send ?? false;
    this.nextHop = nextHop;
    this.encoded = encoded;
    if (kind === Open.WithdrawIpv4) {
      this.patchAt = out.skip(2);
      return;
    }
    out.u16(0);
    if (kind === Open.Classic) {
      const bytes = encoded as Uint8Array;
      out.u16(bytes.length);
      out.append(bytes);
      return;
    }
    this.attributesLengthAt = out.skip(2);
    const { afi, safi } = familyCodes(family);
    if (kind === Open.WithdrawMp) {
      this.patchAt = beginAttribute(out, AttributeFlag.Optional, AttributeType.MpUnreachNlri);
      out.u16(afi);
      out.u8(safi);
    } else {
      const hop = nextHop as MpNextHop;
      this.patchAt = beginAttribute(out, AttributeFlag.Optional, AttributeType.MpReachNlri);
      writeMpReachValue(out, afi, safi, hop.global, hop.linkLocal);
    }
  }

  /**
   * Completes the open message and begins another with `begin` for a prefix
   * that did not fit. Throws when the prefix cannot fit even a message of its
   * own (the attributes are too long), leaving no message open: completing an
   * over-long message would only fail later, with a less useful error.
   */
  private restartFor(prefix: Prefix, family: FamilyName, begin: () => void): void {
    if (this.openPrefixes > 0) {
      this.flush();
      begin();
      if (this.fits(prefix)) return;
    }
    this.open = Open.None;
    this.encoded = undefined;
    this.nextHop = undefined;
    throw tooBig(`${family} announcement`);
  }

  /** Whether `prefix` fits in the open message. */
  private fits(prefix: Prefix): boolean {
    const after = this.out.position + prefixWireLength(prefix, this.addPath);
    switch (this.open) {
      case Open.WithdrawIpv4:
        return after + 2 <= MAX_MESSAGE_LENGTH;
      case Open.Classic:
        return after <= MAX_MESSAGE_LENGTH;
      case Open.WithdrawMp:
        return after + (after - this.patchAt - 3 > 255 ? 1 : 0) <= MAX_MESSAGE_LENGTH;
      default:
        return after + (after - this.patchAt - 3 > 255 ? 1 : 0) + (this.encoded as Uint8Array).length <= MAX_MESSAGE_LENGTH;
    }
  }

  /** Appends one prefix; IPv4 without path identifier on a direct path, the rest through the codec's writer. */
  private writePrefix(prefix: Prefix): void {
    this.openPrefixes++;
    const out = this.out;
    const length = prefix.length;
    const value = prefix.address;
    if (
      this.family !== "ipv4-unicast" ||
      this.addPath ||
      typeof value !== "number" ||
      value >>> 0 !== value ||
      !(length >= 0 && length <= 32) ||
      !Number.isInteger(length)
    ) {
      writePrefix(out, prefix, this.family === "ipv4-unicast" ? Afi.Ipv4 : Afi.Ipv6, this.addPath, "prefix");
      return;
    }
    const octets = (length + 7) >>> 3;
    out.ensure(octets + 1);
    const bytes = out.bytes;
    let at = out.position;
    bytes[at++] = length;
    for (let i = 0; i < octets; i++) bytes[at + i] = value >>> (24 - 8 * i);
    if (length & 7) bytes[at + octets - 1] &= (0xff << (8 - (length & 7))) & 0xff;
    out.position = at + octets;
  }

  /**
   * The encoded attributes (MP_REACH_NLRI excluded; NEXT_HOP included for a
   * classic IPv4 route), one instance per distinct content.
   */
  private encodedFor(attributes: PathAttributes, classicNextHop: number | undefined): Uint8Array {
    let cached: Uint8Array | undefined;
    let byNextHop: Map<number, Uint8Array> | undefined;
    if (classicNextHop === undefined) {
      cached = this.shared.get(attributes);
    } else {
      byNextHop = this.withNextHop.get(attributes);
      if (byNextHop === undefined) {
        byNextHop = new Map();
        this.withNextHop.set(attributes, byNextHop);
      }
      cached = byNextHop.get(classicNextHop);
    }
    if (cached !== undefined) return cached;
    const scratch = new ByteWriter(256);
    writeAttributes(scratch, { ...attributes, nextHop: classicNextHop, mpReach: undefined, mpUnreach: undefined }, this.context, false);
    const bytes = scratch.copy();
    const content = `${classicNextHop === undefined ? "mp" : "classic"}|${Buffer.from(bytes).toString("latin1")}`;
    cached = this.byContent.get(content);
    if (cached === undefined) {
      cached = bytes;
      this.byContent.set(content, bytes);
    }
    if (byNextHop !== undefined) byNextHop.set(classicNextHop as number, cached);
    else this.shared.set(attributes, cached);
    return cached;
  }
}

function sameNextHop(a: MpNextHop, b: MpNextHop): boolean {
  return a === b || (a.global === b.global && a.linkLocal === b.linkLocal);
}

/** Whether `a` shares `b`'s attribute object, family and next hop, so it can go into the same message. */
function sameRoute(a: AdvertisedRoute, b: AdvertisedRoute): boolean {
  return a.attributes === b.attributes && a.family === b.family && sameNextHop(a.nextHop, b.nextHop);
}

/**
 * Encodes `changes` as UPDATE messages for a peer with `context`:
 * withdrawals first (so a prefix both withdrawn and re-announced ends up
 * announced), then one run of messages per distinct (family, next hop,
 * attributes), each message filled before the next is started.
 * Throws a RangeError naming the field for a route that cannot be encoded.
 */
export function packUpdates(changes: RouteChanges, context: CodecContext): Uint8Array[] {
  const packer = new UpdatePacker(context);
  for (const family of ["ipv4-unicast", "ipv6-unicast"] as const) {
    for (const route of changes.withdraw ?? []) if (route.family === family) packer.withdraw(family, route.prefix);
  }
  packer.flush();
  packer.announceGrouped(changes.announce ?? []);
  packer.flush();
  return packer.take();
}

/**
 * The End-of-RIB marker for a family (RFC 4724 §2): an empty UPDATE for
 * IPv4 unicast, an UPDATE with an empty MP_UNREACH_NLRI otherwise.
 */
export function endOfRib(family: FamilyName): Uint8Array {
  const writer = new ByteWriter(32);
  writeHeader(writer, MessageType.Update);
  writer.u16(0);
  if (family === "ipv4-unicast") {
    writer.u16(0);
  } else {
    const { afi, safi } = familyCodes(family);
    writer.u16(6);
    writer.u8(AttributeFlag.Optional);
    writer.u8(AttributeType.MpUnreachNlri);
    writer.u8(3);
    writer.u16(afi);
    writer.u8(safi);
  }
  patchLength(writer, 0);
  return writer.copy();
}
