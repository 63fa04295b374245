import type { Kysely } from "kysely";
import { appendEvents } from "../store/append-events.ts";
import type { Database } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { parseEnforcerKind } from "./enforcer-kind.ts";
import {
  findOperatorRow,
  type Operator,
  operatorFromRow,
  parseAction,
  parseAllowed,
  parseNotifyTarget,
} from "./operators.ts";

/** What an update replaces; a field left out keeps its value. `action: null` goes back to the registry's default. */
export interface OperatorUpdate {
  notify?: string[];
  allow?: string[];
  action?: string | null;
  kind?: string;
}

/** Changes where an operator is notified, what may transfer unsigned, its action and its kind; one event. */
export async function updateOperator(
  db: Kysely<Database>,
  name: string,
  update: OperatorUpdate,
  options: { actor: string; now: Date },
): Promise<Operator> {
  const changes = {
    ...(update.notify ? { notify: JSON.stringify(update.notify.map(parseNotifyTarget)) } : {}),
    ...(update.allow ? { allow: JSON.stringify(update.allow.map(parseAllowed)) } : {}),
    ...(update.action !== undefined
      ? { action: update.action === null ? null : parseAction(update.action) }
      : {}),
    ...(update.kind !== undefined ? { kind: parseEnforcerKind(update.kind) } : {}),
  };
  return inTransaction(db, async (trx) => {
    const row = await findOperatorRow(trx, name);
    const updated =
      Object.keys(changes).length === 0
        ? row
        : await trx
            .updateTable("operators")
            .set(changes)
            .where("id", "=", row.id)
            .returningAll()
            .executeTakeFirstOrThrow();
    const operator = operatorFromRow(updated);
    await appendEvents(trx, [
      {
        at: options.now.toISOString(),
        actor: options.actor,
        subject_type: "operator",
        subject_id: operator.id,
        action: "operator.updated",
        from_state: null,
        to_state: null,
        reason: null,
        data: {
          name: operator.name,
          notify: operator.notify,
          allow: operator.allow,
          action: operator.action,
          kind: operator.kind,
        },
      },
    ]);
    return operator;
  });
}
