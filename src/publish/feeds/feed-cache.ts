import { setTimeout as sleep } from "node:timers/promises";
import type { Kysely } from "kysely";
import { DecreeError } from "../../errors/decree-error.ts";
import { checkpointOfRelease } from "../../registry/log/log-checkpoints.ts";
import type { Database } from "../../store/database.ts";
import { type Audience, AudienceZone, type ZoneView } from "../audience-zone.ts";
import type { NextHops } from "../bgp/blackhole-route.ts";
import type { FeedRenderer } from "../renderers/feed-renderer.ts";
import { rendererFor } from "../renderers/index.ts";
import { withheldTargets } from "../rollout/withheld-targets.ts";
import type { SigningKey } from "../signing-key.ts";
import { ZoneSource, type ZoneVersion } from "../zone-source.ts";
import { type FeedDiff, feedDiff } from "./feed-diff.ts";
import { feedEntries } from "./feed-entries.ts";
import { orderEdeLookup } from "./order-ede-lookup.ts";
import { type CachedFeed, feedBaseName, type OpenFeed, SignedFeedFiles } from "./signed-feed-files.ts";

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

/** A read of the current releases, everyone's and the newest (canaries'): when it started, and their values. */
interface Reading {
  at: number;
  version: Promise<ZoneVersion>;
  newest: Promise<ZoneVersion>;
  value?: ZoneVersion;
  newestValue?: ZoneVersion;
  /** A release was staged above it: a promotion moves everyone's release with no new release to announce it. */
  staged?: boolean;
}

/**
 * How long everyone's release is taken as current while a release is staged above it: a rollout is promoted
 * by a job or a person, maybe in another instance, and no release is built to tell the cache; as the release
 * scheduler's own poll of the store.
 */
const stagedVersionMaxAgeMs = 50;

interface Plan {
  renderer: FeedRenderer;
  zone: AudienceZone;
  view: ZoneView;
  diff: FeedDiff | null;
}

/**
 * Renders each (serial, format[, since]) of the zone once, into `<dataDir>/feeds/<serial>/`, signs it, and
 * serves it from disk afterwards (the files: signed-feed-files.ts). A rendering during which a release landed
 * is thrown away and done again for the new release.
 *
 * Each audience (audience-zone.ts) gets its own release: everyone the last one released to all, a canary
 * operator the newest, staged or not. A serial's files are that release's zone whoever asked, so they are
 * shared: a canary's staged feed is a later serial than anything everyone else is ever answered while the
 * rollout lasts, and a diff for everyone starts only from a serial everyone was given.
 */
export class FeedCache {
  private readonly source: ZoneSource;
  private readonly zones: Record<Audience, AudienceZone>;
  private readonly files: SignedFeedFiles;
  /** Everyone's release as last read (`versionMaxAgeMs`), and a read of it under way to replace that one. */
  private current: Reading | undefined;
  private refreshing: Reading | undefined;

  constructor(private readonly options: FeedCacheOptions) {
    this.source = options.source ?? new ZoneSource(options.db);
    this.zones = {
      everyone: new AudienceZone(options.db, this.source, "everyone"),
      canaries: new AudienceZone(options.db, this.source, "canaries"),
    };
    this.files = new SignedFeedFiles(options);
  }

  /**
   * The release `audience` gets now: read from the store, or (everyone's) the one read less than
   * `versionMaxAgeMs` ago.
   */
  version(audience: Audience = "everyone"): Promise<ZoneVersion> {
    const maxAge = this.options.versionMaxAgeMs ?? 0;
    if (maxAge <= 0) return this.zones[audience].version();
    const now = performance.now();
    if (!this.current || now - this.current.at >= this.maxAgeOf(this.current)) this.current = this.read(now);
    // Both releases come from one read: the newest is what a canary gets (audience-zone.ts), and it moves only
    // with a release, which `released()` hears of (or, built elsewhere, the next read sees).
    return audience === "canaries" ? this.current.newest : this.current.version;
  }

  /**
   * The current feed of `audience` in `format` (or its diff since `since`) when its bytes are in memory and
   * the current releases were read less than `versionMaxAgeMs` ago: answered without a read, a render or a
   * wait. Undefined otherwise (the caller takes the usual path, `open`); a stale read is refreshed meanwhile.
   */
  inMemory(
    format: string,
    since?: number,
    audience: Audience = "everyone",
  ): { feed: CachedFeed; bytes: Buffer } | undefined {
    const maxAge = this.options.versionMaxAgeMs ?? 0;
    if (maxAge <= 0) return undefined;
    const now = performance.now();
    const current = this.current;
    const age = current ? this.maxAgeOf(current) : maxAge;
    const value = audience === "canaries" ? current?.newestValue : current?.value;
    if (!current || !value || now - current.at >= age) {
      this.version().catch(() => {});
      return undefined;
    }
    // Read again before this reading is too old, so that a steady stream of polls never finds it stale.
    if (now - current.at >= age / 2 && !this.refreshing) this.refreshing = this.read(now);
    return this.files.inMemory(value.serial, feedBaseName(format, since ?? null));
  }

