/**
 * A strict RFC 4180 reader for tests: fields split on commas outside quotes, quotes doubled inside quoted
 * fields, a quote anywhere else an error. `lineEnd` is the line break the file must use throughout (RFC 4180
 * says CRLF; the Citizen Lab lists' files use LF), and the file must end with one.
 */
export function parseCsv(text: string, lineEnd: "\r\n" | "\n" = "\r\n"): string[][] {
  if (!text.endsWith(lineEnd)) throw new Error("the last line does not end with the line break");
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i += 1;
      continue;
    }
    if (c === '"') {
      if (field !== "") throw new Error(`a quote inside an unquoted field, row ${rows.length + 1}`);
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (text.startsWith(lineEnd, i)) {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += lineEnd.length;
      continue;
    } else if (c === "\r" || c === "\n") {
      throw new Error(`a line break other than the file's outside quotes, row ${rows.length + 1}`);
    } else field += c;
    i += 1;
  }
  if (quoted) throw new Error("a quoted field never closed");
  return rows;
}

/** The rows as records named by the header line, each row checked to have the header's number of fields. */
export function csvRecords(text: string, lineEnd: "\r\n" | "\n" = "\r\n"): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text, lineEnd);
  if (!header) throw new Error("no header line");
  return rows.map((row, index) => {
    if (row.length !== header.length) {
      throw new Error(`row ${index + 2} has ${row.length} fields, the header ${header.length}`);
    }
    return Object.fromEntries(header.map((name, i) => [name, row[i]!]));
  });
}
