import { randomInt } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
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

export const Rcode = { noError: 0, servFail: 2, nxDomain: 3, refused: 5 } as const;

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

export interface Reply {
  message: Buffer;
  /** process.hrtime.bigint() when it arrived: one monotonic clock for every process on the machine. */
  at: bigint;
}

/** A UDP client that keeps one socket and matches replies to requests by ID. */
export class UdpClient {
  private readonly socket: Socket = createSocket("udp4");
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private nextId = 1;
  private readonly bound: Promise<void>;

  constructor() {
    this.socket.on("message", (message) => {
      const at = process.hrtime.bigint();
      if (message.length < 12) return;
      this.waiting.get(message.readUInt16BE(0))?.({ message, at });
    });
    this.socket.on("error", () => {});
    this.bound = new Promise((resolve) => this.socket.bind(0, "127.0.0.1", () => resolve()));
  }

  id(): number {
    this.nextId = (this.nextId % 0xffff) + 1;
    return this.nextId;
  }

  /** Sends a message whose ID is set; resolves with the reply, or undefined after `timeoutMs`. */
  async exchange(port: number, message: Buffer, timeoutMs: number): Promise<Reply | undefined> {
    await this.bound;
    const id = message.readUInt16BE(0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(undefined);
      }, timeoutMs);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(reply);
      });
      this.socket.send(message, port, "127.0.0.1");
    });
  }

  async query(
    port: number,
    name: string,
    type: dnsPacket.RecordType,
    timeoutMs = 500,
  ): Promise<Reply | undefined> {
    return this.exchange(
      port,
      queryMessage(name, type, { id: this.id(), flags: dnsPacket.RECURSION_DESIRED }),
      timeoutMs,
    );
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * Answers every A query with 192.0.2.1, authoritatively, and every other type with NODATA: the resolvers'
 * stub zone points here, so names that are not blocked resolve (NOERROR) instead of timing out offline.
 */
export async function startLocalAuthority(): Promise<{ port: number; queries: () => number; close(): void }> {
  const socket = createSocket("udp4");
  let queries = 0;
  socket.on("message", (message, remote) => {
    queries++;
    try {
      const query = dnsPacket.decode(message);
      const question = query.questions?.[0];
      if (!question) return;
      const soa = {
        name: ".",
        type: "SOA" as const,
        ttl: 3600,
        data: {
          mname: "localhost",
          rname: "hostmaster.localhost",
          serial: 1,
          refresh: 3600,
          retry: 600,
          expire: 86400,
          minimum: 3600,
        },
      };
      const reply = dnsPacket.encode({
        type: "response",
        id: query.id ?? 0,
        flags: dnsPacket.AUTHORITATIVE_ANSWER,
        questions: [question],
        answers:
          question.type === "A" ? [{ name: question.name, type: "A", ttl: 3600, data: "192.0.2.1" }] : [],
        authorities: question.type === "A" ? [] : [soa],
      });
      socket.send(reply, remote.port, remote.address);
    } catch {
      // not a query we can read: no answer, as a server would do
    }
  });
  socket.on("error", () => {});
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  return { port: socket.address().port, queries: () => queries, close: () => socket.close() };
}
