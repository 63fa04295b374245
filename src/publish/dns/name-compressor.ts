// Writes domain names into a DNS message with compression (RFC 1035 §4.1.4), without allocating per name.
//
// The table hash-conses name suffixes: a suffix is identified by its first label and the message offset of
// the rest of the name (or -1 for the root), so finding "com.rpz.decree" takes one probe per label, right to
// left, each checked by comparing a single label. Matching ignores ASCII case (RFC 1035 §2.3.3, RFC 4343 §2),
// so a pointer may lend a name the case of an earlier one; the octets written otherwise keep the case given.
//
// Owner names skip most of that work through two anchors, strings whose offset in the message is known: the
// previous owner name (`*.name` follows `name`) and the zone's origin (every owner ends with it).

const pointerFlag = 0xc000;
/** Pointers have 14 bits (RFC 1035 §4.1.4): later labels are written, but never pointed to. */
const pointerLimit = 0x4000;
const maxLabelOctets = 63;
/** RFC 1035 §2.3.4: 255 octets on the wire, so 253 characters without the trailing dot. */
const maxNameCharacters = 253;
const maxLabels = 128;
/**
 * Labels take two octets at least, so the first 16 KiB hold at most 8,192; four slots each keep probes short.
 */
const tableSize = 1 << 15;
const tableMask = tableSize - 1;
const fnvOffset = 0x811c9dc5 | 0;
const fnvPrime = 0x01000193;
const dot = 0x2e;

/** ASCII lowercase for every octet, so that comparisons and hashes ignore case without branching. */
const lower = new Uint8Array(256).map((_, octet) => (octet >= 0x41 && octet <= 0x5a ? octet + 0x20 : octet));

/** A name already in the message: its text without the trailing dot and the offset it can be pointed at. */
interface Anchor {
  text: string;
  labels: number;
  /** 0 while the name is not in the message, or only beyond the reach of pointers. */
  offset: number;
}

export class NameCompressor {
  /** Message offset of each known suffix's first label; 0 is free (offset 0 is the header, never a name). */
  private readonly offsets = new Int32Array(tableSize);
  private readonly hashes = new Int32Array(tableSize);
  /** Slots filled since `reset`, in order, so that they can be freed one by one (`rollback`, `reset`). */
  private readonly filled = new Int32Array(tableSize);
  private filledCount = 0;
  /**
   * Per label of the name being written: where it starts (one more: where the name ends), hash, suffix
   * offset.
   */
  private readonly labelStarts = new Int32Array(maxLabels + 1);
  private readonly labelHashes = new Int32Array(maxLabels);
  private readonly suffixOffsets = new Int32Array(maxLabels);
  private readonly previous: Anchor = { text: "", labels: 0, offset: 0 };
  private readonly origin: Anchor = { text: "", labels: 0, offset: 0 };

  /** Owner names under `origin` (the zone apex) will be written as their own labels and a pointer to it. */
  setOrigin(origin: string): void {
    const text = trimDot(origin);
    this.origin.text = text;
    this.origin.labels = text === "" ? 0 : countLabels(text);
    this.origin.offset = 0;
  }

  /** Forgets every name; call when a new message starts at offset 0 of the buffer. */
  reset(): void {
    this.rollback(0, 0);
  }

  /** A point to return to with `rollback` when what was written after it is discarded. */
  mark(): number {
    return this.filledCount;
  }

  /**
   * Forgets the names learnt since `mark`, whose octets from `position` on are discarded. Freeing
   * linear-probing slots in the reverse order of filling them restores the table exactly.
   */
  rollback(mark: number, position: number): void {
    for (let index = this.filledCount - 1; index >= mark; index--) this.offsets[this.filled[index]!] = 0;
    this.filledCount = mark;
    if (this.previous.offset >= position) this.previous.offset = 0;
    if (this.origin.offset >= position) this.origin.offset = 0;
  }

