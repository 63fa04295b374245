import type { FeedEntry } from "../feeds/feed-entries.ts";
import type { FeedRenderer } from "./feed-renderer.ts";

export interface LineListOptions {
  format: string;
  description: string;
  contentType?: string;
  /** The entry's line, or undefined when the list has no place for it. */
  line(entry: FeedEntry): string | undefined;
  /** POSIX text ends every line with "\n"; a list that must hash like another's may join lines instead. */
  joinWithoutFinalNewline?: boolean;
}

/**
 * A list of one value per line, and its diff as `-value` and `+value` lines: removals first, and a value that
 * is both removed and added (a domain narrowed to an fqdn, an action changed) is not in the diff at all,
 * since the list's line did not change.
 */
export function lineListRenderer(options: LineListOptions): FeedRenderer {
  return {
    format: options.format,
    contentType: options.contentType ?? "text/plain; charset=utf-8",
    extension: "txt",
    description: options.description,
    async *render(pages) {
      let first = true;
      for await (const page of pages) {
        let chunk = "";
        for (const entry of page) {
          const line = options.line(entry);
          if (line === undefined) continue;
          if (!options.joinWithoutFinalNewline) chunk += `${line}\n`;
          else {
            chunk += first ? line : `\n${line}`;
            first = false;
          }
        }
        if (chunk) yield chunk;
      }
    },
    async *renderDiff(diff) {
      const lines = (entries: FeedEntry[]) =>
        new Set(entries.map(options.line).filter((line): line is string => line !== undefined));
      const removed = lines(diff.removed);
      const added = lines(diff.added);
      const minus = [...removed].filter((line) => !added.has(line)).map((line) => `-${line}\n`);
      const plus = [...added].filter((line) => !removed.has(line)).map((line) => `+${line}\n`);
      yield [...minus, ...plus].join("");
    },
  };
}
