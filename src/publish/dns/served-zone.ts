import type { ZoneRecord } from "../rpz-records.ts";
import type { ReleaseStep, ZoneSource, ZoneVersion } from "../zone-source.ts";

/** The zone at one release, frozen: what one AXFR sends from its first message to its last. */
export interface ZoneView extends ZoneVersion {
  /** How many records, apex SOA and NS aside. */
  readonly size: number;
  records(): Generator<ZoneRecord>;
  /** The same records as stored, in order, one key string at a time: for encoders that go through a million
   * records without making an object of each. */
  readonly keys: ZoneKeys;
}

/**
 * A view's stored keys, chunk by chunk: owner (relative to the apex), type and data joined by
 * `zoneKeySeparator`. Each key is decoded when asked for, so a transfer holds one chunk's strings at a time,
 * short-lived, never the whole zone's.
 */
export interface ZoneKeys {
  readonly chunks: number;
  length(chunk: number): number;
  key(chunk: number, index: number): string;
  /**
   * A chunk's keys as stored, read-only: key `i` is `bytes` from `ends[i - 1]` (0 for the first) to `ends[i]`,
   * in UTF-8. For encoders that copy names from them without a string per key.
   */
  octets(chunk: number): { readonly bytes: Uint8Array; readonly ends: Uint32Array };
}

// Records are kept as one key each, owner, type and data joined by a separator below any character a name, a
// type or an address holds, so that comparing two keys orders them by owner, then type, then data, and lookups
// are binary searches. The keys live outside the JavaScript heap, packed in chunks of UTF-8 octets: at a million
// entries the heap holds a few thousand objects instead of 1.5 million strings, so that the garbage collector of
// the primary's thread has next to nothing to mark or copy and no answer waits behind it.
const separator = "\u0001";
/** What joins a stored record's owner, type and data (`ZoneView.keys`). */
export const zoneKeySeparator = separator;
/**
 * Chunks are split past this many keys, so that a release copies little: only the chunks it changes, some
 * 25 kB each. What a release copies is memory outside the heap that the collector counts towards its next
 * full collection: the less, the rarer those.
 */
const maxChunk = 512;

/** Hands the thread back to its event loop for a while: answers, transfers and timers run meanwhile. */
export type Pause = () => Promise<void>;

/**
 * Keys a release may cost between two pauses when it is built in slices (`applied`): a few milliseconds of
 * one core, so that a release of a million names holds no answer longer than that.
 */
const sliceKeys = 4096;
/** Records sorted at once when a change is packed in slices: runs then merged two by two. */
const runKeys = 8192;
/** Added keys copied into one chunk between two yields of the work done. */
const runAdded = 1024;

/** Runs a generator that yields the keys it went through to the end, in one synchronous go. */
function drain<T>(work: Generator<number, T>): T {
  for (;;) {
    const next = work.next();
    if (next.done) return next.value;
  }
}

/** Runs a generator that yields the keys it went through, pausing each time some `sliceKeys` were spent. */
async function sliced<T>(work: Generator<number, T>, pause: Pause): Promise<T> {
  let spent = 0;
  for (;;) {
    const next = work.next();
    if (next.done) return next.value;
    spent += next.value;
    if (spent >= sliceKeys) {
      spent = 0;
      await pause();
    }
  }
}

/**
 * Sorted keys packed end to end: key `i` spans `ends[i - 1]` (0 for the first) to `ends[i]` in `bytes`, in
 * UTF-8, whose octet order is the order of code points. Never changed once built: a release builds new chunks
 * for those it touches, so views and forks share the others.
 */
interface Chunk {
  readonly bytes: Buffer;
  readonly ends: Uint32Array;
}

const emptyChunk: Chunk = { bytes: Buffer.alloc(0), ends: new Uint32Array(0) };

function keyOf(record: ZoneRecord): string {
  return [record.owner, record.rtype, record.rdata].join(separator);
}

const startOf = (chunk: Chunk, index: number): number => (index === 0 ? 0 : chunk.ends[index - 1]!);

