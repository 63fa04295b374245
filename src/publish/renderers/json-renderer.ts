import type { FeedEntry } from "../feeds/feed-entries.ts";
import { diffChunks, type FeedRenderer } from "./feed-renderer.ts";

function entryJson(entry: FeedEntry): string {
  const { kind, value, action, addresses } = entry;
  return JSON.stringify(
    action === "stop-page" ? { kind, value, action, addresses } : { kind, value, action },
  );
}

/** Writes `[...]` of many pages one entry per line, so that a reader can also take it line by line. */
async function* jsonArray(pages: AsyncIterable<FeedEntry[]> | Iterable<FeedEntry[]>): AsyncGenerator<string> {
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    yield `${first ? "\n" : ",\n"}${page.map(entryJson).join(",\n")}`;
    first = false;
  }
  yield first ? "]" : "\n]";
}

/** One JSON document (RFC 8259), written as it is read: `{"serial","zone","checkpoint","entries":[...]}`. */
export const jsonRenderer: FeedRenderer = {
  format: "json",
  contentType: "application/json; charset=utf-8",
  extension: "json",
  description:
    '{"serial","zone","checkpoint":{size,rootHash},"entries":[{kind,value,action}]}; ?since=N gives {"from","to","added","removed"}',
  async *render(pages, context) {
    // The checkpoint is one more member: JSON readers ignore members they do not know (RFC 8259 §4 allows any).
    const checkpoint = context.checkpoint ? `"checkpoint":${JSON.stringify(context.checkpoint)},` : "";
    yield `{"serial":${context.serial},"zone":${JSON.stringify(context.zone)},${checkpoint}"entries":[`;
    yield* jsonArray(pages);
    yield "}\n";
  },
  async *renderDiff(diff) {
    const part = (op: "add" | "remove") =>
      [...diffChunks(diff)].filter((chunk) => chunk.op === op).map((chunk) => chunk.entries);
    yield `{"from":${diff.from},"to":${diff.to},"added":[`;
    yield* jsonArray(part("add"));
    yield ',"removed":[';
    yield* jsonArray(part("remove"));
    yield "}\n";
  },
};
