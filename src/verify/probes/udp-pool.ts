import { randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import { type DnsAnswer, decodeAnswer, encodeQuery, type RecordType } from "./dns-answer.ts";
import { ProbeFailure } from "./probe-failure.ts";

interface Pending {
  query: Buffer;
  sentAt: number;
  deadline: number;
  resolve(answer: DnsAnswer): void;
  reject(error: Error): void;
}

interface Lane {
  socket: Socket;
  ready: Promise<void>;
  pending: Map<number, Pending>;
  /** Expires questions past their deadline: one timer per socket, not one per question. */
  sweeper: NodeJS.Timeout;
  failed?: Error;
}

/** How often questions past their deadline are failed: a timeout is honoured to within this. */
const sweepEveryMs = 50;

/** Below the 65,536 IDs a socket has, so that a random free one is found in a try or two. */
const maxPendingPerSocket = 16_384;
const receiveBuffer = 4 * 1024 * 1024;

/**
 * The UDP sockets every question goes out on: a few per resolver, each connected to it (the kernel then drops
 * datagrams from any other source, and a send needs no address lookup), each with its own table of questions in
 * flight keyed by DNS ID: thousands of questions at once without a socket (or a process) each. IDs are random
 * and an answer must repeat the question asked (RFC 5452 §4, §9.1), or it is dropped.
 */
export class UdpPool {
  private readonly lanes = new Map<string, Lane[]>();
  private next = 0;
  private ids = randomBytes(0);
  private idAt = 0;

  constructor(private readonly socketsPerResolver = 2) {}

  query(host: string, port: number, name: string, qtype: RecordType, timeoutMs: number): Promise<DnsAnswer> {
    const lane = this.pick(host, port);
    if (lane.failed) return Promise.reject(lane.failed);
    return new Promise<DnsAnswer>((resolve, reject) => {
      let id = this.randomId();
      while (lane.pending.has(id)) id = this.randomId();
      const query = encodeQuery(id, name, qtype);
      const sentAt = performance.now();
      lane.pending.set(id, { query, sentAt, deadline: sentAt + timeoutMs, resolve, reject });
      // The process waits for questions in flight, and only for them.
      if (lane.pending.size === 1) lane.sweeper.ref();
      // Without a callback Node tries the send at once (uv_udp_try_send) instead of queueing a request per
      // datagram; a failed send surfaces as the socket's error and the question times out and is asked again.
      // Questions asked while the socket connects go out once it has.
      if (lane.ready === settled) lane.socket.send(query);
      else
        lane.ready.then(
          () => lane.socket.send(query),
          () => {},
        );
    });
  }

  close(): void {
    for (const lanes of this.lanes.values()) {
      for (const lane of lanes) {
        clearInterval(lane.sweeper);
        for (const pending of lane.pending.values()) {
          pending.reject(new ProbeFailure("network", "the prober was closed"));
        }
        lane.pending.clear();
        lane.socket.close();
      }
    }
    this.lanes.clear();
  }

  /** 16 random bits from a buffer refilled now and then: one CSPRNG call per 32,768 IDs. */
  private randomId(): number {
    if (this.idAt + 2 > this.ids.length) {
      this.ids = randomBytes(65_536);
      this.idAt = 0;
    }
    const id = this.ids.readUInt16BE(this.idAt);
    this.idAt += 2;
    return id;
  }

  private pick(host: string, port: number): Lane {
    const key = `${host} ${port}`;
    let lanes = this.lanes.get(key);
    if (!lanes) {
      lanes = [];
      this.lanes.set(key, lanes);
    }
    if (lanes.length < this.socketsPerResolver) {
      const lane = this.open(host, port);
      lanes.push(lane);
      return lane;
    }
    for (let tries = 0; tries < lanes.length; tries++) {
      const lane = lanes[this.next++ % lanes.length]!;
      if (lane.pending.size < maxPendingPerSocket) return lane;
    }
    throw new ProbeFailure("network", "too many questions in flight; lower the concurrency");
  }

  private open(host: string, port: number): Lane {
    const socket = createSocket(isIPv6(host) ? "udp6" : "udp4");
    const pending = new Map<number, Pending>();
    const sweeper = setInterval(() => {
      const now = performance.now();
      for (const [id, question] of pending) {
        if (question.deadline > now) continue;
        pending.delete(id);
        question.reject(
          new ProbeFailure("timeout", `no answer over UDP within ${Math.round(now - question.sentAt)} ms`),
        );
      }
      if (pending.size === 0) sweeper.unref();
    }, sweepEveryMs);
    sweeper.unref();
    const lane: Lane = { socket, pending, sweeper, ready: Promise.resolve() };
    socket.on("message", (message) => {
      if (message.length < 12) return;
      const id = message.readUInt16BE(0);
      const question = pending.get(id);
      if (!question) return;
      const answer = decodeAnswer(message, question.query, performance.now() - question.sentAt);
      if (!answer) return;
      pending.delete(id);
      if (pending.size === 0) sweeper.unref();
      question.resolve(answer);
    });
    // An ICMP port unreachable surfaces here on a connected socket; the questions then time out and are retried.
    socket.on("error", () => {});
    lane.ready = new Promise<void>((resolve, reject) => {
      socket.once("error", (error) => {
        lane.failed = new ProbeFailure("network", `UDP socket to ${host}:${port}: ${error.message}`);
        reject(lane.failed);
      });
      socket.connect(port, host, () => {
        try {
          socket.setRecvBufferSize(receiveBuffer);
        } catch {
          // The system's limit is lower; the default buffer still works, with more loss under bursts.
        }
        socket.unref();
        lane.ready = settled;
        resolve();
      });
    });
    return lane;
  }
}

const settled = Promise.resolve();
