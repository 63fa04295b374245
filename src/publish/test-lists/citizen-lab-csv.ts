import {
  type CitizenLabCategory,
  citizenLabCategories,
  defaultCitizenLabCategory,
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

/**
 * A Citizen Lab test list of the entries, each under `category` if given (a reader's choice for the whole
 * list), else its order's category, else the default: the list's own columns, one URL a row. `source` names the decision
 * (its authority and case), `notes` where the public reads the order. Lines end in LF, as the lists' files do.
 */
export function citizenLabCsv(
  entries: TestListEntry[],
  category: CitizenLabCategory | undefined,
  orderUrl: (id: number) => string,
): string {
  const rows = entries.map((entry) => {
    const code = category ?? entry.category ?? defaultCitizenLabCategory;
    return [
      entry.url,
      code,
      citizenLabCategories[code],
      entry.dateAdded,
      `decree: ${entry.authority}, case ${entry.caseNumber} (${entry.decisionDate}, ${entry.jurisdiction})`,
      `Blocked under order ${entry.orderId}: ${orderUrl(entry.orderId)}`,
    ]
      .map(field)
      .join(",");
  });
  return `${[citizenLabColumns.join(","), ...rows].join("\n")}\n`;
}
