import { randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import { answerIsWhole, answersQuery, writeHeader } from "./dns-answer.ts";

/** What became of a question: its answer's raw bytes, or why there is none. */
export type LaneOutcome =
  | { kind: "answer"; raw: Buffer; rttMs: number }
  | { kind: "timeout" | "network"; message: string };

/** Told once of each question's outcome, by the token it was asked with. */
export type OutcomeListener = (token: number, outcome: LaneOutcome) => void;

interface Pending {
  token: number;
  query: Buffer;
  sentAt: number;
  deadline: number;
}

interface Lane {
  socket: Socket;
  connected: boolean;
  /** Queries asked while the socket connects, or in this turn of the event loop: sent together. */
  queued: Buffer[];
  pending: Map<number, Pending>;
  failed?: string;
}

/** How often questions past their deadline are failed: a timeout is honoured to within this. */
const sweepEveryMs = 50;

/** Below the 65,536 IDs a socket has, so that a random free one is found in a try or two. */
const maxPendingPerSocket = 16_384;
const receiveBuffer = 4 * 1024 * 1024;
const headerLength = 12;

/**
 * The UDP sockets of one thread: a few per resolver, each connected to it (the kernel then drops datagrams from
 * any other source, and a send needs no address lookup), each with its own table of questions in flight keyed by
 * DNS ID: thousands of questions at once without a socket (or a process) each. IDs are random and an answer
 * must repeat the question asked (RFC 5452 §4, §9.1), or it is dropped; source ports are the kernel's random
 * ephemeral ports. Outcomes go to one listener by token, not to a promise or a timer per question: one timer
 * expires every lane's questions.
 */
export class UdpLanes {
  private readonly lanes = new Map<string, Lane[]>();
  /** The last resolver asked, whose lanes the next question most likely wants: no key built per question. */
  private lastHost = "";
  private lastPort = -1;
  private lastLanes: Lane[] = [];
  private readonly all: Lane[] = [];
  private next = 0;
  private ids = randomBytes(0);
  private idAt = 0;
  private inFlight = 0;
  private readonly sweeper: NodeJS.Timeout;
  /** Connected lanes with queries queued this turn. */
  private readonly outbox: Lane[] = [];
  private flushing = false;

  constructor(
    private readonly socketsPerResolver: number,
    private readonly listener: OutcomeListener,
  ) {
    this.sweeper = setInterval(() => this.expire(), sweepEveryMs);
    this.sweeper.unref();
  }

  /** Questions asked and not yet answered or expired. */
  get size(): number {
    return this.inFlight;
  }

  /**
   * Asks `question` (the question section's bytes, RFC 1035 §4.1.2) of host:port; its outcome goes to the
   * listener, possibly before this returns (a socket that failed).
   */
  ask(token: number, host: string, port: number, question: Uint8Array, timeoutMs: number): void {
    const lane = this.pick(host, port);
    if (!lane) {
      this.listener(token, {
        kind: "network",
        message: "too many questions in flight; lower the concurrency",
      });
      return;
    }
    if (lane.failed) {
      this.listener(token, { kind: "network", message: lane.failed });
      return;
    }
    let id = this.randomId();
    while (lane.pending.has(id)) id = this.randomId();
    const query = Buffer.allocUnsafe(headerLength + question.length);
    writeHeader(query, id);
    query.set(question, headerLength);
    const sentAt = performance.now();
    lane.pending.set(id, { token, query, sentAt, deadline: sentAt + timeoutMs });
    // The process waits for questions in flight, and only for them.
    if (this.inFlight++ === 0) this.sweeper.ref();
    if (lane.connected && lane.queued.length === 0) this.outbox.push(lane);
    lane.queued.push(query);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  close(message = "the prober was closed"): void {
    clearInterval(this.sweeper);
    for (const lane of this.all) {
      const pending = [...lane.pending.values()];
      lane.pending.clear();
      lane.queued.length = 0;
      lane.failed = message;
      for (const question of pending) this.listener(question.token, { kind: "network", message });
      lane.socket.close();
    }
    this.inFlight = 0;
    this.outbox.length = 0;
    this.all.length = 0;
    this.lanes.clear();
    this.lastHost = "";
    this.lastPort = -1;
    this.lastLanes = [];
  }

  /**
   * Sends the queries of this turn of the event loop back to back, after the answers read in it: on loopback a
   * datagram sent to a resolver asleep costs a wake-up, one sent while it works through a burst costs little.
   */
  private flush(): void {
    this.flushing = false;
    for (const lane of this.outbox) this.sendQueued(lane);
    this.outbox.length = 0;
  }

  // Without a callback Node tries the send at once (uv_udp_try_send) instead of queueing a request per
  // datagram; a failed send surfaces as the socket's error and the question times out and is asked again.
  private sendQueued(lane: Lane): void {
    if (lane.failed) return;
    for (const query of lane.queued) lane.socket.send(query);
    lane.queued.length = 0;
  }

  /** 16 random bits from a buffer refilled now and then: one CSPRNG call per 32,768 IDs. */
  private randomId(): number {
    if (this.idAt + 2 > this.ids.length) {
      this.ids = randomBytes(65_536);
      this.idAt = 0;
    }
    const id = (this.ids[this.idAt]! << 8) | this.ids[this.idAt + 1]!;
    this.idAt += 2;
    return id;
  }

  private pick(host: string, port: number): Lane | undefined {
    let lanes = this.lastLanes;
    if (host !== this.lastHost || port !== this.lastPort) {
      const key = `${host} ${port}`;
      let found = this.lanes.get(key);
      if (!found) {
        found = [];
        this.lanes.set(key, found);
      }
      lanes = found;
      this.lastHost = host;
      this.lastPort = port;
      this.lastLanes = lanes;
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
    return undefined;
  }

  private settle(lane: Lane, id: number, question: Pending, outcome: LaneOutcome): void {
    lane.pending.delete(id);
    if (--this.inFlight === 0) this.sweeper.unref();
    this.listener(question.token, outcome);
  }

  private expire(): void {
    const now = performance.now();
    for (const lane of this.all) {
      for (const [id, question] of lane.pending) {
        if (question.deadline > now) continue;
        const message = `no answer over UDP within ${Math.round(now - question.sentAt)} ms`;
        this.settle(lane, id, question, { kind: "timeout", message });
      }
    }
  }

  private open(host: string, port: number): Lane {
    const socket = createSocket(isIPv6(host) ? "udp6" : "udp4");
    const lane: Lane = { socket, connected: false, queued: [], pending: new Map() };
    this.all.push(lane);
    socket.on("message", (message) => {
      if (message.length < headerLength) return;
      const id = (message[0]! << 8) | message[1]!;
      const question = lane.pending.get(id);
      // A message cut short is dropped like a forgery: the question waits for a whole one, or times out.
      if (!question || !answersQuery(message, question.query)) return;
      if (!answerIsWhole(message, question.query.length)) return;
      this.settle(lane, id, question, {
        kind: "answer",
        raw: message,
        rttMs: performance.now() - question.sentAt,
      });
    });
    socket.once("error", (error) => {
      if (lane.connected) return;
      lane.failed = `UDP socket to ${host}:${port}: ${error.message}`;
      const queued = [...lane.pending];
      lane.queued.length = 0;
      for (const [id, question] of queued)
        this.settle(lane, id, question, { kind: "network", message: lane.failed });
    });
    // An ICMP port unreachable surfaces here on a connected socket; the questions then time out and are retried.
    socket.on("error", () => {});
    socket.connect(port, host, () => {
      try {
        socket.setRecvBufferSize(receiveBuffer);
      } catch {
        // The system's limit is lower; the default buffer still works, with more loss under bursts.
      }
      socket.unref();
      lane.connected = true;
      this.sendQueued(lane);
    });
    return lane;
  }
}
