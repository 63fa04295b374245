import type { Kysely } from "kysely";
import type { Database } from "../../store/database.ts";

/** What stopped a rollout: the control names a canary's resolver answered as blocked. */
export interface RolloutHalt {
  overBlocked: Array<{ operator: string; resolver: string; name: string; answer: string }>;
}

/** A rollout not yet decided: its release is served to the canary operators only. */
export interface OpenRollout {
  id: number;
  /** The newest staged release, what canaries get. */
  releaseId: number;
  soaSerial: number;
  serial: number;
  /** The last release everyone had when it began. */
  baseReleaseId: number;
  state: "staged" | "halted";
  startedAt: string;
  haltedAt: string | null;
  halt: RolloutHalt | null;
  /** The entries it withholds from every operator but the canaries. */
  targetIds: number[];
}

/** The rollout in progress, if any: there is at most one, and every new entry joins it until it ends. */
export async function openRollout(db: Kysely<Database>): Promise<OpenRollout | undefined> {
  const row = await db
    .selectFrom("release_rollouts")
    .innerJoin("releases", "releases.id", "release_rollouts.release_id")
    .select([
      "release_rollouts.id",
      "release_rollouts.release_id",
      "release_rollouts.base_release_id",
      "release_rollouts.state",
      "release_rollouts.started_at",
      "release_rollouts.halted_at",
      "release_rollouts.halt",
      "releases.soa_serial",
      "releases.serial",
    ])
    .where("release_rollouts.state", "in", ["staged", "halted"])
    .orderBy("release_rollouts.id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  const targets = await db
    .selectFrom("rollout_targets")
    .select("target_id")
    .where("rollout_id", "=", Number(row.id))
    .orderBy("target_id")
    .execute();
  return {
    id: Number(row.id),
    releaseId: Number(row.release_id),
    soaSerial: Number(row.soa_serial),
    serial: Number(row.serial),
    baseReleaseId: Number(row.base_release_id),
    state: row.state as OpenRollout["state"],
    startedAt: row.started_at,
    haltedAt: row.halted_at,
    halt: row.halt === null ? null : (JSON.parse(row.halt) as RolloutHalt),
    targetIds: targets.map((target) => Number(target.target_id)),
  };
}
