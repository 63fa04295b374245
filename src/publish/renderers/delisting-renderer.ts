import type { DelistingDiff, DelistingEntry } from "../delisting/delisting-entries.ts";
import type { FeedCheckpoint } from "./feed-renderer.ts";

/**
 * One format of the search engines' de-listing list. Like the operators' feeds (feed-renderer.ts) it streams
 * and carries no clock, so a release renders to the same bytes, hash and signature on every instance.
 */
export interface DelistingRenderer {
  /** The name in `/delisting/<format>`. */
  format: string;
  contentType: string;
  extension: string;
  description: string;
  render(
    pages: AsyncIterable<DelistingEntry[]>,
    context: { serial: number; checkpoint?: FeedCheckpoint | undefined },
  ): AsyncGenerator<string>;
  renderDiff(diff: DelistingDiff): AsyncGenerator<string>;
}
