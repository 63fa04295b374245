import { EventEmitter } from "node:events";
import type { Kysely } from "kysely";
import { recordReleaseBuilt, recordReleaseFailed } from "../observability/record-release.ts";
import type { Database, Dialect } from "../store/database.ts";
import { buildRelease, type ReleaseSummary } from "./build-release.ts";
import { serialLessThan } from "./dns/soa-serial.ts";
import { defaultLogOrigin, finishReleaseCheckpoints, publishCheckpoint } from "./publish-checkpoint.ts";
import type { RpzPolicy } from "./rpz-policy.ts";
import { ZoneSource, type ZoneVersion } from "./zone-source.ts";

export interface ReleaseSchedulerOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  policy: RpzPolicy;
  now?: () => Date;
  /**
   * Releases are at least this far apart: a change after a quiet spell is built at once, and the changes
   * arriving while a release is built or within this window after it started share the next one.
   */
  windowMs?: number;
  /** How often to look for changes written by other processes (the CLI, other API instances). */
  pollMs?: number;
  onError?: (error: unknown) => void;
  /** The public log's origin, the name its checkpoints carry (C2SP tlog-checkpoint). */
  logOrigin?: string;
  /**
   * How long after a release is announced its checkpoint waits (ms; default 0, the next turn of the event
   * loop): sequencing and signing take milliseconds of a CPU, which the transfers NOTIFY sets off want at that
   * moment. A change that comes meanwhile ends the wait: its build goes first and signs both checkpoints.
   */
  checkpointDelayMs?: number;
  /** Stage releases that add entries (config `releases.staged`), unless the authority chose otherwise. */
  staged?: boolean;
  /** The last SOA serial served from this data folder: every release is published past it. */
  servedSerial?: () => number | undefined;
  /** The store's newest serial was behind the served one, and `release` moved past it. */
  onSerialBump?: (bump: {
    storeSerial: number | null;
    servedSerial: number;
    release: ReleaseSummary;
  }) => void;
}

/**
 * Builds a release whenever the registry changes: on a `poke()` from this process, or when the event log grows
 * because another process wrote to the store. Emits `release` with the summary as soon as the release is
 * committed, for NOTIFY and feeds, and `checkpoint` once its log checkpoint is signed. Emits `promoted` when
 * the release everyone gets moved with no release built (a staged rollout promoted, by a job, a person or
 * another process), for what serves everyone that release and is not told by the DNS primary (feeds, BGP).
 */
