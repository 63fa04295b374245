import { createReadStream } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";
import { type Options as CsvOptions, parse as parseCsvStream } from "csv-parse";
import { parse as parseCsv } from "csv-parse/sync";
import { DecreeError, isDecreeError } from "../errors/decree-error.ts";
import type { TargetRequest } from "./add-targets.ts";

const targetColumns = ["target", "value", "name", "domain", "fqdn", "url", "ip", "cidr"];

const csvOptions: CsvOptions = {
  columns: (header: string[]) => header.map((column) => column.trim().toLowerCase()),
  info: true,
  skip_empty_lines: true,
  trim: true,
  relax_column_count: true,
};

type CsvRecord = { record: Record<string, string | undefined>; info: { lines: number } };

export interface TargetFileOptions {
  /** Requests per batch yielded; a batch is what the importer checks and stores at once. */
  batchSize?: number;
  /** Bytes read so far and the file's size, as the file is read. */
  onRead?: (bytes: number, size: number) => void;
}

const defaultBatchSize = 5000;
const readChunkBytes = 1 << 20;

/** Every request of a file at once: for files small enough to hold (tests, a short list). */
export async function readTargetFile(path: string): Promise<TargetRequest[]> {
  const requests: TargetRequest[] = [];
  for await (const batch of targetFileBatches(path)) requests.push(...batch);
  return requests;
}

/**
 * The requests of a target file in batches, read as a stream: memory holds one read chunk and one batch,
 * whatever the file's size. The format is that of `parseTargetText`, told from the first line.
 */
export async function* targetFileBatches(
  path: string,
  options: TargetFileOptions = {},
): AsyncGenerator<TargetRequest[]> {
  const batchSize = options.batchSize ?? defaultBatchSize;
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    const size = (await handle.stat()).size;
    const head = await firstLine(handle, path);
    const lines = head.includes(",") ? csvBatches(path, batchSize) : lineBatches(handle, batchSize);
    let bytes = 0;
    for await (const { batch, read } of lines) {
      bytes += read;
      options.onRead?.(bytes, size);
      if (batch.length > 0) yield batch;
    }
  } catch (error) {
    throw isDecreeError(error) ? error : unreadable(path, error);
  } finally {
    await handle.close();
  }
}

function unreadable(path: string, error: unknown): DecreeError {
  return new DecreeError(
    "IMPORT_FILE_UNREADABLE",
    `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}. Check the path and its permissions.`,
  );
}

/** The file's first line (without a byte order mark), read from its start without moving the handle. */
async function firstLine(handle: FileHandle, path: string): Promise<string> {
  const decoder = new StringDecoder("utf8");
  const buffer = Buffer.alloc(64 * 1024);
  let text = "";
  for (let position = 0; ; ) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    text += decoder.write(buffer.subarray(0, bytesRead));
    const end = text.indexOf("\n");
    if (end >= 0) return stripBom(text.slice(0, end));
    if (text.length > 16 * 1024 * 1024) {
      throw new DecreeError(
        "IMPORT_FILE_UNREADABLE",
        `Cannot read ${path}: its first 16 MB hold no line break. Give one target per line, or CSV with a header.`,
      );
    }
  }
  return stripBom(text);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

interface Read {
  batch: TargetRequest[];
  /** Bytes read since the previous batch. */
  read: number;
}

async function* lineBatches(handle: FileHandle, batchSize: number): AsyncGenerator<Read> {
  const decoder = new StringDecoder("utf8");
  let carry = "";
  let line = 0;
  let batch: TargetRequest[] = [];
  let read = 0;
  const take = (raw: string) => {
    line++;
    const input = raw.trim();
    if (input === "" || input.startsWith("#")) return;
    batch.push({ input: line === 1 ? stripBom(input) : input, line });
  };
  for await (const chunk of handle.createReadStream({
    start: 0,
    highWaterMark: readChunkBytes,
    autoClose: false,
  })) {
    read += (chunk as Buffer).length;
    const text = carry + decoder.write(chunk as Buffer);
    let from = 0;
    for (let end = text.indexOf("\n", from); end >= 0; end = text.indexOf("\n", from)) {
      take(text.slice(from, end));
      from = end + 1;
      if (batch.length >= batchSize) {
        yield { batch, read };
        batch = [];
        read = 0;
      }
    }
    carry = text.slice(from);
  }
  const rest = carry + decoder.end();
  if (rest !== "") take(rest);
  yield { batch, read };
}

async function* csvBatches(path: string, batchSize: number): AsyncGenerator<Read> {
  const source = createReadStream(path, { highWaterMark: readChunkBytes });
  let read = 0;
  source.on("data", (chunk) => {
    read += chunk.length;
  });
  const records = source.pipe(parseCsvStream({ ...csvOptions, bom: true }));
  const toRequest = csvMapper();
  let batch: TargetRequest[] = [];
  try {
    for await (const record of records as AsyncIterable<CsvRecord>) {
      batch.push(toRequest(record));
      if (batch.length >= batchSize) {
        yield { batch, read };
        batch = [];
        read = 0;
      }
    }
  } finally {
    source.destroy();
  }
  yield { batch, read };
}

/** Maps CSV records to requests; the first record's columns say which one holds the target. */
function csvMapper(): (record: CsvRecord) => TargetRequest {
  let column: string | undefined;
  let inferred: string | undefined;
  return ({ record, info }) => {
    if (column === undefined) {
      column = targetColumns.find((name) => name in record);
      if (!column) {
        throw new DecreeError(
          "IMPORT_CSV_HEADER",
          `The CSV header (${Object.keys(record).join(", ")}) has no target column. Name one of: ${targetColumns.join(", ")}; ` +
            "optional columns are kind and until.",
        );
      }
      inferred = ["domain", "fqdn", "url", "ip", "cidr"].includes(column) ? column : undefined;
    }
    const chosen = record.kind?.toLowerCase() || inferred;
    return {
      input: record[column] ?? "",
      kind: chosen || undefined,
      until: record.until || undefined,
      line: info.lines,
    };
  };
}

/**
 * One target per line (blank lines and `#` comments skipped), or CSV with a header naming a target column and
 * optionally `kind` and `until`. Names never contain commas, so a comma on the first line means CSV.
 */
export function parseTargetText(text: string): TargetRequest[] {
  const body = stripBom(text);
  const firstLine = body.split("\n", 1)[0] ?? "";
  return firstLine.includes(",") ? parseCsvTargets(body) : parseLineTargets(body);
}

function parseLineTargets(text: string): TargetRequest[] {
  const requests: TargetRequest[] = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const input = (lines[index] ?? "").trim();
    if (input === "" || input.startsWith("#")) continue;
    requests.push({ input, line: index + 1 });
  }
  return requests;
}

function parseCsvTargets(text: string): TargetRequest[] {
  const records = parseCsv(text, csvOptions) as unknown as CsvRecord[];
  return records.map(csvMapper());
}
