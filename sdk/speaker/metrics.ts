/**
 * The speaker's Prometheus metrics, kept as plain counters and rendered in
 * the text exposition format (version 0.0.4).
 */
import { FSM_STATES, type FsmState } from "../bgp";

/** Counters and gauges of one peer. */
export interface PeerMetrics {
  state: FsmState;
  connectAttempts: number;
  establishedTransitions: number;
  updatesSent: number;
  updatesReceived: number;
  notificationsSent: number;
  notificationsReceived: number;
  prefixesAdvertised: number;
  /** UPDATE problems handled without a session reset (RFC 7606), by attribute and action; see {@link countUpdateError}. */
  readonly updateErrors: Map<string, UpdateErrorCount>;
}

/** How often one attribute of the peer's UPDATEs led to one RFC 7606 action. */
export interface UpdateErrorCount {
  /** Attribute name, e.g. "AS_PATH"; "none" for a problem with the attribute list as a whole. */
  readonly attribute: string;
  /** "treat-as-withdraw" or "attribute-discard". */
  readonly action: string;
  count: number;
}

/** Counts one RFC 7606 outcome of an UPDATE from the peer of `metrics`. */
export function countUpdateError(metrics: PeerMetrics, attribute: string, action: string): void {
  const key = `${action}/${attribute}`;
  const entry = metrics.updateErrors.get(key);
  if (entry) entry.count++;
  else metrics.updateErrors.set(key, { attribute, action, count: 1 });
}

/** Metrics of every peer, by peer address. */
export class SpeakerMetrics {
  private readonly peers = new Map<string, PeerMetrics>();

  /** The metrics of `peer`, created at zero on first use. */
  peer(peer: string): PeerMetrics {
    let m = this.peers.get(peer);
    if (!m) {
      m = {
        state: "Idle",
        connectAttempts: 0,
        establishedTransitions: 0,
        updatesSent: 0,
        updatesReceived: 0,
        notificationsSent: 0,
        notificationsReceived: 0,
        prefixesAdvertised: 0,
        updateErrors: new Map(),
      };
      this.peers.set(peer, m);
    }
    return m;
  }

  /** Renders every metric in the Prometheus text format. */
  render(): string {
    const out: string[] = [];
    const peers = [...this.peers.entries()].sort(([a], [b]) => a.localeCompare(b));
    out.push("# HELP bgplb_sessions Number of BGP sessions in each FSM state.", "# TYPE bgplb_sessions gauge");
    for (const state of FSM_STATES) {
      out.push(`bgplb_sessions{state="${state}"} ${peers.filter(([, m]) => m.state === state).length}`);
    }
    const series = (name: string, type: "counter" | "gauge", help: string, value: (m: PeerMetrics) => number): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [peer, m] of peers) out.push(`${name}{peer="${peer}"} ${value(m)}`);
    };
    series("bgplb_session_established", "gauge", "1 when the session with the peer is Established.", (m) => (m.state === "Established" ? 1 : 0));
    series("bgplb_connect_attempts_total", "counter", "Outbound TCP connection attempts.", (m) => m.connectAttempts);
    series("bgplb_session_established_total", "counter", "Transitions to Established.", (m) => m.establishedTransitions);
    series("bgplb_updates_sent_total", "counter", "UPDATE messages sent.", (m) => m.updatesSent);
    series("bgplb_updates_received_total", "counter", "UPDATE messages received.", (m) => m.updatesReceived);
    series("bgplb_notifications_sent_total", "counter", "NOTIFICATION messages sent.", (m) => m.notificationsSent);
    series("bgplb_notifications_received_total", "counter", "NOTIFICATION messages received.", (m) => m.notificationsReceived);
    series("bgplb_prefixes_advertised", "gauge", "Paths currently advertised to the peer.", (m) => m.prefixesAdvertised);
    out.push(
      "# HELP bgplb_update_errors_total Problems in received UPDATEs handled without a session reset (RFC 7606), by attribute and action.",
      "# TYPE bgplb_update_errors_total counter",
    );
    for (const [peer, m] of peers) {
      const counts = [...m.updateErrors.values()].sort((a, b) => a.attribute.localeCompare(b.attribute) || a.action.localeCompare(b.action));
      for (const c of counts) out.push(`bgplb_update_errors_total{peer="${peer}",attribute="${c.attribute}",action="${c.action}"} ${c.count}`);
    }
    return `${out.join("\n")}\n`;
  }
}
