// What is wrong with the external primary's answer to a signed request, as a PUSH_FAILED an operator can act
// on: the RCODE by name (RFC 1035 §4.1.1, RFC 2136 §2.2) and the TSIG error (RFC 8945 §5.2, §5.3).
import { DecreeError } from "../../errors/decree-error.ts";
import { rcodeName } from "../../types/dns-rcode.ts";
import { type TsigKey, tsigErrorCodes, type VerifyResult } from "../dns/tsig.ts";
import { type ExternalServer, serverLabel } from "./push-connection.ts";

export interface AnswerContext {
  server: ExternalServer;
  zone: string;
  key: TsigKey;
  /** What the request was, for the message: "the UPDATE", "the AXFR", "the SOA query". */
  what: string;
}

export function rcodeOf(reply: Buffer): number {
  return reply.readUInt8(3) & 0x0f;
}

/**
 * The problem with an answer, or undefined when it is NOERROR and signed with our key. `verified` is
 * `verifyMessage` of the answer against the request's MAC (or the previous message's, within a transfer).
 */
export function pushAnswerError(
  reply: Buffer,
  verified: VerifyResult,
  context: AnswerContext,
): DecreeError | undefined {
  const rcode = rcodeOf(reply);
  const keyName = context.key.name;
  let tsigError: string | undefined;
  let problem: string | undefined;
  if (verified.status === "invalid" && verified.peerError !== undefined) {
    // The server could not verify our request and said so in an unsigned TSIG record (RFC 8945 §5.3.2).
    tsigError = tsigErrorName(verified.peerError);
    problem = tsigHint(tsigError, keyName);
  } else if (verified.status === "invalid") {
    tsigError = verified.error;
    problem =
      verified.error === "BADTIME"
        ? `its signature is from a time outside the fudge; ${tsigHint("BADTIME", keyName)}`
        : `its TSIG signature does not verify with key "${keyName}" (${verified.error}), so decree cannot ` +
          "trust it: something between decree and the server may have altered it";
  } else if (verified.status === "valid" && verified.peerError !== undefined) {
    tsigError = tsigErrorName(verified.peerError);
    problem = tsigHint(tsigError, keyName);
  } else if (rcode !== 0) {
    problem = rcodeHint(rcode, context);
  } else if (verified.status === "unsigned") {
    problem =
      "the answer is not signed, so decree cannot trust it (RFC 8945 §5.3); is the server configured with " +
      `key "${keyName}"?`;
  }
  if (problem === undefined) return undefined;
  const error = tsigError === undefined ? "" : `, TSIG error ${tsigError}`;
  return new DecreeError(
    "PUSH_FAILED",
    `${serverLabel(context.server)} answered ${rcodeName(rcode)}${error} to ${context.what} of zone ` +
      `${context.zone}: ${problem}.`,
    {
      server: serverLabel(context.server),
      zone: context.zone,
      rcode: rcodeName(rcode),
      ...(tsigError === undefined ? {} : { tsigError }),
    },
  );
}

function tsigErrorName(code: number): string {
  const names = Object.entries(tsigErrorCodes);
  return names.find(([, value]) => value === code)?.[0] ?? `TSIG error ${code}`;
}

function tsigHint(error: string, keyName: string): string {
  switch (error) {
    case "BADSIG":
      return (
        `the server holds a different secret for key "${keyName}"; use the secret of that key clause ` +
        "in its named.conf"
      );
    case "BADKEY":
      return (
        `the server does not know key "${keyName}" with hmac-sha256; add the key clause (tsig-keygen) ` +
        "to its named.conf"
      );
    case "BADTIME":
      return "the clocks of decree's host and the server differ by more than 300 s; synchronise them (NTP)";
    default:
      return `the server rejected the signature of key "${keyName}"`;
  }
}

function rcodeHint(rcode: number, context: AnswerContext): string {
  switch (rcodeName(rcode)) {
    case "REFUSED":
      return (
        `the server does not let key "${context.key.name}" do this; list it in the zone's allow-update (or ` +
        "update-policy) and allow-transfer"
      );
    case "NOTAUTH":
      return `the server is not authoritative for ${context.zone}; declare the zone there as type primary`;
    case "NOTZONE":
      return `a record of the update is not inside ${context.zone}`;
    case "NOTIMP":
      return "the server takes no dynamic updates for this zone; is it a secondary rather than the primary?";
    case "SERVFAIL":
      return "the server failed to apply it; its log says why (e.g. it cannot write the zone's journal)";
    case "FORMERR":
      return "the server could not parse decree's message";
    default:
      return `the server answered ${rcodeName(rcode)}`;
  }
}
