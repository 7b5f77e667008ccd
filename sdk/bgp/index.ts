/** Public surface of the sans-IO BGP-4 protocol code. */
export * from "./messages";
export { encodeMessage, decodeMessage, writeMessage } from "./codec";
export { MessageFramer, type FrameResult } from "./framer";
export { checkHeader, MESSAGE_NAMES, type MessageHeader } from "./header";
export { checkPeerAs, openAsn } from "./open";
export { shutdownCommunication, describeNotification } from "./notification";
export { packUpdates, endOfRib, UpdatePacker, type ChangeSink, type AdvertisedRoute, type WithdrawnRoute, type RouteChanges } from "./update-packer";
export { endOfRibFamily } from "./end-of-rib";
export { ByteWriter } from "./wire";
export { Fsm, type FsmOptions } from "./fsm";
export * from "./fsm-types";
export { resolvePeerConfig, type PeerConfig, type ResolvedPeerConfig } from "./fsm-config";
export { buildOpen, checkOpen, type OpenCheck } from "./fsm-open";
export { eventForMessage, eventForDecodeError } from "./fsm-input";
export { administrativeShutdown, shutdownCommunicationData } from "./fsm-notifications";
export * from "./timers";
export { Session, collisionWinner, type ConnectionId, type Direction, type SessionOptions, type SessionEvent, type SessionAction } from "./session";
export { AdjRibOut, type OriginatedRoute, type RibOutChanges, type RibOutSession, type SentPath } from "./rib-out";
