/**
 * How a planned MetalLB session ({@link MetallbSession}) is run: the
 * options of its {@link PeerDriver}. Kept apart from the controller so the
 * interop lab runs planned sessions through exactly this mapping without a
 * Kubernetes API server.
 */
import type { Logger } from "../speaker/log";
import type { PeerMetrics } from "../speaker/metrics";
import type { PeerDriverOptions } from "../speaker/peer";
import type { MetallbSession } from "./metallb-plan";

/** Speaker-wide settings a session takes when its BGPPeer does not say. */
export interface MetallbSessionDefaults {
  /** ConnectRetry time of peers without `connectTime`, seconds. */
  readonly connectRetrySeconds: number;
  /** Restart time (RFC 4724) offered to the peers with `enableGracefulRestart`, seconds; 0: graceful restart offered to none. */
  readonly gracefulRestartSeconds: number;
}

/** The driver options of `session`; `password` is the TCP MD5 password already read from the peer or its Secret. */
export function metallbPeerDriverOptions(
  session: MetallbSession,
  password: string | undefined,
  defaults: MetallbSessionDefaults,
  logger: Logger,
  metrics: PeerMetrics,
): PeerDriverOptions {
  return {
    peerIP: session.peerAddress,
    peerPort: session.peerPort,
    localIP: session.sourceAddress,
    ...(password === undefined ? {} : { password }),
    ttl: session.ttl,
    ...(session.vrf === undefined ? {} : { vrf: session.vrf }),
    fsm: {
      localAsn: session.myASN,
      peerAsn: session.peerASN,
      localBgpId: session.routerID,
      holdTimeSeconds: session.holdTimeSeconds,
      ...(session.keepaliveTimeSeconds === undefined ? {} : { keepaliveTimeSeconds: session.keepaliveTimeSeconds }),
      connectRetryTimeSeconds: session.connectTimeSeconds ?? defaults.connectRetrySeconds,
      families: session.families,
      // Every start counts as a restart (no state survives one), so the first OPENs carry R and F.
      ...(session.gracefulRestart && defaults.gracefulRestartSeconds > 0
        ? { gracefulRestartTimeSeconds: defaults.gracefulRestartSeconds, restarting: true }
        : {}),
    },
    logger,
    metrics,
  };
}
