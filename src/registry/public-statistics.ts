import { type Kysely, sql } from "kysely";
import { entryStates } from "../intake/target.ts";
import type { Database } from "../store/database.ts";

export interface PublicStatistics {
  /** Entries by the day their validity starts (UTC), oldest first: the portal draws them cumulated. */
  entriesByDay: { day: string; count: number }[];
  /** Entries of each order by state, with the measures the order grants. */
  entriesByOrder: {
    orderId: number;
    caseNumber: string;
    authority: string;
    measures: string[];
    byState: Record<string, number>;
  }[];
  /** Appeals by their state: open, suspended, upheld, lifted. */
  appealsByState: Record<string, number>;
}

/**
 * The public portal's statistics, counted by the store (GROUP BY) so that the browser receives a few hundred
 * numbers, not the registry. Entries only: proposed and rejected targets are not public.
 */
export async function publicStatistics(db: Kysely<Database>): Promise<PublicStatistics> {
  const day = sql<string>`substr(valid_from, 1, 10)`;
  const byDay = await db
    .selectFrom("targets")
    .select([day.as("day"), (eb) => eb.fn.countAll<number>().as("count")])
    .where("state", "in", [...entryStates])
    .groupBy(day)
    .orderBy(day)
    .execute();
  const byOrder = await db
    .selectFrom("targets as t")
    .innerJoin("orders as o", "o.id", "t.order_id")
    .select(["o.id", "o.case_number", "o.authority", "o.measures", "t.state"])
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("t.state", "in", [...entryStates])
    .groupBy(["o.id", "o.case_number", "o.authority", "o.measures", "t.state"])
    .orderBy("o.id")
    .execute();
  const appeals = await db
    .selectFrom("appeals")
    .select(["state", (eb) => eb.fn.countAll<number>().as("count")])
    .groupBy("state")
    .execute();
  const orders = new Map<number, PublicStatistics["entriesByOrder"][number]>();
  for (const row of byOrder) {
    const id = Number(row.id);
    const order = orders.get(id) ?? {
      orderId: id,
      caseNumber: row.case_number,
      authority: row.authority,
      measures: JSON.parse(row.measures) as string[],
      byState: {},
    };
    order.byState[row.state] = Number(row.count);
    orders.set(id, order);
  }
  return {
    entriesByDay: byDay.map((row) => ({ day: row.day, count: Number(row.count) })),
    entriesByOrder: [...orders.values()],
    appealsByState: Object.fromEntries(appeals.map((row) => [row.state, Number(row.count)])),
  };
}