  /**
   * Writes `name` at `position` of `message` (whose offset 0 is the DNS header) and returns the offset after
   * it. With `compress`, the longest suffix already written is replaced by a pointer and the new suffixes are
   * remembered; without, the name is written whole and not remembered (RFC 3597 §4). The caller guarantees
   * room for `name.length + 2` octets. Throws on an empty label, a label over 63 octets, a name over 255
   * octets, or a character that is not printable ASCII.
   */
  write(message: Uint8Array, position: number, name: string, compress: boolean): number {
    const length = checkedLength(name);
    const labelCount = this.writeLabels(message, position, name, length);
    if (!compress) return this.labelStarts[labelCount]! + 1;
    return this.compress(message, labelCount, -1);
  }

  /** Like `write` with compression, for owner names: starts from an anchor when the name ends with one. */
  writeOwner(message: Uint8Array, position: number, name: string): number {
    const length = checkedLength(name);
    const anchor = this.anchorFor(name, length);
    let prefixLength = length;
    if (anchor !== undefined) {
      prefixLength = length === anchor.text.length ? 0 : length - anchor.text.length - 1;
      if (prefixLength === 0 && length !== 0 && length !== anchor.text.length) {
        throw new Error(`DNS name has an empty label: ${name}`);
      }
    }
    const labelCount = this.writeLabels(message, position, name, prefixLength);
    const end = this.compress(message, labelCount, anchor === undefined ? -1 : anchor.offset);
    this.learnOrigin(name, length, anchor, labelCount);
    this.previous.text = length === name.length ? name : name.slice(0, length);
    this.previous.labels = labelCount + (anchor === undefined ? 0 : anchor.labels);
    this.previous.offset = labelCount > 0 ? this.suffixOffsets[0]! : (anchor?.offset ?? 0);
    return end;
  }

  /**
   * Writes the name whose labels below the origin are the first `length` characters of `relative` (0: the
   * origin itself), as those labels and a pointer: the path of a zone's records, which need no full name
   * built, nor a look for anchors. Returns -1, writing nothing, while the origin is not in the message yet
   * (or only beyond the reach of pointers): the caller then writes the full name with `writeOwner`.
   */
  writeUnderOrigin(message: Uint8Array, position: number, relative: string, length: number): number {
    const origin = this.origin;
    if (origin.offset === 0) return -1;
    if (length > 0 && length + 1 + origin.text.length > maxNameCharacters) {
      throw new Error(`DNS name longer than 255 octets: ${relative.slice(0, length)}.${origin.text}`);
    }
    const labelCount = this.writeLabels(message, position, relative, length);
    return this.compress(message, labelCount, origin.offset);
  }

  /**
   * `writeUnderOrigin` for labels given as the octets `source[start..start + length)`, e.g. where a zone's keys
   * are stored: the same octets on the wire, with no string decoded first.
   */
  writeUnderOriginOctets(
    message: Uint8Array,
    position: number,
    source: Uint8Array,
    start: number,
    length: number,
  ): number {
    const origin = this.origin;
    if (origin.offset === 0) return -1;
    if (length > 0 && length + 1 + origin.text.length > maxNameCharacters) {
      throw new Error(`DNS name longer than 255 octets: ${textOf(source, start, length)}.${origin.text}`);
    }
    const labelCount = this.writeLabelsFrom(message, position, source, start, length);
    return this.compress(message, labelCount, origin.offset);
  }

  /** The longer of the anchors the name ends with, if any. */
  private anchorFor(name: string, length: number): Anchor | undefined {
    const { previous, origin } = this;
    const afterPrevious = previous.offset !== 0 && endsWithName(name, length, previous.text);
    const underOrigin = origin.offset !== 0 && endsWithName(name, length, origin.text);
    if (afterPrevious && (!underOrigin || previous.text.length >= origin.text.length)) return previous;
    return underOrigin ? origin : undefined;
  }

