/**
 * BGP-4 message model: the plain, immutable types every other part of the
 * protocol code (codec, FSM, RIB-out, speaker) exchanges, and the protocol
 * constants they are built from.
 *
 * Sources: RFC 4271 (BGP-4), RFC 4760 (multiprotocol), RFC 5492
 * (capabilities), RFC 6793 (4-octet AS), RFC 7911 (ADD-PATH), RFC 2918 and
 * RFC 7313 (route refresh), RFC 1997 (communities), RFC 8092 (large
 * communities), RFC 8950 (extended next hop), RFC 4486 and RFC 8203 (Cease
 * subcodes, shutdown communication), RFC 6608 (FSM error subcodes), RFC 7606
 * (revised UPDATE error handling), RFC 9072 (extended optional parameters),
 * RFC 4724 and RFC 8538 (graceful restart).
 *
 * Addresses are typed values, never text: an IPv4 address is a number (its
 * 32 bits unsigned, 192.0.2.1 = 0xc0000201), an IPv6 address a bigint (its
 * 128 bits unsigned), so `typeof` tells the family ({@link IpValue},
 * defined with the one IP parser in `sdk/net/octets.ts`). They are parsed
 * once where they enter (config, CLI, cluster planners, the wire) and
 * formatted with `formatIpValue` only where text leaves (logs, metrics,
 * CLI output, API objects). Chosen by measurement (`npm run bench --
 * codec`): a number is a small integer or one 12-octet heap number, keys
 * Maps by value and encodes with shifts; a bigint of 128 bits takes about
 * 24 octets, compares and keys Maps by value, where a 16-octet Uint8Array
 * would cost over 100 octets and need a separate key. AS numbers are plain
 * unsigned 32-bit numbers.
 */
import type { IpValue, Ipv4Value, Ipv6Value } from "../net/octets";

export type { IpValue, Ipv4Value, Ipv6Value };

/** Length of the all-ones marker that starts every message (RFC 4271 §4.1). */
export const MARKER_LENGTH = 16;
/** Length of the fixed message header: marker, 2-octet length, 1-octet type. */
export const HEADER_LENGTH = 19;
/** Largest message RFC 4271 allows (no RFC 8654 extended messages). */
export const MAX_MESSAGE_LENGTH = 4096;
/** The only BGP version this code speaks. */
export const BGP_VERSION = 4;
/** AS number placed in 2-octet AS fields for a 4-octet-only ASN (RFC 6793). */
export const AS_TRANS = 23456;

/** Message type codes (RFC 4271 §4.1, RFC 2918). */
export const MessageType = {
  Open: 1,
  Update: 2,
  Notification: 3,
  Keepalive: 4,
  RouteRefresh: 5,
} as const;
/** One of the {@link MessageType} codes. */
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** NOTIFICATION error codes (RFC 4271 §4.5, RFC 7313). */
export const ErrorCode = {
  MessageHeader: 1,
  OpenMessage: 2,
  UpdateMessage: 3,
  HoldTimerExpired: 4,
  FiniteStateMachine: 5,
  Cease: 6,
  RouteRefreshMessage: 7,
} as const;
/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Message Header Error subcodes (RFC 4271 §6.1). */
export const HeaderErrorSubcode = {
  ConnectionNotSynchronized: 1,
  BadMessageLength: 2,
  BadMessageType: 3,
} as const;

/** OPEN Message Error subcodes (RFC 4271 §6.2, RFC 5492). */
export const OpenErrorSubcode = {
  Unspecific: 0,
  UnsupportedVersionNumber: 1,
  BadPeerAs: 2,
  BadBgpIdentifier: 3,
  UnsupportedOptionalParameter: 4,
  UnacceptableHoldTime: 6,
  UnsupportedCapability: 7,
} as const;

/** UPDATE Message Error subcodes (RFC 4271 §6.3). */
export const UpdateErrorSubcode = {
  MalformedAttributeList: 1,
  UnrecognizedWellKnownAttribute: 2,
  MissingWellKnownAttribute: 3,
  AttributeFlagsError: 4,
  AttributeLengthError: 5,
  InvalidOriginAttribute: 6,
  InvalidNextHopAttribute: 8,
  OptionalAttributeError: 9,
  InvalidNetworkField: 10,
  MalformedAsPath: 11,
} as const;

