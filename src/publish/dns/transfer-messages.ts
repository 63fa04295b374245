import type { RpzPolicy } from "../rpz-policy.ts";
import type { ZoneRecord } from "../rpz-records.ts";
import type { ZoneStep } from "../zone-source.ts";
import { HeaderFlag, MessageWriter, type Question, writeMessages } from "./message-writer.ts";
import type { RData, RecordToWrite } from "./record-to-write.ts";
import { RRClass } from "./rr-type.ts";
import { type ZoneView, zoneKeySeparator } from "./served-zone.ts";
import { TransferOrder } from "./transfer-order.ts";
import { zoneRecordToWrite } from "./zone-record-to-write.ts";
import { nsRecord, soaRecord } from "./zone-soa.ts";

/**
 * Messages of 16 KiB: compression pointers reach only the first 16 KiB of a message (RFC 1035 §4.1.4), so
 * larger ones compress worse; this is also about the size NSD sends.
 */
export const transferMessageSize = 16_384;
/**
 * The first message is small, so that it leaves at once and the secondary learns the serial within
 * milliseconds, even while the encoder still runs in V8's interpreter (the first transfer after start-up)
 * and whatever the zone's size; the rest fill `transferMessageSize`. RFC 5936 §2.2 leaves the number of records
 * a message holds to the server.
 */
export const firstMessageSize = 2048;
/** Room for the TSIG record each message may carry (RFC 8945 §4.2: ~100 octets for hmac-sha256). */
export const tsigReserve = 256;

const responseFlags = HeaderFlag.QR | HeaderFlag.AA;

export interface AxfrOptions {
  /** The query's ID, written in every message (RFC 1035 §4.1.1). */
  id?: number;
  /** Signs each message once its answers are in, e.g. with TSIG in the reserve (`transferSigner`). */
  sign?: (message: MessageWriter) => void;
}

/**
 * An AXFR's messages (RFC 5936 §2.2: SOA, NS and every record, SOA again), each encoded only when the one before
 * it has been taken: the first leaves as soon as it is full, whatever the zone's size, and a transfer holds one
 * message of its own at a time. The view is frozen: a release applied meanwhile does not change it.
 *
 * The records are encoded from the view's stored keys where they lie, as octets: each owner's labels are
 * copied from them and end in a pointer to the apex, with no string, object or full name made per record,
 * which at a million records is most of the time.
 */
export function* axfrMessages(
  policy: RpzPolicy,
  view: ZoneView,
  question: Question,
  options: AxfrOptions = {},
): Generator<Buffer> {
  const writer = new MessageWriter(messageOptions(policy));
  const id = options.id ?? 0;
  const sign = options.sign;
  const later = { id, flags: responseFlags };
  writer.begin({ id, flags: responseFlags, question }, firstMessageSize);
  const seal = () => {
    sign?.(writer);
    return writer.finish();
  };
  const next = () => writer.begin(later);
  const soa = soaRecord(policy, view.serial);
  const head = [soa, nsRecord(policy)];
  for (const record of head) {
    if (writer.addAnswer(record)) continue;
    yield seal();
    next();
    writer.addAnswer(record);
  }
  // One RDATA object per type, refilled for each record; its text decoded only when its octets are none of the
  // last few of that type.
  const cname = { type: "CNAME" as const, target: "" };
  const a = { type: "A" as const, address: "" };
  const aaaa = { type: "AAAA" as const, address: "" };
  const cnameText = new RecentTexts();
  const aText = new RecentTexts();
  const aaaaText = new RecentTexts();
  const ttl = policy.ttl;
  const order = new TransferOrder(view.keys);
  while (order.advance()) {
    const { octets, start, end } = order;
    let ownerEnd = start;
    while (octets[ownerEnd] !== separator) ownerEnd++;
    let typeEnd = ownerEnd + 1;
    while (octets[typeEnd] !== separator) typeEnd++;
    const ownerLength = ownerEnd - start;
    let data: RData;
    let recordTtl = ttl;
    switch (typeEnd - ownerEnd - 1) {
      case 5: // CNAME
        cname.target = cnameText.of(octets, typeEnd + 1, end);
        data = cname;
        break;
      case 1: // A
        a.address = aText.of(octets, typeEnd + 1, end);
        data = a;
        break;
      case 4: // AAAA
        aaaa.address = aaaaText.of(octets, typeEnd + 1, end);
        data = aaaa;
        break;
      default: {
        const key = textOf(octets, start, end);
        const first = key.indexOf(zoneKeySeparator);
        const record = zoneRecordToWrite(
          recordOfKey(key, first, key.indexOf(zoneKeySeparator, first + 1)),
          policy,
        );
        data = record.data;
        recordTtl = record.ttl;
      }
    }
    if (writer.addAnswerUnderOriginOctets(octets, start, ownerLength, recordTtl, data)) continue;
    yield seal();
    next();
    if (!writer.addAnswerUnderOriginOctets(octets, start, ownerLength, recordTtl, data)) {
      throw new Error(`the record for ${textOf(octets, start, ownerEnd)} does not fit in a message`);
    }
  }
  if (!writer.addAnswer(soa)) {
    yield seal();
    next();
    writer.addAnswer(soa);
  }
  yield seal();
}

const separator = zoneKeySeparator.charCodeAt(0);

function textOf(octets: Uint8Array, start: number, end: number): string {
  return Buffer.from(octets.buffer, octets.byteOffset, octets.byteLength).toString("utf8", start, end);
}

/** Texts of the last few distinct octet strings asked for, decoded again only when none matches. */
class RecentTexts {
  private readonly octets: Uint8Array[] = [];
  private readonly texts: string[] = [];
  private next = 0;

  of(source: Uint8Array, start: number, end: number): string {
    const length = end - start;
    for (let slot = 0; slot < this.octets.length; slot++) {
      const known = this.octets[slot]!;
      if (known.length !== length) continue;
      let at = 0;
      while (at < length && source[start + at] === known[at]) at++;
      if (at === length) return this.texts[slot]!;
    }
    const text = textOf(source, start, end);
    const slot = this.next;
    this.next = (slot + 1) % recentTexts;
    this.octets[slot] = source.slice(start, end);
    this.texts[slot] = text;
    return text;
  }
}

/** A zone holds a handful of CNAME targets and stop-page addresses: a few of each are enough. */
const recentTexts = 4;

/** A stored key's record, for the types the loop above does not take apart itself. */
function recordOfKey(key: string, ownerEnd: number, typeEnd: number): ZoneRecord {
  return {
    owner: key.slice(0, ownerEnd),
    rtype: key.slice(ownerEnd + 1, typeEnd) as ZoneRecord["rtype"],
    rdata: key.slice(typeEnd + 1),
  };
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
      messageOptions(policy, maxSize, reserve),
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
    messageOptions(policy),
  );
  return message!;
}

function messageOptions(policy: RpzPolicy, maxSize = transferMessageSize, reserve = tsigReserve) {
  return { maxSize, reserve, origin: policy.zone };
}

export function zoneQuestion(policy: RpzPolicy, type: number): Question {
  return { name: policy.zone, type, class: RRClass.IN };
}