  /** Notes where the origin is once a name that ends with it has been written whole. */
  private learnOrigin(name: string, length: number, anchor: Anchor | undefined, labelCount: number): void {
    const origin = this.origin;
    if (anchor !== undefined || origin.offset !== 0 || origin.labels === 0) return;
    if (labelCount < origin.labels || !endsWithName(name, length, origin.text)) return;
    origin.offset = this.suffixOffsets[labelCount - origin.labels]!;
  }

  /**
   * Writes the first `length` characters of `name` as labels ended by a zero octet; returns the label count.
   */
  private writeLabels(message: Uint8Array, position: number, name: string, length: number): number {
    if (length > 0 && name.charCodeAt(length - 1) === dot)
      throw new Error(`DNS name has an empty label: ${name}`);
    let count = 0;
    let out = position;
    let index = 0;
    while (index < length) {
      const labelStart = out++;
      let hash = fnvOffset;
      // Bounded by `length`: reading past the end would make charCodeAt return NaN and deoptimize the loop.
      for (; index < length; index++) {
        const char = name.charCodeAt(index);
        if (char === dot) break;
        if (char < 0x21 || char > 0x7e || char === 0x5c) {
          throw new Error(`DNS name must be printable ASCII without escapes (A-labels): ${name}`);
        }
        message[out++] = char;
        hash = Math.imul(hash ^ lower[char]!, fnvPrime);
      }
      index++;
      const size = this.closeLabel(message, labelStart, out, hash, count++);
      if (size === 0 || size > maxLabelOctets) throw labelSizeError(size, name);
    }
    return this.closeName(message, out, count);
  }

  /** `writeLabels` from octets: the same checks, the same labels and hashes. */
  private writeLabelsFrom(
    message: Uint8Array,
    position: number,
    source: Uint8Array,
    start: number,
    length: number,
  ): number {
    const end = start + length;
    if (length > 0 && source[end - 1] === dot) {
      throw new Error(`DNS name has an empty label: ${textOf(source, start, length)}`);
    }
    let count = 0;
    let out = position;
    let index = start;
    while (index < end) {
      const labelStart = out++;
      let hash = fnvOffset;
      for (; index < end; index++) {
        const octet = source[index]!;
        if (octet === dot) break;
        if (octet < 0x21 || octet > 0x7e || octet === 0x5c) {
          throw new Error(
            `DNS name must be printable ASCII without escapes (A-labels): ${textOf(source, start, length)}`,
          );
        }
        message[out++] = octet;
        hash = Math.imul(hash ^ lower[octet]!, fnvPrime);
      }
      index++;
      const size = this.closeLabel(message, labelStart, out, hash, count++);
      if (size === 0 || size > maxLabelOctets) throw labelSizeError(size, textOf(source, start, length));
    }
    return this.closeName(message, out, count);
  }

  /** Writes the length octet of the label begun at `labelStart` and notes it as label `count`; its size. */
  private closeLabel(
    message: Uint8Array,
    labelStart: number,
    out: number,
    hash: number,
    count: number,
  ): number {
    const size = out - labelStart - 1;
    message[labelStart] = size;
    this.labelStarts[count] = labelStart;
    this.labelHashes[count] = hash;
    return size;
  }

  /** Ends the name with the root's zero octet after its `count` labels; the count. */
  private closeName(message: Uint8Array, out: number, count: number): number {
    this.labelStarts[count] = out;
    message[out] = 0;
    return count;
  }

