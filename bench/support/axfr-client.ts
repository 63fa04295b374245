/**
 * A TCP AXFR reader that costs the server as little as possible: it reads each message's two-octet length and
 * header, adds up ANCOUNT, and skips the rest unparsed, so every server is timed with the same cheap client.
 * Only the last message is walked, to check that the transfer ends with the SOA (RFC 5936 §2.2).
 */
import { createConnection } from "node:net";
import { queryMessage } from "../../test/support/dns-wire.ts";

export interface AxfrResult {
  seconds: number;
  /** From the query sent to the first octet of the answer: what the server does before it streams. */
  firstByteMs: number;
  messages: number;
  records: number;
  /** DNS message octets, without the two-octet TCP length prefixes. */
  bytes: number;
}

const frameHead = 14; // two-octet length, then the 12-octet DNS header

/**
 * Transfers `zone` from 127.0.0.1:`port`; done when `expectedRecords` have arrived (the zone's records and
 * the closing SOA) and the last one is an SOA. Rejects on an error RCODE, a short transfer or the timeout.
 */
export function axfr(
  port: number,
  zone: string,
  expectedRecords: number,
  timeoutMs: number,
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
      if (records < expectedRecords) return;
      const lastType = lastRecordType(Buffer.concat(last ?? []));
      if (records === expectedRecords && lastType === 6) finish();
      else
        finish(
          new Error(
            `AXFR from port ${port}: ${records} records (expected ${expectedRecords}), last type ${lastType}`,
          ),
        );
    };
    socket.setNoDelay(true);
    socket.on("connect", () => {
      const query = queryMessage(zone, "AXFR", { id: 0x4242 });
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.length);
      socket.write(Buffer.concat([length, query]));
    });
    socket.on("data", (chunk: Buffer) => {
      if (firstByte === 0) firstByte = performance.now();
      let at = 0;
      while (at < chunk.length && !finished) {
        if (bodyLeft > 0) {
          const take = Math.min(bodyLeft, chunk.length - at);
          last?.push(chunk.subarray(at, at + take));
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
        // Only the message that completes the count is kept, to check its last record.
        last = records >= expectedRecords ? [Buffer.from(head.subarray(2))] : undefined;
        if (bodyLeft === 0) messageDone();
      }
    });
    socket.on("error", (error) => finish(error));
    socket.on("close", () => finish(new Error(`AXFR from port ${port}: closed after ${records} records`)));
  });
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
export function stalledAxfr(port: number, zone: string, timeoutMs: number): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`AXFR from port ${port}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("connect", () => {
      const query = queryMessage(zone, "AXFR", { id: 0x4243 });
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.length);
      socket.write(Buffer.concat([length, query]));
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
