/**
 * A TCP AXFR reader that costs the server as little as possible: it reads each message's two-octet length and
 * header, adds up ANCOUNT, and skips the rest unparsed, so every server is timed with the same cheap client.
 * Only the last message is walked, to check that the transfer ends with the SOA (RFC 5936 §2.2).
 *
 * With a key, the query is TSIG-signed (RFC 8945, hmac-sha256) and every message of the answer is checked as a
 * secondary would: the first must be signed, over the request MAC and all the TSIG variables (§5.3); each later
 * signed one over the previous MAC, the unsigned messages since, and the timers only (§5.3.1); no more than 99
 * unsigned in a row; the last signed. The MACs are computed as the octets stream in (one HMAC per signed
 * message, no copy of the message), so verifying costs the client a hash of what it reads.
 */
import { createHmac, type Hmac, timingSafeEqual } from "node:crypto";
import { createConnection } from "node:net";
import { signMessage, type TsigKey } from "../../src/publish/dns/tsig.ts";
import { nameToWire } from "../../src/publish/dns/tsig-name.ts";
import { queryMessage } from "../../test/support/dns-wire.ts";

export interface AxfrResult {
  seconds: number;
  /** From the query sent to the first octet of the answer: what the server does before it streams. */
  firstByteMs: number;
  messages: number;
  records: number;
  /** DNS message octets, without the two-octet TCP length prefixes. */
  bytes: number;
  /** Messages that carried a TSIG record, each verified (0 when the transfer was not signed). */
  signedMessages: number;
}

const frameHead = 14; // two-octet length, then the 12-octet DNS header
const tsigType = 250;
const classAny = 255;
const macOctets = 32;
const algorithmWire = nameToWire("hmac-sha256.");

/**
 * Transfers `zone` from 127.0.0.1:`port`; done when `expectedRecords` have arrived (the zone's records and
 * the closing SOA) and the last one is an SOA. Rejects on an error RCODE, a short transfer, a TSIG record that
 * does not verify (with `key`) or the timeout.
 */
