import { randomInt } from "node:crypto";
import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls, type TLSSocket } from "node:tls";
import { type DnsAnswer, decodeAnswer, encodeQuery, type RecordType } from "./dns-answer.ts";
import { ProbeFailure } from "./probe-failure.ts";

export interface StreamOptions {
  host: string;
  port: number;
  tls: boolean;
  /** For DNS over TLS: the name the certificate must carry (default: the address) and extra trusted CAs. */
  serverName?: string | undefined;
  ca?: string | Buffer | undefined;
}

interface Pending {
  query: Buffer;
  sentAt: number;
  timer: NodeJS.Timeout;
  resolve(answer: DnsAnswer): void;
  reject(error: Error): void;
}

/**
 * One connection to a resolver over TCP (RFC 7766) or TLS (RFC 7858), kept open and pipelined: many questions
 * are written without waiting, each message framed by its two-byte length (RFC 1035 §4.2.2), and answers,
 * which may come in any order (RFC 7766 §6.2.1.1), are matched by ID and question. A closed connection fails
 * the questions in flight and the next question opens a new one.
 */
export class StreamChannel {
  private socket: Socket | TLSSocket | undefined;
  private connected: Promise<Socket | TLSSocket> | undefined;
  private readonly pending = new Map<number, Pending>();
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly options: StreamOptions) {}

  async query(name: string, qtype: RecordType, timeoutMs: number): Promise<DnsAnswer> {
    const socket = await this.connection(timeoutMs);
    return new Promise<DnsAnswer>((resolve, reject) => {
      let id = randomInt(0, 0x10000);
      while (this.pending.has(id)) id = randomInt(0, 0x10000);
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ProbeFailure("timeout", `no answer over ${this.kind()} within ${timeoutMs} ms`));
      }, timeoutMs);
      const message = encodeQuery(id, name, qtype);
      this.pending.set(id, { query: message, sentAt: performance.now(), timer, resolve, reject });
      const framed = Buffer.allocUnsafe(message.length + 2);
      framed.writeUInt16BE(message.length, 0);
      message.copy(framed, 2);
      socket.write(framed);
    });
  }

  close(): void {
    this.fail(new ProbeFailure("network", "the prober was closed"));
    this.socket?.destroy();
    this.socket = undefined;
    this.connected = undefined;
  }

  private kind(): string {
    return this.options.tls ? "TLS" : "TCP";
  }

  private connection(timeoutMs: number): Promise<Socket | TLSSocket> {
    if (this.connected) return this.connected;
    const { host, port } = this.options;
    this.connected = new Promise<Socket | TLSSocket>((resolve, reject) => {
      const socket = this.options.tls
        ? connectTls({
            host,
            port,
            servername: this.options.serverName,
            ca: this.options.ca,
            // RFC 7858 §4.1: DNS over TLS is ALPN "dot" (RFC 7301 registry).
            ALPNProtocols: ["dot"],
          })
        : connectTcp({ host, port });
      const timer = setTimeout(() => {
        socket.destroy(
          new ProbeFailure("timeout", `could not connect over ${this.kind()} within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      socket.once(this.options.tls ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        resolve(socket);
      });
      socket.on("data", (chunk: Buffer) => this.receive(chunk));
      socket.on("error", (error) => {
        clearTimeout(timer);
        const failure =
          error instanceof ProbeFailure
            ? error
            : new ProbeFailure(
                this.options.tls && /certificate|TLS|SSL/i.test(error.message) ? "tls" : "network",
                `${this.kind()}: ${error.message}`,
              );
        reject(failure);
        this.fail(failure);
      });
      socket.on("close", () => {
        clearTimeout(timer);
        if (this.socket === socket || this.socket === undefined) {
          this.socket = undefined;
          this.connected = undefined;
          this.buffered = Buffer.alloc(0);
        }
        reject(new ProbeFailure("network", `${this.kind()} connection closed`));
        this.fail(new ProbeFailure("network", `${this.kind()} connection closed before the answer`));
      });
      this.socket = socket;
    });
    return this.connected;
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 2) {
      const length = this.buffered.readUInt16BE(0);
      if (this.buffered.length < length + 2) return;
      const message = this.buffered.subarray(2, length + 2);
      this.buffered = this.buffered.subarray(length + 2);
      if (message.length < 12) continue;
      const id = message.readUInt16BE(0);
      const question = this.pending.get(id);
      if (!question) continue;
      const answer = decodeAnswer(Buffer.from(message), question.query, performance.now() - question.sentAt);
      if (!answer) continue;
      this.pending.delete(id);
      clearTimeout(question.timer);
      question.resolve(answer);
    }
  }

  private fail(error: Error): void {
    for (const question of this.pending.values()) {
      clearTimeout(question.timer);
      question.reject(error);
    }
    this.pending.clear();
  }
}
