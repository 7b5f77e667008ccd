import { echoPath, echoText } from "../manifest/echo";
import type { FieldPath, ModelObject, OpaqueObject } from "../model";
import { AddressError, parseAddressBlock, parseCidr, parseIp, type AddressBlock, type Cidr, type IpAddress } from "../net";
import { RULES, type RuleInfo } from "./catalogue";
import type { Diagnostic, ObjectRef } from "./diagnostic";

/** The longest message a diagnostic carries; values inside are capped where they are formatted. */
const MESSAGE_LIMIT = 5 * 80;

/** The error's message with the text it failed on capped, so a 100,000-character address is not repeated whole. */
function addressMessage(error: AddressError): string {
  return error.input.length > 80 ? error.message.split(error.input).join(echoText(error.input)) : error.message;
}

/** Any object of a topology. */
export type AnyObject = ModelObject | OpaqueObject;

/** Collects diagnostics and parses the address fields it is handed, reporting the malformed ones once. */
export class Reporter {
  /** Diagnostics in the order the rules found them. */
  readonly diagnostics: Diagnostic[] = [];
  private readonly refs = new Map<AnyObject, ObjectRef>();
  private readonly seen = new Set<string>();

  /** @param fileOf the manifest file an object came from, when known. */
  constructor(private readonly fileOf?: (object: AnyObject) => string | undefined) {}

  /** The reference users see for the object. */
  ref(object: AnyObject): ObjectRef {
    let ref = this.refs.get(object);
    if (ref === undefined) {
      const file = this.fileOf?.(object);
      const { namespace, name } = object.metadata;
      ref = {
        apiVersion: object.apiVersion,
        kind: object.kind,
        ...(namespace === undefined ? {} : { namespace: echoText(namespace) }),
        name: echoText(name),
        ...(file === undefined ? {} : { file: echoText(file, 4 * 80) }),
      };
      this.refs.set(object, ref);
    }
    return ref;
  }

  /** Reports a finding of the rule at its own severity. The same finding (rule, field and message) is reported once. */
  report(rule: RuleInfo, object: AnyObject, path: FieldPath, message: string, hint: string): void {
    this.emit(rule, rule.severity, object, path, message, hint);
  }

  /** Reports that the rule could not run; `hint` names the fact that would enable it. */
  skipped(rule: RuleInfo, object: AnyObject, path: FieldPath, message: string, hint: string): void {
    this.emit(rule, "skipped", object, path, message, hint);
  }

  private emit(rule: RuleInfo, severity: Diagnostic["severity"], object: AnyObject, path: FieldPath, message: string, hint: string): void {
    const ref = this.ref(object);
    const text = echoPath(path);
    const key = `${rule.code}|${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ""}|${ref.name}|${text}|${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diagnostics.push({
      code: rule.code,
      severity,
      path: text,
      object: ref,
      message: echoText(message, MESSAGE_LIMIT),
      hint: echoText(hint, MESSAGE_LIMIT),
    });
  }

  /** Addresses parsed so far, by text: several rules read the same address fields. */
  private readonly ips = new Map<string, IpAddress>();

  /** Parses an IP address field; reports BGPLB002 and returns undefined when it is not one. */
  ip(object: AnyObject, path: FieldPath, text: unknown): IpAddress | undefined {
    const known = typeof text === "string" ? this.ips.get(text) : undefined;
    if (known !== undefined) return known;
    try {
      const ip = parseIp(text as string);
      this.ips.set(text as string, ip);
      return ip;
    } catch (error) {
      if (!(error instanceof AddressError)) throw error;
      this.report(
        RULES.malformedAddress,
        object,
        path,
        addressMessage(error),
        "write one IPv4 (10.0.0.1) or IPv6 (2001:db8::1) address, without a prefix length",
      );
      return undefined;
    }
  }

  /** Parses a CIDR field; reports BGPLB003 and returns undefined when it is not one. */
  cidr(object: AnyObject, path: FieldPath, text: unknown): Cidr | undefined {
    try {
      return parseCidr(text as string);
    } catch (error) {
      if (!(error instanceof AddressError)) throw error;
      this.report(RULES.malformedPrefix, object, path, addressMessage(error), "write a CIDR such as 10.96.0.0/16 or fd00::/112");
      return undefined;
    }
  }

  /** Parses an address-pool entry (CIDR or range); reports BGPLB003/BGPLB004 and returns undefined when malformed. */
  block(object: AnyObject, path: FieldPath, text: unknown): AddressBlock | undefined {
    try {
      return parseAddressBlock(text as string);
    } catch (error) {
      if (!(error instanceof AddressError)) throw error;
      if (error.code === "range-start-after-end") {
        this.report(RULES.rangeReversed, object, path, addressMessage(error), "write the lower address first: first-last");
      } else {
        this.report(RULES.malformedPrefix, object, path, addressMessage(error), "write a CIDR (1.2.3.0/24) or a range of one family (1.2.3.1-1.2.3.5)");
      }
      return undefined;
    }
  }
}
