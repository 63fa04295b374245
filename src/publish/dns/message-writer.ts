// Encodes DNS response messages (RFC 1035 §4.1) into one preallocated buffer, with name compression, fast
// enough to stream a million-entry zone by AXFR (RFC 5936) or IXFR (RFC 1995) at several million records a
// second.
import { NameCompressor } from "./name-compressor.ts";
import { rdataBound, rrTypeOf, writeRdata } from "./rdata-writers.ts";
import type { RData, RecordToWrite } from "./record-to-write.ts";
import { RRClass } from "./rr-type.ts";

/** Header flag bits (RFC 1035 §4.1.1); the opcode is `opcode << 11` and the RCODE the low four bits. */
export const HeaderFlag = { QR: 0x8000, AA: 0x0400, TC: 0x0200, RD: 0x0100, RA: 0x0080 } as const;

export interface Question {
  name: string;
  type: number;
  class: number;
}

export interface MessageHeader {
  id: number;
  flags: number;
  /** RFC 5936 §2.2: the first message of a transfer repeats the query's question, later ones may omit it. */
  question?: Question;
}

export interface MessageWriterOptions {
  /** Largest message in octets, 512 to 65,535: 65,535 over TCP (RFC 1035 §4.2.2), 512 or EDNS's over UDP. */
  maxSize: number;
  /**
   * Octets kept free after the answers for `addRawAdditional`, e.g. ~100 for a TSIG record (RFC 8945 §4.2).
   */
  reserve?: number;
  /** The zone's apex: owner names under it are written fastest. Defaults to the first question's name. */
  origin?: string;
}

const headerOctets = 12;
const fixedRecordOctets = 10; // TYPE, CLASS, TTL, RDLENGTH (RFC 1035 §4.1.3)
const minMessageSize = 512; // RFC 1035 §2.3.4: every DNS implementation handles 512-octet messages
const maxMessageSize = 0xffff;
/**
 * Room past `maxSize` for writing one record before knowing whether it fits. A record that could overrun it
 * is too long anyway: compressing its owner name saves at most 255 octets.
 */
const slack = 1024;
const maxTtl = 0x7fffffff; // RFC 2181 §8

type State = "idle" | "answers" | "additional";

/**
 * Writes one message at a time: `begin`, `addAnswer` until it returns false, optionally `addRawAdditional`,
 * then `finish`. Not reentrant; reuse one writer per transfer, it allocates nothing per record.
 */
export class MessageWriter {
  private readonly buffer: Buffer;
  private readonly names = new NameCompressor();
  private readonly maxSize: number;
  private readonly reserve: number;
  /** Where this message's answers must end: `maxSize - reserve`, or less when `begin` was given a size. */
  private answerLimit: number;
  private state: State = "idle";
  private position = 0;
  private questions = 0;
  private answers = 0;
  private additionals = 0;
  private originSet: boolean;
  private origin: string;

  constructor(options: MessageWriterOptions) {
    const { maxSize, reserve = 0 } = options;
    if (!Number.isInteger(maxSize) || maxSize < minMessageSize || maxSize > maxMessageSize) {
      throw new Error(`maxSize must be an integer from 512 to 65,535, not ${maxSize}`);
    }
    if (!Number.isInteger(reserve) || reserve < 0 || reserve > maxSize - minMessageSize / 2) {
      // Half of the smallest message stays for the header, the question and at least one record.
      throw new Error(`reserve must be an integer from 0 to ${maxSize - minMessageSize / 2}, not ${reserve}`);
    }
    this.maxSize = maxSize;
    this.reserve = reserve;
    this.answerLimit = maxSize - reserve;
    this.buffer = Buffer.allocUnsafe(maxSize + slack);
    this.originSet = options.origin !== undefined;
    this.origin = options.origin === undefined ? "" : trimDot(options.origin);
    if (options.origin !== undefined) this.names.setOrigin(options.origin);
  }

  /** Octets written so far in the current message. */
  get size(): number {
    return this.position;
  }

  get answerCount(): number {
    return this.answers;
  }

  /**
   * Starts a new message, forgetting the previous one; `size`, when given, caps this one below `maxSize` (the
   * reserve kept all the same). Throws if the question cannot be encoded.
   */
  begin(header: MessageHeader, size = this.maxSize): void {
    const message = this.buffer;
    this.answerLimit = Math.max(minMessageSize, Math.min(size, this.maxSize)) - this.reserve;
    writeUint16(message, 0, header.id, "message id");
    writeUint16(message, 2, header.flags, "header flags");
    this.names.reset();
    this.questions = 0;
    this.answers = 0;
    this.additionals = 0;
    this.position = headerOctets;
    this.state = "idle";
    const question = header.question;
    if (question !== undefined) {
      if (!this.originSet) {
        this.names.setOrigin(question.name);
        this.origin = trimDot(question.name);
      }
      this.originSet = true;
      const end = this.names.writeOwner(message, headerOctets, question.name);
      writeUint16(message, end, question.type, "question type");
      writeUint16(message, end + 2, question.class, "question class");
      this.position = end + 4;
      this.questions = 1;
    }
    this.state = "answers";
  }

