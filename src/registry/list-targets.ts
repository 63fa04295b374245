import type { Kysely } from "kysely";
import { type Target, type TargetState, targetFromRow } from "../intake/target.ts";
import type { TargetKind } from "../names/target-kind.ts";
import type { Database } from "../store/database.ts";

export interface TargetFilter {
  orderId?: number | undefined;
  state?: TargetState | undefined;
  /** Only targets in one of these states (what a reader may see; the public sees entries only). */
  states?: readonly TargetState[] | undefined;
  kind?: TargetKind | undefined;
  /** Exact canonical value, e.g. to see every order that names one domain. */
  value?: string | undefined;
  /** Keyset pagination: targets with an id above this one. */
  after?: number | undefined;
  limit?: number | undefined;
}

export const defaultTargetPage = 100;
export const maxTargetPage = 10_000;

export async function listTargets(db: Kysely<Database>, filter: TargetFilter): Promise<Target[]> {
  let query = db.selectFrom("targets").selectAll();
  if (filter.orderId !== undefined) query = query.where("order_id", "=", filter.orderId);
  if (filter.state !== undefined) query = query.where("state", "=", filter.state);
  if (filter.states !== undefined) query = query.where("state", "in", filter.states);
  if (filter.kind !== undefined) query = query.where("kind", "=", filter.kind);
  if (filter.value !== undefined) query = query.where("value", "=", filter.value);
  if (filter.after !== undefined) query = query.where("id", ">", filter.after);
  const limit = Math.min(filter.limit ?? defaultTargetPage, maxTargetPage);
  const rows = await query.orderBy("id").limit(limit).execute();
  return rows.map(targetFromRow);
}
