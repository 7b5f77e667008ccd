/**
 * Public surface of the sans-IO BGP-4 protocol code. Import it from here.
 *
 * - `messages.ts`, `families.ts`: the message model every part shares.
 * - `codec/`: bytes <-> messages (header, OPEN and capabilities, UPDATE and
 *   attributes, NLRI, NOTIFICATION, the framer); decoders return `Decoded`
 *   results carrying the NOTIFICATION to send (`codec/errors.ts`).
 * - `fsm/`: the RFC 4271 state machine, its timers (`TimerSet`,
 *   `nextDeadline()`/`onTimeout(now)`), OPEN negotiation, and the session
 *   that resolves connection collisions.
 * - `rib/`: the Adj-RIB-Out and the UPDATE packer that turns its changes
 *   into messages.
 */
export * from "./messages";
export { familyName, familyCodes } from "./families";
export { encodeMessage, decodeMessage, writeMessage } from "./codec/codec";
export { MessageFramer, type FrameResult } from "./codec/framer";
export { checkHeader, MESSAGE_NAMES, type MessageHeader } from "./codec/header";
export { checkPeerAs, openAsn } from "./codec/open";
export { shutdownCommunication, describeNotification } from "./codec/notification";
export { packUpdates, endOfRib, UpdatePacker, type ChangeSink, type AdvertisedRoute, type WithdrawnRoute, type RouteChanges } from "./rib/update-packer";
export { endOfRibFamily } from "./codec/end-of-rib";
export { ByteWriter } from "./codec/wire";
export { Fsm, type FsmOptions } from "./fsm/fsm";
export * from "./fsm/types";
export { isInternalPeer, resolvePeerConfig, type DynamicPeerAsn, type PeerConfig, type ResolvedPeerConfig } from "./fsm/config";
export { buildOpen, checkOpen, type OpenCheck } from "./fsm/open-check";
export { eventForMessage, eventForDecodeError } from "./fsm/input";
export { administrativeShutdown, shutdownCommunicationData } from "./fsm/notifications";
export * from "./fsm/timers";
export { Session, collisionWinner, type ConnectionId, type Direction, type SessionOptions, type SessionEvent, type SessionAction } from "./fsm/session";
export { AdjRibOut, type OriginatedRoute, type RibOutChanges, type RibOutSession, type SentPath } from "./rib/rib-out";
