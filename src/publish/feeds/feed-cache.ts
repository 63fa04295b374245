import { setTimeout as sleep } from "node:timers/promises";
import type { Kysely } from "kysely";
import { DecreeError } from "../../errors/decree-error.ts";
import { checkpointOfRelease } from "../../registry/log/log-checkpoints.ts";
import type { Database } from "../../store/database.ts";
import type { NextHops } from "../bgp/blackhole-route.ts";
import { canaryRtype } from "../canary-record.ts";
import type { FeedRenderer } from "../renderers/feed-renderer.ts";
import { rendererFor } from "../renderers/index.ts";
import type { SigningKey } from "../signing-key.ts";
import { ZoneSource, type ZoneVersion } from "../zone-source.ts";
import { type FeedDiff, feedDiff } from "./feed-diff.ts";
import { feedEntries, type OwnerLookup } from "./feed-entries.ts";
import { orderEdeLookup } from "./order-ede-lookup.ts";
import { type CachedFeed, feedBaseName, type OpenFeed, SignedFeedFiles } from "./signed-feed-files.ts";
import { zoneOwnerLookup } from "./zone-owner-lookup.ts";

export type { CachedFeed, OpenFeed };

export interface FeedCacheOptions {
  db: Kysely<Database>;
  /** Feeds live in `<dataDir>/feeds/<serial>/`. */
  dataDir: string;
  /** The RPZ zone's apex, without trailing dot. */
  zone: string;
  /** How many serials keep their files; older ones are deleted once a newer feed is written. */
  keepSerials?: number;
  /** A diff touching more records than this is answered with the whole feed, as IXFR falls back to AXFR. */
  maxDiffRecords?: number;
  pageSize?: number;
  /** Renderings started over because a release landed meanwhile, before giving up. */
  maxAttempts?: number;
  /** The zone to read; by default the store's. */
  source?: ZoneSource;
  /** How long a rendering waits for the release's checkpoint, signed just after the release commits (ms). */
  checkpointWaitMs?: number;
  /** The next hops the route feeds (bird, bgp-json) give, as decree's own BGP daemon announces them. */
  nextHops?: NextHops | undefined;
  /**
   * How long the current release, once read, is taken as current without asking the store again (ms); 0 (the
   * default) asks at every request. Only for a cache told of each release (`released()`) by the process that
   * builds them: a release built elsewhere (another instance) is then seen this much later at most. Infinity
   * when no release is ever built elsewhere.
   */
  versionMaxAgeMs?: number;
}

/** A feed another part of decree renders: its format (the file's base name), type and file extension. */
export interface RenderedFeed {
  format: string;
  contentType: string;
  extension: string;
}

/** A read of the current release: when it started, and its value once it came. */
interface Reading {
  at: number;
  version: Promise<ZoneVersion>;
  value?: ZoneVersion;
}

interface Plan {
  renderer: FeedRenderer;
  version: ZoneVersion;
  diff: FeedDiff | null;
}

/**
 * Renders each (serial, format[, since]) of the zone once, into `<dataDir>/feeds/<serial>/`, signs it, and
 * serves it from disk afterwards (the files: signed-feed-files.ts). A rendering during which a release landed
 * is thrown away and done again for the new release.
 */
export class FeedCache {
  private readonly source: ZoneSource;
  private readonly lookup: OwnerLookup;
  private readonly files: SignedFeedFiles;
  /** The current release as last read (`versionMaxAgeMs`), and a read of it under way to replace that one. */
  private current: Reading | undefined;
  private refreshing: Reading | undefined;

  constructor(private readonly options: FeedCacheOptions) {
    this.source = options.source ?? new ZoneSource(options.db);
    this.lookup = zoneOwnerLookup(options.db);
    this.files = new SignedFeedFiles(options);
  }

  /** The current release: read from the store, or the one read less than `versionMaxAgeMs` ago. */
  version(): Promise<ZoneVersion> {
    const maxAge = this.options.versionMaxAgeMs ?? 0;
    if (maxAge <= 0) return this.source.version();
    const now = performance.now();
    if (this.current && now - this.current.at < maxAge) return this.current.version;
    this.current = this.read(now);
    return this.current.version;
  }

  /**
   * The current release's feed in `format` (or its diff since `since`) when its bytes are in memory and the
   * current release was read less than `versionMaxAgeMs` ago: answered without a read, a render or a wait.
   * Undefined otherwise (the caller takes the usual path, `open`); a stale read is refreshed meanwhile.
   */
  inMemory(format: string, since?: number): { feed: CachedFeed; bytes: Buffer } | undefined {
    const maxAge = this.options.versionMaxAgeMs ?? 0;
    if (maxAge <= 0) return undefined;
    const now = performance.now();
    const current = this.current;
    if (!current?.value || now - current.at >= maxAge) {
      this.version().catch(() => {});
      return undefined;
    }
    // Read again before this reading is too old, so that a steady stream of polls never finds it stale.
    if (now - current.at >= maxAge / 2 && !this.refreshing) this.refreshing = this.read(now);
    return this.files.inMemory(current.value.serial, feedBaseName(format, since ?? null));
  }

  /** A release was committed: the next request reads the current one from the store. */
  released(): void {
    this.current = undefined;
    // A read started before the news may have seen the store before the release: it is not kept.
    this.refreshing = undefined;
  }

