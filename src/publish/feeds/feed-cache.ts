import { setTimeout as sleep } from "node:timers/promises";
import type { Kysely } from "kysely";
import { DecreeError } from "../../errors/decree-error.ts";
import { checkpointOfRelease } from "../../registry/log/log-checkpoints.ts";
import type { Database } from "../../store/database.ts";
import type { NextHops } from "../bgp/blackhole-route.ts";
import type { FeedRenderer } from "../renderers/feed-renderer.ts";
import { rendererFor } from "../renderers/index.ts";
import type { SigningKey } from "../signing-key.ts";
import { ZoneSource, type ZoneVersion } from "../zone-source.ts";
import { type FeedDiff, feedDiff } from "./feed-diff.ts";
import { feedEntries, type OwnerLookup } from "./feed-entries.ts";
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

  constructor(private readonly options: FeedCacheOptions) {
    this.source = options.source ?? new ZoneSource(options.db);
    this.lookup = zoneOwnerLookup(options.db);
    this.files = new SignedFeedFiles(options);
  }

  version(): Promise<ZoneVersion> {
    return this.source.version();
  }

  signingKey(): Promise<SigningKey> {
    return this.files.signingKey();
  }

  /** The current release's feed in `format`, or its diff since `since` when the format has diffs. */
  async feed(format: string, since?: number): Promise<CachedFeed> {
    const renderer = rendererFor(format);
    const attempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const version = await this.source.version();
      const found = await this.cachedOrRendered(renderer, version, since);
      if (found) return found;
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
    const context = {
      zone: this.options.zone,
      nextHops: this.options.nextHops,
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
