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

/**
 * The active name and URL entries, of one order or of the whole registry, in a stable order (by URL, then
 * order), each URL once: the earliest order that lists it names its source. A URL carries no clock other than
 * the stored dates, so the same registry renders to the same bytes.
 */
export async function testListEntries(db: Kysely<Database>, orderId?: number): Promise<TestListEntry[]> {
  let query = db
    .selectFrom("targets")
    .innerJoin("orders", "orders.id", "targets.order_id")
    .select([
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
    ])
    .where("targets.state", "=", "active")
    .where("targets.kind", "in", listedKinds);
  if (orderId !== undefined) {
    const order = await db.selectFrom("orders").select("id").where("id", "=", orderId).executeTakeFirst();
    if (!order)
      throw new DecreeError("ORDER_NOT_FOUND", `No order ${orderId}: GET /public/orders lists them.`);
    query = query.where("orders.id", "=", orderId);
  }
  const rows = await query.orderBy("orders.id").orderBy("targets.id").execute();
  const byUrl = new Map<string, TestListEntry>();
  for (const row of rows) {
    const url = row.kind === "url" ? row.value : `https://${row.value}/`;
    if (byUrl.has(url)) continue;
    byUrl.set(url, {
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
  return [...byUrl.values()].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : a.orderId - b.orderId));
}
