import { randomUUID } from "node:crypto";
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import type { Database } from "../store/database.ts";
import { type FeedDiff, feedDiff } from "./feed-diff.ts";
import { feedEntries, type OwnerLookup } from "./feed-entries.ts";
import type { FeedRenderer } from "./renderers/feed-renderer.ts";
import { rendererFor } from "./renderers/index.ts";
import { registrySigningKey, type SigningKey } from "./signing-key.ts";
import { writeHashedFile } from "./write-hashed-file.ts";
import { zoneOwnerLookup } from "./zone-owner-lookup.ts";
import { ZoneSource, type ZoneVersion } from "./zone-source.ts";

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
}

/** A rendered, signed feed on disk; its `.meta.json` is written last and so marks the feed complete. */
export interface CachedFeed {
  format: string;
  contentType: string;
  serial: number;
  releaseId: number;
  /** The serial a diff starts from; null for the whole feed. */
  from: number | null;
  /** The file's name inside its serial's folder. */
  file: string;
  size: number;
  /** SHA-256 of the file's bytes, hex. */
  sha256: string;
  keyId: string;
  /** Ed25519 (RFC 8032) over the file's exact bytes, base64. */
  signature: string;
}

export interface OpenFeed {
  feed: CachedFeed;
  /** Open before it is returned, so that pruning the file afterwards cannot cut the response short. */
  handle: FileHandle;
}

type Unsigned = Omit<CachedFeed, "keyId" | "signature">;

interface Plan {
  renderer: FeedRenderer;
  version: ZoneVersion;
  diff: FeedDiff | null;
}

const staleTempMs = 3_600_000;

/**
 * Renders each (serial, format[, since]) once, into `<dataDir>/feeds/<serial>/`, signs it, and serves it from
 * disk afterwards. A file is written under a temporary name while it is hashed and only renamed into place
 * whole, so nobody ever reads half a feed; concurrent requests for one feed wait for one rendering; a
 * rendering during which a release landed is thrown away and done again for the new release.
 */
export class FeedCache {
  private readonly source: ZoneSource;
  private readonly lookup: OwnerLookup;
  private readonly inFlight = new Map<string, Promise<CachedFeed | undefined>>();
  private key: Promise<SigningKey> | undefined;
  private readonly feedsDir: string;
  private readonly tempDir: string;

  constructor(private readonly options: FeedCacheOptions) {
    this.source = options.source ?? new ZoneSource(options.db);
    this.lookup = zoneOwnerLookup(options.db);
    this.feedsDir = join(options.dataDir, "feeds");
    this.tempDir = join(this.feedsDir, ".tmp");
  }

  version(): Promise<ZoneVersion> {
    return this.source.version();
  }

