import type { Kysely } from "kysely";
import type { Database } from "../store/database.ts";
import type { TargetKind, TargetState } from "../vocabulary/vocabulary.ts";

/** Another entry of the same order for the same site (registrable domain) as an appealed entry. */
export interface SiblingEntry {
  id: number;
  kind: TargetKind;
  value: string;
  display: string;
  state: TargetState;
}

/**
 * Entries a decision on the site can still change: in force, due, or suspended. Lifted and expired ones are
 * over, and proposals are not decisions yet.
 */
const siblingStates = ["approved", "active", "suspended"] as const satisfies readonly TargetState[];

export interface SiteOf {
  targetId: number;
  orderId: number;
  site: string | null;
}

/**
 * For each entry, the other entries of its order for its site, in id order: `www.allostreaming.net` beside
 * `allostreaming.net`. One query for them all, by the index on (order_id, site); an entry without a site (an
 * address) has none.
 */
export async function siteSiblings(
  db: Kysely<Database>,
  entries: readonly SiteOf[],
): Promise<Map<number, SiblingEntry[]>> {
  const result = new Map<number, SiblingEntry[]>(entries.map((entry) => [entry.targetId, []]));
  const keys = new Map<string, SiteOf>();
  for (const entry of entries) {
    if (entry.site !== null) keys.set(`${entry.orderId} ${entry.site}`, entry);
  }
  if (keys.size === 0) return result;
  const rows = await db
    .selectFrom("targets")
    .select(["id", "order_id", "site", "kind", "value", "display", "state"])
    .where((eb) =>
      eb.or(
        [...keys.values()].map((key) =>
          eb.and([eb("order_id", "=", key.orderId), eb("site", "=", key.site)]),
        ),
      ),
    )
    .where("state", "in", siblingStates)
    .orderBy("id")
    .execute();
  const bySite = new Map<string, SiblingEntry[]>();
  for (const row of rows) {
    const key = `${Number(row.order_id)} ${row.site}`;
    const sibling = {
      id: Number(row.id),
      kind: row.kind,
      value: row.value,
      display: row.display,
      state: row.state,
    };
    const list = bySite.get(key);
    if (list) list.push(sibling);
    else bySite.set(key, [sibling]);
  }
  for (const entry of entries) {
    const same = bySite.get(`${entry.orderId} ${entry.site}`) ?? [];
    result.set(
      entry.targetId,
      same.filter((sibling) => sibling.id !== entry.targetId),
    );
  }
  return result;
}
