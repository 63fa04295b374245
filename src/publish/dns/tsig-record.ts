// The TSIG resource record on the wire (RFC 8945 §4.2): finding it at the end of a message and encoding it.
// dns-packet has no TSIG codec, and verification needs the exact octets around the record anyway.
import { readWireName, skipWireName } from "./tsig-name.ts";

export const tsigType = 250;
export const classAny = 255;
const headerOctets = 12;
const fixedRecordOctets = 10; // TYPE, CLASS, TTL, RDLENGTH after the owner name

export interface TsigRecord {
  /** Offset of the record's first octet in the message: the unsigned message is everything before it. */
  start: number;
  keyWire: Buffer;
  keyName: string;
  algorithmWire: Buffer;
  algorithm: string;
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  otherData: Buffer;
}

export type TsigLookup = { kind: "absent" } | { kind: "malformed" } | { kind: "found"; record: TsigRecord };

const absent: TsigLookup = { kind: "absent" };
const malformed: TsigLookup = { kind: "malformed" };

/**
 * Walks the whole message to find its TSIG record. RFC 8945 §5.2: it must be the last record of the
 * additional section and the only one; anything else, or octets that do not parse, is malformed.
 * Never throws.
 */
export function findTsigRecord(message: Buffer): TsigLookup {
  if (message.length < headerOctets) return malformed;
  let offset = skipQuestions(message, message.readUInt16BE(4));
  const additional = message.readUInt16BE(10);
  const total = message.readUInt16BE(6) + message.readUInt16BE(8) + additional;
  for (let index = 0; index < total && offset !== undefined; index += 1) {
    const start = offset;
    offset = skipRecord(message, start);
    if (offset === undefined) return malformed;
    if (recordType(message, start) !== tsigType) continue;
    const isLast = index === total - 1 && additional > 0;
    if (!isLast || offset !== message.length) return malformed;
    return parseTsigRecord(message, start);
  }
  return offset === undefined ? malformed : absent;
}

/** The record's octets: owner and algorithm uncompressed, class ANY, TTL 0 (RFC 8945 §4.2). */
export function encodeTsigRecord(record: Omit<TsigRecord, "start" | "keyName" | "algorithm">): Buffer {
  const rdata = Buffer.concat([
    record.algorithmWire,
    uint48(record.timeSigned),
    uint16(record.fudge),
    uint16(record.mac.length),
    record.mac,
    uint16(record.originalId),
    uint16(record.error),
    uint16(record.otherData.length),
    record.otherData,
  ]);
  const fixed = Buffer.alloc(fixedRecordOctets);
  fixed.writeUInt16BE(tsigType, 0);
  fixed.writeUInt16BE(classAny, 2);
  fixed.writeUInt32BE(0, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([record.keyWire, fixed, rdata]);
}

export function uint16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}

/** Time Signed is an unsigned 48-bit count of seconds (RFC 8945 §4.2). */
export function uint48(value: number): Buffer {
  const buffer = Buffer.alloc(6);
  buffer.writeUIntBE(value, 0, 6);
  return buffer;
}

/** Offset after the question section, or undefined when it does not parse. */
export function skipQuestions(message: Buffer, count: number): number | undefined {
  let offset: number | undefined = headerOctets;
  for (let index = 0; index < count && offset !== undefined; index += 1) {
    const end = skipWireName(message, offset);
    offset = end !== undefined && end + 4 <= message.length ? end + 4 : undefined;
  }
  return offset;
}

function skipRecord(message: Buffer, start: number): number | undefined {
  const nameEnd = skipWireName(message, start);
  if (nameEnd === undefined || nameEnd + fixedRecordOctets > message.length) return undefined;
  const end = nameEnd + fixedRecordOctets + message.readUInt16BE(nameEnd + 8);
  return end <= message.length ? end : undefined;
}

function recordType(message: Buffer, start: number): number {
  const nameEnd = skipWireName(message, start) ?? start;
  return message.readUInt16BE(nameEnd);
}

function parseTsigRecord(message: Buffer, start: number): TsigLookup {
  const owner = readWireName(message, start);
  if (owner === undefined) return malformed;
  const at = owner.end;
  // RFC 8945 §4.2: CLASS MUST be ANY and TTL MUST be 0.
  if (message.readUInt16BE(at + 2) !== classAny || message.readUInt32BE(at + 4) !== 0) return malformed;
  const rdataEnd = at + fixedRecordOctets + message.readUInt16BE(at + 8);
  const algorithm = readWireName(message, at + fixedRecordOctets);
  if (algorithm === undefined) return malformed;
  const fields = readRdataFields(message.subarray(0, rdataEnd), algorithm.end);
  if (fields === undefined) return malformed;
  const record: TsigRecord = {
    start,
    keyWire: owner.wire,
    keyName: owner.text,
    algorithmWire: algorithm.wire,
    algorithm: algorithm.text,
    ...fields,
  };
  return { kind: "found", record };
}

type RdataFields = Pick<TsigRecord, "timeSigned" | "fudge" | "mac" | "originalId" | "error" | "otherData">;

// Reads what follows the algorithm name; `rdata` ends where the record's RDATA ends, which must be exactly
// where the Other Data ends.
function readRdataFields(rdata: Buffer, offset: number): RdataFields | undefined {
  if (offset + 10 > rdata.length) return undefined;
  const timeSigned = rdata.readUIntBE(offset, 6);
  const fudge = rdata.readUInt16BE(offset + 6);
  const macEnd = offset + 10 + rdata.readUInt16BE(offset + 8);
  if (macEnd + 6 > rdata.length) return undefined;
  const mac = Buffer.from(rdata.subarray(offset + 10, macEnd));
  const originalId = rdata.readUInt16BE(macEnd);
  const error = rdata.readUInt16BE(macEnd + 2);
  const otherEnd = macEnd + 6 + rdata.readUInt16BE(macEnd + 4);
  if (otherEnd !== rdata.length) return undefined;
  const otherData = Buffer.from(rdata.subarray(macEnd + 6, otherEnd));
  return { timeSigned, fudge, mac, originalId, error, otherData };
}
