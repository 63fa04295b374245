import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import type { Database } from "../store/database.ts";
import type { StoredCheckDataKind } from "../vocabulary/vocabulary.ts";
import { toInterval } from "./address-ranges.ts";

/** Who announces an address: the autonomous system and the organisation the dataset names for it. */
export interface AsnRange {
  asn: number;
  organisation: string;
  /** The dataset's range holding the address, as first and last address. */
  first: string;
  last: string;
}

/** Where the table came from, for the finding's evidence and `decree data list`. */
export interface AsnDataset {
  source: string;
  licence: string;
  date: string;
  /** The folder the CSV files were read from. */
  folder: string;
  ranges: number;
}

const maxMatches = 20;

/**
 * An IP-to-ASN table in the layout of `@ip-location-db/asn` (asn-ipv4-num.csv and asn-ipv6-num.csv: first and
 * last address as integers, ASN, organisation), sorted and without overlaps. IPv4 ranges sit in typed arrays
 * and IPv6 ones in two 64-bit halves, so a look-up is a binary search with no allocation: half a million
 * ranges cost some 10 MB, once per process, instead of a query per target.
 */
export class AsnTable {
  readonly dataset: AsnDataset;
  readonly #organisations: string[] = [];
  readonly #v4First: Uint32Array;
  readonly #v4Last: Uint32Array;
  readonly #v4Org: Uint32Array;
  readonly #v4Asn: Uint32Array;
  readonly #v6First: BigUint64Array[];
  readonly #v6Last: BigUint64Array[];
  readonly #v6Org: Uint32Array;
  readonly #v6Asn: Uint32Array;

  constructor(v4Csv: string, v6Csv: string, dataset: Omit<AsnDataset, "ranges">) {
    const orgIndex = new Map<string, number>();
    const intern = (organisation: string) => {
      let index = orgIndex.get(organisation);
      if (index === undefined) {
        index = this.#organisations.length;
        this.#organisations.push(organisation);
        orgIndex.set(organisation, index);
      }
      return index;
    };
    const v4 = parseRows(v4Csv, "asn-ipv4-num.csv");
    this.#v4First = new Uint32Array(v4.length);
    this.#v4Last = new Uint32Array(v4.length);
    this.#v4Org = new Uint32Array(v4.length);
    this.#v4Asn = new Uint32Array(v4.length);
    v4.forEach((row, i) => {
      this.#v4First[i] = Number(row.first);
      this.#v4Last[i] = Number(row.last);
      this.#v4Asn[i] = row.asn;
      this.#v4Org[i] = intern(row.organisation);
    });
    const v6 = parseRows(v6Csv, "asn-ipv6-num.csv");
    this.#v6First = [new BigUint64Array(v6.length), new BigUint64Array(v6.length)];
    this.#v6Last = [new BigUint64Array(v6.length), new BigUint64Array(v6.length)];
    this.#v6Org = new Uint32Array(v6.length);
    this.#v6Asn = new Uint32Array(v6.length);
    v6.forEach((row, i) => {
      this.#v6First[0]![i] = row.first >> 64n;
      this.#v6First[1]![i] = row.first & mask64;
      this.#v6Last[0]![i] = row.last >> 64n;
      this.#v6Last[1]![i] = row.last & mask64;
      this.#v6Asn[i] = row.asn;
      this.#v6Org[i] = intern(row.organisation);
    });
    this.dataset = { ...dataset, ranges: v4.length + v6.length };
  }

  /**
   * The ranges an address or prefix overlaps, in address order: one for an address the dataset knows, none for
   * one nobody announces, several (at most 20) for a prefix spanning networks.
   */
  lookup(addressOrPrefix: string): AsnRange[] {
    const { v6, first, last } = toInterval(addressOrPrefix);
    return v6 ? this.#lookup6(first, last) : this.#lookup4(Number(first), Number(last));
  }