function recordAt(chunk: Chunk, index: number): ZoneRecord {
  const key = chunk.bytes.toString("utf8", startOf(chunk, index), chunk.ends[index]);
  const first = key.indexOf(separator);
  const second = key.indexOf(separator, first + 1);
  return {
    owner: key.slice(0, first),
    rtype: key.slice(first + 1, second) as ZoneRecord["rtype"],
    rdata: key.slice(second + 1),
  };
}

/** Key `i` of `a` against key `j` of `b`, in octet order. */
function compareKeys(a: Chunk, i: number, b: Chunk, j: number): number {
  return a.bytes.compare(b.bytes, startOf(b, j), b.ends[j], startOf(a, i), a.ends[i]);
}

/** Key `i` of `chunk` against the octets `probe`. */
function compareProbe(chunk: Chunk, i: number, probe: Buffer): number {
  return chunk.bytes.compare(probe, 0, probe.length, startOf(chunk, i), chunk.ends[i]);
}

/** The first index in `chunk` whose key is not below `probe`. */
function lowerBound(chunk: Chunk, probe: Buffer): number {
  let low = 0;
  let high = chunk.ends.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareProbe(chunk, middle, probe) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The chunk that holds `probe`, or would: the last one whose first key is not above it (0 if none). */
function chunkIndex(chunks: readonly Chunk[], probe: Buffer): number {
  let low = 0;
  let high = chunks.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareProbe(chunks[middle]!, 0, probe) <= 0) low = middle + 1;
    else high = middle;
  }
  return Math.max(0, low - 1);
}

/** Where writers build a chunk before it is copied out at its size: one for the whole thread, reused. */
const scratch = { bytes: Buffer.allocUnsafeSlow(64 * 1024), ends: new Uint32Array(maxChunk * 2) };

/**
 * Packs keys into chunks of at most `perChunk`, copying octets from other chunks or encoding strings. Builds in
 * the shared scratch space unless `own`: one writer at a time, but for a load, which spans awaits.
 */
class ChunkWriter {
  readonly chunks: Chunk[] = [];
  private bytes: Buffer;
  private ends: Uint32Array;
  private count = 0;
  private used = 0;

  constructor(
    private readonly perChunk: number,
    private readonly own = false,
  ) {
    this.bytes = own ? Buffer.allocUnsafeSlow(64 * 1024) : scratch.bytes;
    this.ends = own ? new Uint32Array(maxChunk) : scratch.ends;
  }

  /** Keys written into the chunk not yet closed. */
  get pending(): number {
    return this.count;
  }

  private room(octets: number): void {
    if (this.used + octets <= this.bytes.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.used + octets));
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
    if (!this.own) scratch.bytes = grown;
  }

  copy(from: Chunk, index: number): void {
    this.copyRange(from, index, index + 1);
  }

  /** Keys `first` to `end` (excluded) of `from`, in as few copies of octets as the chunks' size allows. */
  copyRange(from: Chunk, first: number, end: number): void {
    let at = first;
    while (at < end) {
      const upTo = Math.min(end, at + (this.perChunk - this.count));
      const base = startOf(from, at);
      const octets = from.ends[upTo - 1]! - base;
      this.room(octets);
      from.bytes.copy(this.bytes, this.used, base, base + octets);
      if (this.count + (upTo - at) > this.ends.length) this.growEnds(this.count + (upTo - at));
      const shift = this.used - base;
      for (let i = at; i < upTo; i++) this.ends[this.count++] = from.ends[i]! + shift;
      this.used += octets;
      at = upTo;
      if (this.count === this.perChunk) this.flush();
    }
  }

  private growEnds(needed: number): void {
    const grown = new Uint32Array(Math.max(this.ends.length * 2, needed));
    grown.set(this.ends.subarray(0, this.count));
    this.ends = grown;
    if (!this.own) scratch.ends = grown;
  }

  /** Writes `key`; whether it is above the key written before it (true for the first). */
  write(key: string): boolean {
    this.room(key.length * 3);
    const start = this.used;
    this.used += this.bytes.write(key, start, "utf8");
    let ascending = true;
    if (this.count > 0) {
      const before = this.count >= 2 ? this.ends[this.count - 2]! : 0;
      ascending = this.bytes.compare(this.bytes, before, start, start, this.used) > 0;
    } else {
      const last = this.chunks.at(-1);
      if (last)
        ascending = compareProbe(last, last.ends.length - 1, this.bytes.subarray(start, this.used)) < 0;
    }
    this.close();
    return ascending;
  }

  private close(): void {
    if (this.count === this.ends.length) this.growEnds(this.count + 1);
    this.ends[this.count++] = this.used;
    if (this.count === this.perChunk) this.flush();
  }

  /** Ends the chunk being written, if it holds a key. */
  flush(): void {
    if (this.count === 0) return;
    // Copied out at their size: the writer's own buffers are reused for the next chunk.
    const bytes = Buffer.allocUnsafeSlow(this.used);
    this.bytes.copy(bytes, 0, 0, this.used);
    this.chunks.push({ bytes, ends: this.ends.slice(0, this.count) });
    this.count = 0;
    this.used = 0;
  }
}