/** Finite State Machine Error subcodes (RFC 6608). */
export const FsmErrorSubcode = {
  Unspecified: 0,
  UnexpectedMessageInOpenSent: 1,
  UnexpectedMessageInOpenConfirm: 2,
  UnexpectedMessageInEstablished: 3,
} as const;

/** Cease subcodes (RFC 4486, RFC 8203, RFC 8538, RFC 9384). */
export const CeaseSubcode = {
  MaximumNumberOfPrefixesReached: 1,
  AdministrativeShutdown: 2,
  PeerDeconfigured: 3,
  AdministrativeReset: 4,
  ConnectionRejected: 5,
  OtherConfigurationChange: 6,
  ConnectionCollisionResolution: 7,
  OutOfResources: 8,
  HardReset: 9,
  BfdDown: 10,
} as const;

/** ROUTE-REFRESH Message Error subcodes (RFC 7313). */
export const RouteRefreshErrorSubcode = {
  InvalidMessageLength: 1,
} as const;

/** Longest shutdown communication in octets (RFC 8203 as updated by RFC 9003). */
export const MAX_SHUTDOWN_COMMUNICATION_LENGTH = 255;

/** OPEN optional parameter types (RFC 5492, RFC 9072). */
export const OptionalParameterType = {
  Capabilities: 2,
  /** Marker in the Non-Ext OP Type octet that announces RFC 9072's extended form. */
  ExtendedLength: 255,
} as const;

/** Capability codes (IANA "Capability Codes" registry). */
export const CapabilityCode = {
  Multiprotocol: 1,
  RouteRefresh: 2,
  ExtendedNextHop: 5,
  ExtendedMessage: 6,
  GracefulRestart: 64,
  FourOctetAs: 65,
  AddPath: 69,
  EnhancedRouteRefresh: 70,
} as const;

/** Path attribute type codes (IANA "BGP Path Attributes" registry). */
export const AttributeType = {
  Origin: 1,
  AsPath: 2,
  NextHop: 3,
  MultiExitDisc: 4,
  LocalPref: 5,
  AtomicAggregate: 6,
  Aggregator: 7,
  Communities: 8,
  OriginatorId: 9,
  ClusterList: 10,
  MpReachNlri: 14,
  MpUnreachNlri: 15,
  ExtendedCommunities: 16,
  As4Path: 17,
  As4Aggregator: 18,
  Ipv6ExtendedCommunities: 25,
  LargeCommunities: 32,
} as const;

/** Path attribute flag bits (RFC 4271 §4.3). */
export const AttributeFlag = {
  Optional: 0x80,
  Transitive: 0x40,
  Partial: 0x20,
  ExtendedLength: 0x10,
} as const;

/** Address Family Identifiers (RFC 4760). */
export const Afi = {
  Ipv4: 1,
  Ipv6: 2,
} as const;
/** One of the {@link Afi} values, or another AFI a peer announced. */
export type Afi = number;

/** Subsequent Address Family Identifiers (RFC 4760). */
export const Safi = {
  Unicast: 1,
} as const;
/** One of the {@link Safi} values, or another SAFI a peer announced. */
export type Safi = number;

/** ORIGIN attribute values (RFC 4271 §4.3 a). */
export const Origin = {
  Igp: 0,
  Egp: 1,
  Incomplete: 2,
} as const;
/** One of the {@link Origin} values. */
export type Origin = (typeof Origin)[keyof typeof Origin];

/** AS_PATH segment types (RFC 4271 §4.3 b, RFC 5065). */
export const AsPathSegmentType = {
  AsSet: 1,
  AsSequence: 2,
  AsConfedSequence: 3,
  AsConfedSet: 4,
} as const;
/** One of the {@link AsPathSegmentType} values. */
export type AsPathSegmentType = (typeof AsPathSegmentType)[keyof typeof AsPathSegmentType];

/** ADD-PATH Send/Receive field values (RFC 7911 §4). */
export const AddPathMode = {
  Receive: 1,
  Send: 2,
  Both: 3,
} as const;
/** One of the {@link AddPathMode} values. */
export type AddPathMode = (typeof AddPathMode)[keyof typeof AddPathMode];

/** The address families this code handles, named for maps and logs. */
export type FamilyName = "ipv4-unicast" | "ipv6-unicast";