  /** A release was committed: the next request reads the current one from the store. */
  released(): void {
    this.current = undefined;
    // A read started before the news may have seen the store before the release: it is not kept.
    this.refreshing = undefined;
  }

  private maxAgeOf(reading: Reading): number {
    const maxAge = this.options.versionMaxAgeMs ?? 0;
    return reading.staged ? Math.min(maxAge, stagedVersionMaxAgeMs) : maxAge;
  }

  private read(now: number): Reading {
    const both = Promise.all([this.zones.everyone.version(), this.zones.canaries.version()]);
    const reading: Reading = {
      at: now,
      version: both.then(([released]) => released),
      newest: both.then(([, newest]) => newest),
    };
    // A caller waits for one of the two; the other's failure is the same one, already seen there.
    reading.version.catch(() => {});
    reading.newest.catch(() => {});
    both.then(
      ([released, newest]) => {
        reading.staged = released.releaseId !== newest.releaseId;
        reading.value = released;
        reading.newestValue = newest;
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

  /**
   * The feed in `format` of the release `audience` gets, or its diff since `since` when the format has diffs
   * and `audience` was given that serial.
   */
  async feed(format: string, since?: number, audience: Audience = "everyone"): Promise<CachedFeed> {
    const renderer = rendererFor(format);
    const attempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const version = await this.version(audience);
      const found = await this.cachedOrRendered(renderer, this.zones[audience], version, since);
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
  open(format: string, since?: number, audience: Audience = "everyone"): Promise<OpenFeed> {
    return this.files.open(() => this.feed(format, since, audience));
  }

  pathOf(feed: CachedFeed): string {
    return this.files.pathOf(feed);
  }

  /**
   * A feed of the release `audience` gets that the caller renders from the store (the open test lists), once
   * per release and format, into the same files, with the same signature, as the zone's feeds: `chunks` is
   * read page by page into the file, and a rendering during which a release landed is done again. `chunks` is
   * told the entries that release withholds (a staged rollout's, for everyone), to leave them out.
   */
  async rendered(
    target: RenderedFeed,
    chunks: (withheld: ReadonlySet<number>) => AsyncIterable<string>,
    audience: Audience = "everyone",
  ): Promise<CachedFeed> {
    const attempts = this.options.maxAttempts ?? 5;
    const zone = this.zones[audience];
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const version = await this.version(audience);
      const hit = await this.files.readMeta(version.serial, feedBaseName(target.format, null));
      if (hit) return hit;
      const view = await zone.view();
      if (view.version.releaseId !== version.releaseId) {
        this.released();
        continue;
      }
      const withheld = await withheldTargets(this.options.db, view.version.releaseId);
      const made = await this.files.produce(
        { ...target, serial: version.serial, releaseId: version.releaseId, from: null },
        () => chunks(withheld),
        () => zone.holds(view),
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
  openRendered(
    target: RenderedFeed,
    chunks: (withheld: ReadonlySet<number>) => AsyncIterable<string>,
    audience: Audience = "everyone",
  ): Promise<OpenFeed> {
    return this.files.open(() => this.rendered(target, chunks, audience));
  }

  private async cachedOrRendered(
    renderer: FeedRenderer,
    zone: AudienceZone,
    version: ZoneVersion,
    since?: number,
  ) {
    if (since !== undefined && renderer.renderDiff) {
      const hit = await this.files.readMeta(version.serial, feedBaseName(renderer.format, since));
      if (hit) return hit;
      const view = await zone.view();
      if (view.version.releaseId !== version.releaseId) return undefined;
      const journal = await feedDiff(
        zone,
        view.lookup,
        since,
        this.options.maxDiffRecords ?? 200_000,
        view.version,
      );
      if (journal) return this.render({ renderer, zone, view, diff: journal.diff });
    }
    const hit = await this.files.readMeta(version.serial, feedBaseName(renderer.format, null));
    if (hit) return hit;
    const view = await zone.view();
    if (view.version.releaseId !== version.releaseId) return undefined;
    return this.render({ renderer, zone, view, diff: null });
  }

  /** Renders the plan; undefined (and nothing kept) when a release landed meanwhile. */
  private async render(plan: Plan): Promise<CachedFeed | undefined> {
    const { renderer, zone, view, diff } = plan;
    const version = view.version;
    const checkpoint = await this.checkpointOf(version.releaseId);
    // Read after the view: a release landing in between fails the check below and the feed renders again.
    const canaries = await view.canaries();
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
          : renderer.render(feedEntries(view.pages(this.options.pageSize), view.lookup), context),
      // The pages are separate reads: if a release committed between two of them the file mixes releases. A
      // checkpoint signed while a feed rendered without one means rendering again, to name it.
      async () =>
        (await zone.holds(view)) &&
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
