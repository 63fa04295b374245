import type { DelistingEntry } from "../delisting/delisting-entries.ts";
import type { DelistingRenderer } from "./delisting-renderer.ts";

/** RFC 4180 §2: records end in CRLF; a field with a comma, quote or line break is quoted, quotes doubled. */
function field(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function row(fields: Array<string | number>): string {
  return `${fields.map(field).join(",")}\r\n`;
}

const header = [
  "target",
  "kind",
  "value",
  "country",
  "authority",
  "case_number",
  "decision_date",
  "order",
  "until",
];

const columns = (entry: DelistingEntry) => [
  entry.target,
  entry.kind,
  entry.value,
  entry.country,
  entry.order.authority,
  entry.order.caseNumber,
  entry.order.decisionDate,
  entry.order.id,
  entry.until,
];

/** CSV with a header (RFC 4180, `header=present` per its media type registration, §3). */
export const delistingCsvRenderer: DelistingRenderer = {
  format: "csv",
  contentType: "text/csv; charset=utf-8; header=present",
  extension: "csv",
  description: `${header.join(",")} rows; ?since=N adds an op column (remove, add), removals first`,
  async *render(pages) {
    yield row(header);
    for await (const page of pages) yield page.map((entry) => row(columns(entry))).join("");
  },
  async *renderDiff(diff) {
    yield row(["op", ...header]);
    yield diff.removed.map((entry) => row(["remove", ...columns(entry)])).join("");
    yield diff.added.map((entry) => row(["add", ...columns(entry)])).join("");
  },
};
