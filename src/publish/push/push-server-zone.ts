// Reading the external primary's copy of the zone, signed with the push key: its SOA serial (which the server
// manages, RFC 2136 §3.6) and, for a full resynchronisation, all its records by AXFR (RFC 5936).
import { randomInt } from "node:crypto";
import dnsPacket from "dns-packet";
import { DecreeError } from "../../errors/decree-error.ts";
import { readTsig, signMessage, type TsigKey, verifyMessage } from "../dns/tsig.ts";
import { type AnswerContext, pushAnswerError, rcodeOf } from "./push-answer-error.ts";
import { type PushConnection, serverLabel } from "./push-connection.ts";
import type { UpdateRecord } from "./push-update-messages.ts";

export type ServerContext = Omit<AnswerContext, "what">;

/** RFC 8945 §5.3.1: at most 99 messages of a signed transfer may come unsigned between signed ones. */
const maxUnsignedRun = 99;
const authoritativeFlag = 0x0400;

/** The serial of the zone's SOA as the server now serves it. */
export async function readServerSerial(connection: PushConnection, context: ServerContext): Promise<number> {
  const request = signMessage(query(context.zone, "SOA"), context.key);
  const reply = await connection.exchange(request.message);
  const verified = verifyMessage(reply, { keys: keysOf(context.key), requestMac: request.mac });
  const problem = pushAnswerError(reply, verified, { ...context, what: "the SOA query" });
  if (problem) throw problem;
  const soa = dnsPacket.decode(reply).answers?.find((record) => isApexSoa(record, context.zone));
  const serial = soa?.type === "SOA" ? soa.data.serial : undefined;
  if (serial === undefined || (reply.readUInt16BE(2) & authoritativeFlag) === 0) {
    throw new DecreeError(
      "PUSH_FAILED",
      `${serverLabel(context.server)} gave no authoritative SOA for ${context.zone}; declare the zone ` +
        "there as type primary with a journal (dynamic updates need one).",
      { server: serverLabel(context.server), zone: context.zone },
    );
  }
  return serial;
}

/** Every record of the zone by AXFR, each message's TSIG checked in its chain (RFC 8945 §5.3.1). */
export async function readServerZone(
  connection: PushConnection,
  context: ServerContext,
): Promise<{ serial: number; records: UpdateRecord[] }> {
  const what = { ...context, what: "the AXFR" };
  const request = signMessage(query(context.zone, "AXFR"), context.key);
  const keys = keysOf(context.key);
  let previousMac: Buffer | undefined;
  let unsigned: Buffer[] = [];
  let failure: DecreeError | undefined;
  let serial: number | undefined;
  let soaCount = 0;
  const records: UpdateRecord[] = [];
  const complete = (reply: Buffer): boolean => {
    if (previousMac === undefined || readTsig(reply) !== undefined) {
      const chain =
        previousMac === undefined ? { requestMac: request.mac } : { previousMac, unsignedMessages: unsigned };
      const verified = verifyMessage(reply, { keys, ...chain });
      failure = pushAnswerError(reply, verified, what);
      if (failure) return true;
      if (verified.status === "valid") previousMac = verified.mac;
      unsigned = [];
    } else {
      // An unsigned message in the chain is vouched for by the next signed one; here only its RCODE counts.
      failure = rcodeOf(reply) === 0 ? undefined : pushAnswerError(reply, { status: "unsigned" }, what);
      if (failure) return true;
      unsigned.push(reply);
      if (unsigned.length > maxUnsignedRun) {
        failure = transferError(context, `more than ${maxUnsignedRun} messages in a row came unsigned`);
        return true;
      }
    }
    for (const record of dnsPacket.decode(reply).answers ?? []) {
      if (isApexSoa(record, context.zone)) {
        soaCount += 1;
        if (record.type === "SOA") serial ??= record.data.serial;
      } else if (record.type !== "OPT") {
        records.push(record);
      }
    }
    if (soaCount === 0) {
      failure = transferError(context, "its first message does not start with the zone's SOA");
      return true;
    }
    return soaCount >= 2;
  };
  await connection.transfer(request.message, complete);
  if (failure === undefined && unsigned.length > 0) {
    failure = transferError(context, "its last message is not signed");
  }
  if (failure) throw failure;
  return { serial: serial ?? 0, records };
}

function transferError(context: ServerContext, problem: string): DecreeError {
  return new DecreeError(
    "PUSH_FAILED",
    `The AXFR of ${context.zone} from ${serverLabel(context.server)} cannot be trusted: ${problem} ` +
      "(RFC 5936, RFC 8945 §5.3.1).",
    { server: serverLabel(context.server), zone: context.zone },
  );
}

function query(zone: string, type: "SOA" | "AXFR"): Buffer {
  return dnsPacket.encode({
    type: "query",
    id: randomInt(0, 0x10000),
    flags: 0,
    questions: [{ name: zone, type, class: "IN" }],
  });
}

export function keysOf(key: TsigKey): (name: string) => TsigKey | undefined {
  return (name) => (name === key.name ? key : undefined);
}

function isApexSoa(record: dnsPacket.Answer, zone: string): boolean {
  return record.type === "SOA" && sameName(record.name, zone);
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\.$/, "") === b.toLowerCase().replace(/\.$/, "");
}
