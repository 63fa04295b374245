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
import type { Database } from "../../store/database.ts";
import { registrySigningKey, type SigningKey } from "../signing-key.ts";
import { writeHashedFile } from "./write-hashed-file.ts";

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

/** A feed ready to send: its bytes from memory when it is small, else its file, open. */
export type OpenFeed =
  | { feed: CachedFeed; bytes: Buffer; handle?: undefined }
  /** Open before it is returned, so that pruning the file afterwards cannot cut the response short. */
  | { feed: CachedFeed; handle: FileHandle; bytes?: undefined };

/** What a rendering is about to produce: everything of a CachedFeed but the bytes' hash and signature. */
export interface FeedToRender {
  format: string;
  contentType: string;
  extension: string;
  serial: number;
  releaseId: number;
  from: number | null;
}

export interface SignedFeedFilesOptions {
  db: Kysely<Database>;
  /** Feeds live in `<dataDir>/feeds/<serial>/`. */
  dataDir: string;
  /** How many serials keep their files; older ones are deleted once a newer feed is written. */
  keepSerials?: number;
  /** Feeds up to this size are also kept in memory, for polls that come thousands of times a second. */
  memoryMaxFileBytes?: number;
  /** The memory all those copies may take, oldest dropped first. */
  memoryMaxBytes?: number;
}

const staleTempMs = 3_600_000;
const defaultMemoryMaxFileBytes = 1_048_576;
const defaultMemoryMaxBytes = 64 * 1_048_576;

/**
 * The files every signed feed is kept in, whoever renders it (the operators' feeds, the search engines'
 * de-listing lists): `<dataDir>/feeds/<serial>/<base>.<ext>`, its detached signature and its metadata. A file
 * is written under a temporary name while it is hashed and renamed into place whole, so nobody ever reads half
 * a feed; concurrent requests for one feed wait for one rendering.
 */
export class SignedFeedFiles {
  private readonly inFlight = new Map<string, Promise<CachedFeed | undefined>>();
  /**
   * Finished feeds by `<serial>/<base>`: a feed never changes once written (same release, same bytes), so
   * what was read from disk once is known; small ones keep their bytes too. Files another instance pruned
   * are forgotten when opening them fails.
   */
  private readonly known = new Map<string, { feed: CachedFeed; bytes?: Buffer }>();
  private knownBytes = 0;
  private key: Promise<SigningKey> | undefined;
  private readonly feedsDir: string;
  private readonly tempDir: string;

  constructor(private readonly options: SignedFeedFilesOptions) {
    this.feedsDir = join(options.dataDir, "feeds");
    this.tempDir = join(this.feedsDir, ".tmp");
  }

  signingKey(): Promise<SigningKey> {
    this.key ??= registrySigningKey(this.options.db).catch((error: unknown) => {
      this.key = undefined;
      throw error;
    });
    return this.key;
  }

  pathOf(feed: CachedFeed): string {
    return join(this.feedsDir, String(feed.serial), feed.file);
  }