/**
 * A prefix as carried in NLRI or withdrawn-routes fields.
 * The family comes from where the prefix sits (NLRI/withdrawn = IPv4,
 * MP_REACH/MP_UNREACH = their AFI).
 */
export interface Prefix {
  /** Network address with host bits zero: a number in IPv4 fields, a bigint in IPv6 ones (e.g. 0xc0000200 for 192.0.2.0/24). */
  readonly address: IpValue;
  /** Prefix length in bits: 0-32 for IPv4, 0-128 for IPv6. */
  readonly length: number;
  /** ADD-PATH path identifier (RFC 7911); present only when negotiated for the family and direction. */
  readonly pathId?: number;
}

/** Multiprotocol capability (RFC 4760 §8): the peer handles this AFI/SAFI. */
export interface MultiprotocolCapability {
  readonly kind: "multiprotocol";
  readonly afi: Afi;
  readonly safi: Safi;
}

/** Route refresh capability (RFC 2918). */
export interface RouteRefreshCapability {
  readonly kind: "routeRefresh";
}

/** 4-octet AS number capability (RFC 6793): carries the speaker's real ASN. */
export interface FourOctetAsCapability {
  readonly kind: "fourOctetAs";
  /** The speaker's AS number, 0..4294967295. */
  readonly asn: number;
}

/** One AFI/SAFI entry of the ADD-PATH capability. */
export interface AddPathEntry {
  readonly afi: Afi;
  readonly safi: Safi;
  /** Whether the sender can send, receive, or both, multiple paths. */
  readonly sendReceive: AddPathMode;
}

/** ADD-PATH capability (RFC 7911 §4). */
export interface AddPathCapability {
  readonly kind: "addPath";
  readonly entries: readonly AddPathEntry[];
}

/** One entry of the extended next hop capability. */
export interface ExtendedNextHopEntry {
  /** NLRI AFI (1 = IPv4). */
  readonly afi: Afi;
  /** NLRI SAFI. */
  readonly safi: Safi;
  /** AFI of the next hop that may carry it (2 = IPv6). */
  readonly nextHopAfi: Afi;
}

/** Extended next hop encoding capability (RFC 8950 §3). */
export interface ExtendedNextHopCapability {
  readonly kind: "extendedNextHop";
  readonly entries: readonly ExtendedNextHopEntry[];
}

/** Restart Flags of the Graceful Restart capability (RFC 4724 §3, RFC 8538 §2), the capability's top 4 bits. */
export const GracefulRestartFlag = {
  /** R: the sender has restarted; its peer must not wait for its End-of-RIB before sending its own routes. */
  Restarting: 0x8,
  /** N: the sender supports RFC 8538's graceful NOTIFICATION handling. */
  Notification: 0x4,
} as const;

/** Flags of one AFI/SAFI of the Graceful Restart capability (RFC 4724 §3). */
export const GracefulRestartFamilyFlag = {
  /** F: the sender kept its forwarding state for the family across the restart. */
  ForwardingState: 0x80,
} as const;

/** One AFI/SAFI entry of the Graceful Restart capability. */
export interface GracefulRestartFamily {
  readonly afi: Afi;
  readonly safi: Safi;
  /** The entry's flags octet, {@link GracefulRestartFamilyFlag} bits (others kept as received). */
  readonly flags: number;
}

/** Graceful Restart capability (RFC 4724 §3). */
export interface GracefulRestartCapability {
  readonly kind: "gracefulRestart";
  /** The 4-bit Restart Flags, {@link GracefulRestartFlag} bits (others kept as received). */
  readonly flags: number;
  /** How long the peer should keep our routes after the session drops, seconds (0..4095). */
  readonly restartTimeSeconds: number;
  /** The families for which the sender can preserve forwarding state; may be empty. */
  readonly families: readonly GracefulRestartFamily[];
}

/** Any capability this code does not model; kept byte-exact. */
export interface UnknownCapability {
  readonly kind: "unknown";
  readonly code: number;
  readonly value: Uint8Array;
}

/** A capability advertised in OPEN (RFC 5492). */
export type Capability =
  | MultiprotocolCapability
  | RouteRefreshCapability
  | FourOctetAsCapability
  | AddPathCapability
  | ExtendedNextHopCapability
  | GracefulRestartCapability
  | UnknownCapability;

