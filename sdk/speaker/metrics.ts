/**
 * The speaker's Prometheus metrics, kept as plain counters and rendered in
 * the text exposition format (version 0.0.4).
 */
import { FSM_STATES, type FsmState } from "../bgp/fsm-types";

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
    return `${out.join("\n")}\n`;
  }
}
