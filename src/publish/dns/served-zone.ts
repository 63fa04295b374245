import type { ZoneRecord } from "../rpz-records.ts";
import type { ReleaseStep, ZoneSource, ZoneVersion } from "../zone-source.ts";

/** The zone at one release, frozen: what one AXFR sends from its first message to its last. */
export interface ZoneView extends ZoneVersion {
  /** How many records, apex SOA and NS aside. */
  readonly size: number;
  records(): Generator<ZoneRecord>;
  /**
   * The same records as stored, in order, chunk by chunk: one string each, owner (relative to the apex), type
   * and data joined by `zoneKeySeparator`. For encoders that go through a million records without making an
   * object of each.
   */
  readonly keyChunks: readonly (readonly string[])[];
}

// Records are kept as one string each, owner, type and data joined by a separator below any character a name,
// a type or an address holds, so that comparing two keys as strings orders them by owner, then type, then data:
// a third of the memory of an object per record, and lookups by binary search.
const separator = "\u0001";
/** What joins a stored record's owner, type and data (`ZoneView.keyChunks`). */
export const zoneKeySeparator = separator;
/** Chunks are split past this many keys, so that a release copies little: only the chunks it changes. */
const maxChunk = 2048;
/** A change bigger than this share of the zone (and than `bulkFloor`) is merged in one pass rather than key by key. */
const bulkShare = 8;
const bulkFloor = 50_000;

function keyOf(record: ZoneRecord): string {
  // join, not a template: `+` makes a rope that keeps its parts alive, join one flat string, which at a million
  // entries takes a third of the memory (~70 octets a record instead of ~220).
  return [record.owner, record.rtype, record.rdata].join(separator);
}

function recordOf(key: string): ZoneRecord {
  const first = key.indexOf(separator);
  const second = key.indexOf(separator, first + 1);
  return {
    owner: key.slice(0, first),
    rtype: key.slice(first + 1, second) as ZoneRecord["rtype"],
    rdata: key.slice(second + 1),
  };
}

/** Plain code-unit order, the one binary search relies on (PostgreSQL's collation may order otherwise). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first index in `keys` whose key is not below `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle]! < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

function chunked(keys: string[]): string[][] {
  const chunks: string[][] = [];
  const size = maxChunk / 2;
  for (let at = 0; at < keys.length; at += size) chunks.push(keys.slice(at, at + size));
  return chunks;
}

/**
 * The zone as the DNS primary serves it, held in memory and moved from release to release by each release's
 * journal (what it deleted and added) instead of being read again from the store. A release is applied in one
 * synchronous step, so no answer ever sees half of one, and only a later release is ever applied, so the
 * serial only goes up. Chunks are copied on write: a view taken for a transfer keeps the release it began
 * with while later releases are applied beside it.
 */
export class ServedZone {
  private chunks: string[][];
  private count: number;
  private current: ZoneVersion;

  private constructor(version: ZoneVersion, keys: string[]) {
    this.current = version;
    this.chunks = chunked(keys);
    this.count = keys.length;
  }

  /** An empty zone at release 0, before the first release. */
  static empty(): ServedZone {
    return new ServedZone({ releaseId: 0, serial: 0 }, []);
  }

  /**
   * The whole zone at the store's newest release, read once (at start, or when the journal cannot bridge the
   * gap); read again from the start if a release lands meanwhile, so that it never mixes two releases.
   */
  static async load(source: ZoneSource): Promise<ServedZone> {
    for (;;) {
      const before = await source.version();
      const keys: string[] = [];
      let sorted = true;
      for await (const page of source.pages(50_000)) {
        for (const record of page) {
          const key = keyOf(record);
          if (sorted && keys.length > 0 && keys[keys.length - 1]! >= key) sorted = false;
          keys.push(key);
        }
      }
      const after = await source.version();
      if (after.releaseId !== before.releaseId) continue;
      if (!sorted) keys.sort(compare);
      return new ServedZone(before, keys);
    }
  }

  get version(): ZoneVersion {
    return this.current;
  }

  get size(): number {
    return this.count;
  }

  /**
   * A second zone sharing this one's chunks: either may then move on its own (chunks are copied on write), so
   * that the release canaries get and the one everyone else gets cost only the chunks they differ in.
   */
  fork(): ServedZone {
    const copy = new ServedZone(this.current, []);
    copy.chunks = this.chunks.slice();
    copy.count = this.count;
    return copy;
  }

