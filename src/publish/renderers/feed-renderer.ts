import type { NextHops } from "../bgp/blackhole-route.ts";
import type { FeedDiff } from "../feeds/feed-diff.ts";
import type { FeedEntry } from "../feeds/feed-entries.ts";
import type { EdeLookup } from "../feeds/order-ede-lookup.ts";

/** What every rendering knows besides its entries: which zone and which release it shows. */
export interface FeedContext {
  /** The RPZ zone's apex, without trailing dot. */
  zone: string;
  serial: number;
  /** The public log's checkpoint signed for this release: a verifier checks the feed against it. */
  checkpoint?: FeedCheckpoint | undefined;
  /** The next hops route feeds give their routes (the bgp settings); by default defaultNextHops. */
  nextHops?: NextHops | undefined;
  /** The codes orders chose for their blocked answers other than 16 (RFC 8914), for the formats that say it. */
  edeOf?: EdeLookup | undefined;
  /** The zone's canary records at this release (canary-record.ts), for the formats that carry RPZ. */
  canaries?: ReadonlyArray<{ owner: string; rdata: string }> | undefined;
}

export interface FeedCheckpoint {
  size: number;
  /** Base64 of the tree's root hash, as in the checkpoint. */
  rootHash: string;
}

/**
 * The line naming the release's log checkpoint, behind the format's own comment marker, or nothing when the
 * release has none: a comment, so every tool that reads the format skips it.
 */
export function checkpointComment(context: FeedContext, marker: string): string[] {
  const { checkpoint } = context;
  return checkpoint
    ? [`${marker} decree log checkpoint: size ${checkpoint.size}, root ${checkpoint.rootHash}`]
    : [];
}

/**
 * One feed format. Rendering streams: entries arrive page by page and leave as string chunks, so a feed of
 * ten million names never sits in memory whole. Output carries no clock: the same release renders to the
 * same bytes on every instance, so to the same hash and the same Ed25519 signature (RFC 8032 is
 * deterministic).
 */
export interface FeedRenderer {
  /** The name in `/feeds/<format>`. */
  format: string;
  contentType: string;
  /** For the cached file's name, so that a directory listing reads well. */
  extension: string;
  description: string;
  render(pages: AsyncIterable<FeedEntry[]>, context: FeedContext): AsyncGenerator<string>;
  /** Only formats that can say "remove" render a diff; the others answer `?since=` with the whole feed. */
  renderDiff?(diff: FeedDiff, context: FeedContext): AsyncGenerator<string>;
}

/** A diff's entries in chunks, removals first: a consumer applying them in order ends in the new state. */
export function* diffChunks(
  diff: FeedDiff,
  size = 5000,
): Generator<{ op: "remove" | "add"; entries: FeedEntry[] }> {
  for (let start = 0; start < diff.removed.length; start += size) {
    yield { op: "remove", entries: diff.removed.slice(start, start + size) };
  }
  for (let start = 0; start < diff.added.length; start += size) {
    yield { op: "add", entries: diff.added.slice(start, start + size) };
  }
}
