/**
 * Reading NOTIFICATIONs: the RFC 8203 shutdown communication and
 * human-readable code names for logs.
 */
import {
  CeaseSubcode,
  ErrorCode,
  FsmErrorSubcode,
  HeaderErrorSubcode,
  OpenErrorSubcode,
  RouteRefreshErrorSubcode,
  UpdateErrorSubcode,
  type NotificationMessage,
} from "../messages";

/**
 * The shutdown communication of a Cease/Administrative Shutdown or Reset
 * NOTIFICATION, or undefined when there is none or it is malformed
 * (length octet past the data, or invalid UTF-8).
 */
export function shutdownCommunication(message: NotificationMessage): string | undefined {
  if (message.code !== ErrorCode.Cease) return undefined;
  if (message.subcode !== CeaseSubcode.AdministrativeShutdown && message.subcode !== CeaseSubcode.AdministrativeReset) {
    return undefined;
  }
  const data = message.data;
  if (data.length === 0 || data[0] === 0 || 1 + data[0] > data.length) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(data.subarray(1, 1 + data[0]));
  } catch {
    return undefined;
  }
}

function names(table: Readonly<Record<string, number>>): Map<number, string> {
  return new Map(Object.entries(table).map(([name, value]) => [value, name]));
}

const CODE_NAMES = names(ErrorCode);
const SUBCODE_NAMES: ReadonlyMap<number, Map<number, string>> = new Map([
  [ErrorCode.MessageHeader, names(HeaderErrorSubcode)],
  [ErrorCode.OpenMessage, names(OpenErrorSubcode)],
  [ErrorCode.UpdateMessage, names(UpdateErrorSubcode)],
  [ErrorCode.FiniteStateMachine, names(FsmErrorSubcode)],
  [ErrorCode.Cease, names(CeaseSubcode)],
  [ErrorCode.RouteRefreshMessage, names(RouteRefreshErrorSubcode)],
]);

/**
 * A one-line description for logs, e.g.
 * `Cease/AdministrativeShutdown (6/2) "maintenance window"`.
 */
export function describeNotification(message: NotificationMessage): string {
  const code = CODE_NAMES.get(message.code) ?? `code${message.code}`;
  const subcode = SUBCODE_NAMES.get(message.code)?.get(message.subcode) ?? `subcode${message.subcode}`;
  const text = shutdownCommunication(message);
  const base = `${code}/${subcode} (${message.code}/${message.subcode})`;
  if (text !== undefined) return `${base} ${JSON.stringify(text)}`;
  if (message.data.length > 0) return `${base} data ${Buffer.from(message.data).toString("hex")}`;
  return base;
}
