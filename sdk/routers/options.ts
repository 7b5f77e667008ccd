/** Settings of the generated router configurations that do not come from the topology. */
/** How `bgplb router-config` renders. */
export interface RouterConfigOptions {
  /**
   * The TCP MD5 password to write for neighbors whose BGPPeer sets one.
   * @default the placeholder {@link MD5_PLACEHOLDER}: a password is never copied from the manifests
   */
  readonly md5Password?: string;
}

/** Written where a TCP MD5 password belongs when none is given: substitute it (envsubst) before loading. */
export const MD5_PLACEHOLDER = "${BGPLB_MD5_PASSWORD}";

/** TTL of eBGP multi-hop sessions: GKE's floating IPs may sit several hops away from the router. */
export const MULTIHOP_TTL = 255;

/** The password to write for a neighbor with MD5: the one given, else the placeholder. */
export function md5PasswordOf(options: RouterConfigOptions): string {
  return options.md5Password ?? MD5_PLACEHOLDER;
}
