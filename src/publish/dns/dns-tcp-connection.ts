import type { Socket } from "node:net";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { TcpConnectionLimits } from "./tcp-connection-limits.ts";

export type TcpCloseReason =
  | "idle"
  | "lifetime"
  | "stall"
  | "queue"
  | "evicted"
  | "peer"
  | "error"
  | "server";

/** The largest DNS-over-TCP frame: a two-octet length, then up to 65,535 octets (RFC 1035 §4.2.2). */
const maxFrame = 2 + 0xffff;
/** Replies are written in batches of about this many octets (a transfer's messages are 16 KiB each). */
const batchOctets = 64 * 1024;
/** A transfer that never waits for the client lets the thread's other work run this often. */
const yieldEveryMs = 4;

/**
 * One DNS-over-TCP connection (RFC 1035 §4.2.2, RFC 7766), read and answered within `limits`: queries are
 * answered in the order they came, at most `maxInFlight` of them read ahead; while that many wait, or while an
 * answer waits for the client to read (the socket's buffer is full), the socket is not read, so the client's
 * own TCP window holds what it sends instead of the primary's memory. Timers are checked by `check`, which the
 * primary calls for every connection on one interval.
 */
export class DnsTcpConnection {
  closeReason: TcpCloseReason | undefined;
  private pending: Buffer = Buffer.alloc(0);
  private inFlight = 0;
  private inFlightBytes = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly openedAt: number;
  private lastMessageAt: number;
  /** Since when an answer has waited for 'drain'; undefined while the socket takes what is written. */
  private stalledSince: number | undefined;
  private closing = false;
  private paused = false;

  constructor(
    readonly socket: Socket,
    private readonly limits: TcpConnectionLimits,
    /** Transfer-allowed: its running answer (a transfer) is finished before the connection-time limit closes it. */
    readonly reserved: boolean,
    private readonly handlers: {
      answer: (message: Buffer) => Promise<Iterable<Buffer>>;
      /** A complete message arrived. */
      onMessage: () => void;
      onError: (error: unknown) => void;
      onClose: (reason: TcpCloseReason) => void;
    },
    now = performance.now(),
  ) {
    this.openedAt = now;
    this.lastMessageAt = now;
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("error", () => this.close("error"));
    socket.on("end", () => this.close("peer"));
    socket.on("close", () => {
      this.closeReason ??= "peer";
      this.handlers.onClose(this.closeReason);
    });
  }

  /** Idle: nothing being answered, so closing it loses nothing a client is waiting for. */
  get idle(): boolean {
    return this.inFlight === 0;
  }