  #lookup4(first: number, last: number): AsnRange[] {
    const lasts = this.#v4Last;
    // The first range whose end reaches the target's start.
    let low = 0;
    let high = lasts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (lasts[middle]! < first) low = middle + 1;
      else high = middle;
    }
    const found: AsnRange[] = [];
    for (let i = low; i < lasts.length && this.#v4First[i]! <= last && found.length < maxMatches; i++) {
      found.push({
        asn: this.#v4Asn[i]!,
        organisation: this.#organisations[this.#v4Org[i]!]!,
        first: v4Text(this.#v4First[i]!),
        last: v4Text(lasts[i]!),
      });
    }
    return found;
  }

  #lookup6(first: bigint, last: bigint): AsnRange[] {
    const count = this.#v6Asn.length;
    const at = (halves: BigUint64Array[], i: number) => (halves[0]![i]! << 64n) | halves[1]![i]!;
    let low = 0;
    let high = count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (at(this.#v6Last, middle) < first) low = middle + 1;
      else high = middle;
    }
    const found: AsnRange[] = [];
    for (let i = low; i < count && at(this.#v6First, i) <= last && found.length < maxMatches; i++) {
      found.push({
        asn: this.#v6Asn[i]!,
        organisation: this.#organisations[this.#v6Org[i]!]!,
        first: v6Text(at(this.#v6First, i)),
        last: v6Text(at(this.#v6Last, i)),
      });
    }
    return found;
  }
}

const mask64 = (1n << 64n) - 1n;

interface Row {
  first: bigint;
  last: bigint;
  asn: number;
  organisation: string;
}

function parseRows(csv: string, file: string): Row[] {
  const rows: Row[] = [];
  let previousFirst = -1n;
  let previousLast = -1n;
  let lineNumber = 0;
  for (const line of csv.split("\n")) {
    lineNumber++;
    if (line === "") continue;
    const firstComma = line.indexOf(",");
    const secondComma = line.indexOf(",", firstComma + 1);
    const thirdComma = line.indexOf(",", secondComma + 1);
    const first = toBigInt(line.slice(0, firstComma));
    const last = toBigInt(line.slice(firstComma + 1, secondComma));
    const asn = Number(line.slice(secondComma + 1, thirdComma));
    if (firstComma < 0 || thirdComma < 0 || first === null || last === null || !Number.isInteger(asn)) {
      throw new DecreeError(
        "ASN_DATA_INVALID",
        `${file}, line ${lineNumber}: not "first,last,asn,organisation" with integer addresses. Give the ` +
          "folder of an @ip-location-db/asn release (asn-ipv4-num.csv and asn-ipv6-num.csv).",
      );
    }
    if (first < previousFirst || last < first) {
      throw new DecreeError(
        "ASN_DATA_INVALID",
        `${file}, line ${lineNumber}: ranges must be sorted by their first address, each ending after it ` +
          "starts. Give the files as an @ip-location-db/asn release has them.",
      );
    }
    // The merged sources overlap now and then (a more specific route inside a registry's allocation): the
    // earlier row keeps its addresses and the later one keeps what lies past it.
    if (last <= previousLast) continue;
    const start = first <= previousLast ? previousLast + 1n : first;
    previousFirst = first;
    previousLast = last;
    rows.push({ first: start, last, asn, organisation: unquote(line.slice(thirdComma + 1).trimEnd()) });
  }
  return rows;
}

function toBigInt(text: string): bigint | null {
  return /^\d+$/.test(text) ? BigInt(text) : null;
}

function unquote(text: string): string {
  return text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1).replaceAll('""', '"') : text;
}

function v4Text(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

function v6Text(value: bigint): string {
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16));
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(":");
  return `${groups.slice(0, bestStart).join(":")}::${groups.slice(bestStart + bestLength).join(":")}`;
}

/** The npm package's folder, found through Node's resolution so that a hoisted or linked install works. */
function packageFolder(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve("@ip-location-db/asn/package.json"));
}

let shipped: AsnTable | undefined;
const byFolder = new Map<string, AsnTable>();

/**
 * The table, parsed on first use and kept for the process: the shipped `@ip-location-db/asn` (RouteViews and
 * DB-IP's IP to ASN Lite, CC-BY-4.0, dated by the package's version), or the folder of a newer release given
 * as config `asnDataFolder`.
 */
export function asnTable(folder?: string): AsnTable {
  if (folder === undefined) {
    shipped ??= readTable(packageFolder(), "shipped");
    return shipped;
  }
  let table = byFolder.get(folder);
  if (table === undefined) {
    table = readTable(folder, "configured");
    byFolder.set(folder, table);
  }
  return table;
}

/** The kind of the copies `decree data update FOLDER` loads into checks_data. */
export const asnDataKind: StoredCheckDataKind = "ip-to-asn";

const byDigest = new Map<string, AsnTable>();

/**
 * The table the checks use: the folder of config `asnDataFolder` when set, else the newest copy loaded with
 * `decree data update FOLDER` (kept in the store, so every instance uses it), else the shipped package.
 */
export async function currentAsnTable(db: Kysely<Database>, folder?: string): Promise<AsnTable> {
  if (folder !== undefined) return asnTable(folder);
  const head = await db
    .selectFrom("checks_data")
    .select(["id", "sha256", "data_date", "source"])
    .where("kind", "=", asnDataKind)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!head) return asnTable();
  let table = byDigest.get(head.sha256);
  if (table === undefined) {
    const { data } = await db
      .selectFrom("checks_data")
      .select("data")
      .where("id", "=", head.id)
      .executeTakeFirstOrThrow();
    const { v4, v6 } = JSON.parse(data) as { v4: string; v6: string };
    table = new AsnTable(v4, v6, {
      source: head.source,
      licence: shippedLicence,
      date: head.data_date,
      folder: `loaded copy ${head.id}`,
    });
    byDigest.set(head.sha256, table);
  }
  return table;
}

