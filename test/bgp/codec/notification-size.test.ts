/**
 * Every NOTIFICATION the codec and the FSM can send, encoded with the
 * largest data a caller could hand it: the message never exceeds 4,096
 * octets (RFC 4271 §4), the data is cut, never refused, and reads back.
 */
import { expect } from "chai";
import {
  CeaseSubcode,
  checkHeader,
  decodeMessage,
  encodeMessage,
  ErrorCode,
  FsmErrorSubcode,
  HeaderErrorSubcode,
  MAX_MESSAGE_LENGTH,
  MessageFramer,
  OpenErrorSubcode,
  RouteRefreshErrorSubcode,
  UpdateErrorSubcode,
  type NotificationMessage,
} from "../../../sdk/bgp";
import { MAX_NOTIFICATION_DATA_LENGTH } from "../../../sdk/bgp/codec/codec";
import { notificationFor } from "../../../sdk/bgp/fsm/notifications";
import { oversizedRouteRefresh } from "../../interop/harness/raw-peer";

/** Every (code, subcode) the codec's decoders and the FSM produce. */
const PAIRS: readonly (readonly [string, number, number])[] = [
  ...Object.entries(HeaderErrorSubcode).map(([n, s]) => [`MessageHeader/${n}`, ErrorCode.MessageHeader, s] as const),
  ...Object.entries(OpenErrorSubcode).map(([n, s]) => [`OpenMessage/${n}`, ErrorCode.OpenMessage, s] as const),
  ...Object.entries(UpdateErrorSubcode).map(([n, s]) => [`UpdateMessage/${n}`, ErrorCode.UpdateMessage, s] as const),
  ["HoldTimerExpired/0", ErrorCode.HoldTimerExpired, 0],
  ...Object.entries(FsmErrorSubcode).map(([n, s]) => [`FiniteStateMachine/${n}`, ErrorCode.FiniteStateMachine, s] as const),
  ["Cease/0 (internal decoder error)", ErrorCode.Cease, 0],
  ...Object.entries(CeaseSubcode).map(([n, s]) => [`Cease/${n}`, ErrorCode.Cease, s] as const),
  ...Object.entries(RouteRefreshErrorSubcode).map(([n, s]) => [`RouteRefreshMessage/${n}`, ErrorCode.RouteRefreshMessage, s] as const),
];

/** Data of `length` octets with a recognisable pattern. */
function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i % 251);
}

function sent(message: NotificationMessage): NotificationMessage {
  const wire = encodeMessage(message);
  expect(wire.length).to.be.at.most(MAX_MESSAGE_LENGTH);
  const back = decodeMessage(wire);
  if (!back.ok || back.message.kind !== "notification") throw new Error(`NOTIFICATION did not decode: ${JSON.stringify(back)}`);
  return back.message;
}

describe("NOTIFICATION encoding with maximal data", () => {
  it("leaves room for 4,075 octets of data (4,096 less header, code and subcode)", () => {
    expect(MAX_NOTIFICATION_DATA_LENGTH).to.equal(4075);
  });

  for (const [name, code, subcode] of PAIRS) {
    it(`${name} (${code}/${subcode}): data of 65,535, 4,097 or 4,076 octets is cut to 4,075; 4,075 or fewer are kept`, () => {
      for (const length of [65_535, 4_097, 4_076]) {
        const data = pattern(length);
        const back = sent({ kind: "notification", code, subcode, data });
        expect([back.code, back.subcode]).to.deep.equal([code, subcode]);
        expect(Buffer.from(back.data).equals(Buffer.from(data.subarray(0, MAX_NOTIFICATION_DATA_LENGTH))), `data of ${length}`).to.equal(true);
        expect(encodeMessage({ kind: "notification", code, subcode, data }).length).to.equal(MAX_MESSAGE_LENGTH);
      }
      for (const length of [4_075, 2, 0]) {
        const data = pattern(length);
        expect(Buffer.from(sent({ kind: "notification", code, subcode, data }).data).equals(Buffer.from(data)), `data of ${length}`).to.equal(true);
      }
    });
  }

  for (const length of [4_076, 4_077, 4_096]) {
    it(`a ROUTE-REFRESH of ${length} octets gets 7/1 quoting its first 4,075 octets in a 4,096-octet NOTIFICATION`, () => {
      const frame = oversizedRouteRefresh(length);
      const framed = new MessageFramer();
      framed.push(frame);
      const result = framed.next();
      if (!result || result.ok) throw new Error("expected a ROUTE-REFRESH length error");
      expect([result.error.code, result.error.subcode]).to.deep.equal([ErrorCode.RouteRefreshMessage, RouteRefreshErrorSubcode.InvalidMessageLength]);
      const header = checkHeader(frame, 0);
      expect(header.ok ? "accepted" : header.error.code).to.equal(ErrorCode.RouteRefreshMessage);
      const wire = encodeMessage(notificationFor(result.error));
      expect(wire.length).to.equal(MAX_MESSAGE_LENGTH);
      expect(Buffer.from(wire.subarray(21)).equals(Buffer.from(frame.subarray(0, MAX_NOTIFICATION_DATA_LENGTH)))).to.equal(true);
    });
  }
});