export class ReleaseScheduler extends EventEmitter<{
  release: [ReleaseSummary];
  checkpoint: [ReleaseSummary];
  promoted: [ZoneVersion];
}> {
  /** The release everyone got at the last build, to tell a promotion from a release. */
  private lastReleased: number | undefined;
  private readonly windowMs: number;
  private readonly pollMs: number;
  private lastSeenEvent = -1;
  /** Cancels the build that is due; set while one is. */
  private pending: (() => void) | undefined;
  private lastBuildStarted = Number.NEGATIVE_INFINITY;
  private building: Promise<void> | undefined;
  private again = false;
  private poller: NodeJS.Timeout | undefined;
  /** Ends the wait before a release's checkpoint, for a change's build (true) or to sign now (false). */
  private hurry: ((forChange: boolean) => void) | undefined;
  /** A release went out without its checkpoint, for a change's build: the next release signs it, wait or not. */
  private checkpointOwed = false;
  private stopped = false;
  /** How many builds compared the zone with the registry (events that change what is served); for tests. */
  diffs = 0;

  constructor(private readonly options: ReleaseSchedulerOptions) {
    super();
    this.windowMs = options.windowMs ?? 10;
    this.pollMs = options.pollMs ?? 10;
  }

  /**
   * Finishes what a crash left half done (the releases after the newest checkpoint get theirs; events not yet
   * in the log are sequenced), builds what is pending now (at start, the first release), then watches for
   * changes. Only releases after the newest checkpoint can lack one, since every build finishes those, oldest
   * first, once its release is out: so start-up costs what changed since the last run, not the length of the
   * history.
   */
  async start(): Promise<ReleaseSummary | null> {
    await this.finishCheckpoints();
    const first = (await this.buildNow()) ?? (await this.bumpPastServed());
    this.poller = setInterval(() => void this.poll(), this.pollMs);
    this.poller.unref();
    return first;
  }

  /**
   * Something changed: build at once when the last build started a window ago or more, else when the window
   * ends. No wait after a quiet spell: the release is what the approval waits for to be served.
   */
  poke(): void {
    if (this.stopped) return;
    // A change while a release waits for its checkpoint: its build goes now and signs both, oldest first.
    this.hurry?.(true);
    if (this.pending) return;
    const due = () => {
      this.pending = undefined;
      void this.run();
    };
    const wait = this.lastBuildStarted + this.windowMs - performance.now();
    if (wait <= 0) {
      // After the poking request's answer is written (that runs in promise callbacks), before new I/O.
      const immediate = setImmediate(due);
      this.pending = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(due, wait);
      this.pending = () => clearTimeout(timer);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    this.hurry?.(false);
    this.pending?.();
    this.pending = undefined;
    await this.building;
  }

  /** Waits until no build is running or pending: for tests and for an orderly shutdown. */
  async settled(): Promise<void> {
    while (this.pending || this.building) {
      await (this.building ?? new Promise((resolve) => setTimeout(resolve, this.windowMs)));
    }
  }

  private async poll(): Promise<void> {
    if (this.stopped || this.pending || this.building) return;
    try {
      const row = await this.options.db
        .selectFrom("events")
        .select((eb) => eb.fn.max("id").as("id"))
        .executeTakeFirst();
      const last = Number(row?.id ?? 0);
      if (last !== this.lastSeenEvent) this.poke();
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  private run(): Promise<void> {
    if (this.building) {
      this.again = true;
      return this.building;
    }
    this.lastBuildStarted = performance.now();
    this.building = this.buildNow()
      .then(() => undefined)
      .catch((error) => this.options.onError?.(error))
      .finally(() => {
        this.building = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.poke();
        }
      });
    return this.building;
  }

  /**
   * A store restored from a backup, reset, or moved from another engine may hold a serial below the one
   * secondaries have: they would ignore every release until the zone expires (RFC 1982 comparison, RFC 1996
   * §4.7). An empty release past the served serial makes them transfer the store's zone at once.
   */
  private async bumpPastServed(): Promise<ReleaseSummary | null> {
    const served = this.options.servedSerial?.();
    if (served === undefined) return null;
    const latest = await this.options.db
      .selectFrom("releases")
      .select("soa_serial")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    const storeSerial = latest === undefined ? null : Number(latest.soa_serial);
    if (storeSerial === served || (storeSerial !== null && serialLessThan(served, storeSerial))) return null;
    const release = await this.buildNow(true);
    if (release) this.options.onSerialBump?.({ storeSerial, servedSerial: served, release });
    return release;
  }

  private async finishCheckpoints(): Promise<number[]> {
    const { db, dialect } = this.options;
    const now = (this.options.now ?? (() => new Date()))();
    return finishReleaseCheckpoints(db, dialect, {
      origin: this.options.logOrigin ?? defaultLogOrigin,
      now,
    });
  }

  /**
   * The release's zone and journal are committed when `buildRelease` returns: `release` goes out then, so that
   * NOTIFY (RFC 1996) reaches the secondaries before the log is sequenced and signed. Feeds never name a
   * checkpoint that does not exist: a feed rendered for this release waits for its checkpoint
   * (feeds/feed-cache.ts), which this build signs right after, and a crash in between is finished at the next
   * build or start (finishReleaseCheckpoints). `checkpoint` says when the release's checkpoint is signed.
   */
  private async buildNow(force = false): Promise<ReleaseSummary | null> {
    const started = performance.now();
    let waited = 0;
    try {
      const release = await this.build(force);
      if (release) {
        this.emit("release", release);
        // The listeners run at once but what they start (NOTIFY reads the secondaries from the store) is
        // asynchronous: one turn of the event loop, or the delay asked for, lets it go before the log's work.
        const waiting = performance.now();
        const hurried = await this.checkpointWait();
        waited = performance.now() - waiting;
        // The next build signs this release's checkpoint before its own (finishReleaseCheckpoints); only one
        // release in a row goes without, so that changes in a stream never leave the feeds waiting for one.
        if (hurried && !this.checkpointOwed) {
          this.checkpointOwed = true;
          recordReleaseBuilt(release, performance.now() - started - waited);
          return release;
        }
      }
      await this.signCheckpoint(release);
      this.checkpointOwed = false;
      // The build's own work: the wait before the checkpoint is idle time, not building.
      recordReleaseBuilt(release, performance.now() - started - waited);
      return release;
    } catch (error) {
      recordReleaseFailed(error, performance.now() - started - waited);
      throw error;
    }
  }

  /** The wait before a release's checkpoint; true when a change cut it short. */
  private checkpointWait(): Promise<boolean> {
    const delay = this.options.checkpointDelayMs ?? 0;
    return new Promise<boolean>((resolve) => {
      const timer = delay > 0 ? setTimeout(() => resolve(false), delay) : undefined;
      const immediate = delay > 0 ? undefined : setImmediate(() => resolve(false));
      this.hurry = (forChange) => {
        clearTimeout(timer);
        if (immediate) clearImmediate(immediate);
        resolve(forChange);
      };
    }).finally(() => {
      this.hurry = undefined;
    });
  }

  private async build(force = false): Promise<ReleaseSummary | null> {
    const { db, dialect, policy } = this.options;
    const lastEvent = await db
      .selectFrom("events")
      .select((eb) => eb.fn.max("id").as("id"))
      .executeTakeFirst();
    const now = (this.options.now ?? (() => new Date()))();
    const release = await buildRelease(db, dialect, policy, now, {
      servedSerial: this.options.servedSerial?.(),
      force,
      onDiff: () => this.diffs++,
      staged: this.options.staged ?? false,
    });
    // The release's own event is not news: seen here, it does not wake the poller for a second build.
    this.lastSeenEvent = Math.max(Number(lastEvent?.id ?? 0), release?.eventId ?? 0);
    const released = await new ZoneSource(db).releasedVersion();
    const built = release !== null && !release.staged && release.id === released.releaseId;
    if (this.lastReleased !== undefined && released.releaseId !== this.lastReleased && !built) {
      this.emit("promoted", released);
    }
    this.lastReleased = released.releaseId;
    return release;
  }

  /**
   * The release's checkpoint, after its NOTIFY; without a release (an appeal filed, a target proposed) the log
   * still takes the new events and signs its new size.
   */
  private async signCheckpoint(release: ReleaseSummary | null): Promise<void> {
    const { db, dialect } = this.options;
    // Every release after the newest checkpoint, oldest first: this one, and any that an instance built and
    // then died before signing.
    const finished = await this.finishCheckpoints();
    if (!release || !finished.includes(release.id)) {
      await publishCheckpoint(db, dialect, {
        origin: this.options.logOrigin ?? defaultLogOrigin,
        upToEventId: release?.eventId,
        releaseId: release?.id,
        now: (this.options.now ?? (() => new Date()))(),
      });
    }
    if (release) this.emit("checkpoint", release);
  }
}