  /**
   * Appends one record to the answer section. Returns false, leaving the message as it was, when the record
   * would take the message past `maxSize - reserve`; the caller then finishes it and starts another. Throws
   * (also leaving the message as it was) when the record cannot be encoded at all.
   */
  addAnswer(record: RecordToWrite): boolean {
    if (this.state !== "answers") {
      throw new Error("addAnswer needs begin() first, and no additional record before it");
    }
    const { name, ttl, data } = record;
    const start = this.position;
    if (start + name.length + 2 + fixedRecordOctets + rdataBound(data) > this.buffer.length) return false;
    return this.place(start, this.names.mark(), () => this.writeRecord(start, name, ttl, record));
  }

  /**
   * Keeps the record `write` encodes at `start` when it ends within the answer limit; otherwise, or when it
   * throws, leaves the message and its compression table as they were before it.
   */
  private place(start: number, mark: ReturnType<NameCompressor["mark"]>, write: () => number): boolean {
    let end: number;
    try {
      end = write();
    } catch (error) {
      this.names.rollback(mark, start);
      throw error;
    }
    return this.keep(start, mark, end);
  }

  /** `place` for a record whose owner ends at `at`: the same, with no closure made per record. */
  private placeFields(
    start: number,
    mark: ReturnType<NameCompressor["mark"]>,
    at: number,
    ttl: number,
    data: RData,
  ): boolean {
    let end: number;
    try {
      end = this.writeFields(at, ttl, data);
    } catch (error) {
      this.names.rollback(mark, start);
      throw error;
    }
    return this.keep(start, mark, end);
  }

  /** The record written from `start` to `end` kept when it ends within the answer limit, else taken back. */
  private keep(start: number, mark: ReturnType<NameCompressor["mark"]>, end: number): boolean {
    if (end > this.answerLimit) {
      this.names.rollback(mark, start);
      return false;
    }
    this.position = end;
    this.answers++;
    return true;
  }

  /**
   * `addAnswer` for a record whose owner's labels below the origin are the first `ownerLength` characters of
   * `owner`: a zone's records as stored, written without building their full names. `data` may be reused from
   * one call to the next.
   */
  addAnswerUnderOrigin(owner: string, ownerLength: number, ttl: number, data: RData): boolean {
    if (this.state !== "answers") {
      throw new Error("addAnswer needs begin() first, and no additional record before it");
    }
    const start = this.position;
    if (start + ownerLength + 2 + fixedRecordOctets + rdataBound(data) > this.buffer.length) return false;
    const mark = this.names.mark();
    const at = this.names.writeUnderOrigin(this.buffer, start, owner, ownerLength);
    if (at < 0) {
      // The origin is not in this message yet: once, with the full name, which places it.
      const prefix = owner.slice(0, ownerLength);
      const name = ownerLength === 0 ? this.origin : `${prefix}.${this.origin}`;
      return this.addAnswer({ name, ttl, data });
    }
    return this.placeFields(start, mark, at, ttl, data);
  }

  /**
   * `addAnswerUnderOrigin` for an owner whose labels below the origin are the octets
   * `source[start..start + ownerLength)`: a zone's records written from where they are stored, with no
   * string per record.
   */
  addAnswerUnderOriginOctets(
    source: Uint8Array,
    start: number,
    ownerLength: number,
    ttl: number,
    data: RData,
  ): boolean {
    if (this.state !== "answers") {
      throw new Error("addAnswer needs begin() first, and no additional record before it");
    }
    const at0 = this.position;
    if (at0 + ownerLength + 2 + fixedRecordOctets + rdataBound(data) > this.buffer.length) return false;
    const mark = this.names.mark();
    const at = this.names.writeUnderOriginOctets(this.buffer, at0, source, start, ownerLength);
    if (at < 0) {
      // The origin is not in this message yet: once a message, with the full name, which places it.
      const prefix = Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString(
        "utf8",
        start,
        start + ownerLength,
      );
      return this.addAnswer({
        name: ownerLength === 0 ? this.origin : `${prefix}.${this.origin}`,
        ttl,
        data,
      });
    }
    return this.placeFields(at0, mark, at, ttl, data);
  }

  /**
   * Appends an encoded record to the additional section as is, e.g. TSIG (RFC 8945 §4.2), which comes last.
   * It may use the `reserve`; throws if the message would exceed `maxSize`.
   */
  addRawAdditional(record: Uint8Array): void {
    if (this.state === "idle") throw new Error("addRawAdditional needs begin() first");
    const end = this.position + record.length;
    if (end > this.maxSize) throw new Error(`the additional record does not fit in ${this.maxSize} octets`);
    this.buffer.set(record, this.position);
    this.position = end;
    this.additionals++;
    this.state = "additional";
  }

