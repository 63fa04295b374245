import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
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
import { openRollout } from "./rollout/open-rollout.ts";

/** What an update replaces; a field left out keeps its value. `action: null` goes back to the registry's default. */
export interface OperatorUpdate {
  notify?: string[];
  allow?: string[];
  action?: string | null;
  kind?: string;
  /** Whether it gets staged releases first (rollout/). */
  canary?: boolean;
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
    ...(update.canary !== undefined ? { canary: update.canary ? 1 : 0 } : {}),
  };
  return inTransaction(db, async (trx) => {
    const row = await findOperatorRow(trx, name);
    if (update.canary === false && Number(row.canary) === 1) await refuseWhileStaged(trx, row.name);
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
          canary: operator.canary,
        },
      },
    ]);
    return operator;
  });
}

/**
 * A canary holds the staged release; made an ordinary operator it would be offered the older released serial,
 * which its secondaries ignore (RFC 1982): serials only go up for every client, so it stays a canary until the
 * rollout ends.
 */
async function refuseWhileStaged(trx: Kysely<Database>, name: string): Promise<void> {
  const rollout = await openRollout(trx);
  if (!rollout) return;
  throw new DecreeError(
    "ROLLOUT_CANARY_BUSY",
    `${name} is a canary of staged release ${rollout.serial}, which is not decided yet: promote or withdraw it ` +
      `first (decree releases proceed|withdraw ${rollout.serial} --reason "…"), then take ${name} off the canaries.`,
  );
}
