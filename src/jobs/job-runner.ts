import { EventEmitter } from "node:events";
import { setImmediate as nextTurn } from "node:timers/promises";
import { recordJobRun } from "../observability/record-job-run.ts";
import type { Leadership } from "./leadership.ts";

/** One of the scheduler's jobs; `run` returns true when it changed the registry (a release may be due). */
export interface Job {
  name: string;
  run(now: Date): Promise<boolean>;
  /** When this job next has something due, if before the next tick: the runner runs then too. */
  wakeAt?(): Promise<Date | undefined>;
}

export interface JobRunnerOptions {
  leadership: Leadership;
  jobs: Job[];
  now?: () => Date;
  intervalMs?: number;
  /** Called after a run in which some job changed the registry. */
  onChange?: () => void;
}

type JobRunnerEvents = {
  /** Leadership was taken (true) or lost (false). */
  leader: [boolean];
  failed: [unknown, string];
};

/**
 * Runs the jobs every interval while this process leads, one run at a time. Every instance keeps trying to
 * lead, so that when the leader stops, another takes over at its next tick. Each job is idempotent (its
 * writes are guarded by state and unique keys), so even an overlap at a change of leader could not do
 * anything twice.
 */
export class JobRunner extends EventEmitter<JobRunnerEvents> {
  private timer: NodeJS.Timeout | undefined;
  private wake: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private leading = false;
  /** Runs done as leader, for status and tests. */
  runs = 0;

  constructor(private readonly options: JobRunnerOptions) {
    super();
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Tries to lead and, if it does, runs the jobs once before returning; then keeps ticking. */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  /**
   * Something happened (a release): run soon rather than at the next interval. Soon is after what this turn of
   * the event loop already queued: the release a decision poked is built before the run its change kicks.
   */
  kick(): void {
    if (this.stopped) return;
    setImmediate(() => {
      if (!this.stopped) void this.tick();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.wake);
    while (this.running) await this.running;
    // Said before the lock goes: once released another instance may lead at once, and its "leader" must
    // never be heard before this one's end.
    if (this.leading) {
      this.leading = false;
      this.emit("leader", false);
    }
    await this.options.leadership.release();
  }

  private tick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.tick();
      }
    });
    return this.running;
  }

  private async runOnce(): Promise<void> {
    if (this.stopped) return;
    const leading = await this.options.leadership.lead();
    if (leading !== this.leading) {
      this.leading = leading;
      this.emit("leader", leading);
    }
    if (!leading || this.stopped) return;
    let changed = false;
    for (const job of this.options.jobs) {
      // Each job after what came meanwhile (on SQLite a run holds the event loop for as long as it chains
      // queries): a decision's request and the release it pokes wait for one job, never the whole run.
      await nextTurn();
      if (this.stopped) break;
      const started = performance.now();
      try {
        const changedNow = await job.run((this.options.now ?? (() => new Date()))());
        recordJobRun(job.name, performance.now() - started, { changed: changedNow });
        changed = changedNow || changed;
      } catch (error) {
        recordJobRun(job.name, performance.now() - started, { error });
        this.emit("failed", error, job.name);
      }
    }
    this.runs++;
    if (changed) this.options.onChange?.();
    await this.armWake();
  }

  /**
   * Sets a timer for the earliest instant a job said it has something due, when that comes before the next
   * tick: a blocking window then ends within milliseconds of its end rather than within an interval.
   */
  private async armWake(): Promise<void> {
    const interval = this.options.intervalMs ?? 1000;
    const now = (this.options.now ?? (() => new Date()))().getTime();
    let earliest: number | undefined;
    for (const job of this.options.jobs) {
      if (!job.wakeAt) continue;
      try {
        const at = (await job.wakeAt())?.getTime();
        if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
      } catch (error) {
        this.emit("failed", error, job.name);
      }
    }
    clearTimeout(this.wake);
    this.wake = undefined;
    if (earliest === undefined || this.stopped) return;
    // Already due yet not done means the job failed this run: wait a little rather than spin.
    const delay = earliest <= now ? 50 : earliest - now + 1;
    if (delay >= interval) return;
    this.wake = setTimeout(() => {
      this.wake = undefined;
      this.kick();
    }, delay);
    this.wake.unref();
  }
}