/** Records as one chunk of sorted keys without repeats, in octet order. */
function packed(records: readonly ZoneRecord[]): Chunk {
  if (records.length === 0) return emptyChunk;
  // Code-unit order, cheap on strings, is octet order but around surrogates: checked, and sorted again if not.
  const keys = records.map(keyOf).sort(compare);
  const writer = new ChunkWriter(Number.POSITIVE_INFINITY);
  let sorted = true;
  let previous: string | undefined;
  for (const key of keys) {
    if (key === previous) continue;
    previous = key;
    if (!writer.write(key)) sorted = false;
  }
  writer.flush();
  const chunk = writer.chunks[0] ?? emptyChunk;
  if (sorted) return chunk;
  const order = Array.from(chunk.ends, (_, i) => i).sort((i, j) => compareKeys(chunk, i, chunk, j));
  const again = new ChunkWriter(Number.POSITIVE_INFINITY);
  for (const index of order) again.copy(chunk, index);
  again.flush();
  return again.chunks[0]!;
}

/**
 * `packed`, for any number of records, a slice at a time: runs of `runKeys` records are each sorted, then
 * merged two by two, so that no single sort or merge holds the thread for the whole change.
 */
function* packing(records: readonly ZoneRecord[]): Generator<number, Chunk> {
  if (records.length <= runKeys) {
    yield records.length;
    return packed(records);
  }
  let runs: Chunk[] = [];
  for (let at = 0; at < records.length; at += runKeys) {
    runs.push(packed(records.slice(at, at + runKeys)));
    yield runKeys;
  }
  while (runs.length > 1) {
    const next: Chunk[] = [];
    for (let i = 0; i + 1 < runs.length; i += 2) next.push(yield* merging(runs[i]!, runs[i + 1]!));
    if (runs.length % 2 === 1) next.push(runs.at(-1)!);
    runs = next;
  }
  return runs[0]!;
}

/** Two sorted chunks as one, a key in both kept once. */
function* merging(a: Chunk, b: Chunk): Generator<number, Chunk> {
  // Its own buffers: the merge spans pauses, in which another writer may use the shared scratch space.
  const into = new ChunkWriter(Number.POSITIVE_INFINITY, true);
  const aLength = a.ends.length;
  const bLength = b.ends.length;
  let i = 0;
  let j = 0;
  let since = 0;
  while (i < aLength && j < bLength) {
    const order = compareKeys(a, i, b, j);
    if (order <= 0) {
      into.copy(a, i++);
      if (order === 0) j++;
    } else into.copy(b, j++);
    if (++since === 1024) {
      since = 0;
      yield 1024;
    }
  }
  into.copyRange(a, i, aLength);
  into.copyRange(b, j, bLength);
  into.flush();
  yield since + (aLength - i) + (bLength - j);
  return into.chunks[0] ?? emptyChunk;
}