  /**
   * Takes these releases back, newest first, to stand at `version`: the zone everyone else gets while later
   * releases are staged for canaries. Only on a fork made for that, before it is served.
   */
  rewind(steps: readonly ReleaseStep[], version: ZoneVersion): void {
    const back = steps
      .filter((step) => step.releaseId > version.releaseId && step.releaseId <= this.current.releaseId)
      .reverse()
      .map((step) => ({ ...step, added: step.removed, removed: step.added }));
    this.patch(back);
    this.current = version;
  }

  /** The records at one owner (relative to the apex). */
  lookup(owner: string): ZoneRecord[] {
    const prefix = `${owner}${separator}`;
    const found: ZoneRecord[] = [];
    let index = this.chunkFor(prefix);
    for (; index < this.chunks.length; index++) {
      const chunk = this.chunks[index]!;
      for (let at = lowerBound(chunk, prefix); at < chunk.length; at++) {
        if (!chunk[at]!.startsWith(prefix)) return found;
        found.push(recordOf(chunk[at]!));
      }
    }
    return found;
  }

  /** The current release, frozen: later releases change the zone, never this view. */
  view(): ZoneView {
    const chunks = this.chunks;
    return {
      ...this.current,
      size: this.count,
      keyChunks: chunks,
      *records() {
        for (const chunk of chunks) for (const key of chunk) yield recordOf(key);
      },
    };
  }

  /**
   * Applies the releases after the current one, in order, all in one synchronous step. A step for a release
   * already served is skipped: releases only move forward.
   */
  apply(steps: readonly ReleaseStep[]): void {
    const fresh = steps.filter((step) => step.releaseId > this.current.releaseId);
    if (fresh.length === 0) return;
    const changed = fresh.reduce((sum, step) => sum + step.added.length + step.removed.length, 0);
    if (changed > bulkFloor && changed * bulkShare > this.count) this.merge(fresh);
    else this.patch(fresh);
    const last = fresh[fresh.length - 1]!;
    this.current = { releaseId: last.releaseId, serial: last.serial };
  }

  /** Key by key, copying each chunk it touches once. */
  private patch(steps: readonly ReleaseStep[]): void {
    const chunks = this.chunks.slice();
    const copied = new Set<string[]>();
    const writable = (index: number): string[] => {
      const chunk = chunks[index]!;
      if (copied.has(chunk)) return chunk;
      const copy = chunk.slice();
      copied.add(copy);
      chunks[index] = copy;
      return copy;
    };
    let count = this.count;
    for (const step of steps) {
      for (const record of step.removed) {
        const key = keyOf(record);
        const index = chunkIndex(chunks, key);
        const chunk = chunks[index];
        if (!chunk) continue;
        const at = lowerBound(chunk, key);
        if (chunk[at] !== key) continue;
        const own = writable(index);
        own.splice(at, 1);
        count--;
        if (own.length === 0 && chunks.length > 1) chunks.splice(index, 1);
      }
      for (const record of step.added) {
        const key = keyOf(record);
        if (chunks.length === 0) chunks.push([]);
        const index = chunkIndex(chunks, key);
        const own = writable(index);
        const at = lowerBound(own, key);
        if (own[at] === key) continue;
        own.splice(at, 0, key);
        count++;
        if (own.length > maxChunk) {
          const half = own.splice(own.length >>> 1);
          copied.add(half);
          chunks.splice(index + 1, 0, half);
        }
      }
    }
    this.chunks = chunks;
    this.count = count;
  }

  /** A change as big as a good part of the zone: one sorted merge, linear in the zone. */
  private merge(steps: readonly ReleaseStep[]): void {
    const keys: string[] = [];
    for (const chunk of this.chunks) for (const key of chunk) keys.push(key);
    let current = keys;
    for (const step of steps) {
      const removed = new Set(step.removed.map(keyOf));
      const added = step.added.map(keyOf).sort(compare);
      const next: string[] = [];
      let a = 0;
      for (const key of current) {
        if (removed.has(key)) continue;
        while (a < added.length && added[a]! < key) next.push(added[a++]!);
        if (a < added.length && added[a] === key) a++;
        next.push(key);
      }
      while (a < added.length) next.push(added[a++]!);
      current = next.filter((key, index) => index === 0 || key !== next[index - 1]);
    }
    this.chunks = chunked(current);
    this.count = current.length;
  }

  private chunkFor(key: string): number {
    return chunkIndex(this.chunks, key);
  }
}

/** The chunk that holds `key`, or would: the last one whose first key is not above it (0 if none). */
function chunkIndex(chunks: readonly string[][], key: string): number {
  let low = 0;
  let high = chunks.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const first = chunks[middle]![0];
    if (first !== undefined && first <= key) low = middle + 1;
    else high = middle;
  }
  return Math.max(0, low - 1);
}
