// Pushing decree's releases to an operator's own primary (BIND 9 and the like) by dynamic update (RFC 2136)
// signed with TSIG (RFC 8945), so that the operator's secondaries carry the zone on by their own NOTIFY and
// IXFR. decree never touches the apex: the server keeps its SOA (incrementing its serial on each update,
// RFC 2136 §3.6) and its NS.
import { DecreeError } from "../../errors/decree-error.ts";
import type { TsigKey } from "../dns/tsig.ts";
import type { ZoneSource, ZoneStep } from "../zone-source.ts";
import { type ExternalServer, PushConnection, serverLabel } from "./push-connection.ts";
import { sendUpdates } from "./push-send-updates.ts";
import { readServerSerial, readServerZone, type ServerContext } from "./push-server-zone.ts";
import { readPushState, writePushState } from "./push-state.ts";
import type { ZoneChanges } from "./push-update-messages.ts";
import { pushZoneDiff, updateRecordOf } from "./push-zone-diff.ts";

export interface PushUpdatesOptions {
  server: ExternalServer;
  /** The zone's name on the external server, without trailing dot. */
  zone: string;
  key: TsigKey;
  /**
   * The zone to push: an operator's AudienceZone (audience-zone.ts), so that a server that is no canary's
   * never gets a staged release; a ZoneSource pushes every release as it is built.
   */
  source: Pick<ZoneSource, "version" | "stepsSince" | "snapshot">;
  /** TTL of decree's records (the RPZ policy's). */
  ttl: number;
  /** Where the last pushed serial is kept between runs. */
  statePath: string;
  /** Largest UPDATE message before its TSIG record; default 16,000 octets, a quarter of what TCP allows. */
  maxMessageOctets?: number;
  /** How long to wait for the server to connect or answer; default 10 s. */
  timeoutMs?: number;
  /** Above this many changed records since the last push, resynchronise the whole zone instead. */
  maxStepRecords?: number;
}

/** One release now held by the external server. */
export interface ReleasePushed {
  /** `resync`: the whole zone compared and corrected; `step`: one release's changes from the journal. */
  mode: "resync" | "step";
  serial: number;
  added: number;
  removed: number;
  messages: number;
  /** The server's own SOA serial afterwards. */
  serverSerial: number;
  ms: number;
}

export interface PushReport {
  /** `current`: the server already held decree's release; `no-release`: decree has published none yet. */
  mode: "resync" | "steps" | "current" | "no-release";
  /** decree's serial the server now holds (0 before the first release). */
  serial: number;
  serverSerial: number;
  releases: ReleasePushed[];
  ms: number;
}

export interface RetryOptions {
  /** Stops waiting and retrying; an update in flight is finished first. */
  signal?: AbortSignal;
  /** Attempts before the error is thrown; default unlimited. */
  attempts?: number;
  onFailure?: (error: unknown, attempt: number, retryInMs: number) => void;
  onRelease?: (pushed: ReleasePushed) => void;
}

export interface FollowOptions extends RetryOptions {
  signal: AbortSignal;
  /** How often to ask the store for a new release; default 50 ms. */
  pollMs?: number;
}

const defaults = { maxMessageOctets: 16_000, timeoutMs: 10_000, maxStepRecords: 500_000, pollMs: 50 };
const firstRetryMs = 250;
const maxRetryMs = 30_000;

export class PushUpdates {
  private readonly context: ServerContext;
  private readonly maxMessageOctets: number;
  private readonly timeoutMs: number;
  private readonly maxStepRecords: number;

  constructor(private readonly options: PushUpdatesOptions) {
    this.context = { server: options.server, zone: options.zone, key: options.key };
    this.maxMessageOctets = options.maxMessageOctets ?? defaults.maxMessageOctets;
    this.timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
    this.maxStepRecords = options.maxStepRecords ?? defaults.maxStepRecords;
  }

