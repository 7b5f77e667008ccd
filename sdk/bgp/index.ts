/** Public surface of the sans-IO BGP-4 protocol code. */
export * from "./messages";
export { encodeMessage, decodeMessage, writeMessage } from "./codec";
export { MessageFramer, type FrameResult } from "./framer";
export { checkHeader, MESSAGE_NAMES, type MessageHeader } from "./header";
export { checkPeerAs, openAsn } from "./open";
export { shutdownCommunication, describeNotification } from "./notification";
export { packUpdates, endOfRib, type AdvertisedRoute, type WithdrawnRoute, type RouteChanges } from "./update-packer";
export { ByteWriter } from "./wire";
