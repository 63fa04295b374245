import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { type DnsAnswer, encodeQuestion, questionLength, type RecordType, readAnswer } from "./dns-answer.ts";
import { ProbeFailure } from "./probe-failure.ts";
import { type LaneOutcome, UdpLanes } from "./udp-lanes.ts";
import { type FromUdpThread, QuestionPacker, readOutcomes, type ToUdpThread } from "./udp-thread-messages.ts";

interface Waiter {
  questionEnd: number;
  resolve(answer: DnsAnswer): void;
  reject(error: Error): void;
}

interface UdpThread {
  worker: Worker;
  waiters: Map<number, Waiter>;
  packer: QuestionPacker;
  newEndpoints: [number, string, number][];
  /** The resolvers this thread was told of, by "host port". */
  known: Set<number>;
}

const headerLength = 12;

// The thread runs the same module kind as this one: once built, the bundle's own entry for it, beside whichever
// chunk holds this code in dist/cli/ (scripts/build.mjs); TypeScript from the sources (tests, benches), where the
// thread registers tsx itself, since a thread does not inherit the loader hooks.
const fromSources = import.meta.url.endsWith(".ts");
const workerFile = new URL(fromSources ? "./udp-pool-worker.ts" : "./udp-pool-worker.mjs", import.meta.url);

/**
 * The built program hands datagrams to two threads where there are two CPUs. Run from the TypeScript sources
 * (tests, benches) a thread must first load the TypeScript loader, seconds on a busy machine, for every prober a
 * test makes: there the caller's thread does it, unless a test asks for threads.
 */
export const defaultUdpThreads = fromSources ? 0 : availableParallelism() > 1 ? 2 : 0;