  /**
   * Brings the server to decree's current release, once, without retrying: the releases since the last push
   * when the state file says which and the server's serial shows nobody else changed the zone since; else
   * the whole zone, by comparing it with the server's AXFR. Throws PUSH_FAILED naming what went wrong.
   */
  async pushRelease(onRelease?: (pushed: ReleasePushed) => void): Promise<PushReport> {
    const started = performance.now();
    const version = await this.options.source.version();
    const connection = await PushConnection.open(this.options.server, this.timeoutMs);
    try {
      const serverSerial = await readServerSerial(connection, this.context);
      const report = (mode: PushReport["mode"], serial: number, releases: ReleasePushed[]): PushReport => ({
        mode,
        serial,
        serverSerial: releases.at(-1)?.serverSerial ?? serverSerial,
        releases,
        ms: Math.round(performance.now() - started),
      });
      if (version.releaseId === 0) return report("no-release", 0, []);
      const state = await readPushState(this.options.statePath, this.options.server, this.options.zone);
      if (state !== undefined && state.serverSerial === serverSerial) {
        if (state.serial === version.serial) return report("current", state.serial, []);
        const journal = await this.options.source.stepsSince(state.serial, this.maxStepRecords);
        if (journal !== null) {
          const releases: ReleasePushed[] = [];
          for (const step of journal.steps) {
            const pushed = await this.pushStep(connection, step);
            releases.push(pushed);
            onRelease?.(pushed);
          }
          return report("steps", journal.version.serial, releases);
        }
      }
      const pushed = await this.resync(connection);
      onRelease?.(pushed);
      return report("resync", pushed.serial, [pushed]);
    } finally {
      connection.close();
    }
  }

  /** `pushRelease`, retried with exponential backoff until it succeeds, attempts run out or it is aborted. */
  async sync(options: RetryOptions = {}): Promise<PushReport | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.pushRelease(options.onRelease);
      } catch (error) {
        if (attempt >= (options.attempts ?? Number.POSITIVE_INFINITY)) throw error;
        const delay = Math.min(firstRetryMs * 2 ** (attempt - 1), maxRetryMs);
        options.onFailure?.(error, attempt, delay);
        if (!(await pause(delay, options.signal))) return undefined;
      }
    }
  }

  /**
   * Synchronises, then pushes each new release as it appears, until aborted. A failed push is retried (with
   * backoff) from the last release the server acknowledged, so no release is ever skipped.
   */
  async follow(options: FollowOptions): Promise<void> {
    const pollMs = options.pollMs ?? defaults.pollMs;
    let held: number | undefined;
    let storeFailures = 0;
    while (!options.signal.aborted) {
      let serial: number | undefined;
      try {
        serial = (await this.options.source.version()).serial;
        storeFailures = 0;
      } catch (error) {
        // The store may be briefly unavailable (a PostgreSQL failover): wait, then ask again.
        storeFailures += 1;
        const delay = Math.min(firstRetryMs * 2 ** (storeFailures - 1), maxRetryMs);
        options.onFailure?.(error, storeFailures, delay);
        await pause(delay, options.signal);
        continue;
      }
      if (serial !== held) {
        const report = await this.sync(options);
        if (report !== undefined) held = report.serial;
      }
      await pause(pollMs, options.signal);
    }
  }

  private async pushStep(connection: PushConnection, step: ZoneStep): Promise<ReleasePushed> {
    const started = performance.now();
    const { zone, ttl } = this.options;
    const changes: ZoneChanges = {
      removals: step.removed.map((record) => updateRecordOf(record, zone, ttl)),
      additions: step.added.map((record) => updateRecordOf(record, zone, ttl)),
    };
    return this.apply(connection, "step", step.toSerial, changes, started);
  }

  private async resync(connection: PushConnection): Promise<ReleasePushed> {
    const started = performance.now();
    const snapshot = await this.options.source.snapshot();
    const held = await readServerZone(connection, this.context);
    const changes = pushZoneDiff(held.records, snapshot.records, this.options.zone, this.options.ttl);
    return this.apply(connection, "resync", snapshot.serial, changes, started);
  }

  private async apply(
    connection: PushConnection,
    mode: ReleasePushed["mode"],
    serial: number,
    changes: ZoneChanges,
    started: number,
  ): Promise<ReleasePushed> {
    const messages = await sendUpdates(connection, this.context, changes, this.maxMessageOctets);
    const serverSerial = await readServerSerial(connection, this.context);
    await writePushState(this.options.statePath, {
      server: serverLabel(this.context.server),
      zone: this.options.zone,
      serial,
      serverSerial,
      pushedAt: new Date().toISOString(),
    }).catch((error: Error) => {
      throw new DecreeError(
        "PUSH_FAILED",
        `Serial ${serial} reached the server, but its state file ${this.options.statePath} could not be ` +
          `written (${error.message}); the next run will resynchronise the whole zone.`,
      );
    });
    return {
      mode,
      serial,
      added: changes.additions.length,
      removed: changes.removals.length,
      messages,
      serverSerial,
      ms: Math.round(performance.now() - started),
    };
  }
}

/** Waits, or returns false at once when aborted. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