  signingKey(): Promise<SigningKey> {
    this.key ??= registrySigningKey(this.options.db).catch((error: unknown) => {
      this.key = undefined;
      throw error;
    });
    return this.key;
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
  async open(format: string, since?: number): Promise<OpenFeed> {
    for (;;) {
      const feed = await this.feed(format, since);
      try {
        return { feed, handle: await open(this.pathOf(feed), "r") };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
  }

  pathOf(feed: CachedFeed): string {
    return join(this.feedsDir, String(feed.serial), feed.file);
  }

  private async cachedOrRendered(renderer: FeedRenderer, version: ZoneVersion, since?: number) {
    if (since !== undefined && renderer.renderDiff) {
      const diffBase = baseName(renderer.format, since);
      const hit = await this.readMeta(version.serial, diffBase);
      if (hit) return hit;
      const journal = await feedDiff(this.source, this.lookup, since, this.options.maxDiffRecords ?? 200_000);
      if (journal && journal.version.releaseId !== version.releaseId) return undefined;
      if (journal) return this.shared({ renderer, version, diff: journal.diff });
    }
    const hit = await this.readMeta(version.serial, baseName(renderer.format, null));
    return hit ?? this.shared({ renderer, version, diff: null });
  }

  private shared(plan: Plan): Promise<CachedFeed | undefined> {
    const key = `${plan.version.serial}/${baseName(plan.renderer.format, plan.diff?.from ?? null)}`;
    let rendering = this.inFlight.get(key);
    if (!rendering) {
      rendering = this.render(plan).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, rendering);
    }
    return rendering;
  }

  /** Renders to a temporary file; undefined (and nothing kept) when a release landed meanwhile. */
  private async render(plan: Plan): Promise<CachedFeed | undefined> {
    const { renderer, version, diff } = plan;
    const base = baseName(renderer.format, diff?.from ?? null);
    // A request that looked before another's rendering was committed, but arrives after it ended.
    const done = await this.readMeta(version.serial, base);
    if (done) return done;
    await mkdir(this.tempDir, { recursive: true });
    const temp = join(this.tempDir, `${process.pid}-${randomUUID()}`);
    try {
      const context = { zone: this.options.zone, serial: version.serial };
      const chunks =
        diff && renderer.renderDiff
          ? renderer.renderDiff(diff, context)
          : renderer.render(feedEntries(this.source.pages(this.options.pageSize), this.lookup), context);
      const written = await writeHashedFile(chunks, temp);
      // The pages are separate reads: if a release committed between two of them the file mixes releases.
      if ((await this.source.version()).releaseId !== version.releaseId) return undefined;
      const unsigned = {
        format: renderer.format,
        contentType: renderer.contentType,
        serial: version.serial,
        releaseId: version.releaseId,
        from: diff?.from ?? null,
        file: `${base}.${renderer.extension}`,
        ...written,
      };
      return await this.commit(unsigned, base, temp);
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Content, then signature, then metadata, each renamed into place: the metadata's presence means done. */
  private async commit(unsigned: Unsigned, base: string, temp: string): Promise<CachedFeed> {
    const dir = join(this.feedsDir, String(unsigned.serial));
    await mkdir(dir, { recursive: true });
    await rename(temp, join(dir, unsigned.file));
    const key = await this.signingKey();
    // Ed25519 signs the message itself, not a hash of it: the file is read whole, once (RFC 8032 §5.1.6).
    const signature = key.sign(await readFile(join(dir, unsigned.file)));
    const feed: CachedFeed = { ...unsigned, keyId: key.keyId, signature: signature.toString("base64") };
    await this.writeAtomically(join(dir, `${base}.sig`), signature);
    await this.writeAtomically(join(dir, `${base}.meta.json`), `${JSON.stringify(feed, null, 2)}\n`);
    await this.prune(feed.serial);
    return feed;
  }

  private async writeAtomically(path: string, data: string | Buffer): Promise<void> {
    const temp = join(this.tempDir, `${process.pid}-${randomUUID()}`);
    await writeFile(temp, data);
    await rename(temp, path);
  }

  private async readMeta(serial: number, base: string): Promise<CachedFeed | undefined> {
    try {
      return JSON.parse(await readFile(join(this.feedsDir, String(serial), `${base}.meta.json`), "utf8"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  /** Keeps the newest serials' folders (and `current`'s), and removes temporary files a crash left behind. */
  private async prune(current: number): Promise<void> {
    const keep = this.options.keepSerials ?? 3;
    const entries = await readdir(this.feedsDir, { withFileTypes: true });
    const serials = entries
      .filter((entry) => entry.isDirectory() && /^\d+$/.test(entry.name))
      .map((entry) => Number(entry.name))
      .filter((serial) => serial !== current)
      .sort((a, b) => b - a);
    for (const serial of serials.slice(Math.max(keep - 1, 0))) {
      await rm(join(this.feedsDir, String(serial)), { recursive: true, force: true });
    }
    for (const name of await readdir(this.tempDir)) {
      const path = join(this.tempDir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > staleTempMs) await rm(path, { force: true });
    }
  }
}

/** `json` for the whole feed, `json.since-41` for the diff from serial 41. */
function baseName(format: string, from: number | null): string {
  return from === null ? format : `${format}.since-${from}`;
}
