import { randomInt } from "node:crypto";
import { createSocket } from "node:dgram";
import { createConnection } from "node:net";
import dnsPacket from "dns-packet";

/** A query message as a client would send it: one question, class IN, optional authority records (IXFR). */
export function queryMessage(
  name: string,
  type: dnsPacket.RecordType,
  options: { id?: number; flags?: number; authorities?: dnsPacket.Answer[] } = {},
): Buffer {
  return dnsPacket.encode({
    type: "query",
    id: options.id ?? randomInt(0, 0x10000),
    flags: options.flags ?? 0,
    questions: [{ name, type, class: "IN" }],
    authorities: options.authorities ?? [],
  });
}

export function rcodeOf(message: Buffer): number {
  return message[3]! & 0x0f;
}

/** Sends one datagram from a fresh socket and returns the first reply, or undefined after `timeoutMs`. */
export async function udpExchange(
  port: number,
  message: Buffer,
  timeoutMs = 1000,
): Promise<Buffer | undefined> {
  const socket = createSocket("udp4");
  try {
    return await new Promise<Buffer | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      socket.once("message", (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      socket.once("error", () => resolve(undefined));
      socket.send(message, port, "127.0.0.1");
    });
  } finally {
    socket.close();
  }
}

export function frame(message: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(message.length);
  return Buffer.concat([length, message]);
}

/**
 * Sends one request over a new TCP connection and reads DNS-over-TCP frames (RFC 1035 §4.2.2) until the
 * transfer ends: an error RCODE, or the second SOA of an AXFR-shaped answer. Each message is returned as it
 * arrived, without its two-octet length.
 */
export async function tcpTransfer(port: number, request: Buffer, timeoutMs = 20_000): Promise<Buffer[]> {
  const socket = createConnection({ host: "127.0.0.1", port });
  const messages: Buffer[] = [];
  const chunks: Buffer[] = [];
  let soaCount = 0;
  try {
    return await new Promise<Buffer[]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the transfer did not end: ${messages.length} messages, ${soaCount} SOA`)),
        timeoutMs,
      );
      const finish = () => {
        clearTimeout(timer);
        resolve(messages);
      };
      socket.on("error", reject);
      socket.on("close", () => {
        clearTimeout(timer);
        reject(new Error(`the connection closed after ${messages.length} messages`));
      });
      socket.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        let pending = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
          const message = pending.subarray(2, 2 + pending.readUInt16BE(0));
          pending = pending.subarray(2 + message.length);
          messages.push(message);
          const answers = dnsPacket.decode(message).answers ?? [];
          soaCount += answers.filter((record) => record.type === "SOA").length;
          if (rcodeOf(message) !== 0 || soaCount >= 2) return finish();
        }
        chunks.length = 0;
        if (pending.length > 0) chunks.push(pending);
      });
      socket.write(frame(request));
    });
  } finally {
    socket.destroy();
  }
}

/** Each message's records as `owner TYPE data`, SOAs as `SOA serial`, for comparing transfers. */
export function transferRecords(messages: Buffer[]): string[] {
  return messages.flatMap((message) =>
    (dnsPacket.decode(message).answers ?? []).map((record) => {
      if (record.type === "SOA") return `SOA ${record.data.serial}`;
      return `${record.name} ${record.type} ${"data" in record ? String(record.data) : ""}`;
    }),
  );
}
