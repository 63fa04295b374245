import type { DelistingEntry } from "../delisting/delisting-entries.ts";
import type { DelistingRenderer } from "./delisting-renderer.ts";

/** `[...]` of many pages, one entry per line, so that a reader can also take it line by line. */
async function* jsonArray(pages: AsyncIterable<DelistingEntry[]> | Iterable<DelistingEntry[]>) {
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    yield `${first ? "\n" : ",\n"}${page.map((entry) => JSON.stringify(entry)).join(",\n")}`;
    first = false;
  }
  yield first ? "]" : "\n]";
}

/** One JSON document (RFC 8259), written as it is read. */
export const delistingJsonRenderer: DelistingRenderer = {
  format: "json",
  contentType: "application/json; charset=utf-8",
  extension: "json",
  description:
    '{"serial","checkpoint":{size,rootHash},"entries":[{target,kind,value,country,order:{id,authority,caseNumber,decisionDate},until}]}; ' +
    '?since=N gives {"from","to","added","removed"}',
  async *render(pages, context) {
    // The release's log checkpoint, as in the operators' JSON feed: one more member, which readers may ignore.
    const checkpoint = context.checkpoint ? `"checkpoint":${JSON.stringify(context.checkpoint)},` : "";
    yield `{"serial":${context.serial},${checkpoint}"entries":[`;
    yield* jsonArray(pages);
    yield "}\n";
  },
  async *renderDiff(diff) {
    yield `{"from":${diff.from},"to":${diff.to},"added":[`;
    yield* jsonArray([diff.added]);
    yield ',"removed":[';
    yield* jsonArray([diff.removed]);
    yield "}\n";
  },
};
