// One TCP connection to the external primary, carrying DNS messages with the two-octet length prefix of
// RFC 1035 §4.2.2 (RFC 7766 §8). decree sends its updates over TCP, which RFC 2136 §3.1 allows, so that no
// message is ever truncated and a release of thousands of records needs no retransmission logic.
import { createConnection, type Socket } from "node:net";
import { DecreeError } from "../../errors/decree-error.ts";

/** The external primary decree pushes to. */
export interface ExternalServer {
  host: string;
  port: number;
}

export function serverLabel({ host, port }: ExternalServer): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

interface Waiter {
  resolve: (message: Buffer) => void;
  reject: (error: Error) => void;
}

/** Requests one at a time; replies are read in order. Every failure is a PUSH_FAILED naming the server. */
export class PushConnection {
  private pending: Buffer = Buffer.alloc(0);
  private readonly received: Buffer[] = [];
  private waiter: Waiter | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly server: ExternalServer,
    private readonly timeoutMs: number,
  ) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (error) => this.fail(this.error(`the connection failed: ${error.message}`)));
    socket.on("close", () => this.fail(this.error("the server closed the connection")));
  }

  static open(server: ExternalServer, timeoutMs: number): Promise<PushConnection> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: server.host, port: server.port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(connectError(server, `no TCP connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new PushConnection(socket, server, timeoutMs));
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(connectError(server, error.message));
      });
    });
  }

  /** Sends one message and returns the reply carrying its ID (RFC 1035 §4.1.1). */
  async exchange(message: Buffer): Promise<Buffer> {
    this.send(message);
    const id = message.readUInt16BE(0);
    for (;;) {
      const reply = await this.next();
      if (reply.length >= 12 && reply.readUInt16BE(0) === id) return reply;
    }
  }

  /** Sends one request and reads replies until `complete` says it was the last, as AXFR needs (RFC 5936). */
  async transfer(message: Buffer, complete: (reply: Buffer) => boolean): Promise<Buffer[]> {
    this.send(message);
    const replies: Buffer[] = [];
    for (;;) {
      const reply = await this.next();
      replies.push(reply);
      if (complete(reply)) return replies;
    }
  }

  close(): void {
    this.socket.removeAllListeners("close");
    this.socket.destroy();
  }

  private send(message: Buffer): void {
    if (this.failure) throw this.failure;
    const length = Buffer.alloc(2);
    length.writeUInt16BE(message.length);
    this.socket.write(Buffer.concat([length, message]));
  }

  private next(): Promise<Buffer> {
    const ready = this.received.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(this.error(`no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiter = {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  private onData(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 2 && this.pending.length >= 2 + this.pending.readUInt16BE(0)) {
      const end = 2 + this.pending.readUInt16BE(0);
      const reply = Buffer.from(this.pending.subarray(2, end));
      this.pending = this.pending.subarray(end);
      const waiter = this.waiter;
      this.waiter = undefined;
      if (waiter) waiter.resolve(reply);
      else this.received.push(reply);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(this.failure);
  }

  private error(problem: string): DecreeError {
    return new DecreeError("PUSH_FAILED", `${serverLabel(this.server)}: ${problem}.`, {
      server: serverLabel(this.server),
    });
  }
}

function connectError(server: ExternalServer, problem: string): DecreeError {
  return new DecreeError(
    "PUSH_FAILED",
    `Could not reach the external primary ${serverLabel(server)} over TCP (${problem}); check that named ` +
      "listens there and that a firewall lets decree in.",
    { server: serverLabel(server) },
  );
}