export function axfr(
  port: number,
  zone: string,
  expectedRecords: number,
  timeoutMs: number,
  key?: TsigKey,
): Promise<AxfrResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByte = 0;
    let messages = 0;
    let records = 0;
    let bytes = 0;
    const head = Buffer.alloc(frameHead);
    let headFill = 0;
    let bodyLeft = 0;
    let last: Buffer[] | undefined;
    let finished = false;
    const id = 0x4242;
    const query = queryMessage(zone, "AXFR", { id });
    const signed = key ? signMessage(query, key) : undefined;
    const verifier = key && signed ? new TsigChain(key, signed.mac, id) : undefined;
    const socket = createConnection({ host: "127.0.0.1", port });
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else
        resolve({
          seconds: (performance.now() - started) / 1000,
          firstByteMs: firstByte - started,
          messages,
          records,
          bytes,
          signedMessages: verifier?.signedMessages ?? 0,
        });
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(`AXFR from port ${port}: ${records} of ${expectedRecords} records after ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
    const messageDone = () => {
      const problem = verifier?.end();
      if (problem) {
        finish(new Error(`AXFR from port ${port}: message ${messages}: ${problem}`));
        return;
      }
      if (records < expectedRecords) return;
      const lastType = lastRecordType(Buffer.concat(last ?? []));
      const unsignedEnd = verifier?.endsUnsigned() ? "the last message is not signed" : undefined;
      if (records === expectedRecords && lastType === 6 && !unsignedEnd) finish();
      else
        finish(
          new Error(
            `AXFR from port ${port}: ${records} records (expected ${expectedRecords}), last type ${lastType}` +
              (unsignedEnd ? `, ${unsignedEnd}` : ""),
          ),
        );
    };
    socket.setNoDelay(true);
    socket.on("connect", () => {
      const message = signed?.message ?? query;
      const length = Buffer.alloc(2);
      length.writeUInt16BE(message.length);
      socket.write(Buffer.concat([length, message]));
    });
    socket.on("data", (chunk: Buffer) => {
      if (firstByte === 0) firstByte = performance.now();
      let at = 0;
      while (at < chunk.length && !finished) {
        if (bodyLeft > 0) {
          const take = Math.min(bodyLeft, chunk.length - at);
          const part = chunk.subarray(at, at + take);
          last?.push(part);
          verifier?.body(part);
          at += take;
          bodyLeft -= take;
          if (bodyLeft === 0) messageDone();
          continue;
        }
        const take = Math.min(frameHead - headFill, chunk.length - at);
        chunk.copy(head, headFill, at, at + take);
        headFill += take;
        at += take;
        if (headFill < frameHead) continue;
        headFill = 0;
        const length = head.readUInt16BE(0);
        const rcode = head[5]! & 0x0f;
        if (rcode !== 0) {
          finish(new Error(`AXFR from port ${port}: RCODE ${rcode}`));
          return;
        }
        messages++;
        bytes += length;
        records += head.readUInt16BE(8);
        bodyLeft = length - 12;
        const problem = verifier?.begin(head.subarray(2), length);
        if (problem) {
          finish(new Error(`AXFR from port ${port}: message ${messages}: ${problem}`));
          return;
        }
        // Only the message that completes the count is kept, to check its last record.
        last = records >= expectedRecords ? [Buffer.from(head.subarray(2))] : undefined;
        if (bodyLeft === 0) messageDone();
      }
    });
    socket.on("error", (error) => finish(error));
    socket.on("close", () => finish(new Error(`AXFR from port ${port}: closed after ${records} records`)));
  });
}

/**
 * The MAC chain of a multi-message answer (RFC 8945 §5.3.1), fed a message at a time: `begin` with its header,
 * `body` with its octets as they come, `end` when it is complete. A message with an additional record is taken
 * as signed (an AXFR answer has no other additional record): its TSIG record is the octets the key name, the
 * algorithm and a 32-octet MAC with no Other Data take at its end, read apart and left out of the MAC.
 */
class TsigChain {
  signedMessages = 0;
  private readonly keyWire: Buffer;
  private readonly recordOctets: number;
  private readonly record: Buffer;
  private hmac: Hmac;
  private first = true;
  private unsignedSince = 0;
  private signed = false;
  /** Body octets of the current message still to come before its TSIG record starts. */
  private beforeRecord = 0;
  private recordFill = 0;
  private lastSigned = false;

  constructor(
    private readonly key: TsigKey,
    requestMac: Buffer,
    private readonly id: number,
  ) {
    this.keyWire = nameToWire(key.name);
    // Owner, TYPE CLASS TTL RDLENGTH, then Algorithm, Time (6), Fudge (2), MAC size (2), MAC, Original ID,
    // Error, Other Len (2 each) (RFC 8945 §4.2).
    this.recordOctets = this.keyWire.length + 10 + algorithmWire.length + 10 + macOctets + 6;
    this.record = Buffer.alloc(this.recordOctets);
    this.hmac = this.chained(requestMac);
  }

  /** `header` is the message's 12 octets, `length` its size; returns what is wrong, if anything. */
  begin(header: Buffer, length: number): string | undefined {
    const additional = header.readUInt16BE(10);
    this.signed = additional > 0;
    if (!this.signed) {
      if (this.first) return "the first message of a signed transfer is not signed (RFC 8945 §5.3)";
      if (++this.unsignedSince > 99) return "over 99 unsigned messages in a row (RFC 8945 §5.3.1)";
      this.hmac.update(header);
      this.beforeRecord = length - 12;
      return undefined;
    }
    if (length - 12 < this.recordOctets) return "too short for its TSIG record";
    if (header.readUInt16BE(0) !== this.id) return "the message ID is not the query's";
    // §4.3.3: the MAC covers the header as it was before the TSIG record was added.
    const before = Buffer.from(header);
    before.writeUInt16BE(additional - 1, 10);
    this.hmac.update(before);
    this.beforeRecord = length - 12 - this.recordOctets;
    this.recordFill = 0;
    return undefined;
  }

  body(part: Buffer): void {
    const covered = Math.min(this.beforeRecord, part.length);
    if (covered > 0) this.hmac.update(part.subarray(0, covered));
    this.beforeRecord -= covered;
    if (covered < part.length) {
      part.copy(this.record, this.recordFill, covered);
      this.recordFill += part.length - covered;
    }
  }

  end(): string | undefined {
    this.lastSigned = this.signed;
    if (!this.signed) return undefined;
    const record = this.record;
    let at = this.keyWire.length;
    if (!record.subarray(0, at).equals(this.keyWire))
      return "the TSIG record is not last, or names another key";
    if (record.readUInt16BE(at) !== tsigType || record.readUInt16BE(at + 2) !== classAny) {
      return "the last record is not a TSIG record of class ANY";
    }
    if (record.readUInt32BE(at + 4) !== 0) return "the TSIG record's TTL is not 0";
    at += 10;
    if (!record.subarray(at, at + algorithmWire.length).equals(algorithmWire)) return "not hmac-sha256";
    at += algorithmWire.length;
    const timers = record.subarray(at, at + 8);
    if (record.readUInt16BE(at + 8) !== macOctets) return "the MAC is not 32 octets";
    const mac = record.subarray(at + 10, at + 10 + macOctets);
    const tail = record.subarray(at + 10 + macOctets);
    if (tail.readUInt16BE(0) !== this.id) return "the TSIG Original ID is not the query's";
    if (tail.readUInt16BE(2) !== 0) return `TSIG error ${tail.readUInt16BE(2)}`;
    if (this.first) {
      // §4.3.3: key name, class ANY, TTL 0, algorithm, timers, error, other length (no other data).
      const ttlAndClass = Buffer.from([0, classAny, 0, 0, 0, 0]);
      this.hmac.update(this.keyWire).update(ttlAndClass).update(algorithmWire).update(timers);
      this.hmac.update(tail.subarray(2, 6));
    } else this.hmac.update(timers);
    const computed = this.hmac.digest();
    if (!timingSafeEqual(computed, mac)) return "the TSIG MAC does not verify (BADSIG)";
    const seconds = timers.readUIntBE(0, 6);
    if (Math.abs(Date.now() / 1000 - seconds) > timers.readUInt16BE(6)) return "BADTIME";
    this.signedMessages++;
    this.first = false;
    this.unsignedSince = 0;
    this.hmac = this.chained(Buffer.from(mac));
    return undefined;
  }

  endsUnsigned(): boolean {
    return !this.lastSigned;
  }

  private chained(priorMac: Buffer): Hmac {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(priorMac.length);
    return createHmac("sha256", this.key.secret).update(length).update(priorMac);
  }
}

/** Walks one message's question and answer sections (names skipped, not decoded): the last answer's type. */
function lastRecordType(message: Buffer): number | undefined {
  const skipName = (at: number) => {
    while (at < message.length) {
      const length = message[at]!;
      if (length === 0) return at + 1;
      if ((length & 0xc0) === 0xc0) return at + 2;
      at += length + 1;
    }
    return message.length;
  };
  let at = 12;
  for (let i = message.readUInt16BE(4); i > 0; i--) at = skipName(at) + 4;
  let type: number | undefined;
  for (let i = message.readUInt16BE(6); i > 0 && at < message.length; i--) {
    at = skipName(at);
    type = message.readUInt16BE(at);
    at += 10 + message.readUInt16BE(at + 8);
  }
  return type;
}

/**
 * Starts an AXFR and stops reading after the first octets, as a secondary on a slow link would: what the
 * server holds per transfer then stays held. Resolves once the answer has started; `close()` ends it.
 */
export function stalledAxfr(
  port: number,
  zone: string,
  timeoutMs: number,
  key?: TsigKey,
): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`AXFR from port ${port}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("connect", () => {
      const query = queryMessage(zone, "AXFR", { id: 0x4243 });
      const message = key ? signMessage(query, key).message : query;
      const length = Buffer.alloc(2);
      length.writeUInt16BE(message.length);
      socket.write(Buffer.concat([length, message]));
    });
    socket.once("data", () => {
      socket.pause();
      clearTimeout(timer);
      resolve({ close: () => socket.destroy() });
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
