import type { Kysely } from "kysely";
import { appendEvents } from "../../store/append-events.ts";
import type { Database } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import type { OpenRollout } from "./open-rollout.ts";

/**
 * The staged release goes to every operator: its row is no longer staged, so the DNS primary serves it to all
 * and NOTIFIES the others (dns/dns-primary.ts). No new serial: the others move from the last released serial
 * to the staged one, which is higher. The staged releases it replaced on the way stay staged for ever; a client
 * that never got them is sent their changes folded into the next released one (ZoneSource.releasedStepsSince).
 */
export async function promoteRollout(
  db: Kysely<Database>,
  rollout: OpenRollout,
  decision: { actor: string; now: Date; reason: string; action: "release.promoted" },
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const at = decision.now.toISOString();
    const updated = await trx
      .updateTable("release_rollouts")
      .set({ state: "promoted", decided_at: at, decided_by: decision.actor, reason: decision.reason })
      .where("id", "=", rollout.id)
      .where("state", "=", rollout.state)
      .where("release_id", "=", rollout.releaseId)
      .executeTakeFirst();
    // Another instance decided first, or a release joined meanwhile: the next look sees the rollout as it is.
    if (updated.numUpdatedRows !== 1n) return;
    await trx.updateTable("releases").set({ staged: 0 }).where("id", "=", rollout.releaseId).execute();
    await appendEvents(trx, [
      {
        at,
        actor: decision.actor,
        subject_type: "release",
        subject_id: rollout.releaseId,
        action: decision.action,
        from_state: rollout.state,
        to_state: "promoted",
        reason: decision.reason,
        data: { serial: rollout.serial, soaSerial: rollout.soaSerial, rollout: rollout.id },
      },
    ]);
  });
}
