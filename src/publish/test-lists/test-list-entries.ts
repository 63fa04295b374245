import type { Kysely } from "kysely";
import { DecreeError } from "../../errors/decree-error.ts";
import type { Database } from "../../store/database.ts";
import type { CitizenLabCategory } from "../../vocabulary/citizen-lab-categories.ts";
import type { OrderKind, TargetKind } from "../../vocabulary/vocabulary.ts";

/** One name or URL that resolvers block, with the order that made it so: a row of an open test list. */
export interface TestListEntry {
  /** The URL a measurement fetches: `https://<name>/` for a name, the URL itself for a URL target. */
  url: string;
  kind: TargetKind;
  /** When the entry was recorded, YYYY-MM-DD (UTC). */
  dateAdded: string;
  orderId: number;
  orderKind: OrderKind;
  authority: string;
  jurisdiction: string;
  caseNumber: string;
  decisionDate: string;
  /** The category the order chose for its names, if it chose one. */
  category: CitizenLabCategory | undefined;
}

/**
 * Measurement tools fetch names and URLs; an address is not something a test list can name (the lists hold
 * URLs only), so IP and CIDR entries stay out, as do entries not in force (only `active` ones are served).
 */
const listedKinds: TargetKind[] = ["fqdn", "domain", "url"];
const nameKinds: TargetKind[] = ["fqdn", "domain"];
const defaultPageSize = 1000;

/** Throws ORDER_NOT_FOUND for an order that does not exist, before a list of it starts. */
export async function assertOrderExists(db: Kysely<Database>, orderId: number): Promise<void> {
  const order = await db.selectFrom("orders").select("id").where("id", "=", orderId).executeTakeFirst();
  if (!order) throw new DecreeError("ORDER_NOT_FOUND", `No order ${orderId}: GET /public/orders lists them.`);
}

function listedQuery(db: Kysely<Database>, orderId: number | undefined) {
  let query = db
    .selectFrom("targets")
    .innerJoin("orders", "orders.id", "targets.order_id")
    .where("targets.state", "=", "active")
    .where("targets.kind", "in", listedKinds);
  if (orderId !== undefined) query = query.where("orders.id", "=", orderId);
  return query;
}

/**
 * The active name and URL entries, of one order or of the whole registry, page by page (keyset pages on the
 * indexed value, so memory stays at one page however large the registry), in a stable order: by the entry as
 * recorded (the name, or the URL), then by order. Each URL once: the earliest order that lists it names its
 * source, and a URL entry that is exactly `https://<name>/` of a listed name is that name's row. A URL carries no
 * clock other than the stored dates, so the same registry renders to the same bytes.
 */
export async function* testListEntryPages(
  db: Kysely<Database>,
  orderId?: number,
  pageSize = defaultPageSize,
  withheld: ReadonlySet<number> = new Set(),
): AsyncGenerator<TestListEntry[]> {
  if (orderId !== undefined) await assertOrderExists(db, orderId);
  let last: { value: string; orderId: number; id: number } | undefined;
  let lastUrl: string | undefined;
  for (;;) {
    let query = listedQuery(db, orderId).select([
      "targets.id",
      "targets.kind",
      "targets.value",
      "targets.created_at",
      "orders.id as order_id",
      "orders.kind as order_kind",
      "orders.authority",
      "orders.jurisdiction",
      "orders.case_number",
      "orders.decision_date",
      "orders.test_list_category",
    ]);
    if (last) {
      const after = last;
      // `value >=` lets the store walk the value index; the tuple orders the ties.
      query = query
        .where("targets.value", ">=", after.value)
        .where((eb) =>
          eb(
            eb.refTuple("targets.value", "targets.order_id", "targets.id"),
            ">",
            eb.tuple(after.value, after.orderId, after.id),
          ),
        );
    }
    const read = await query
      .orderBy("targets.value")
      .orderBy("targets.order_id")
      .orderBy("targets.id")
      .limit(pageSize)
      .execute();
    if (read.length === 0) return;
    const tail = read.at(-1)!;
    last = { value: tail.value, orderId: Number(tail.order_id), id: Number(tail.id) };
    // Entries a staged rollout still withholds from everyone are in no list everyone reads (rollout/).
    const rows = withheld.size === 0 ? read : read.filter((row) => !withheld.has(Number(row.id)));
    const shadowed = await namesListed(
      db,
      orderId,
      rows.flatMap((row) =>
        row.kind === "url" ? [bareHostOf(row.value)].filter((n) => n !== undefined) : [],
      ),
    );
    const page: TestListEntry[] = [];
    for (const row of rows) {
      const url = row.kind === "url" ? row.value : `https://${row.value}/`;
      if (url === lastUrl) continue;
      lastUrl = url;
      if (row.kind === "url" && shadowed.has(bareHostOf(row.value) ?? "")) continue;
      page.push({
        url,
        kind: row.kind,
        dateAdded: String(row.created_at).slice(0, 10),
        orderId: Number(row.order_id),
        orderKind: row.order_kind,
        authority: row.authority,
        jurisdiction: row.jurisdiction,
        caseNumber: row.case_number,
        decisionDate: String(row.decision_date).slice(0, 10),
        category: (row.test_list_category as CitizenLabCategory | null) ?? undefined,
      });
    }
    if (page.length > 0) yield page;
    if (read.length < pageSize) return;
  }
}

/** The name of a URL that is exactly `https://<name>/`, the URL a name entry is listed as. */
function bareHostOf(url: string): string | undefined {
  return /^https:\/\/([^/?#]+)\/$/.exec(url)?.[1];
}

/** Which of these names are listed as name entries in the same scope (their row stands for the URL too). */
async function namesListed(
  db: Kysely<Database>,
  orderId: number | undefined,
  names: string[],
): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = await listedQuery(db, orderId)
    .select("targets.value")
    .where("targets.kind", "in", nameKinds)
    .where("targets.value", "in", names)
    .execute();
  return new Set(rows.map((row) => row.value));
}

/** Every entry at once: for small lists and tests; the HTTP exports stream the pages. */
export async function testListEntries(db: Kysely<Database>, orderId?: number): Promise<TestListEntry[]> {
  const entries: TestListEntry[] = [];
  for await (const page of testListEntryPages(db, orderId)) entries.push(...page);
  return entries;
}
