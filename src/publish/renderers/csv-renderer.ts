import type { FeedEntry } from "../feeds/feed-entries.ts";
import { diffChunks, type FeedRenderer } from "./feed-renderer.ts";

/** RFC 4180 §2: records end in CRLF; a field with a comma, quote or line break is quoted, quotes doubled. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function row(fields: string[]): string {
  return `${fields.map(field).join(",")}\r\n`;
}

const columns = (entry: FeedEntry) => [entry.kind, entry.value, entry.action];

/** CSV with a header (RFC 4180, `header=present` per its media type registration, §3). */
export const csvRenderer: FeedRenderer = {
  format: "csv",
  contentType: "text/csv; charset=utf-8; header=present",
  extension: "csv",
  description: "kind,value,action rows; ?since=N adds an op column (remove, add)",
  async *render(pages) {
    yield row(["kind", "value", "action"]);
    for await (const page of pages) yield page.map((entry) => row(columns(entry))).join("");
  },
  async *renderDiff(diff) {
    yield row(["op", "kind", "value", "action"]);
    for (const { op, entries } of diffChunks(diff))
      yield entries.map((entry) => row([op, ...columns(entry)])).join("");
  },
};