  private read(now: number): Reading {
    const version = this.source.version();
    const reading: Reading = { at: now, version };
    version.then(
      (value) => {
        reading.value = value;
        if (this.refreshing === reading) {
          this.current = reading;
          this.refreshing = undefined;
        }
      },
      () => {
        if (this.current === reading) this.current = undefined;
        if (this.refreshing === reading) this.refreshing = undefined;
      },
    );
    return reading;
  }

  signingKey(): Promise<SigningKey> {
    return this.files.signingKey();
  }

  /** The current release's feed in `format`, or its diff since `since` when the format has diffs. */
  async feed(format: string, since?: number): Promise<CachedFeed> {
    const renderer = rendererFor(format);
    const attempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const version = await this.version();
      const found = await this.cachedOrRendered(renderer, version, since);
      if (found) return found;
      // A release landed since the version was read: read it again, not from memory.
      this.released();
    }
    throw new DecreeError(
      "FEED_ZONE_MOVING",
      `The zone changed during each of ${attempts} renderings of the ${format} feed; try again in a moment.`,
    );
  }

  /** `feed()`, opened; if the file was pruned between the two (a newer release), asks again. */
  open(format: string, since?: number): Promise<OpenFeed> {
    return this.files.open(() => this.feed(format, since));
  }

  pathOf(feed: CachedFeed): string {
    return this.files.pathOf(feed);
  }

  /**
   * A feed of the current release that the caller renders from the store (the open test lists), once per
   * release and format, into the same files, with the same signature, as the zone's feeds: `chunks` is read
   * page by page into the file, and a rendering during which a release landed is done again.
   */
  async rendered(target: RenderedFeed, chunks: () => AsyncIterable<string>): Promise<CachedFeed> {
    const attempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const version = await this.version();
      const hit = await this.files.readMeta(version.serial, feedBaseName(target.format, null));
      if (hit) return hit;
      const made = await this.files.produce(
        { ...target, serial: version.serial, releaseId: version.releaseId, from: null },
        chunks,
        async () => (await this.source.version()).releaseId === version.releaseId,
      );
      if (made) return made;
      this.released();
    }
    throw new DecreeError(
      "FEED_ZONE_MOVING",
      `The registry changed during each of ${attempts} renderings of ${target.format}; try again in a moment.`,
    );
  }

  /** `rendered()`, opened to be sent. */
  openRendered(target: RenderedFeed, chunks: () => AsyncIterable<string>): Promise<OpenFeed> {
    return this.files.open(() => this.rendered(target, chunks));
  }

  private async cachedOrRendered(renderer: FeedRenderer, version: ZoneVersion, since?: number) {
    if (since !== undefined && renderer.renderDiff) {
      const hit = await this.files.readMeta(version.serial, feedBaseName(renderer.format, since));
      if (hit) return hit;
      const journal = await feedDiff(this.source, this.lookup, since, this.options.maxDiffRecords ?? 200_000);
      if (journal && journal.version.releaseId !== version.releaseId) return undefined;
      if (journal) return this.render({ renderer, version, diff: journal.diff });
    }
    const hit = await this.files.readMeta(version.serial, feedBaseName(renderer.format, null));
    return hit ?? this.render({ renderer, version, diff: null });
  }

  /** Renders the plan; undefined (and nothing kept) when a release landed meanwhile. */
  private async render(plan: Plan): Promise<CachedFeed | undefined> {
    const { renderer, version, diff } = plan;
    const checkpoint = await this.checkpointOf(version.releaseId);
    // Read after `version`: a release landing in between fails the check below and the feed renders again.
    const canaries = await this.options.db
      .selectFrom("zone_records")
      .select(["owner", "rdata"])
      .where("rtype", "=", canaryRtype)
      .execute();
    const context = {
      canaries,
      zone: this.options.zone,
      nextHops: this.options.nextHops,
      edeOf: orderEdeLookup(this.options.db),
      serial: version.serial,
      checkpoint: checkpoint && { size: checkpoint.size, rootHash: checkpoint.rootHash },
    };
    return this.files.produce(
      {
        format: renderer.format,
        contentType: renderer.contentType,
        extension: renderer.extension,
        serial: version.serial,
        releaseId: version.releaseId,
        from: diff?.from ?? null,
      },
      () =>
        diff && renderer.renderDiff
          ? renderer.renderDiff(diff, context)
          : renderer.render(feedEntries(this.source.pages(this.options.pageSize), this.lookup), context),
      // The pages are separate reads: if a release committed between two of them the file mixes releases. A
      // checkpoint signed while a feed rendered without one means rendering again, to name it.
      async () =>
        (await this.source.version()).releaseId === version.releaseId &&
        (checkpoint !== undefined ||
          (await checkpointOfRelease(this.options.db, version.releaseId)) === undefined),
    );
  }

  /**
   * The release's checkpoint. The scheduler signs it in its own transaction right after the release commits,
   * so where the log is kept a request landing in between waits for it rather than render a feed naming none.
   * A store whose releases nobody signs (no scheduler has ever run) renders at once, without one.
   */
  private async checkpointOf(releaseId: number) {
    const deadline = Date.now() + (this.options.checkpointWaitMs ?? 2000);
    for (;;) {
      const checkpoint = await checkpointOfRelease(this.options.db, releaseId);
      if (checkpoint || releaseId === 0 || Date.now() >= deadline || !(await this.logIsSigned())) {
        return checkpoint;
      }
      await sleep(20);
    }
  }

  private async logIsSigned(): Promise<boolean> {
    const any = await this.options.db
      .selectFrom("log_checkpoints")
      .select("size")
      .limit(1)
      .executeTakeFirst();
    return any !== undefined;
  }
}
