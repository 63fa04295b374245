import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import type { Database } from "../store/database.ts";
import { type CheckDataKind, checkDataKinds, type StoredCheckDataKind } from "../vocabulary/vocabulary.ts";
import { AsnTable, asnDataKind, readAsnFolder } from "./asn-table.ts";
import { checkDataSchemas, parseText } from "./check-data.ts";

export interface LoadedCheckData {
  id: number;
  kind: StoredCheckDataKind;
  date: string;
  source: string;
  sha256: string;
  /** Prefixes or names in the copy. */
  entries: number;
  loadedAt: string;
}

/**
 * Loads a newer copy of a check's data (shared-infrastructure ranges, protected names, ASN classes or public
 * resolvers, in the format of the shipped file in data/) into the store, offline: the checks use the newest
 * loaded copy from the next submission on, on every instance. The kind is read from the file: `sets` of
 * ranges, `names`, `networks` or `resolvers`.
 */
export async function updateCheckData(
  db: Kysely<Database>,
  path: string,
  options: { actor: string; now: Date },
): Promise<LoadedCheckData> {
  if (isFolder(path)) return updateAsnData(db, path, options);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new DecreeError("CHECKS_DATA_UNREADABLE", `Cannot read ${path}: ${(error as Error).message}.`);
  }
  const kind = kindOf(text, path);
  const parsed = parseText(checkDataSchemas[kind], text, path);
  const entries =
    "sets" in parsed
      ? parsed.sets.reduce((n, set) => n + set.ranges.length, 0)
      : "names" in parsed
        ? parsed.names.length
        : "networks" in parsed
          ? parsed.networks.length
          : parsed.resolvers.length;
  const sha256 = createHash("sha256").update(text).digest("hex");
  const loadedAt = options.now.toISOString();
  const { id } = await db
    .insertInto("checks_data")
    .values({
      kind,
      data: text,
      data_date: parsed.date,
      source: parsed.source,
      sha256,
      loaded_at: loadedAt,
      loaded_by: options.actor,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: Number(id), kind, date: parsed.date, source: parsed.source, sha256, entries, loadedAt };
}

function kindOf(text: string, path: string): CheckDataKind {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DecreeError("CHECKS_DATA_INVALID", `${path} is not JSON: ${(error as Error).message}.`);
  }
  if (json && typeof json === "object" && "sets" in json) return "shared-infrastructure";
  if (json && typeof json === "object" && "names" in json) return "protected-names";
  if (json && typeof json === "object" && "networks" in json) return "asn-classes";
  if (json && typeof json === "object" && "resolvers" in json) return "public-resolvers";
  throw new DecreeError(
    "CHECKS_DATA_INVALID",
    `${path} is none of ${checkDataKinds.join(", ")} data: it needs "sets" of ranges (as ` +
      'data/shared-infrastructure.json), "names" (as data/protected-names.json), "networks" (as ' +
      'data/asn-classes.json) or "resolvers" (as data/public-resolvers.json).',
  );
}

/** The copies loaded so far, newest first, without their data. */
export async function listCheckData(db: Kysely<Database>) {
  const rows = await db
    .selectFrom("checks_data")
    .select(["id", "kind", "data_date", "source", "sha256", "loaded_at", "loaded_by"])
    .orderBy("id", "desc")
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    kind: row.kind,
    date: row.data_date,
    source: row.source,
    sha256: row.sha256,
    loadedAt: row.loaded_at,
    loadedBy: row.loaded_by,
  }));
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A newer IP-to-ASN release (the folder of an @ip-location-db/asn release, or any folder of its two CSV files),
 * checked by building the table once, then kept in the store as the text of both files: every instance uses
 * the newest copy from its next submission on.
 */
async function updateAsnData(
  db: Kysely<Database>,
  folder: string,
  options: { actor: string; now: Date },
): Promise<LoadedCheckData> {
  const { v4, v6, date } = readAsnFolder(folder);
  const source = `IP-to-ASN tables of ${folder.split("/").filter(Boolean).pop() ?? folder} (@ip-location-db/asn layout)`;
  const table = new AsnTable(v4, v6, { source, licence: "", date, folder });
  const data = JSON.stringify({ v4, v6 });
  const sha256 = createHash("sha256").update(data).digest("hex");
  const loadedAt = options.now.toISOString();
  const { id } = await db
    .insertInto("checks_data")
    .values({
      kind: asnDataKind,
      data,
      data_date: date,
      source,
      sha256,
      loaded_at: loadedAt,
      loaded_by: options.actor,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: Number(id), kind: asnDataKind, date, source, sha256, entries: table.dataset.ranges, loadedAt };
}
