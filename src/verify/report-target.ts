import { DecreeError } from "../errors/decree-error.ts";
import { entryStates } from "../intake/target.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";

import type { ReportKind } from "../vocabulary/vocabulary.ts";

export { type ReportKind, reportKinds } from "../vocabulary/vocabulary.ts";

export interface ReportOptions {
  organisationId: number;
  actor: string;
  now: Date;
}

/**
 * Records a problem with one entry: already blocked by other means, impossible to apply (e.g. an IP shared
 * with lawful sites), or believed wrong. A report decides nothing: the authority reads it and decides
 * (suspend, lift), with its own reason. Only entries can be reported: a proposed or rejected target was never
 * published.
 */
export async function reportTarget(
  store: Store,
  targetId: number,
  report: { kind: ReportKind; reason: string },
  options: ReportOptions,
) {
  const reason = report.reason.trim();
  if (reason === "") {
    throw new DecreeError("REASON_REQUIRED", "Say what is wrong in `reason`: the authority decides on it.");
  }
  return inTransaction(store.db, async (trx) => {
    const target = await trx
      .selectFrom("targets")
      .select(["id", "state", "value"])
      .where("id", "=", targetId)
      .executeTakeFirst();
    if (!target) throw new DecreeError("TARGET_NOT_FOUND", `There is no target ${targetId}.`);
    if (!(entryStates as readonly string[]).includes(target.state)) {
      throw new DecreeError(
        "TARGET_NOT_AN_ENTRY",
        `Target ${targetId} (${target.value}) is ${target.state}: it was never published, so there is nothing to ` +
          "apply or report. Report entries only (approved, active, suspended, lifted, expired).",
      );
    }
    const at = options.now.toISOString();
    const { id } = await trx
      .insertInto("target_reports")
      .values({
        organisation_id: options.organisationId,
        target_id: targetId,
        kind: report.kind,
        reason,
        at,
        actor: options.actor,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        at,
        actor: options.actor,
        subject_type: "target",
        subject_id: targetId,
        action: "target.reported",
        from_state: target.state,
        to_state: target.state,
        reason,
        data: { kind: report.kind, organisationId: options.organisationId, reportId: Number(id) },
      },
    ]);
    return {
      id: Number(id),
      targetId,
      kind: report.kind,
      reason,
      at,
      organisationId: options.organisationId,
    };
  });
}
