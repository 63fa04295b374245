import type { Kysely } from "kysely";
import { appendEvents } from "../../store/append-events.ts";
import type { Database } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { canaryOrganisations } from "../canary-organisations.ts";
import type { OpenRollout, RolloutHalt } from "./open-rollout.ts";

/**
 * A canary over-blocks a control name: the rollout stops where it is (canaries keep the staged release, no one
 * else gets it, every entry approved meanwhile joins it) until a person proceeds or withdraws. Recorded as an
 * event, and announced to the canary operators' webhooks as a `release.halted` delivery, retried like a
 * release's (../canary-organisations.ts).
 */
export async function haltRollout(
  db: Kysely<Database>,
  rollout: OpenRollout,
  halt: RolloutHalt,
  now: Date,
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const at = now.toISOString();
    const updated = await trx
      .updateTable("release_rollouts")
      .set({ state: "halted", halted_at: at, halt: JSON.stringify(halt) })
      .where("id", "=", rollout.id)
      .where("state", "=", "staged")
      .executeTakeFirst();
    if (updated.numUpdatedRows !== 1n) return false;
    await appendEvents(trx, [
      {
        at,
        actor: "system:rollout",
        subject_type: "release",
        subject_id: rollout.releaseId,
        action: "release.halted",
        from_state: "staged",
        to_state: "halted",
        reason: "a control name is blocked at a canary",
        data: { serial: rollout.serial, soaSerial: rollout.soaSerial, rollout: rollout.id, ...halt },
      },
    ]);
    // Only canaries were given the staged release; everyone else hears of it if and when it goes to all.
    const canaries = [...(await canaryOrganisations(trx))];
    const hooks = await trx
      .selectFrom("webhooks")
      .select("id")
      .where("disabled_at", "is", null)
      .where("organisation_id", "in", canaries.length > 0 ? canaries : [-1])
      .execute();
    for (const hook of hooks) {
      await trx
        .insertInto("webhook_deliveries")
        .values({
          webhook_id: hook.id,
          release_id: rollout.releaseId,
          serial: rollout.serial,
          kind: "release.halted",
          details: JSON.stringify({ rollout: rollout.id, haltedAt: at, ...halt }),
          attempt: 0,
          status: "pending",
          next_attempt_at: at,
          delivered_at: null,
          last_error: null,
        })
        .onConflict((conflict) => conflict.columns(["webhook_id", "release_id", "kind"]).doNothing())
        .execute();
    }
    return true;
  });
}
