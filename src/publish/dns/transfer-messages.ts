import type { RpzPolicy } from "../rpz-policy.ts";
import type { ZoneRecord } from "../rpz-records.ts";
import type { ZoneStep } from "../zone-source.ts";
import { HeaderFlag, MessageWriter, type Question, writeMessages } from "./message-writer.ts";
import type { RecordToWrite } from "./record-to-write.ts";
import { RRClass } from "./rr-type.ts";
import { zoneRecordToWrite } from "./zone-record-to-write.ts";
import { nsRecord, soaRecord } from "./zone-soa.ts";

/**
 * Messages of 16 KiB: compression pointers reach only the first 16 KiB of a message (RFC 1035 §4.1.4), so
 * larger ones compress worse; this is also about the size NSD sends.
 */
export const transferMessageSize = 16_384;
/** Room for the TSIG record each message may carry (RFC 8945 §4.2: ~100 octets for hmac-sha256). */
export const tsigReserve = 256;

const responseFlags = HeaderFlag.QR | HeaderFlag.AA;

/**
 * An AXFR's messages (RFC 5936 §2.2: SOA, NS and every record, SOA again), each encoded only when the one before
 * it has been taken: the first leaves as soon as it is full, whatever the zone's size, and a transfer holds one
 * message of its own at a time. `records` must not change meanwhile (a frozen view of one release).
 */
export function* axfrMessages(
  policy: RpzPolicy,
  serial: number,
  records: Iterable<ZoneRecord>,
  question: Question,
): Generator<Buffer> {
  const writer = new MessageWriter(options(policy));
  writer.begin({ id: 0, flags: responseFlags, question });
  const soa = soaRecord(policy, serial);
  function* all(): Generator<RecordToWrite> {
    yield soa;
    yield nsRecord(policy);
    for (const record of records) yield zoneRecordToWrite(record, policy);
    yield soa;
  }
  for (const record of all()) {
    if (writer.addAnswer(record)) continue;
    yield writer.finish();
    writer.begin({ id: 0, flags: responseFlags });
    if (!writer.addAnswer(record)) throw new Error(`the record for ${record.name} does not fit in a message`);
  }
  yield writer.finish();
}

/**
 * IXFR (RFC 1995 §4): the current SOA, then for each release the old SOA, what it deleted, the new SOA, what it
 * added, and the current SOA again. `reserve` is the room kept in each message for a TSIG record: 0 for a
 * reply that will not be signed, so that an increment over UDP gets the whole 512 octets.
 */
export function ixfrMessages(
  policy: RpzPolicy,
  serial: number,
  steps: ZoneStep[],
  question: Question,
  maxSize = transferMessageSize,
  reserve = tsigReserve,
): Buffer[] {
  return [
    ...writeMessages(
      { id: 0, flags: responseFlags, question },
      ixfrRecords(policy, serial, steps),
      options(policy, maxSize, reserve),
    ),
  ];
}

function* ixfrRecords(policy: RpzPolicy, serial: number, steps: ZoneStep[]): Generator<RecordToWrite> {
  const current = soaRecord(policy, serial);
  yield current;
  for (const step of steps) {
    yield soaRecord(policy, step.fromSerial);
    for (const record of step.removed) yield zoneRecordToWrite(record, policy);
    yield soaRecord(policy, step.toSerial);
    for (const record of step.added) yield zoneRecordToWrite(record, policy);
  }
  yield current;
}

/** The answer to a client that is up to date, or that asked over UDP for more than fits (RFC 1995 §2, §4). */
export function soaOnlyMessage(policy: RpzPolicy, serial: number, question: Question): Buffer {
  const [message] = writeMessages(
    { id: 0, flags: responseFlags, question },
    [soaRecord(policy, serial)],
    options(policy),
  );
  return message!;
}

function options(policy: RpzPolicy, maxSize = transferMessageSize, reserve = tsigReserve) {
  return { maxSize, reserve, origin: policy.zone };
}

export function zoneQuestion(policy: RpzPolicy, type: number): Question {
  return { name: policy.zone, type, class: RRClass.IN };
}
