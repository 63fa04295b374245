import { EventEmitter } from "node:events";
import { Worker } from "node:worker_threads";
import type { AbortedTransferLog, LimitLog, RefusalLog, TransferLog } from "./dns-primary.ts";
import type { NotifyOutcome } from "./notify-sender.ts";
import type { FromPrimaryThread, PrimaryThreadSettings, ToPrimaryThread } from "./primary-thread-messages.ts";

type PrimaryEvents = {
  transfer: [TransferLog];
  refused: [RefusalLog];
  soa: [{ remote: string; by: string | undefined }];
  aborted: [AbortedTransferLog];
  limited: [LimitLog];
  error: [unknown];
  /** The thread serves this SOA serial now (after a release it was told of). */
  served: [number];
  /** The thread had stopped while serving and serves again, after `downMs`; `restarts` so far. */
  restarted: [{ downMs: number; restarts: number }];
};

/** The first wait before a stopped thread is started again, doubled at each failure up to the last. */
const restartDelaysMs = { first: 50, last: 5000 };
/** A thread that served this long is healthy again: the next stop is retried at the first delay. */
const healthyAfterMs = 60_000;

/** The NOTIFYs the primary's thread sends, heard from the service's thread. */
export class NotifyEvents extends EventEmitter<{ notified: [NotifyOutcome] }> {}

// The thread runs the same module kind as this one: once built, the bundle's own entry for it, beside whichever
// chunk holds this code in dist/cli/ (scripts/build.mjs); TypeScript from the sources (tests, benches), where the
// thread registers tsx itself, since a thread does not inherit the loader hooks.
const fromSources = import.meta.url.endsWith(".ts");
const workerFile = new URL(
  fromSources ? "./dns-primary-worker.ts" : "./dns-primary-worker.mjs",
  import.meta.url,
);

function startWorker(workerData: PrimaryThreadSettings): Worker {
  if (!fromSources) return new Worker(workerFile, { workerData });
  const bootstrap = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(workerFile.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * decree's DNS primary on a thread of its own (dns-primary-worker.ts), as the service sees it: the primary's
 * events, told of each release, and NOTIFY sent from there once the release is served. The service's thread
 * may then build releases, sequence the log or scan the registry without an answer ever waiting for it.
 */
export class DnsPrimaryThread extends EventEmitter<PrimaryEvents> {
  readonly notifier = new NotifyEvents();
  private worker: Worker | undefined;
  private exited: Promise<void> | undefined;
  private closing = false;
  private address: { host: string; port: number } | undefined;
  /** The newest serial the service told of, sent again to a restarted thread so that its NOTIFY goes out. */
  private newestSerial: number | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelayMs = restartDelaysMs.first;
  private restarts = 0;

  constructor(private readonly settings: PrimaryThreadSettings) {
    super();
  }

  /** Starts the thread; resolves once it has loaded the zone and listens. */
  async start(): Promise<{ host: string; port: number }> {
    this.address = await this.launch(this.settings);
    return this.address;
  }

  /**
   * A thread that stops while serving (an uncaught error, memory exhausted) is started again on the same
   * address, after a delay that grows while it keeps failing: DNS must not stay down until an operator restarts
   * the service. The new thread reads the newest release from the store, so no release told of meanwhile is lost,
   * and is told of the newest serial again so that its NOTIFY goes out (RFC 1996: a NOTIFY for a serial a
   * secondary has is answered and ignored).
   */
  private scheduleRestart(stoppedAt: number): void {
    if (this.closing || this.restartTimer) return;
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(delay * 2, restartDelaysMs.last);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.closing || !this.address) return;
      this.launch({ ...this.settings, ...this.address }).then(
        () => {
          this.restarts += 1;
          this.emit("restarted", {
            downMs: Math.round(performance.now() - stoppedAt),
            restarts: this.restarts,
          });
          if (this.newestSerial !== undefined) this.send({ type: "release", soaSerial: this.newestSerial });
          const worker = this.worker;
          setTimeout(() => {
            if (this.worker === worker) this.restartDelayMs = restartDelaysMs.first;
          }, healthyAfterMs).unref();
        },
        (error: unknown) => {
          this.emit("error", error);
          this.scheduleRestart(stoppedAt);
        },
      );
    }, delay);
  }

  private launch(settings: PrimaryThreadSettings): Promise<{ host: string; port: number }> {
    const worker = startWorker(settings);
    this.worker = worker;
    this.exited = new Promise((resolve) => worker.once("exit", () => resolve()));
    return new Promise((resolve, reject) => {
      let started = false;
      worker.on("message", (message: FromPrimaryThread) => {
        switch (message.type) {
          case "ready":
            started = true;
            resolve({ host: message.host, port: message.port });
            break;
          case "failed":
            void worker.terminate();
            reject(message.error);
            break;
          case "served":
            this.emit("served", message.soaSerial);
            break;
          case "event":
            if (message.source === "notifier") this.notifier.emit("notified", notifyOutcome(message.payload));
            else (this.emit as (name: string, payload: unknown) => boolean)(message.name, message.payload);
            break;
          case "closed":
            break;
        }
      });
      worker.on("error", (error) => {
        if (started) this.emit("error", error);
        else reject(error);
      });
      worker.once("exit", (code) => {
        if (!started)
          reject(new Error(`the DNS primary's thread stopped (exit code ${code}) before it listened`));
        // Stopped while serving, not by `close`: the service must hear that DNS is down, and DNS comes back.
        else if (this.worker === worker) {
          this.worker = undefined;
          this.emit(
            "error",
            new Error(`the DNS primary's thread stopped (exit code ${code}); starting it again`),
          );
          this.scheduleRestart(performance.now());
        }
      });
    });
  }

  /** A release was committed: the thread serves it, then sends its NOTIFY to every secondary. */
  released(soaSerial: number): void {
    this.newestSerial = soaSerial;
    this.send({ type: "release", soaSerial });
  }

  /** NOTIFY every secondary of `soaSerial` again (at start, in case a crash came before the last one). */
  notify(soaSerial: number): void {
    this.newestSerial ??= soaSerial;
    this.send({ type: "notify", soaSerial });
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    this.send({ type: "close" }, worker);
    // A thread that does not stop within seconds is stopped: the service's close must end.
    const timer = setTimeout(() => void worker.terminate(), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  private send(message: ToPrimaryThread, worker = this.worker): void {
    worker?.postMessage(message);
  }
}

/** A TSIG secret crosses the threads as a Uint8Array: a Buffer again, as NotifyOutcome says. */
function notifyOutcome(payload: unknown): NotifyOutcome {
  const outcome = payload as NotifyOutcome;
  const key = outcome.target.key;
  return key
    ? { ...outcome, target: { ...outcome.target, key: { ...key, secret: Buffer.from(key.secret) } } }
    : outcome;
}