/** OPEN message (RFC 4271 §4.2). */
export interface OpenMessage {
  readonly kind: "open";
  /** Protocol version; 4. */
  readonly version: number;
  /** The 2-octet "My Autonomous System" field: the ASN, or {@link AS_TRANS} if it does not fit. */
  readonly myAsn: number;
  /** Proposed hold time in seconds: 0 or at least 3. */
  readonly holdTime: number;
  /** BGP identifier: 4 octets as an unsigned number, written as a dotted quad (192.0.2.1 = 0xc0000201) only for people. */
  readonly bgpId: Ipv4Value;
  /** Capabilities, in the order they appear on the wire. */
  readonly capabilities: readonly Capability[];
}

/** One AS_PATH segment; ASNs are always full 4-octet values here. */
export interface AsPathSegment {
  readonly type: AsPathSegmentType;
  readonly asns: readonly number[];
}

/** AGGREGATOR attribute (RFC 4271 §5.1.7, 4-octet ASN after RFC 6793 merging). */
export interface Aggregator {
  readonly asn: number;
  /** IPv4 address of the speaker that formed the aggregate. */
  readonly address: Ipv4Value;
}

/** A large community (RFC 8092): three unsigned 32-bit numbers. */
export interface LargeCommunity {
  readonly globalAdmin: number;
  readonly localData1: number;
  readonly localData2: number;
}

/**
 * Next hop of MP_REACH_NLRI: a global address (IPv4 only for IPv4 NLRI;
 * IPv6 as a bigint, IPv4-mapped `::ffff:a.b.c.d` included), plus an IPv6
 * link-local one when 32 octets are sent.
 */
export interface MpNextHop {
  readonly global: IpValue;
  readonly linkLocal?: Ipv6Value;
}

/** MP_REACH_NLRI attribute (RFC 4760 §3). */
export interface MpReach {
  readonly afi: Afi;
  readonly safi: Safi;
  readonly nextHop: MpNextHop;
  readonly nlri: readonly Prefix[];
}

/** MP_UNREACH_NLRI attribute (RFC 4760 §4). */
export interface MpUnreach {
  readonly afi: Afi;
  readonly safi: Safi;
  readonly withdrawn: readonly Prefix[];
}

/**
 * An optional transitive attribute this code does not interpret, passed on
 * unchanged (RFC 4271 §5: with the Partial bit set when re-advertised).
 */
export interface UnknownAttribute {
  readonly typeCode: number;
  /** The Partial flag as received (or as it should be sent). */
  readonly partial: boolean;
  readonly value: Uint8Array;
}

/**
 * Path attributes of an UPDATE, typed. Absent fields were not in the
 * message. AS_PATH and AGGREGATOR are always in 4-octet form: the codec
 * merges AS4_PATH/AS4_AGGREGATOR on decode and builds them on encode.
 */
export interface PathAttributes {
  readonly origin?: Origin;
  readonly asPath?: readonly AsPathSegment[];
  /** IPv4 NEXT_HOP for NLRI in the classic fields. */
  readonly nextHop?: Ipv4Value;
  /** MULTI_EXIT_DISC. */
  readonly med?: number;
  readonly localPref?: number;
  readonly atomicAggregate?: boolean;
  readonly aggregator?: Aggregator;
  /** RFC 1997 communities as unsigned 32-bit numbers (high 16 bits = ASN). */
  readonly communities?: readonly number[];
  readonly largeCommunities?: readonly LargeCommunity[];
  readonly mpReach?: MpReach;
  readonly mpUnreach?: MpUnreach;
  /** Unrecognised optional transitive attributes, in wire order. */
  readonly unknown?: readonly UnknownAttribute[];
}

/** UPDATE message (RFC 4271 §4.3). */
export interface UpdateMessage {
  readonly kind: "update";
  /** IPv4 unicast withdrawn routes. */
  readonly withdrawn: readonly Prefix[];
  readonly attributes: PathAttributes;
  /** IPv4 unicast NLRI. */
  readonly nlri: readonly Prefix[];
}

/** KEEPALIVE message (RFC 4271 §4.4). */
export interface KeepaliveMessage {
  readonly kind: "keepalive";
}

