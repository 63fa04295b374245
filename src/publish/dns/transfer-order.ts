// The order an AXFR sends a zone's stored keys in. RFC 5936 §2.2 leaves it free between the two SOAs; the
// store's order (plain code-unit order of owner, type, data) puts every `*.name` in one block, far from
// `name`, so a wildcard could not point to its parent's name (RFC 1035 §4.1.4) and repeated it. Sending each
// `*.name` right after `name` makes its owner two octets and a pointer, as in DNSSEC's canonical order
// (RFC 4034 §6.1) that NSD and BIND send, and the transfer about a seventh smaller for an RPZ zone.
import { type ZoneKeys, zoneKeySeparator } from "./served-zone.ts";

const star = 0x2a;
const dot = 0x2e;
const separator = zoneKeySeparator.charCodeAt(0);

/** One pass over sorted keys: each once, `*.name` keys just after the first key of `name` when there is one. */
export class TransferOrder {
  private readonly keys: ZoneKeys;
  /** Where the main pass is, and where the block of `*.` keys starts and ends: chunk and index in it. */
  private chunk = 0;
  private index = 0;
  private readonly wildcards: Cursor;
  private readonly blockEnd: { chunk: number; index: number };
  /** Owner of the key the main pass gave last, as an offset into `lastKey`, for its wildcards to follow. */
  private lastKey = "";
  private lastOwnerEnd = -1;

  constructor(keys: ZoneKeys) {
    this.keys = keys;
    const start = findBlock(keys, false);
    const end = findBlock(keys, true);
    this.wildcards = { chunk: start.chunk, index: start.index };
    this.blockEnd = end;
  }

  /** The next key, or undefined after the last. */
  next(): string | undefined {
    const w = this.wildcard();
    // The wildcards of the owner just given come first.
    if (w !== undefined && this.lastOwnerEnd >= 0 && wildcardOf(w, this.lastKey, this.lastOwnerEnd)) {
      return this.takeWildcard(w);
    }
    this.lastOwnerEnd = -1;
    const key = this.main();
    if (key === undefined) return w === undefined ? undefined : this.takeWildcard(w);
    // A wildcard whose parent sorts before this key has no parent left to follow: it goes now.
    if (w !== undefined && restBefore(w, key)) return this.takeWildcard(w);
    this.advanceMain();
    this.lastKey = key;
    this.lastOwnerEnd = key.indexOf(zoneKeySeparator);
    return key;
  }

  private wildcard(): string | undefined {
    const { chunk, index } = this.wildcards;
    if (chunk > this.blockEnd.chunk || (chunk === this.blockEnd.chunk && index >= this.blockEnd.index)) {
      return undefined;
    }
    return chunk < this.keys.chunks && index < this.keys.length(chunk)
      ? this.keys.key(chunk, index)
      : undefined;
  }

  private takeWildcard(key: string): string {
    const cursor = this.wildcards;
    if (++cursor.index >= this.keys.length(cursor.chunk)) {
      cursor.chunk++;
      cursor.index = 0;
    }
    return key;
  }

  /** The main pass's key, the wildcard block skipped. */
  private main(): string | undefined {
    for (;;) {
      if (this.chunk >= this.keys.chunks) return undefined;
      if (this.index >= this.keys.length(this.chunk)) {
        this.chunk++;
        this.index = 0;
        continue;
      }
      const key = this.keys.key(this.chunk, this.index);
      if (isWildcard(key)) {
        // Jump past the block, which is contiguous since the keys are sorted.
        this.chunk = this.blockEnd.chunk;
        this.index = this.blockEnd.index;
        continue;
      }
      return key;
    }
  }

  private advanceMain(): void {
    this.index++;
  }
}

interface Cursor {
  chunk: number;
  index: number;
}

function isWildcard(key: string): boolean {
  return key.charCodeAt(0) === star && key.charCodeAt(1) === dot;
}

/**
 * Where the block of `*.` keys starts (`after` false: the first key not below "*.") or ends (`after` true:
 * the first key past every "*." one), by binary search over the sorted chunks.
 */
function findBlock(keys: ZoneKeys, after: boolean): Cursor {
  const belowBound = (key: string) => {
    if (after) return key < "*." || isWildcard(key);
    return key < "*.";
  };
  let low = 0;
  let high = keys.chunks;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const length = keys.length(middle);
    if (length > 0 && belowBound(keys.key(middle, length - 1))) low = middle + 1;
    else high = middle;
  }
  if (low >= keys.chunks) return { chunk: low, index: 0 };
  let lo = 0;
  let hi = keys.length(low);
  while (lo < hi) {
    const middle = (lo + hi) >>> 1;
    if (belowBound(keys.key(low, middle))) lo = middle + 1;
    else hi = middle;
  }
  return { chunk: low, index: lo };
}

/** Whether wildcard key `w` is `*.` and the owner of `key` (its first `ownerEnd` characters). */
function wildcardOf(w: string, key: string, ownerEnd: number): boolean {
  if (w.charCodeAt(ownerEnd + 2) !== separator) return false;
  for (let at = ownerEnd - 1; at >= 0; at--) {
    if (w.charCodeAt(at + 2) !== key.charCodeAt(at)) return false;
  }
  return true;
}

/** Whether wildcard key `w` without its `*.` sorts before `key`. */
function restBefore(w: string, key: string): boolean {
  const length = Math.min(w.length - 2, key.length);
  for (let at = 0; at < length; at++) {
    const a = w.charCodeAt(at + 2);
    const b = key.charCodeAt(at);
    if (a !== b) return a < b;
  }
  return w.length - 2 < key.length;
}
