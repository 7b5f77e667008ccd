/** Shared fixtures for the FSM and session tests: a peer config, OPENs, and FSMs driven into each state. */
import { Fsm } from "../../../sdk/bgp/fsm/fsm";
import type { PeerConfig } from "../../../sdk/bgp/fsm/config";
import type { FsmEvent, FsmState } from "../../../sdk/bgp/fsm/types";
import type { Capability, NotificationMessage, OpenMessage, SessionError } from "../../../sdk/bgp/messages";
import type { TimerName } from "../../../sdk/bgp/fsm/timers";
import { ip4 } from "../../ip";

/** Our side: AS 64512, id 192.0.2.1, hold 90 s, connect retry 30 s, backoff 1 s..120 s. */
export const CONFIG: PeerConfig = {
  localAsn: 64512,
  peerAsn: 64513,
  localBgpId: "192.0.2.1",
  holdTimeSeconds: 90,
  connectRetryTimeSeconds: 30,
  backoff: { initialSeconds: 1, maxSeconds: 120 },
};

/** random() = 0: every jitter factor is 0.75. */
export const ZERO = (): number => 0;

/** The peer's OPEN: AS 64513, id 192.0.2.2, hold 90, IPv4 unicast, route refresh, 4-octet AS. */
export function peerOpen(overrides: Partial<OpenMessage> = {}, capabilities?: readonly Capability[]): OpenMessage {
  return {
    kind: "open",
    version: 4,
    myAsn: 64513,
    holdTime: 90,
    bgpId: ip4("192.0.2.2"),
    capabilities: capabilities ?? [{ kind: "multiprotocol", afi: 1, safi: 1 }, { kind: "routeRefresh" }, { kind: "fourOctetAs", asn: 64513 }],
    ...overrides,
  };
}

/** A NOTIFICATION object. */
export function notif(code: number, subcode: number, data: number[] = []): NotificationMessage {
  return { kind: "notification", code, subcode, data: Uint8Array.from(data) };
}

/** A codec session error. */
export function sessionError(code: number, subcode: number, reason: string): SessionError {
  return { code, subcode, data: new Uint8Array(0), reason };
}

/** The events that lead from a fresh FSM to `state` (Active = passive start). */
export const PATH_TO: Readonly<Record<FsmState, readonly FsmEvent[]>> = {
  Idle: [],
  Connect: [{ type: "ManualStart" }],
  Active: [{ type: "ManualStart_with_PassiveTcpEstablishment" }],
  OpenSent: [{ type: "ManualStart" }, { type: "Tcp_CR_Acked" }],
  OpenConfirm: [{ type: "ManualStart" }, { type: "Tcp_CR_Acked" }, { type: "BGPOpen", message: peerOpen() }],
  Established: [{ type: "ManualStart" }, { type: "Tcp_CR_Acked" }, { type: "BGPOpen", message: peerOpen() }, { type: "KeepAliveMsg" }],
};

/** A fresh FSM (random = 0) driven into `state`. */
export function fsmIn(state: FsmState, config: PeerConfig = CONFIG): Fsm {
  const fsm = new Fsm({ config, random: ZERO });
  for (const event of PATH_TO[state]) fsm.handle(event, 0);
  if (fsm.state !== state) throw new Error(`fixture: reached ${fsm.state}, wanted ${state}`);
  return fsm;
}

/** A startTimer action. */
export const start = (timer: TimerName, durationMs: number) => ({ type: "startTimer", timer, durationMs }) as const;
/** A stopTimer action. */
export const stop = (timer: TimerName) => ({ type: "stopTimer", timer }) as const;

const NAMES: Readonly<Record<FsmState, string>> = {
  Idle: "BGP_FSM_IDLE",
  Connect: "BGP_FSM_CONNECT",
  Active: "BGP_FSM_ACTIVE",
  OpenSent: "BGP_FSM_OPENSENT",
  OpenConfirm: "BGP_FSM_OPENCONFIRM",
  Established: "BGP_FSM_ESTABLISHED",
};

/** A stateChange action, with the vendor names spelled out here independently of the code under test. */
export function change(from: FsmState, to: FsmState, reason?: object): object {
  const base = { type: "stateChange", from, to, fromName: NAMES[from], toName: NAMES[to] };
  return reason ? { ...base, reason } : base;
}