/** NOTIFICATION message (RFC 4271 §4.5). */
export interface NotificationMessage {
  readonly kind: "notification";
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

/** ROUTE-REFRESH message (RFC 2918 §3). */
export interface RouteRefreshMessage {
  readonly kind: "routeRefresh";
  readonly afi: Afi;
  readonly safi: Safi;
}

/** Any BGP message. */
export type BgpMessage = OpenMessage | UpdateMessage | KeepaliveMessage | NotificationMessage | RouteRefreshMessage;

/** ADD-PATH as negotiated for one family, from this speaker's point of view. */
export interface AddPathDirections {
  /** This speaker sends path identifiers in UPDATEs for the family. */
  readonly send: boolean;
  /** This speaker receives path identifiers in UPDATEs for the family. */
  readonly receive: boolean;
}

/**
 * What the codec must know about a session after the OPEN exchange.
 * Before Established use {@link DEFAULT_CODEC_CONTEXT}.
 */
export interface CodecContext {
  /** Both sides announced the 4-octet AS capability: AS_PATH carries 4-octet ASNs. */
  readonly fourOctetAs: boolean;
  /** ADD-PATH per family; a missing family means no path identifiers either way. */
  readonly addPath: Readonly<Partial<Record<FamilyName, AddPathDirections>>>;
  /** Both sides announced RFC 8950 for IPv4 unicast over an IPv6 next hop. */
  readonly extendedNextHop: boolean;
  /**
   * The peer is in another AS (`external`, eBGP) or in ours (`internal`,
   * iBGP). The session-dependent rules of RFC 7606 §7 apply only when it is
   * set: LOCAL_PREF, ORIGINATOR_ID and CLUSTER_LIST from an external peer
   * are discarded, and AS_CONFED segments from an external peer withdraw
   * the routes (bgplb has no confederation, so every external peer is
   * outside it).
   */
  readonly peerType?: "internal" | "external";
  /**
   * This speaker's address on the connection. A next hop equal to it is
   * refused like a martian one (RFC 4271 §6.3 a).
   */
  readonly localAddress?: IpValue;
}

/** Context of a session with no capabilities negotiated. */
export const DEFAULT_CODEC_CONTEXT: CodecContext = {
  fourOctetAs: false,
  addPath: {},
  extendedNextHop: false,
};

/**
 * An error that ends the session: send NOTIFICATION(code, subcode, data)
 * and close (RFC 4271 §6, RFC 7606 "session reset").
 */
export interface SessionError {
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
  /** What was wrong, for logs, e.g. "ORIGIN value 7 is not 0, 1 or 2". */
  readonly reason: string;
}

/**
 * The one outcome of decoding or checking what a peer sent: the value, or
 * the error with the NOTIFICATION code, subcode and data RFC 4271 names for
 * it. Decoders never throw and never signal a problem with undefined, a bare
 * string or a flag; where RFC 7606 keeps the session up, the caller turns
 * the error into an {@link UpdateDiagnostic} with the same subcode.
 * ({@link DecodeResult} is this outcome for a whole message.)
 */
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SessionError };

/** RFC 7606 outcomes that keep the session up. */
export type UpdateErrorAction = "treat-as-withdraw" | "attribute-discard";

/** A problem in an UPDATE that RFC 7606 handles without closing the session. */
export interface UpdateDiagnostic {
  readonly action: UpdateErrorAction;
  /** The NOTIFICATION subcode RFC 4271 would have used, for logs and metrics. */
  readonly subcode: number;
  /** Type code of the attribute at fault, if one is. */
  readonly attributeType?: number;
  /** Name of the attribute at fault (e.g. "AS_PATH"), set with `attributeType`. */
  readonly attributeName?: string;
  /** What was wrong, for logs. */
  readonly reason: string;
}

/** Result of decoding one message: a message, or an error that resets the session. */
export type DecodeResult =
  | {
      readonly ok: true;
      readonly message: BgpMessage;
      /**
       * RFC 7606: every NLRI of the UPDATE (classic and MP_REACH) must be
       * handled as withdrawn. Always false for other messages.
       */
      readonly treatAsWithdraw: boolean;
      /** Problems tolerated under RFC 7606, empty for a clean message. */
      readonly diagnostics: readonly UpdateDiagnostic[];
    }
  | { readonly ok: false; readonly error: SessionError };
