/**
 * /metrics through prom-client: the speaker's metric names, labels, types and
 * help texts in the Prometheus text format, read from the sessions' records
 * at each scrape.
 */
import { expect } from "chai";
import { SpeakerMetrics, countUpdateError } from "../../sdk/speaker/metrics";

/** The sample lines (no comments, no blank lines) of an exposition. */
function samples(text: string): string[] {
  return text.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
}

describe("speaker metrics (prom-client)", () => {
  it("renders every metric with its HELP and TYPE, sessions by state, per-peer series sorted by peer and update errors by attribute and action", async () => {
    const metrics = new SpeakerMetrics();
    const b = metrics.peer("10.0.0.2");
    const a = metrics.peer("10.0.0.1");
    Object.assign(a, {
      state: "Established",
      connectAttempts: 3,
      establishedTransitions: 1,
      updatesSent: 7,
      updatesReceived: 2,
      notificationsSent: 0,
      notificationsReceived: 1,
      prefixesAdvertised: 5,
    });
    b.state = "Connect";
    countUpdateError(a, "NEXT_HOP", "treat-as-withdraw");
    countUpdateError(a, "AS_PATH", "treat-as-withdraw");
    countUpdateError(a, "NEXT_HOP", "treat-as-withdraw");
    const text = await metrics.render();
    expect(text).to.contain("# HELP bgplb_sessions Number of BGP sessions in each FSM state.\n# TYPE bgplb_sessions gauge\n");
    expect(text).to.contain("# TYPE bgplb_connect_attempts_total counter\n");
    expect(text).to.contain("# TYPE bgplb_prefixes_advertised gauge\n");
    expect(text).to.contain(
      "# HELP bgplb_update_errors_total Problems in received UPDATEs handled without a session reset (RFC 7606), by attribute and action.\n# TYPE bgplb_update_errors_total counter\n",
    );
    expect(samples(text)).to.deep.equal([
      'bgplb_sessions{state="Idle"} 0',
      'bgplb_sessions{state="Connect"} 1',
      'bgplb_sessions{state="Active"} 0',
      'bgplb_sessions{state="OpenSent"} 0',
      'bgplb_sessions{state="OpenConfirm"} 0',
      'bgplb_sessions{state="Established"} 1',
      'bgplb_session_established{peer="10.0.0.1"} 1',
      'bgplb_session_established{peer="10.0.0.2"} 0',
      'bgplb_connect_attempts_total{peer="10.0.0.1"} 3',
      'bgplb_connect_attempts_total{peer="10.0.0.2"} 0',
      'bgplb_session_established_total{peer="10.0.0.1"} 1',
      'bgplb_session_established_total{peer="10.0.0.2"} 0',
      'bgplb_updates_sent_total{peer="10.0.0.1"} 7',
      'bgplb_updates_sent_total{peer="10.0.0.2"} 0',
      'bgplb_updates_received_total{peer="10.0.0.1"} 2',
      'bgplb_updates_received_total{peer="10.0.0.2"} 0',
      'bgplb_notifications_sent_total{peer="10.0.0.1"} 0',
      'bgplb_notifications_sent_total{peer="10.0.0.2"} 0',
      'bgplb_notifications_received_total{peer="10.0.0.1"} 1',
      'bgplb_notifications_received_total{peer="10.0.0.2"} 0',
      'bgplb_prefixes_advertised{peer="10.0.0.1"} 5',
      'bgplb_prefixes_advertised{peer="10.0.0.2"} 0',
      'bgplb_update_errors_total{peer="10.0.0.1",attribute="AS_PATH",action="treat-as-withdraw"} 1',
      'bgplb_update_errors_total{peer="10.0.0.1",attribute="NEXT_HOP",action="treat-as-withdraw"} 2',
    ]);
  });

  it("reads the records again at each scrape: counters follow the sessions, a state change moves the session count", async () => {
    const metrics = new SpeakerMetrics();
    const peer = metrics.peer("192.0.2.1");
    peer.updatesSent = 1;
    expect(samples(await metrics.render())).to.include('bgplb_updates_sent_total{peer="192.0.2.1"} 1');
    peer.updatesSent += 4;
    peer.state = "Established";
    const again = samples(await metrics.render());
    expect(again).to.include('bgplb_updates_sent_total{peer="192.0.2.1"} 5');
    expect(again).to.include('bgplb_sessions{state="Established"} 1').and.include('bgplb_sessions{state="Idle"} 0');
  });
});
