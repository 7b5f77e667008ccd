/** One neighbor a peer daemon is configured with. */
export interface NeighborSpec {
  /** The neighbor's address (the speaker's local IP). */
  readonly address: string;
  /** The neighbor's AS number as the daemon expects it. */
  readonly asn: number;
  /** TCP port the neighbor listens on. @default 179 */
  readonly port?: number;
  /** TCP MD5 password (RFC 2385) for the session (FRR and BIRD only). @default none */
  readonly password?: string;
}

/** What a peer daemon is started with. */
export interface PeerSpec {
  /** The daemon's own AS number. */
  readonly asn: number;
  /** The daemon's address (also its router ID). */
  readonly address: string;
  /** Its neighbors. */
  readonly neighbors: readonly NeighborSpec[];
  /** Hold time the daemon proposes, seconds. @default 9 */
  readonly holdTimeSeconds?: number;
  /**
   * ADD-PATH receive for IPv4/IPv6 unicast: true = advertise it, false =
   * explicitly off, undefined = the daemon's default (FRR advertises it,
   * the others do not).
   */
  readonly addPathReceive?: boolean;
  /** Never connect; wait for the neighbor to connect. @default false */
  readonly passive?: boolean;
  /** Enable graceful restart (RFC 4724) on the daemon (FRR and BIRD only). @default the daemon's default */
  readonly gracefulRestart?: boolean;
  /** ECMP: how many equal paths the daemon may use for one prefix (FRR `maximum-paths`). @default the daemon's */
  readonly maximumPaths?: number;
  /** BFD with every neighbor on interface `eth0` (BIRD only): interval in ms both ways and detect multiplier. @default no BFD */
  readonly bfd?: { readonly intervalMs: number; readonly detectMultiplier: number };

  /**
   * A complete configuration to load instead of the one rendered from this
   * spec (FRR and BIRD only), e.g. one `bgplb router-config` wrote; `asn`,
   * `address` and `neighbors` still describe it for the queries.
   */
  readonly configText?: string;
}

/** A route as the peer daemon itself reports it, normalised across daemons. */
export interface ReceivedRoute {
  /** `192.0.2.10/32` or `2001:db8:ff::10/128`. */
  readonly prefix: string;
  /** The BGP next hop as the daemon holds it (global IPv6 address for IPv6). */
  readonly nextHop: string;
  /** `IGP`, `EGP` or `INCOMPLETE`. */
  readonly origin: string;
  /** AS_PATH as a flat list of AS numbers. */
  readonly asPath: readonly number[];
  /** Standard communities as `asn:value`. */
  readonly communities: readonly string[];
  /** Large communities as `global:local1:local2`. */
  readonly largeCommunities: readonly string[];
}

/** A route with the LOCAL_PREF the daemon holds for it (BIRD gives eBGP routes its default, 100; FRR shows none for them). */
export interface RouteWithLocalPref extends ReceivedRoute {
  readonly localPref: number | undefined;
}

/** A BGP session as the peer daemon reports it. */
export interface SessionView {
  /** True when the daemon's session to the neighbor is Established. */
  readonly established: boolean;
  /** The daemon's own words for the state and last error, for failure messages and assertions. */
  readonly detail: string;
}

/** A router daemon running in the lab's peer namespace. */
export interface PeerDaemon {
  /** `gobgp`, `bird`, `frr` or `exabgp`. */
  readonly kind: string;
  /** Starts the daemon and waits until its control interface answers. */
  start(): Promise<void>;
  /** The daemon's view of its session with `neighbor`. */
  session(neighbor: string): Promise<SessionView>;
  /** The daemon's own words for the last error or NOTIFICATION on the session with `neighbor`. */
  lastError(neighbor: string): Promise<string>;
  /** Every route the daemon holds from BGP neighbors (all paths, not only the best). */
  routes(): Promise<ReceivedRoute[]>;
  /** Freezes the daemon (SIGSTOP): it stops sending keepalives. */
  pause(): void;
  /** Resumes a frozen daemon (SIGCONT). */
  resume(): void;
  /** Stops the daemon. */
  stop(): Promise<void>;
}