  /** The message as it stands, e.g. to compute a TSIG MAC: a view, valid until the writer's next call. */
  peek(): Buffer {
    if (this.state === "idle") throw new Error("peek needs begin() first");
    this.writeCounts();
    return this.buffer.subarray(0, this.position);
  }

  /** Ends the message and returns it in a Buffer of its own, which stays valid. */
  finish(): Buffer {
    const message = this.peek();
    this.state = "idle";
    const copy = Buffer.allocUnsafe(message.length);
    message.copy(copy, 0);
    return copy;
  }

  /**
   * Like `finish`, with the two-octet length prefix of DNS over TCP (RFC 1035 §4.2.2), for a single write.
   */
  finishForTcp(): Buffer {
    const message = this.peek();
    this.state = "idle";
    const framed = Buffer.allocUnsafe(message.length + 2);
    framed.writeUInt16BE(message.length, 0);
    message.copy(framed, 2);
    return framed;
  }

  private writeRecord(start: number, name: string, ttl: number, record: RecordToWrite): number {
    const at = this.names.writeOwner(this.buffer, start, name);
    return this.writeFields(at, ttl, record.data);
  }

  /** TYPE, CLASS, TTL, RDLENGTH and RDATA after an owner name that ends at `at`. */
  private writeFields(at: number, ttl: number, data: RData): number {
    const message = this.buffer;
    const type = rrTypeOf(data);
    if ((ttl & maxTtl) !== ttl) throw new Error(`TTL must be an integer from 0 to 2^31 - 1, not ${ttl}`);
    message[at] = type >>> 8;
    message[at + 1] = type;
    message[at + 2] = 0;
    message[at + 3] = RRClass.IN;
    message[at + 4] = ttl >>> 24;
    message[at + 5] = ttl >>> 16;
    message[at + 6] = ttl >>> 8;
    message[at + 7] = ttl;
    const rdataStart = at + fixedRecordOctets;
    const end = writeRdata(message, rdataStart, data, this.names);
    const length = end - rdataStart;
    message[at + 8] = length >>> 8;
    message[at + 9] = length;
    return end;
  }

  private writeCounts(): void {
    const message = this.buffer;
    message.writeUInt16BE(this.questions, 4);
    message.writeUInt16BE(this.answers, 6);
    message.writeUInt16BE(0, 8);
    message.writeUInt16BE(this.additionals, 10);
  }
}

export interface WriteMessagesOptions extends MessageWriterOptions {
  /** Repeat the question in every message rather than only the first (RFC 5936 §2.2 allows both). */
  questionInEveryMessage?: boolean;
  /** Yield each message with its two-octet length prefix, ready for a TCP stream (RFC 1035 §4.2.2). */
  tcp?: boolean;
  /**
   * Called before each message is finished, e.g. to sign it and add TSIG in the reserve (RFC 8945 §5.3).
   */
  beforeFinish?: (writer: MessageWriter, index: number) => void;
}

/**
 * Packs `records`, in order, into as few messages as possible, each at most `maxSize` octets: an AXFR or IXFR
 * response stream. Yields at least one message. Each yielded Buffer is the caller's. Throws if a record does
 * not fit even in an empty message.
 *
 * Compression pointers reach only the first 16 KiB of a message, so records past that compress less well:
 * 16,384-octet messages give a smaller transfer than 65,535-octet ones, at the cost of more messages.
 */
export function* writeMessages(
  header: MessageHeader,
  records: Iterable<RecordToWrite>,
  options: WriteMessagesOptions,
): Generator<Buffer, void, undefined> {
  const writer = new MessageWriter(options);
  const later: MessageHeader = options.questionInEveryMessage
    ? header
    : { id: header.id, flags: header.flags };
  let index = 0;
  writer.begin(header);
  for (const record of records) {
    if (writer.addAnswer(record)) continue;
    if (writer.answerCount > 0) {
      yield seal(writer, index++, options);
      writer.begin(later);
      if (writer.addAnswer(record)) continue;
    }
    throw new Error(`the record for ${record.name} does not fit in a message of ${options.maxSize} octets`);
  }
  yield seal(writer, index, options);
}

function seal(writer: MessageWriter, index: number, options: WriteMessagesOptions): Buffer {
  options.beforeFinish?.(writer, index);
  return options.tcp ? writer.finishForTcp() : writer.finish();
}

function writeUint16(message: Buffer, position: number, value: number, what: string): void {
  if ((value & 0xffff) !== value) {
    throw new Error(`${what} must be an integer from 0 to 65,535, not ${value}`);
  }
  message[position] = value >>> 8;
  message[position + 1] = value;
}

function trimDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}
