import type { Kysely } from "kysely";
import type { Database } from "../../store/database.ts";
import { listMeasurements, type Measurement } from "../probes/list-measurements.ts";

/** The control names a rollout asked at the canaries: its last look, which a halt or a promotion rests on. */
export interface RolloutControls {
  /** Looks that asked control names, all of them stored as measurements (probe runs of kind `rollout`). */
  runs: number;
  lastRunId: number | null;
  lastRunAt: string | null;
  /** The last look's answers, one per resolver and name. */
  measurements: Measurement[];
}

/**
 * The stored answers of a rollout's control-name checks (check-rollout.ts). A rollout's looks are the runs
 * of kind `rollout` on its staged releases: those after its base, up to its newest.
 */
export async function rolloutControls(
  db: Kysely<Database>,
  rollout: { releaseId: number; baseReleaseId: number },
): Promise<RolloutControls> {
  const runs = await db
    .selectFrom("probe_runs")
    .select(["id", "finished_at"])
    .where("kind", "=", "rollout")
    .where("release_id", ">", rollout.baseReleaseId)
    .where("release_id", "<=", rollout.releaseId)
    .orderBy("id", "desc")
    .execute();
  const last = runs[0];
  if (!last) return { runs: 0, lastRunId: null, lastRunAt: null, measurements: [] };
  const measurements = await listMeasurements(db, { runId: Number(last.id), limit: 10_000 });
  return { runs: runs.length, lastRunId: Number(last.id), lastRunAt: last.finished_at, measurements };
}