function startWorker(socketsPerResolver: number): Worker {
  const workerData = { socketsPerResolver };
  if (!fromSources) return new Worker(workerFile, { workerData });
  const bootstrap = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(workerFile.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * The UDP side of the prober (the sockets themselves are UdpLanes'): on this thread, or spread over `threads`
 * threads of their own. In Node a datagram's send and receive cost several times what the rest of a probe
 * does, and a thread runs on one CPU; with threads, this one packs each turn's questions into one message to
 * one thread and reads their answers back the same way, and the datagrams are sent and matched elsewhere.
 */
export class UdpPool {
  private local: UdpLanes | undefined;
  private readonly localWaiters = new Map<number, Waiter>();
  private readonly threads: UdpThread[] = [];
  private readonly endpoints = new Map<string, number>();
  private lastHost = "";
  private lastPort = -1;
  private lastEndpoint = -1;
  private token = 0;
  private current: UdpThread | undefined;
  private flushing = false;
  private closed = false;

  /**
   * @param socketsPerResolver sockets per resolver, spread over the threads (at least one on each)
   * @param threadCount 0 for this thread alone
   */
  constructor(
    private readonly socketsPerResolver = 2,
    private readonly threadCount = 0,
  ) {}

  query(host: string, port: number, name: string, qtype: RecordType, timeoutMs: number): Promise<DnsAnswer> {
    if (this.closed) return Promise.reject(new ProbeFailure("network", "the prober was closed"));
    this.token = (this.token + 1) >>> 0;
    const token = this.token;
    const questionEnd = headerLength + questionLength(name);
    if (this.threadCount === 0) {
      this.local ??= new UdpLanes(this.socketsPerResolver, (done, outcome) =>
        settle(this.localWaiters, done, outcome),
      );
      const local = this.local;
      return new Promise<DnsAnswer>((resolve, reject) => {
        this.localWaiters.set(token, { questionEnd, resolve, reject });
        const question = Buffer.allocUnsafe(questionEnd - headerLength);
        encodeQuestion(question, 0, name, qtype);
        local.ask(token, host, port, question, timeoutMs);
      });
    }
    // A turn's questions go to one thread, the least busy when the turn began: one message per turn, not one
    // per thread, on either side.
    if (!this.flushing || !this.current) this.current = this.pick();
    const thread = this.current;
    const endpoint = this.endpointIndex(host, port, thread);
    return new Promise<DnsAnswer>((resolve, reject) => {
      if (thread.waiters.size === 0) thread.worker.ref();
      thread.waiters.set(token, { questionEnd, resolve, reject });
      thread.packer.add(token, endpoint, timeoutMs, name, qtype);
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => this.flush());
      }
    });
  }

  close(): void {
    this.closed = true;
    const closed = new ProbeFailure("network", "the prober was closed");
    this.local?.close();
    this.local = undefined;
    for (const waiter of this.localWaiters.values()) waiter.reject(closed);
    this.localWaiters.clear();
    for (const thread of this.threads) {
      for (const waiter of thread.waiters.values()) waiter.reject(closed);
      thread.waiters.clear();
      void thread.worker.terminate();
    }
    this.threads.length = 0;
  }

  private pick(): UdpThread {
    if (this.threads.length < this.threadCount) {
      const thread = this.open();
      this.threads.push(thread);
      return thread;
    }
    let least = this.threads[0]!;
    for (const thread of this.threads) if (thread.waiters.size < least.waiters.size) least = thread;
    return least;
  }

  private endpointIndex(host: string, port: number, thread: UdpThread): number {
    let index = this.lastEndpoint;
    if (host !== this.lastHost || port !== this.lastPort) {
      const key = `${host} ${port}`;
      let found = this.endpoints.get(key);
      if (found === undefined) {
        found = this.endpoints.size;
        this.endpoints.set(key, found);
      }
      index = found;
      this.lastHost = host;
      this.lastPort = port;
      this.lastEndpoint = index;
    }
    if (!thread.known.has(index)) {
      thread.known.add(index);
      thread.newEndpoints.push([index, host, port]);
    }
    return index;
  }

  // The questions of one turn of the event loop go together, in one message.
  private flush(): void {
    this.flushing = false;
    for (const thread of this.threads) {
      if (thread.packer.length === 0) continue;
      const message: ToUdpThread = { questions: thread.packer.take() };
      if (thread.newEndpoints.length > 0) {
        message.endpoints = thread.newEndpoints;
        thread.newEndpoints = [];
      }
      thread.worker.postMessage(message, [message.questions!.buffer as ArrayBuffer]);
    }
  }

  private open(): UdpThread {
    const perThread = Math.max(1, Math.ceil(this.socketsPerResolver / this.threadCount));
    const worker = startWorker(perThread);
    const thread: UdpThread = {
      worker,
      waiters: new Map(),
      packer: new QuestionPacker(),
      newEndpoints: [],
      known: new Set(),
    };
    worker.unref();
    worker.on("message", (message: FromUdpThread) => {
      readOutcomes(message.outcomes, (token, outcome) => settle(thread.waiters, token, outcome));
      if (thread.waiters.size === 0) thread.worker.unref();
    });
    const fail = (why: string) => {
      const failure = new ProbeFailure("network", `the UDP thread stopped: ${why}`);
      for (const waiter of thread.waiters.values()) waiter.reject(failure);
      thread.waiters.clear();
      const at = this.threads.indexOf(thread);
      if (at >= 0) this.threads.splice(at, 1);
      if (this.current === thread) this.current = undefined;
    };
    worker.on("error", (error) => fail(error.message));
    worker.on("exit", (code) => fail(`exit ${code}`));
    return thread;
  }
}

/**
 * Gives a question's waiter its outcome. An answer from a thread stays a view of its batch, not a copy: a batch
 * is a few kilobytes, answers that arrived together, and is kept while one of them is.
 */
function settle(waiters: Map<number, Waiter>, token: number, outcome: LaneOutcome): void {
  const waiter = waiters.get(token);
  if (!waiter) return;
  waiters.delete(token);
  if (outcome.kind !== "answer") {
    waiter.reject(new ProbeFailure(outcome.kind, outcome.message));
    return;
  }
  const answer = readAnswer(outcome.raw, waiter.questionEnd, outcome.rttMs);
  if (answer) waiter.resolve(answer);
  else waiter.reject(new ProbeFailure("network", "an answer cut short"));
}
