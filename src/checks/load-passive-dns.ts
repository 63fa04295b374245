import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { CompiledQuery, type Kysely } from "kysely";
import { getDomain } from "tldts";
import { DecreeError } from "../errors/decree-error.ts";
import type { Database } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import type { PassiveDnsFormat } from "../vocabulary/vocabulary.ts";
import { addressKey } from "./address-key.ts";

export interface LoadedPassiveDns {
  id: number;
  fileName: string;
  source: string;
  format: PassiveDnsFormat;
  sha256: string;
  /** Lines that observed a name on an address (A or AAAA). */
  observations: number;
  /** (address, registrable domain) pairs the store did not hold yet. */
  pairs: number;
  /** Lines of other record types, and names under no registrable domain. */
  skipped: number;
  loadedAt: string;
}

export interface LoadPassiveDnsOptions {
  actor: string;
  now: Date;
  /** Where the observations come from, for the findings' evidence; the file's name by default. */
  source?: string;
  /** Observations written per statement; 500 by default (bound parameters stay far under both engines' limits). */
  batchRows?: number;
}

const columns = ["address_key", "site", "name", "load_id"] as const;

// The same registrable domain as siteOf (snapshot-addresses.ts), without re-parsing what is a host name already.
const domainOptions = { allowPrivateDomains: true, extractHostname: false, mixedInputs: false } as const;

/**
 * Loads a passive-DNS file (name → address observations) into the store, offline, streamed: a line is read,
 * checked and written in batches, so memory stays that of one batch whatever the file's size. Two formats:
 * Rapid7 FDNS JSON lines (`{"name":…,"type":"a"|"aaaa"|…,"value":…}`; other types are skipped) and CSV
 * `name,address` (a header line is allowed). A gzip file is read as such. The whole file is one transaction:
 * a line that fits neither format stops the load with its line number and nothing is stored.
 */
export async function loadPassiveDns(
  db: Kysely<Database>,
  path: string,
  options: LoadPassiveDnsOptions,
): Promise<LoadedPassiveDns> {
  const gzip = await isGzip(path);
  const loadedAt = options.now.toISOString();
  const fileName = path.split("/").pop() ?? path;
  const source = options.source ?? fileName;
  const batchRows = options.batchRows ?? 500;
  return inTransaction(db, async (trx) => {
    const { id } = await trx
      .insertInto("passive_dns_loads")
      .values({
        file_name: fileName,
        source,
        format: "pending",
        sha256: "",
        observations: 0,
        pairs: 0,
        skipped: 0,
        loaded_at: loadedAt,
        loaded_by: options.actor,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const loadId = Number(id);
    const hash = createHash("sha256");
    const file = createReadStream(path);
    file.on("data", (chunk) => hash.update(chunk));
    const text: Readable = gzip ? file.pipe(createGunzip()) : file;
    const failed = new Promise<never>((_, reject) => {
      file.on("error", (error) =>
        reject(new DecreeError("CHECKS_DATA_UNREADABLE", `Cannot read ${path}: ${error.message}.`)),
      );
      if (text !== file) text.on("error", reject);
    });
    const lines = createInterface({ input: text, crlfDelay: Number.POSITIVE_INFINITY });
    const reader = new LineReader(path);
    const batch: string[] = [];
    let pairs = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      pairs += await insertBatch(trx, batch, loadId);
      batch.length = 0;
    };
    const work = (async () => {
      for await (const line of lines) {
        const observation = reader.read(line);
        if (observation === null) continue;
        batch.push(observation.key, observation.site, observation.name);
        if (batch.length >= batchRows * 3) await flush();
      }
      await flush();
    })();
    try {
      await Promise.race([work, failed]);
    } catch (error) {
      file.destroy();
      throw gunzipError(error, path);
    }
    if (reader.format === undefined) {
      throw new DecreeError(
        "PASSIVE_DNS_FORMAT_INVALID",
        `${path} holds no observation: give Rapid7 FDNS JSON lines or a CSV of name,address.`,
      );
    }
    const sha256 = hash.digest("hex");
    await trx
      .updateTable("passive_dns_loads")
      .set({
        format: reader.format,
        sha256,
        observations: reader.observations,
        pairs,
        skipped: reader.skipped,
      })
      .where("id", "=", loadId)
      .execute();
    return {
      id: loadId,
      fileName,
      source,
      format: reader.format,
      sha256,
      observations: reader.observations,
      pairs,
      skipped: reader.skipped,
      loadedAt,
    };
  });
}

interface Observation {
  key: string;
  site: string;
  name: string;
}

/** Reads one line at a time, fixing the format on the first line that is not blank. */
class LineReader {
  format: PassiveDnsFormat | undefined;
  observations = 0;
  skipped = 0;
  #line = 0;
  #nameColumn = 0;
  #addressColumn = 1;
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  read(line: string): Observation | null {
    this.#line++;
    const text = line.trim();
    if (text === "") return null;
    if (this.format === undefined) {
      if (text.startsWith("{")) this.format = "fdns-json";
      else {
        this.format = "csv";
        if (this.#header(text)) return null;
      }
    }
    return this.format === "fdns-json" ? this.#json(text) : this.#csv(text);
  }

  #header(text: string): boolean {
    const cells = text.toLowerCase().split(",");
    const name = cells.indexOf("name");
    const address = cells.findIndex((cell) => cell === "address" || cell === "value" || cell === "ip");
    if (name < 0 || address < 0) return false;
    this.#nameColumn = name;
    this.#addressColumn = address;
    return true;
  }

  #json(text: string): Observation | null {
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      return this.#refuse("is not a JSON object");
    }
    const { name, type, value } = (record ?? {}) as { name?: unknown; type?: unknown; value?: unknown };
    if (typeof name !== "string" || typeof type !== "string" || typeof value !== "string") {
      return this.#refuse('lacks the string fields "name", "type" and "value" of Rapid7 FDNS');
    }
    const kind = type.toLowerCase();
    if (kind !== "a" && kind !== "aaaa") {
      this.skipped++;
      return null;
    }
    return this.#observation(name, value);
  }

  #csv(text: string): Observation | null {
    const cells = text.split(",");
    const name = cells[this.#nameColumn];
    const address = cells[this.#addressColumn];
    if (name === undefined || address === undefined) {
      return this.#refuse("is not name,address (CSV): it has fewer cells");
    }
    return this.#observation(unquote(name.trim()), unquote(address.trim()));
  }

  #observation(rawName: string, address: string): Observation | null {
    const key = addressKey(address);
    if (key === null) return this.#refuse(`gives ${JSON.stringify(address.slice(0, 60))}, not an IP address`);
    this.observations++;
    let name = rawName.toLowerCase();
    if (name.endsWith(".")) name = name.slice(0, -1);
    if (name.startsWith("*.")) name = name.slice(2);
    const site = getDomain(name, domainOptions);
    // A bare public suffix or a name under no suffix (a host's internal name) is no site of anyone's.
    if (site === null) {
      this.skipped++;
      return null;
    }
    return { key, site, name };
  }

  #refuse(why: string): never {
    throw new DecreeError(
      "PASSIVE_DNS_FORMAT_INVALID",
      `${this.#path}, line ${this.#line} ${why}. Give Rapid7 FDNS JSON lines ` +
        '({"name":"www.example.org","type":"a","value":"192.0.2.1"}) or a CSV of name,address; nothing was stored.',
    );
  }
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

