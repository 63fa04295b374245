import { encodeQuestion, questionLength, type RecordType } from "./dns-answer.ts";
import type { LaneOutcome } from "./udp-lanes.ts";

/**
 * What the prober's thread and its UDP threads tell each other, in batches: every question asked (or answer got)
 * in one turn of the event loop goes as one message of packed bytes, since a message per question would cost
 * more than the question itself.
 */
export interface ToUdpThread {
  /** Resolvers first used in this batch, by the index the questions name them with. */
  endpoints?: [index: number, host: string, port: number][];
  /** Records: token u32, endpoint u32, timeout ms u32, length u16, then the question section's bytes. */
  questions?: Uint8Array;
  close?: true;
}

export interface FromUdpThread {
  /** Records: token u32, kind u8, RTT µs u32, length u16, then the answer's bytes or the failure's text. */
  outcomes: Uint8Array;
}

const kinds = ["answer", "timeout", "network"] as const;

/** Bytes appended record by record, the buffer doubling when full; taken (copied out) once per batch. */
class Packer {
  private buffer = Buffer.allocUnsafe(16 * 1024);
  length = 0;

  reserve(bytes: number): Buffer {
    if (this.length + bytes > this.buffer.length) {
      const larger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
      this.buffer.copy(larger, 0, 0, this.length);
      this.buffer = larger;
    }
    return this.buffer;
  }

  take(): Uint8Array {
    const taken = new Uint8Array(this.length);
    taken.set(this.buffer.subarray(0, this.length));
    this.length = 0;
    return taken;
  }
}

export class QuestionPacker extends Packer {
  add(token: number, endpoint: number, timeoutMs: number, name: string, qtype: RecordType): void {
    const size = questionLength(name);
    const buffer = this.reserve(14 + size);
    const at = this.length;
    buffer.writeUInt32LE(token, at);
    buffer.writeUInt32LE(endpoint, at + 4);
    buffer.writeUInt32LE(Math.min(Math.max(0, Math.round(timeoutMs)), 0xffffffff), at + 8);
    buffer.writeUInt16LE(size, at + 12);
    this.length = encodeQuestion(buffer, at + 14, name, qtype);
  }
}

export class OutcomePacker extends Packer {
  add(token: number, outcome: LaneOutcome): void {
    const bytes = outcome.kind === "answer" ? outcome.raw : Buffer.from(outcome.message);
    const buffer = this.reserve(11 + bytes.length);
    const at = this.length;
    buffer.writeUInt32LE(token, at);
    buffer[at + 4] = kinds.indexOf(outcome.kind);
    const rttUs = outcome.kind === "answer" ? Math.min(Math.round(outcome.rttMs * 1000), 0xffffffff) : 0;
    buffer.writeUInt32LE(rttUs, at + 5);
    buffer.writeUInt16LE(bytes.length, at + 9);
    buffer.set(bytes, at + 11);
    this.length = at + 11 + bytes.length;
  }
}

/** Calls `each` for every question of a batch. */
export function readQuestions(
  batch: Uint8Array,
  each: (token: number, endpoint: number, timeoutMs: number, question: Uint8Array) => void,
): void {
  const bytes = Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength);
  let at = 0;
  while (at + 14 <= bytes.length) {
    const length = bytes.readUInt16LE(at + 12);
    each(
      bytes.readUInt32LE(at),
      bytes.readUInt32LE(at + 4),
      bytes.readUInt32LE(at + 8),
      bytes.subarray(at + 14, at + 14 + length),
    );
    at += 14 + length;
  }
}

/** Calls `each` for every outcome of a batch; an answer's bytes are a view of the batch, to copy if kept. */
export function readOutcomes(batch: Uint8Array, each: (token: number, outcome: LaneOutcome) => void): void {
  const bytes = Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength);
  let at = 0;
  while (at + 11 <= bytes.length) {
    const token = bytes.readUInt32LE(at);
    const kind = kinds[bytes[at + 4]!] ?? "network";
    const rttMs = bytes.readUInt32LE(at + 5) / 1000;
    const length = bytes.readUInt16LE(at + 9);
    const body = bytes.subarray(at + 11, at + 11 + length);
    at += 11 + length;
    if (kind === "answer") each(token, { kind, raw: body, rttMs });
    else each(token, { kind, message: body.toString() });
  }
}
