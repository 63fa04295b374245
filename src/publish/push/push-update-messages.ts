// DNS UPDATE messages (RFC 2136) that delete and add individual records, batched to a size well below the
// 65,535 octets a TCP message may have (RFC 1035 §4.2.2), leaving room for the TSIG record.
import dnsPacket from "dns-packet";

/** A record in dns-packet's form, with its absolute owner name (never EDNS's OPT pseudo-record). */
export type UpdateRecord = Exclude<dnsPacket.Answer, { type: "OPT" }>;

export interface ZoneChanges {
  removals: UpdateRecord[];
  additions: UpdateRecord[];
}

export interface UpdateBatchOptions {
  /** Largest message before signing, in octets. */
  maxOctets: number;
  /** A fresh message ID for each message. */
  nextId: () => number;
}

/** RFC 2136 §1.3: opcode 5. dns-packet encodes no opcode, so it goes into the flags (RFC 1035 §4.1.1). */
const opcodeUpdate = 5;
/** RFC 2136 §2.5.4: "Delete An RR From An RRset" uses class NONE, which dns-packet cannot encode. */
const classNone = 254;
const headerOctets = 12;
/**
 * The most an hmac-sha256 TSIG record takes (RFC 8945 §4.2): key name, TYPE to RDLENGTH, algorithm name,
 * time, fudge, MAC size, MAC, original ID, error, other length.
 */
export const tsigReserveOctets = 255 + 10 + 13 + 6 + 2 + 2 + 32 + 2 + 2 + 2;

/**
 * The UPDATE messages that apply `changes` in order. Every change of one owner goes into one message, its
 * deletions before its additions: RFC 2136 §3.4.2 applies the update section in order and each message at
 * once (§3.7), so a name whose action changes (CNAME `.` to CNAME `*.`, or to a stop page's A) is never seen
 * with neither record, nor refused as "CNAME and other data" (§3.4.2.2).
 */
export function pushUpdateMessages(
  zone: string,
  changes: ZoneChanges,
  options: UpdateBatchOptions,
): Buffer[] {
  const byOwner = new Map<string, Buffer[]>();
  const add = (record: UpdateRecord, deletion: boolean) => {
    const owner = record.name.toLowerCase();
    let group = byOwner.get(owner);
    if (group === undefined) {
      group = [];
      byOwner.set(owner, group);
    }
    group.push(encodeUpdateRecord(record, deletion));
  };
  for (const record of changes.removals) add(record, true);
  for (const record of changes.additions) add(record, false);

  const head = zoneSection(zone);
  const messages: Buffer[] = [];
  let batch: Buffer[] = [];
  let size = head.length;
  const flush = () => {
    if (batch.length === 0) return;
    messages.push(updateMessage(head, options.nextId(), batch));
    batch = [];
    size = head.length;
  };
  for (const group of byOwner.values()) {
    const groupSize = group.reduce((sum, record) => sum + record.length, 0);
    if (head.length + groupSize > 0xffff - tsigReserveOctets) {
      throw new RangeError(
        `the changes of one owner take ${groupSize} octets, more than a DNS message holds`,
      );
    }
    if (size + groupSize > options.maxOctets) flush();
    batch.push(...group);
    size += groupSize;
  }
  flush();
  return messages;
}

/** The header and zone section (RFC 2136 §2.3): the zone's name, type SOA, class IN. */
function zoneSection(zone: string): Buffer {
  return dnsPacket.encode({
    type: "query",
    id: 0,
    flags: opcodeUpdate << 11,
    questions: [{ name: zone, type: "SOA", class: "IN" }],
  });
}

function updateMessage(head: Buffer, id: number, records: Buffer[]): Buffer {
  const message = Buffer.concat([head, ...records]);
  message.writeUInt16BE(id, 0);
  // UPCOUNT sits where a query's NSCOUNT does (RFC 2136 §2.2); prerequisites and additional stay empty.
  message.writeUInt16BE(records.length, 8);
  return message;
}

/**
 * One record as the update section carries it: class IN and its TTL to add it (§2.5.1), class NONE and TTL 0
 * to delete exactly that record (§2.5.4). The owner is written uncompressed, so the record stands alone.
 */
export function encodeUpdateRecord(record: UpdateRecord, deletion: boolean): Buffer {
  const encoded = dnsPacket.encode({
    answers: [{ ...record, class: "IN", ttl: deletion ? 0 : record.ttl } as UpdateRecord],
  });
  const bytes = Buffer.from(encoded.subarray(headerOctets));
  if (deletion) bytes.writeUInt16BE(classNone, ownerOctets(bytes) + 2);
  return bytes;
}

function ownerOctets(record: Buffer): number {
  let offset = 0;
  while (record[offset] !== 0) offset += (record[offset] ?? 0) + 1;
  return offset + 1;
}
