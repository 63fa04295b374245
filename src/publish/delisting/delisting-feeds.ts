import type { Kysely } from "kysely";
import { DecreeError } from "../../errors/decree-error.ts";
import { checkpointOfRelease } from "../../registry/log/log-checkpoints.ts";
import type { Database } from "../../store/database.ts";
import type { Audience } from "../audience-zone.ts";
import { type CachedFeed, feedBaseName, type OpenFeed, SignedFeedFiles } from "../feeds/signed-feed-files.ts";
import type { DelistingRenderer } from "../renderers/delisting-renderer.ts";
import { delistingRendererFor } from "../renderers/delisting-renderers.ts";
import { withheldTargets } from "../rollout/withheld-targets.ts";
import type { SigningKey } from "../signing-key.ts";
import { delistingDiff, delistingEntriesAt } from "./delisting-entries.ts";

export interface DelistingFeedsOptions {
  db: Kysely<Database>;
  /** Lists live beside the operators' feeds, in `<dataDir>/feeds/<serial>/delisting-<format>…`. */
  dataDir: string;
  keepSerials?: number;
  /** Renderings started over because the log moved meanwhile, before giving up. */
  maxAttempts?: number;
}

/** A release as the de-listing list sees it: its serial and the last event it reflects. */
interface ReleasePoint {
  releaseId: number;
  serial: number;
  cutoff: number;
}

/**
 * The search engines' de-listing lists: each release's list (or its diff since an earlier serial) rendered
 * once, signed with the registry's key and served from disk, by the same machinery as the operators' feeds.
 * The serial is the release's: search engines acknowledge the same numbers operators do.
 */
export class DelistingFeeds {
  private readonly files: SignedFeedFiles;

  constructor(private readonly options: DelistingFeedsOptions) {
    this.files = new SignedFeedFiles(options);
  }

  signingKey(): Promise<SigningKey> {
    return this.files.signingKey();
  }

  /**
   * The latest release `audience` gets (serial 0 and an empty list before the first): the newest for a canary,
   * the last one released to all for everyone else (audience-zone.ts).
   */
  async current(audience: Audience = "everyone"): Promise<ReleasePoint> {
    let query = this.options.db.selectFrom("releases").select(["id", "serial", "last_event_id"]);
    if (audience === "everyone") query = query.where("staged", "=", 0);
    const row = await query.orderBy("id", "desc").limit(1).executeTakeFirst();
    return row
      ? { releaseId: Number(row.id), serial: Number(row.serial), cutoff: Number(row.last_event_id) }
      : { releaseId: 0, serial: 0, cutoff: 0 };
  }

  /** The current release's list in `format`, or its diff since serial `since` when that release is known. */
  async feed(format: string, since?: number, audience: Audience = "everyone"): Promise<CachedFeed> {
    const renderer = delistingRendererFor(format);
    const attempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const found = await this.cachedOrRendered(renderer, await this.current(audience), audience, since);
      if (found) return found;
    }
    throw new DecreeError(
      "FEED_ZONE_MOVING",
      `The registry changed during each of ${attempts} renderings of the de-listing list; try again in a moment.`,
    );
  }

  open(format: string, since?: number, audience: Audience = "everyone"): Promise<OpenFeed> {
    return this.files.open(() => this.feed(format, since, audience));
  }

  private async cachedOrRendered(
    renderer: DelistingRenderer,
    release: ReleasePoint,
    audience: Audience,
    since?: number,
  ) {
    const format = `delisting-${renderer.format}`;
    const withheld = await withheldTargets(this.options.db, release.releaseId);
    const known =
      since === undefined ? undefined : await this.releaseWithSerial(since, release.releaseId, audience);
    // The log's diff knows nothing of rollouts: where either end withholds entries, the whole list is sent.
    const start =
      known && withheld.size === 0 && (await withheldTargets(this.options.db, known.releaseId)).size === 0
        ? known
        : undefined;
    const base = feedBaseName(format, start ? start.serial : null);
    const hit = await this.files.readMeta(release.serial, base);
    if (hit) return hit;
    const target = {
      format,
      contentType: renderer.contentType,
      extension: renderer.extension,
      serial: release.serial,
      releaseId: release.releaseId,
      from: start ? start.serial : null,
    };
    if (start) {
      // A diff reads only the log between two release points, which later events do not change.
      const diff = await delistingDiff(this.options.db, start, release);
      return this.files.produce(target, () => renderer.renderDiff(diff));
    }
    const before = await this.lastEventId();
    const checkpoint = await checkpointOfRelease(this.options.db, release.releaseId);
    const context = {
      serial: release.serial,
      checkpoint: checkpoint && { size: checkpoint.size, rootHash: checkpoint.rootHash },
    };
    return this.files.produce(
      target,
      () => renderer.render(delistingEntriesAt(this.options.db, release.cutoff, withheld), context),
      // The pages read current states and correct the targets that moved since the cutoff; a target that
      // moves while the pages are read could be missed, so the rendering is thrown away if any event landed.
      async () => (await this.lastEventId()) === before,
    );
  }

  /**
   * The newest release with this serial up to `upTo` (serials wrap, RFC 1982) that `audience` was given (a
   * staged one only to canaries), or undefined.
   */
  private async releaseWithSerial(
    serial: number,
    upTo: number,
    audience: Audience,
  ): Promise<ReleasePoint | undefined> {
    let query = this.options.db
      .selectFrom("releases")
      .select(["id", "serial", "last_event_id"])
      .where("serial", "=", serial)
      .where("id", "<=", upTo);
    if (audience === "everyone") query = query.where("staged", "=", 0);
    const row = await query.orderBy("id", "desc").limit(1).executeTakeFirst();
    return row
      ? { releaseId: Number(row.id), serial: Number(row.serial), cutoff: Number(row.last_event_id) }
      : undefined;
  }

  private async lastEventId(): Promise<number> {
    const row = await this.options.db
      .selectFrom("events")
      .select((eb) => eb.fn.max("id").as("id"))
      .executeTakeFirst();
    return Number(row?.id ?? 0);
  }
}
