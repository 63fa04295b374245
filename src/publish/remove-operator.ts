import type { Kysely } from "kysely";
import { appendEvents } from "../store/append-events.ts";
import type { Database } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { findOperatorRow, type Operator, operatorFromRow } from "./operators.ts";

/**
 * Removes an operator: no more NOTIFY, its keys and addresses stop authorising transfers at once. Its row
 * stays (records are immutable; its measurements and acknowledgments name it), marked removed, keys erased.
 */
export async function removeOperator(
  db: Kysely<Database>,
  name: string,
  options: { actor: string; now: Date; reason?: string },
): Promise<Operator> {
  return inTransaction(db, async (trx) => {
    const row = await findOperatorRow(trx, name);
    const at = options.now.toISOString();
    const removed = await trx
      .updateTable("operators")
      .set({
        removed_at: at,
        tsig_secret: null,
        previous_tsig_key_name: null,
        previous_tsig_secret: null,
        previous_key_valid_until: null,
        notify: "[]",
        allow: "[]",
      })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        at,
        actor: options.actor,
        subject_type: "operator",
        subject_id: Number(row.id),
        action: "operator.removed",
        from_state: null,
        to_state: null,
        reason: options.reason ?? null,
        data: { name: row.name, keyName: row.tsig_key_name },
      },
    ]);
    return operatorFromRow(removed);
  });
}