  /** Octets this connection holds in the primary: unread input, queries waiting, answers not yet taken. */
  get queuedBytes(): number {
    return this.pending.length + this.inFlightBytes + this.socket.writableLength;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Applies the timers; `now` is performance.now(). */
  check(now: number): void {
    if (this.socket.destroyed) return;
    const { idleMs, maxConnectionMs, stallMs } = this.limits;
    if (this.stalledSince !== undefined && now - this.stalledSince >= stallMs) {
      this.close("stall");
      return;
    }
    const age = now - this.openedAt;
    if (age >= maxConnectionMs) {
      // A public connection gets one stall period to finish; a secondary's transfer runs to its end, bounded
      // by the stall timer alone.
      if (this.inFlight === 0 || (!this.reserved && age >= maxConnectionMs + stallMs)) {
        this.close("lifetime");
        return;
      }
      this.closing = true;
      this.updateFlow();
      return;
    }
    // RFC 7766 §6.2.3: the idle timeout runs while no query is outstanding, from the last complete message.
    if (this.inFlight === 0 && now - this.lastMessageAt >= idleMs) this.close("idle");
  }

  close(reason: TcpCloseReason): void {
    this.closeReason ??= reason;
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    this.takeMessages();
    this.updateFlow();
  }

  /** Starts answering the complete messages already read, as many as `maxInFlight` allows. */
  private takeMessages(): void {
    while (!this.closing && this.inFlight < this.limits.maxInFlight && this.pending.length >= 2) {
      const length = this.pending.readUInt16BE(0);
      if (this.pending.length < 2 + length) break;
      // A copy: the frame must not pin the whole chunk it came in while it waits.
      const message = Buffer.from(this.pending.subarray(2, 2 + length));
      this.pending = this.pending.subarray(2 + length);
      this.inFlight++;
      this.inFlightBytes += message.length;
      this.lastMessageAt = performance.now();
      this.handlers.onMessage();
      this.chain = this.chain.then(() => this.serve(message));
    }
    // What is left is at most one chunk and one frame: the socket is not read while queries wait.
    if (this.pending.length > 2 * maxFrame) this.close("queue");
  }

  private async serve(message: Buffer): Promise<void> {
    try {
      if (this.socket.destroyed) return;
      const replies = await this.handlers.answer(message);
      // Replies are framed into batches of about `batchOctets`, one socket write each: a transfer's thousands
      // of messages cost a few hundred writes, not two each. The first goes at once, so that the client's
      // first octet does not wait for a batch to fill.
      let batch: Buffer[] = [];
      let batchBytes = 0;
      let first = true;
      // A batch the kernel does not take at all must stay within what a connection may queue.
      const batchTarget = Math.min(batchOctets, this.limits.maxQueuedBytes / 4);
      let lastYield = performance.now();
      const iterator = replies[Symbol.iterator]();
      let next = iterator.next();
      try {
        while (!next.done) {
          if (this.socket.destroyed) return;
          batch.push(next.value);
          batchBytes += 2 + next.value.length;
          // The next reply is taken before this batch leaves: a transfer is over (and logged) by the time its
          // last octets reach the client.
          next = iterator.next();
          if (!next.done && !first && batchBytes < batchTarget) continue;
          first = false;
          const flushed = await this.flush(batch, batchBytes);
          batch = [];
          batchBytes = 0;
          if (!flushed) return;
          // A transfer the kernel takes as fast as it is encoded never waits for 'drain': the thread's other
          // clients get a turn every few milliseconds all the same.
          if (!next.done && performance.now() - lastYield > yieldEveryMs) {
            await nextTurn();
            lastYield = performance.now();
          }
        }
      } finally {
        // Stopped early (the client hung up): the transfer hears it, as a for-of loop would tell it.
        if (!next.done) iterator.return?.();
      }
    } catch (error) {
      this.handlers.onError(error);
      this.close("error");
    } finally {
      this.inFlight--;
      this.inFlightBytes -= message.length;
      this.lastMessageAt = performance.now();
      if (!this.socket.destroyed) {
        this.takeMessages();
        this.updateFlow();
      }
    }
  }

  /**
   * Writes the framed replies (RFC 1035 §4.2.2: each after its two-octet length) in one write, and waits while
   * the client has not read what the socket holds. False when the connection is closed meanwhile.
   */
  private async flush(replies: readonly Buffer[], octets: number): Promise<boolean> {
    if (this.socket.destroyed) return false;
    const framed = Buffer.allocUnsafe(octets);
    let at = 0;
    for (const reply of replies) {
      framed.writeUInt16BE(reply.length, at);
      reply.copy(framed, at + 2);
      at += 2 + reply.length;
    }
    const below = this.socket.write(framed);
    if (this.socket.writableLength > this.limits.maxQueuedBytes) {
      this.close("queue");
      return false;
    }
    // Backpressure: what the kernel did not take waits in the socket; the next answer, and the next query,
    // wait until the client has read it.
    if (!below && this.socket.writableLength > 0) {
      this.stalledSince = performance.now();
      this.updateFlow();
      await drainedOrClosed(this.socket);
      this.stalledSince = undefined;
    }
    return !this.socket.destroyed;
  }

  private updateFlow(): void {
    if (this.socket.destroyed) return;
    if (this.closing && this.inFlight === 0) {
      this.close("lifetime");
      return;
    }
    const hold = this.closing || this.inFlight >= this.limits.maxInFlight || this.stalledSince !== undefined;
    if (hold && !this.paused) this.socket.pause();
    else if (!hold && this.paused) this.socket.resume();
    this.paused = hold;
  }
}

/** Waits until a socket can take more, or is gone: a client that hangs up must not leave an answer waiting. */
function drainedOrClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off("drain", done);
      socket.off("close", done);
      resolve();
    };
    socket.once("drain", done);
    socket.once("close", done);
  });
}