/** The two CSV files of a release folder, as text; refused with ASN_DATA_INVALID when either is missing. */
export function readAsnFolder(folder: string): { v4: string; v6: string; date: string } {
  try {
    return {
      v4: readFileSync(join(folder, "asn-ipv4-num.csv"), "utf8"),
      v6: readFileSync(join(folder, "asn-ipv6-num.csv"), "utf8"),
      date: datasetDate(folder),
    };
  } catch (error) {
    throw new DecreeError(
      "ASN_DATA_INVALID",
      `Cannot read the IP-to-ASN tables in ${folder}: ${(error as Error).message}. The folder must hold ` +
        "asn-ipv4-num.csv and asn-ipv6-num.csv, as an @ip-location-db/asn release does.",
    );
  }
}

const shippedLicence =
  "CC-BY-4.0; IP to ASN data by DB-IP (https://db-ip.com) and RouteViews (https://www.routeviews.org)";

function readTable(folder: string, origin: "shipped" | "configured"): AsnTable {
  const { v4, v6 } = readAsnFolder(folder);
  return new AsnTable(v4, v6, {
    source:
      origin === "shipped"
        ? "@ip-location-db/asn (RouteViews, the five RIRs and DB-IP IP to ASN Lite), https://github.com/sapics/ip-location-db"
        : `IP-to-ASN tables in ${folder} (config asnDataFolder)`,
    licence: shippedLicence,
    date: datasetDate(folder),
    folder,
  });
}

/** The package's version carries its build date (2.3.2026061719: 17 June 2026, 19h). */
function datasetDate(folder: string): string {
  try {
    const version = (JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as { version?: string })
      .version;
    const match = /\.(\d{4})(\d{2})(\d{2})\d*$/.exec(version ?? "");
    if (match) return `${match[1]}-${match[2]}-${match[3]}`;
  } catch {
    // A release folder without package.json: dated by its files below.
  }
  try {
    return new Date(statSync(join(folder, "asn-ipv4-num.csv")).mtimeMs).toISOString().slice(0, 10);
  } catch {
    return "unknown";
  }
}