  /**
   * Finds, right to left, the longest known suffix of the labels just written (followed by the known suffix
   * at `rest`, or by the root if -1), points to it, and remembers the labels before it.
   */
  private compress(message: Uint8Array, labelCount: number, rest: number): number {
    let index = labelCount - 1;
    for (; index >= 0; index--) {
      const found = this.find(message, this.labelStarts[index]!, this.labelHashes[index]!, rest);
      if (found === 0) break;
      this.suffixOffsets[index] = found;
      rest = found;
    }
    const tail = this.labelStarts[index + 1]!;
    const nameEnd = rest === -1 ? tail + 1 : tail + 2;
    if (rest !== -1) {
      message[tail] = (pointerFlag | rest) >>> 8;
      message[tail + 1] = rest & 0xff;
    }
    for (; index >= 0; index--) {
      const at = this.labelStarts[index]!;
      // Labels further left have lower offsets, but pointing to them needs this one, so none is remembered.
      if (at >= pointerLimit || rest >= pointerLimit) {
        this.suffixOffsets[index] = 0;
        rest = pointerLimit;
        continue;
      }
      this.remember(suffixHash(this.labelHashes[index]!, rest), at);
      this.suffixOffsets[index] = at;
      rest = at;
    }
    return nameEnd;
  }

  /**
   * Offset of the known suffix "label at `labelAt`, then the suffix at `rest`", or 0 if there is none. Equal
   * labels have equal hashes, and for one label hash `suffixHash` is one-to-one in `rest` (an odd multiplier,
   * then a reversible mix), so a slot with the same hash and the same label also has the same rest.
   */
  private find(message: Uint8Array, labelAt: number, labelHash: number, rest: number): number {
    const hash = suffixHash(labelHash, rest);
    for (let slot = hash & tableMask; ; slot = (slot + 1) & tableMask) {
      const candidate = this.offsets[slot]!;
      if (candidate === 0) return 0;
      if (this.hashes[slot] === hash && sameLabel(message, candidate, labelAt)) return candidate;
    }
  }

  private remember(hash: number, offset: number): void {
    let slot = hash & tableMask;
    while (this.offsets[slot] !== 0) slot = (slot + 1) & tableMask;
    this.offsets[slot] = offset;
    this.hashes[slot] = hash;
    this.filled[this.filledCount++] = slot;
  }
}

/** Length of `name` without its trailing dot; throws when the name cannot fit in 255 octets. */
function checkedLength(name: string): number {
  const length = name.length > 0 && name.charCodeAt(name.length - 1) === dot ? name.length - 1 : name.length;
  if (length > maxNameCharacters) throw new Error(`DNS name longer than 255 octets: ${name}`);
  return length;
}

/** A name's octets as text, for an error message. */
function textOf(source: Uint8Array, start: number, length: number): string {
  return Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString(
    "utf8",
    start,
    start + length,
  );
}

function trimDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

function countLabels(text: string): number {
  let count = 1;
  for (let index = text.indexOf("."); index >= 0; index = text.indexOf(".", index + 1)) count++;
  return count;
}

/**
 * Whether the first `length` characters of `name` are `suffix` or end with "." + `suffix` (case-sensitive).
 */
function endsWithName(name: string, length: number, suffix: string): boolean {
  const start = length - suffix.length;
  if (start < 0 || (start > 0 && name.charCodeAt(start - 1) !== dot)) return false;
  // Right to left, where names under one zone differ least; also faster than startsWith's generic checks.
  for (let index = suffix.length - 1; index >= 0; index--) {
    if (name.charCodeAt(start + index) !== suffix.charCodeAt(index)) return false;
  }
  return true;
}

function suffixHash(labelHash: number, rest: number): number {
  let hash = labelHash ^ Math.imul(rest + 2, 0x9e3779b1);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  return hash ^ (hash >>> 13);
}

function sameLabel(message: Uint8Array, a: number, b: number): boolean {
  const size = message[a]!;
  if (message[b] !== size) return false;
  for (let index = 1; index <= size; index++) {
    const x = message[a + index]!;
    const y = message[b + index]!;
    if (x !== y && lower[x] !== lower[y]) return false;
  }
  return true;
}

/** A label of no octets, or of more than 63 (RFC 1035 §2.3.4), in `name`. */
function labelSizeError(size: number, name: string): Error {
  return new Error(
    size === 0 ? `DNS name has an empty label: ${name}` : `DNS label longer than 63 octets in: ${name}`,
  );
}
