import {
  type CitizenLabCategory,
  citizenLabCategories,
  defaultCitizenLabCategory,
  isCitizenLabCategory,
} from "../../vocabulary/citizen-lab-categories.ts";
import type { TestListEntry } from "./test-list-entries.ts";

/** The columns of a Citizen Lab test list, in their order. */
export const citizenLabColumns = [
  "url",
  "category_code",
  "category_description",
  "date_added",
  "source",
  "notes",
];

/** RFC 4180 §2: a field with a comma, quote or line break is quoted, its quotes doubled. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/*
 * What the lists' lint (citizenlab/test-lists, scripts/lint-lists.py) requires of a row, as their README and lint
 * state it: a url of scheme http or https, a host of DNS labels (letters, digits, inner hyphens, at most 63) or an
 * IPv4 address, an optional port, a path of at least "/" (an empty one is refused, even before a query), no whitespace, and neither tab, CR, LF nor backslash;
 * source and notes without tab, CR, LF or backslash.
 */
const dnsLabel = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const listableUrl = new RegExp(
  `^https?://(?:(?:${dnsLabel}\\.)+(?:[a-z]{2,6}|[a-z0-9-]{2,})|\\d{1,3}(?:\\.\\d{1,3}){3})(?::\\d+)?/[^\\s\\\\]*$`,
  "i",
);

/** Whether a URL can be a row of a Citizen Lab list: one the lint refuses is left out of it (OONI Run keeps it). */
export function isListableUrl(url: string): boolean {
  return listableUrl.test(url);
}

/**
 * A court's texts may hold tabs and line breaks, which the lists forbid in source and notes, and backslashes,
 * which they forbid everywhere: runs of the first become one space, a backslash a slash.
 */
function plainText(value: string): string {
  return value.replace(/[\t\r\n]+/g, " ").replaceAll("\\", "/");
}

/** One entry's row, or nothing when its URL is not one the lists can hold. */
function row(
  entry: TestListEntry,
  category: CitizenLabCategory | undefined,
  orderUrl: (id: number) => string,
): string | undefined {
  if (!isListableUrl(entry.url)) return undefined;
  // An order's stored code the legend no longer has falls back to the default.
  const chosen = entry.category;
  const code = category ?? (chosen && isCitizenLabCategory(chosen) ? chosen : defaultCitizenLabCategory);
  return [
    entry.url,
    code,
    citizenLabCategories[code],
    entry.dateAdded,
    plainText(
      `decree: ${entry.authority}, case ${entry.caseNumber} (${entry.decisionDate}, ${entry.jurisdiction})`,
    ),
    plainText(`Blocked under order ${entry.orderId}: ${orderUrl(entry.orderId)}`),
  ]
    .map(field)
    .join(",");
}

/**
 * A Citizen Lab test list of the entries, page by page as they come from the store: each under `category` if
 * given (a reader's choice for the whole list), else its order's category, else the default; the list's own
 * columns, one URL a row. `source` names the decision (its authority and case), `notes` where the public reads
 * the order. Lines end in LF, as the lists' files do.
 */
export async function* citizenLabCsvChunks(
  pages: AsyncIterable<TestListEntry[]>,
  category: CitizenLabCategory | undefined,
  orderUrl: (id: number) => string,
): AsyncGenerator<string> {
  yield `${citizenLabColumns.join(",")}\n`;
  for await (const page of pages) {
    const rows = page.flatMap((entry) => row(entry, category, orderUrl) ?? []);
    if (rows.length > 0) yield `${rows.join("\n")}\n`;
  }
}

/** The whole list at once, from entries in memory. */
export function citizenLabCsv(
  entries: TestListEntry[],
  category: CitizenLabCategory | undefined,
  orderUrl: (id: number) => string,
): string {
  const rows = entries.flatMap((entry) => row(entry, category, orderUrl) ?? []);
  return [citizenLabColumns.join(","), ...rows].map((line) => `${line}\n`).join("");
}
