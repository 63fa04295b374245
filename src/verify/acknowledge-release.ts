import { appendEvents } from "../store/append-events.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { findReleaseBySerial } from "./find-release.ts";

export interface Acknowledgment {
  id: number;
  organisationId: number;
  releaseId: number;
  serial: number;
  at: string;
  /** From the release's creation to its acknowledgment. */
  timeToAckMs: number;
}

export interface AcknowledgeOptions {
  organisationId: number;
  actor: string;
  now: Date;
}

/**
 * Records an operator's or search engine's "applied serial N". Serials are cumulative, like a zone's (RFC
 * 1995): applying N means having applied every release before it, so one acknowledgment covers them all. The
 * first acknowledgment of a release is the one that counts; saying it again changes nothing and says so.
 */
export async function acknowledgeRelease(
  store: Store,
  serial: number,
  options: AcknowledgeOptions,
): Promise<{ acknowledgment: Acknowledgment; repeated: boolean }> {
  return inTransaction(store.db, async (trx) => {
    const release = await findReleaseBySerial(trx, serial);
    const at = options.now.toISOString();
    const timeToAckMs = Math.max(0, options.now.getTime() - Date.parse(release.created_at));
    const inserted = await trx
      .insertInto("acknowledgments")
      .values({
        organisation_id: options.organisationId,
        release_id: release.id,
        serial: release.serial,
        at,
        time_to_ack_ms: timeToAckMs,
        actor: options.actor,
      })
      .onConflict((conflict) => conflict.columns(["organisation_id", "release_id"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (inserted) {
      await appendEvents(trx, [
        {
          at,
          actor: options.actor,
          subject_type: "release",
          subject_id: release.id,
          action: "release.acknowledged",
          data: { organisationId: options.organisationId, serial: release.serial, timeToAckMs },
        },
      ]);
    }
    const row = await trx
      .selectFrom("acknowledgments")
      .selectAll()
      .where("organisation_id", "=", options.organisationId)
      .where("release_id", "=", release.id)
      .executeTakeFirstOrThrow();
    return { acknowledgment: acknowledgmentFromRow(row), repeated: !inserted };
  });
}

export function acknowledgmentFromRow(row: {
  id: number;
  organisation_id: number;
  release_id: number;
  serial: number;
  at: string;
  time_to_ack_ms: number;
}): Acknowledgment {
  return {
    id: Number(row.id),
    organisationId: Number(row.organisation_id),
    releaseId: Number(row.release_id),
    serial: Number(row.serial),
    at: row.at,
    timeToAckMs: Number(row.time_to_ack_ms),
  };
}
