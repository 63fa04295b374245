import type { Database, Store } from "../../src/store/database.ts";

/** The header that carries an API token (RFC 6750). */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

const workflowTables = [
  "orders",
  "targets",
  "events",
  "documents",
  "scheduled_approvals",
  "acknowledgments",
  "target_reports",
  "webhooks",
  "webhook_deliveries",
  "deadline_breaches",
] as const satisfies ReadonlyArray<keyof Database>;

/** Row counts of every table the workflow writes, to show that a refused request changed nothing. */
export async function workflowCounts(store: Store): Promise<Record<(typeof workflowTables)[number], number>> {
  const counts = {} as Record<(typeof workflowTables)[number], number>;
  for (const table of workflowTables) {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}
