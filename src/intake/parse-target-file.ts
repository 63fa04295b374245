import { readFile } from "node:fs/promises";
import { parse as parseCsv } from "csv-parse/sync";
import { DecreeError } from "../errors/decree-error.ts";
import type { TargetRequest } from "./add-targets.ts";

const targetColumns = ["target", "value", "name", "domain", "fqdn", "url", "ip", "cidr"];

export async function readTargetFile(path: string): Promise<TargetRequest[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new DecreeError(
      "IMPORT_FILE_UNREADABLE",
      `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}. Check the path and its permissions.`,
    );
  }
  return parseTargetText(text);
}

/**
 * One target per line (blank lines and `#` comments skipped), or CSV with a header naming a target column and
 * optionally `kind` and `until`. Names never contain commas, so a comma on the first line means CSV.
 */
export function parseTargetText(text: string): TargetRequest[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstLine = body.split("\n", 1)[0] ?? "";
  return firstLine.includes(",") ? parseCsvTargets(body) : parseLineTargets(body);
}

function parseLineTargets(text: string): TargetRequest[] {
  const requests: TargetRequest[] = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const input = (lines[index] ?? "").replace(/\r$/, "").trim();
    if (input === "" || input.startsWith("#")) continue;
    requests.push({ input, line: index + 1 });
  }
  return requests;
}

function parseCsvTargets(text: string): TargetRequest[] {
  const records = parseCsv(text, {
    columns: (header: string[]) => header.map((column) => column.trim().toLowerCase()),
    info: true,
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
  }) as Array<{ record: Record<string, string | undefined>; info: { lines: number } }>;
  const first = records[0]?.record ?? {};
  const column = targetColumns.find((name) => name in first);
  if (records.length > 0 && !column) {
    throw new DecreeError(
      "IMPORT_CSV_HEADER",
      `The CSV header (${Object.keys(first).join(", ")}) has no target column. Name one of: ${targetColumns.join(", ")}; ` +
        "optional columns are kind and until.",
    );
  }
  return records.map(({ record, info }) => {
    const kind = record.kind?.toLowerCase();
    const inferred = column && ["domain", "fqdn", "url", "ip", "cidr"].includes(column) ? column : undefined;
    const chosen = kind || inferred;
    return {
      input: record[column ?? "target"] ?? "",
      kind: chosen || undefined,
      until: record.until || undefined,
      line: info.lines,
    };
  });
}