  /** The finished feed, or undefined when it has not been rendered (or not completely). */
  async readMeta(serial: number, base: string): Promise<CachedFeed | undefined> {
    const known = this.known.get(`${serial}/${base}`);
    if (known) return known.feed;
    try {
      const feed: CachedFeed = JSON.parse(
        await readFile(join(this.feedsDir, String(serial), `${base}.meta.json`), "utf8"),
      );
      this.remember(feed, base);
      return feed;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  /**
   * Renders `chunks` into the feed once, however many callers ask at the same time. `stillCurrent` runs after
   * the bytes are written: when it says no (a release landed while a renderer read pages of the zone), the
   * file is thrown away and undefined returned, for the caller to start over.
   */
  produce(
    target: FeedToRender,
    chunks: () => AsyncIterable<string>,
    stillCurrent: () => Promise<boolean> = async () => true,
  ): Promise<CachedFeed | undefined> {
    const base = feedBaseName(target.format, target.from);
    const key = `${target.serial}/${base}`;
    let rendering = this.inFlight.get(key);
    if (!rendering) {
      rendering = this.render(target, base, chunks, stillCurrent).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, rendering);
    }
    return rendering;
  }

  /** The finished feed with its bytes, when they are in memory: what a hot poll is answered from, at once. */
  inMemory(serial: number, base: string): { feed: CachedFeed; bytes: Buffer } | undefined {
    const known = this.known.get(`${serial}/${base}`);
    return known?.bytes ? { feed: known.feed, bytes: known.bytes } : undefined;
  }

  /** `feed()`, opened; if the file was pruned between the two (a newer release), asks again. */
  async open(feed: () => Promise<CachedFeed>): Promise<OpenFeed> {
    for (;;) {
      const found = await feed();
      const key = `${found.serial}/${feedBaseName(found.format, found.from)}`;
      const known = this.known.get(key);
      if (known?.bytes) return { feed: found, bytes: known.bytes };
      try {
        const handle = await open(this.pathOf(found), "r");
        if (found.size > (this.options.memoryMaxFileBytes ?? defaultMemoryMaxFileBytes)) {
          return { feed: found, handle };
        }
        try {
          const bytes = await handle.readFile();
          this.keepBytes(key, found, bytes);
          return { feed: found, bytes };
        } finally {
          await handle.close();
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        this.forget(key);
      }
    }
  }

  private async render(
    target: FeedToRender,
    base: string,
    chunks: () => AsyncIterable<string>,
    stillCurrent: () => Promise<boolean>,
  ): Promise<CachedFeed | undefined> {
    // A request that looked before another's rendering was committed, but arrives after it ended.
    const done = await this.readMeta(target.serial, base);
    if (done) return done;
    await mkdir(this.tempDir, { recursive: true });
    const temp = join(this.tempDir, `${process.pid}-${randomUUID()}`);
    try {
      const written = await writeHashedFile(chunks(), temp);
      if (!(await stillCurrent())) return undefined;
      const { extension, ...rest } = target;
      return await this.commit({ ...rest, file: `${base}.${extension}`, ...written }, base, temp);
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Content, then signature, then metadata, each renamed into place: the metadata's presence means done. */
  private async commit(
    unsigned: Omit<CachedFeed, "keyId" | "signature">,
    base: string,
    temp: string,
  ): Promise<CachedFeed> {
    const dir = join(this.feedsDir, String(unsigned.serial));
    await mkdir(dir, { recursive: true });
    await rename(temp, join(dir, unsigned.file));
    const key = await this.signingKey();
    // Ed25519 signs the message itself, not a hash of it: the file is read whole, once (RFC 8032 §5.1.6).
    const signature = key.sign(await readFile(join(dir, unsigned.file)));
    const feed: CachedFeed = { ...unsigned, keyId: key.keyId, signature: signature.toString("base64") };
    await this.writeAtomically(join(dir, `${base}.sig`), signature);
    await this.writeAtomically(join(dir, `${base}.meta.json`), `${JSON.stringify(feed, null, 2)}\n`);
    this.remember(feed, base);
    await this.prune(feed.serial);
    return feed;
  }

  private remember(feed: CachedFeed, base: string): void {
    const key = `${feed.serial}/${base}`;
    if (!this.known.has(key)) this.known.set(key, { feed });
  }

  private keepBytes(key: string, feed: CachedFeed, bytes: Buffer): void {
    this.forget(key);
    this.known.set(key, { feed, bytes });
    this.knownBytes += bytes.length;
    const limit = this.options.memoryMaxBytes ?? defaultMemoryMaxBytes;
    // A Map iterates in insertion order: the first entries are the oldest.
    for (const [oldest, entry] of this.known) {
      if (this.knownBytes <= limit) break;
      if (!entry.bytes || oldest === key) continue;
      this.forget(oldest);
    }
  }

  private forget(key: string): void {
    const entry = this.known.get(key);
    if (entry?.bytes) this.knownBytes -= entry.bytes.length;
    this.known.delete(key);
  }

  private async writeAtomically(path: string, data: string | Buffer): Promise<void> {
    const temp = join(this.tempDir, `${process.pid}-${randomUUID()}`);
    await writeFile(temp, data);
    await rename(temp, path);
  }

  /**
   * Keeps the newest serials' folders (and `current`'s, and that of the last release that went to all, which
   * everyone but the canaries reads while releases are staged above it), and removes temporary files a crash
   * left behind.
   */
  private async prune(current: number): Promise<void> {
    const keep = this.options.keepSerials ?? 3;
    const entries = await readdir(this.feedsDir, { withFileTypes: true });
    const released = await this.options.db
      .selectFrom("releases")
      .select("serial")
      .where("staged", "=", 0)
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    const everyone = released === undefined ? undefined : Number(released.serial);
    const serials = entries
      .filter((entry) => entry.isDirectory() && /^\d+$/.test(entry.name))
      .map((entry) => Number(entry.name))
      .filter((serial) => serial !== current && serial !== everyone)
      .sort((a, b) => b - a);
    for (const serial of serials.slice(Math.max(keep - 1, 0))) {
      await rm(join(this.feedsDir, String(serial)), { recursive: true, force: true });
      for (const key of this.known.keys()) if (key.startsWith(`${serial}/`)) this.forget(key);
    }
    for (const name of await readdir(this.tempDir)) {
      const path = join(this.tempDir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > staleTempMs) await rm(path, { force: true });
    }
  }
}

/** `json` for the whole feed, `json.since-41` for the diff from serial 41. */
export function feedBaseName(format: string, from: number | null): string {
  return from === null ? format : `${format}.since-${from}`;
}