/** One packed chunk of any size cut into chunks of the size the zone keeps. */
function cut(chunk: Chunk): Chunk[] {
  const writer = new ChunkWriter(maxChunk / 2);
  for (let i = 0; i < chunk.ends.length; i++) writer.copy(chunk, i);
  writer.flush();
  return writer.chunks;
}

/** Plain code-unit order. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The zone as the DNS primary serves it, held in memory and moved from release to release by each release's
 * journal (what it deleted and added) instead of being read again from the store. A release is applied in one
 * synchronous step, or built beside the zone in slices and switched to at once (`applied`), so no answer ever
 * sees half of one, and only a later release is ever applied, so the serial only goes up. Chunks are never changed once built: a view taken for a transfer keeps the release it
 * began with while later releases are applied beside it.
 */
export class ServedZone {
  private chunks: readonly Chunk[];
  private count: number;
  private current: ZoneVersion;

  private constructor(version: ZoneVersion, chunks: readonly Chunk[], count?: number) {
    this.current = version;
    this.chunks = chunks;
    // Counting reads every chunk, tens of thousands at 10 M keys and none of them in cache: a release passes
    // the count it made from the chunks it touched instead.
    this.count = count ?? chunks.reduce((sum, chunk) => sum + chunk.ends.length, 0);
  }

  /** An empty zone at release 0, before the first release. */
  static empty(): ServedZone {
    return new ServedZone({ releaseId: 0, serial: 0 }, []);
  }

  /**
   * The whole zone at the store's newest release, read once (at start, or when the journal cannot bridge the
   * gap); read again from the start if a release lands meanwhile, so that it never mixes two releases.
   */
  static async load(source: ZoneSource, pause?: Pause): Promise<ServedZone> {
    for (;;) {
      const before = await source.version();
      // The store hands the records in its own order, which is octet order but for a collation of its own
      // (PostgreSQL's): packed as they come while it holds, sorted once at the end if it did not.
      const writer = new ChunkWriter(maxChunk / 2, true);
      let sorted = true;
      const records: ZoneRecord[] = [];
      // Pages as long as a slice when answers wait between them, as long as cheap at start, before any does.
      for await (const page of source.pages(pause ? 5000 : 50_000)) {
        for (const record of page) {
          if (!sorted) {
            records.push(record);
            continue;
          }
          if (writer.write(keyOf(record))) continue;
          sorted = false;
          writer.flush();
          for (const chunk of writer.chunks)
            for (let i = 0; i < chunk.ends.length; i++) records.push(recordAt(chunk, i));
          writer.chunks.length = 0;
        }
        // A store's driver may answer without ever leaving the thread: the pause is what lets answers in.
        await pause?.();
      }
      const after = await source.version();
      if (after.releaseId !== before.releaseId) continue;
      writer.flush();
      if (sorted) return new ServedZone(before, writer.chunks);
      return new ServedZone(before, cut(packed(records)));
    }
  }

  get version(): ZoneVersion {
    return this.current;
  }

  get size(): number {
    return this.count;
  }