const templates = new Map<string, string>();

/** One multi-row insert that keeps the first load's row for a pair already known: the count is of new pairs. */
async function insertBatch(trx: Kysely<Database>, batch: string[], loadId: number): Promise<number> {
  const rows = batch.length / 3;
  const engine = trx.getExecutor().adapter.constructor.name;
  const key = `${engine}:${rows}`;
  let sql = templates.get(key);
  if (sql === undefined) {
    const placeholder = { address_key: "", site: "", name: "", load_id: 0 };
    sql = trx
      .insertInto("passive_dns")
      .values(Array(rows).fill(placeholder))
      .onConflict((conflict) => conflict.columns(["address_key", "site"]).doNothing())
      .compile().sql;
    templates.set(key, sql);
  }
  const parameters: unknown[] = new Array(rows * columns.length);
  for (let row = 0; row < rows; row++) {
    parameters[row * 4] = batch[row * 3];
    parameters[row * 4 + 1] = batch[row * 3 + 1];
    parameters[row * 4 + 2] = batch[row * 3 + 2];
    parameters[row * 4 + 3] = loadId;
  }
  const result = await trx.executeQuery(CompiledQuery.raw(sql, parameters));
  return Number(result.numAffectedRows ?? 0n);
}

async function isGzip(path: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new DecreeError("CHECKS_DATA_UNREADABLE", `Cannot read ${path}: ${(error as Error).message}.`);
  }
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

function gunzipError(error: unknown, path: string): unknown {
  if (error instanceof DecreeError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("Z_")) {
    return new DecreeError(
      "PASSIVE_DNS_FORMAT_INVALID",
      `${path} starts as gzip but does not inflate (${(error as Error).message}); nothing was stored.`,
    );
  }
  return error;
}

/** The loads so far, newest first. */
export async function listPassiveDnsLoads(db: Kysely<Database>) {
  const rows = await db.selectFrom("passive_dns_loads").selectAll().orderBy("id", "desc").execute();
  return rows.map((row) => ({
    id: Number(row.id),
    fileName: row.file_name,
    source: row.source,
    format: row.format,
    sha256: row.sha256,
    observations: Number(row.observations),
    pairs: Number(row.pairs),
    skipped: Number(row.skipped),
    loadedAt: row.loaded_at,
    loadedBy: row.loaded_by,
  }));
}
