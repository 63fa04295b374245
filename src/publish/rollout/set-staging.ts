import type { Kysely } from "kysely";
import { DecreeError } from "../../errors/decree-error.ts";
import { appendEvents } from "../../store/append-events.ts";
import type { Database } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";

/** The authority's choice: stage releases that add entries (`on`), never (`off`), or as configured. */
export type StagingChoice = "on" | "off" | "default";

/** Records the authority's choice over the configured `releases.staged`, with an event saying why. */
export async function setStaging(
  db: Kysely<Database>,
  choice: StagingChoice,
  options: { actor: string; now: Date; reason: string },
): Promise<void> {
  if (options.reason.trim() === "") {
    throw new DecreeError("REASON_REQUIRED", 'Say why with --reason "…": the choice is on the record.');
  }
  const staged = choice === "default" ? null : choice === "on" ? 1 : 0;
  const at = options.now.toISOString();
  await inTransaction(db, async (trx) => {
    await trx
      .insertInto("rollout_settings")
      .values({ id: 1, staged, set_at: at, set_by: options.actor })
      .onConflict((conflict) =>
        conflict.column("id").doUpdateSet({ staged, set_at: at, set_by: options.actor }),
      )
      .execute();
    await appendEvents(trx, [
      {
        at,
        actor: options.actor,
        subject_type: "release",
        subject_id: 0,
        action: "release.staging-set",
        from_state: null,
        to_state: null,
        reason: options.reason.trim(),
        data: { staging: choice },
      },
    ]);
  });
}