  /**
   * A second zone sharing this one's chunks: either may then move on its own (chunks are never changed), so that
   * the release canaries get and the one everyone else gets cost only the chunks they differ in.
   */
  fork(): ServedZone {
    const copy = new ServedZone(this.current, []);
    copy.chunks = this.chunks;
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
    const probe = Buffer.from(`${owner}${separator}`);
    const found: ZoneRecord[] = [];
    const chunks = this.chunks;
    for (let index = chunkIndex(chunks, probe); index < chunks.length; index++) {
      const chunk = chunks[index]!;
      for (let at = lowerBound(chunk, probe); at < chunk.ends.length; at++) {
        const start = startOf(chunk, at);
        const end = chunk.ends[at]!;
        if (end - start < probe.length) return found;
        if (chunk.bytes.compare(probe, 0, probe.length, start, start + probe.length) !== 0) return found;
        found.push(recordAt(chunk, at));
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
      *records() {
        for (const chunk of chunks) for (let i = 0; i < chunk.ends.length; i++) yield recordAt(chunk, i);
      },
      keys: {
        chunks: chunks.length,
        length: (chunk) => chunks[chunk]!.ends.length,
        key: (chunk, index) => {
          const at = chunks[chunk]!;
          return at.bytes.toString("utf8", startOf(at, index), at.ends[index]);
        },
        octets: (chunk) => chunks[chunk]!,
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
    this.patch(fresh);
    const last = fresh[fresh.length - 1]!;
    this.current = { releaseId: last.releaseId, serial: last.serial };
  }

  /**
   * A new zone, this one with the releases after it applied, built in slices with a `pause` between them:
   * this zone is untouched and may be served until the caller switches to the new one, in one assignment, so
   * no answer waits for a release of a million names nor sees half of one. Steps already served are skipped.
   */
  async applied(steps: readonly ReleaseStep[], pause: Pause): Promise<ServedZone> {
    const fresh = steps.filter((step) => step.releaseId > this.current.releaseId);
    if (fresh.length === 0) return this;
    const last = fresh[fresh.length - 1]!;
    const patched = await sliced(patching(fresh, this.chunks, this.count), pause);
    return new ServedZone({ releaseId: last.releaseId, serial: last.serial }, patched.chunks, patched.count);
  }

  /** Step by step, building again only the chunks a step touches; the zone moves once all are built. */
  private patch(steps: readonly ReleaseStep[]): void {
    const patched = drain(patching(steps, this.chunks, this.count));
    this.chunks = patched.chunks;
    this.count = patched.count;
  }
}

/** `chunks` with each step applied in turn, yielding the keys gone through as it goes. */
function* patching(
  steps: readonly ReleaseStep[],
  chunks: readonly Chunk[],
  count: number,
): Generator<number, { chunks: readonly Chunk[]; count: number }> {
  let list = chunks;
  let keys = count;
  for (const step of steps) {
    const added = yield* packing(step.added);
    const removed = yield* packing(step.removed);
    const rebuilt = yield* rebuilding(added, removed, list);
    list = rebuilt.chunks;
    keys += rebuilt.delta;
  }
  return { chunks: list, count: keys };
}

/** The first index in `chunk` whose key is not below key `j` of `other`. */
function lowerBoundOf(chunk: Chunk, other: Chunk, j: number): number {
  let low = 0;
  let high = chunk.ends.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareKeys(chunk, middle, other, j) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** For each key of `changes`, the chunk of `list` it falls in (see `chunkIndex`). */
function* chunksOf(changes: Chunk, list: readonly Chunk[]): Generator<number, Uint32Array> {
  const at = new Uint32Array(changes.ends.length);
  for (let j = 0; j < changes.ends.length; j++) {
    if (j % 1024 === 1023) yield 1024;
    let low = j > 0 ? at[j - 1]! : 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareKeys(list[middle]!, 0, changes, j) <= 0) low = middle + 1;
      else high = middle;
    }
    at[j] = Math.max(j > 0 ? at[j - 1]! : 0, low - 1);
  }
  return at;
}

/**
 * `list` with the keys of `added` put in and those of `removed` taken out (a key in both stays: a step deletes
 * before it adds, RFC 1995 §4), as new chunks for those touched and the same ones for the others. Each change
 * is found by binary search and the keys between changes are copied as runs of octets, so that a release
 * costs what it changes, not what the chunks it touches hold.
 */
function* rebuilding(
  added: Chunk,
  removed: Chunk,
  list: readonly Chunk[],
): Generator<number, { chunks: readonly Chunk[]; delta: number }> {
  const addedCount = added.ends.length;
  const removedCount = removed.ends.length;
  if (addedCount === 0 && removedCount === 0) return { chunks: list, delta: 0 };
  const addedAt = yield* chunksOf(added, list);
  const removedAt = yield* chunksOf(removed, list);
  const out: Chunk[] = [];
  let a = 0;
  let r = 0;
  let next = 0;
  let delta = 0;
  while (a < addedCount || r < removedCount) {
    const c = Math.min(
      a < addedCount ? addedAt[a]! : Number.POSITIVE_INFINITY,
      r < removedCount ? removedAt[r]! : Number.POSITIVE_INFINITY,
    );
    for (; next < c; next++) out.push(list[next]!);
    let aEnd = a;
    while (aEnd < addedCount && addedAt[aEnd] === c) aEnd++;
    let rEnd = r;
    while (rEnd < removedCount && removedAt[rEnd] === c) rEnd++;
    const changed = yield* changingChunk(list[c] ?? emptyChunk, added, a, aEnd, removed, r, rEnd);
    delta -= list[c]?.ends.length ?? 0;
    for (const chunk of changed) {
      out.push(chunk);
      delta += chunk.ends.length;
    }
    // One chunk at a time: what a slice may hold up is the chunk's keys and the changes falling in it.
    yield (list[c]?.ends.length ?? 0) + (aEnd - a) + (rEnd - r);
    a = aEnd;
    r = rEnd;
    next = c + 1;
  }
  for (; next < list.length; next++) out.push(list[next]!);
  return { chunks: out, delta };
}

/**
 * One chunk with keys `a`–`aEnd` of `added` put in and `r`–`rEnd` of `removed` taken out, yielding the keys
 * gone through every run of at most `runAdded` added keys: a bulk of names next to each other in key order
 * falls in one chunk.
 */
function* changingChunk(
  chunk: Chunk,
  added: Chunk,
  a: number,
  aEnd: number,
  removed: Chunk,
  r: number,
  rEnd: number,
): Generator<number, Chunk[]> {
  const length = chunk.ends.length;
  // Cut only past the limit, so that a release adding a key or two copies one chunk, not a split of it. A
  // change big enough to be paused in writes into buffers of its own, not the shared scratch space.
  const into = new ChunkWriter(
    length + (aEnd - a) > maxChunk ? maxChunk / 2 : Number.POSITIVE_INFINITY,
    aEnd - a + (rEnd - r) > runAdded,
  );
  let copied = 0;
  let addAt = a < aEnd ? lowerBoundOf(chunk, added, a) : length;
  let removeAt = r < rEnd ? lowerBoundOf(chunk, removed, r) : length;
  while (a < aEnd || r < rEnd) {
    if (a < aEnd && addAt <= removeAt) {
      into.copyRange(chunk, copied, addAt);
      copied = addAt;
      // The run of added keys that fall before the same key of the chunk, unless the first is that key.
      if (addAt < length && compareKeys(added, a, chunk, addAt) === 0) {
        into.copy(chunk, addAt);
        copied = addAt + 1;
        a++;
        // A key both removed and added stays: its removal is passed over.
        while (r < rEnd && compareKeys(removed, r, chunk, addAt) <= 0) r++;
        removeAt = r < rEnd ? lowerBoundOf(chunk, removed, r) : length;
      } else {
        let run = a + 1;
        const most = Math.min(aEnd, a + runAdded);
        while (run < most && (addAt === length || compareKeys(added, run, chunk, addAt) < 0)) run++;
        into.copyRange(added, a, run);
        if (run - a === runAdded) yield runAdded;
        a = run;
      }
      addAt = a < aEnd ? lowerBoundOf(chunk, added, a) : length;
      continue;
    }
    into.copyRange(chunk, copied, removeAt);
    copied = removeAt;
    if (removeAt < length && compareKeys(removed, r, chunk, removeAt) === 0) copied = removeAt + 1;
    r++;
    removeAt = r < rEnd ? lowerBoundOf(chunk, removed, r) : length;
    if ((rEnd - r) % runAdded === 0 && r < rEnd) yield runAdded;
  }
  into.copyRange(chunk, copied, length);
  into.flush();
  return into.chunks;
}
