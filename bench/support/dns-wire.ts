/**
 * The few DNS messages the benchmarks send and read: queries over UDP on one socket matched by ID, a tiny
 * authoritative responder that makes every name resolve without the internet, and RCODE reading.
 */
import { createSocket, type Socket } from "node:dgram";
import dnsPacket from "dns-packet";

export const Rcode = { noError: 0, servFail: 2, nxDomain: 3, refused: 5 } as const;

export function rcodeOf(message: Buffer): number {
  return message[3]! & 0x0f;
}

export function queryMessage(name: string, type: dnsPacket.RecordType, id: number, recursive = true): Buffer {
  return dnsPacket.encode({
    type: "query",
    id,
    flags: recursive ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ name, type, class: "IN" }],
  });
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
    return this.exchange(port, queryMessage(name, type, this.id()), timeoutMs);
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
