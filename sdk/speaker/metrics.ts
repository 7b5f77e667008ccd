/**
 * The speaker's Prometheus metrics. Each peer session keeps its counts in a
 * plain {@link PeerMetrics} record (the session's hot path only increments
 * fields); prom-client collects them when /metrics is scraped and renders
 * the text exposition format (version 0.0.4). prom-client is loaded on the
 * first use of the registry (a standalone speaker: its first scrape), so a
 * speaker nobody scrapes does not carry it.
 */
import type { Counter, Gauge, Registry } from "prom-client";
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
  private promRegistry: Registry | undefined;

  /** The prom-client registry /metrics renders, created on first use; other parts of the speaker register their own metrics in it. */
  get registry(): Registry {
    return (this.promRegistry ??= this.createRegistry());
  }

  /** A registry with the speaker's metrics, each read from the peers' records when collected. */
  private createRegistry(): Registry {
    const { Counter, Gauge, Registry } = require("prom-client") as typeof import("prom-client");
    const registry = new Registry();
    const registers = [registry];
    const allPeers = (): IterableIterator<PeerMetrics> => this.peers.values();
    const sortedPeers = (): [string, PeerMetrics][] => [...this.peers.entries()].sort(([a], [b]) => a.localeCompare(b));
    new Gauge({
      name: "bgplb_sessions",
      help: "Number of BGP sessions in each FSM state.",
      labelNames: ["state"],
      registers,
      collect: function (this: Gauge<"state">) {
        const peers = [...allPeers()];
        for (const state of FSM_STATES) this.set({ state }, peers.filter((m) => m.state === state).length);
      },
    });
    const gauge = (name: string, help: string, value: (m: PeerMetrics) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ["peer"],
        registers,
        collect: function (this: Gauge<"peer">) {
          this.reset();
          for (const [peer, m] of sortedPeers()) this.set({ peer }, value(m));
        },
      });
    };
    const counter = (name: string, help: string, value: (m: PeerMetrics) => number): void => {
      new Counter({
        name,
        help,
        labelNames: ["peer"],
        registers,
        collect: function (this: Counter<"peer">) {
          this.reset();
          for (const [peer, m] of sortedPeers()) this.inc({ peer }, value(m));
        },
      });
    };
    gauge("bgplb_session_established", "1 when the session with the peer is Established.", (m) => (m.state === "Established" ? 1 : 0));
    counter("bgplb_connect_attempts_total", "Outbound TCP connection attempts.", (m) => m.connectAttempts);
    counter("bgplb_session_established_total", "Transitions to Established.", (m) => m.establishedTransitions);
    counter("bgplb_updates_sent_total", "UPDATE messages sent.", (m) => m.updatesSent);
    counter("bgplb_updates_received_total", "UPDATE messages received.", (m) => m.updatesReceived);
    counter("bgplb_notifications_sent_total", "NOTIFICATION messages sent.", (m) => m.notificationsSent);
    counter("bgplb_notifications_received_total", "NOTIFICATION messages received.", (m) => m.notificationsReceived);
    gauge("bgplb_prefixes_advertised", "Paths currently advertised to the peer.", (m) => m.prefixesAdvertised);
    new Counter({
      name: "bgplb_update_errors_total",
      help: "Problems in received UPDATEs handled without a session reset (RFC 7606), by attribute and action.",
      labelNames: ["peer", "attribute", "action"],
      registers,
      collect: function (this: Counter<"peer" | "attribute" | "action">) {
        this.reset();
        for (const [peer, m] of sortedPeers()) {
          const counts = [...m.updateErrors.values()].sort((a, b) => a.attribute.localeCompare(b.attribute) || a.action.localeCompare(b.action));
          for (const c of counts) this.inc({ peer, attribute: c.attribute, action: c.action }, c.count);
        }
      },
    });
    return registry;
  }

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

  /** Renders every metric of {@link registry} in the Prometheus text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
