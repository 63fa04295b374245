/** The parent's side of bench/support/decree-child.ts: start it, approve targets, follow what it reports. */
import { type ChildProcess, fork } from "node:child_process";
import { EventEmitter } from "node:events";
import { closeSync, openSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { stopProcess } from "../../test/support/processes.ts";
import type { ChildMessage, ParentMessage } from "./decree-child.ts";

const childScript = fileURLToPath(new URL("./decree-child.ts", import.meta.url));

export interface DecreeProcessOptions {
  dataDir: string;
  log: string;
  /** When set, the child writes a V8 CPU profile (node --cpu-prof) into this folder when it stops. */
  cpuProfileDir?: string | undefined;
  windowMs?: number | undefined;
  /** How often the service's clock runs (default 1 s); a diagnostic, to see what the clock costs. */
  clockIntervalMs?: number | undefined;
  readyTimeoutMs: number;
}

export class DecreeProcess extends EventEmitter<{ message: [ChildMessage] }> {
  readonly child: ChildProcess;
  port = 0;
  pid = 0;
  readonly errors: string[] = [];

  private constructor(
    child: ChildProcess,
    private readonly log: string,
  ) {
    super();
    this.child = child;
    child.on("message", (message: ChildMessage) => {
      if (message.type === "error") this.errors.push(message.message);
      this.emit("message", message);
    });
  }

  static async start(options: DecreeProcessOptions): Promise<DecreeProcess> {
    const fd = openSync(options.log, "a");
    const profile = options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
    const windowMs = options.windowMs === undefined ? [] : ["--window-ms", String(options.windowMs)];
    const clock =
      options.clockIntervalMs === undefined ? [] : ["--clock-interval-ms", String(options.clockIntervalMs)];
    const child = fork(childScript, ["--data", options.dataDir, ...windowMs, ...clock], {
      // --expose-gc: a memory reading collects garbage first, so it shows what is held (see decree-child.ts).
      execArgv: ["--import", "tsx", "--expose-gc", ...profile],
      stdio: ["ignore", fd, fd, "ipc"],
    });
    closeSync(fd);
    const decree = new DecreeProcess(child, options.log);
    const ready = await new Promise<Extract<ChildMessage, { type: "ready" }>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`decree did not start in time\n${decree.tail()}`)),
        options.readyTimeoutMs,
      );
      child.on("message", (message: ChildMessage) => {
        if (message.type !== "ready") return;
        clearTimeout(timer);
        resolve(message);
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`decree exited with ${code} before it was ready\n${decree.tail()}`));
      });
    });
    decree.port = ready.port;
    decree.pid = ready.pid;
    return decree;
  }

  send(message: ParentMessage): void {
    this.child.send(message);
  }

  /** Resolves with the first message that `match` accepts, or undefined after `timeoutMs`. */
  next<T extends ChildMessage>(
    match: (message: ChildMessage) => message is T,
    timeoutMs: number,
  ): Promise<T | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.off("message", listener);
        resolve(undefined);
      }, timeoutMs);
      const listener = (message: ChildMessage) => {
        if (!match(message)) return;
        clearTimeout(timer);
        this.off("message", listener);
        resolve(message);
      };
      this.on("message", listener);
    });
  }

  /** The child's process.memoryUsage() in MB (rss, heapUsed, external, arrayBuffers), or undefined. */
  async memory(): Promise<Record<string, number> | undefined> {
    const reply = this.next((m): m is Extract<ChildMessage, { type: "memory" }> => m.type === "memory", 5000);
    this.send({ type: "memory" });
    const usage = (await reply)?.usage;
    if (!usage) return undefined;
    const mb = (bytes: number) => Math.round(bytes / 1e6);
    return {
      rssMb: mb(usage.rss),
      heapUsedMb: mb(usage.heapUsed),
      externalMb: mb(usage.external),
      arrayBuffersMb: mb(usage.arrayBuffers),
    };
  }

  tail(): string {
    try {
      return readFileSync(this.log, "utf8").split("\n").slice(-20).join("\n");
    } catch {
      return "";
    }
  }

  /** Asks for an orderly stop (so a CPU profile is written), and kills the child if it does not come. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    if (this.child.connected) this.send({ type: "stop" });
    const timer = setTimeout(() => void stopProcess(this.child), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
