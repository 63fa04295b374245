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

/** A rollout in any state, as `decree releases rollout SERIAL` shows it: open, or how it ended. */
export interface Rollout extends Omit<OpenRollout, "state"> {
  state: OpenRollout["state"] | "promoted" | "withdrawn" | "superseded";
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
}

/** The rollout in progress, if any: there is at most one, and every new entry joins it until it ends. */
export async function openRollout(db: Kysely<Database>): Promise<OpenRollout | undefined> {
  const found = await readRollout(db, { open: true });
  if (!found) return undefined;
  const { decidedAt: _at, decidedBy: _by, reason: _reason, ...open } = found;
  return { ...open, state: open.state as OpenRollout["state"] };
}

/**
 * The newest rollout whose release (its newest staged one) has this serial, whatever its state; undefined
 * when no rollout ever staged it.
 */
export function findRollout(db: Kysely<Database>, serial: number): Promise<Rollout | undefined> {
  return readRollout(db, { serial });
}

async function readRollout(
  db: Kysely<Database>,
  which: { open: true } | { serial: number },
): Promise<Rollout | undefined> {
  let query = db
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
      "release_rollouts.decided_at",
      "release_rollouts.decided_by",
      "release_rollouts.reason",
    ]);
  query =
    "open" in which
      ? query.where("release_rollouts.state", "in", ["staged", "halted"])
      : query.where("releases.serial", "=", which.serial);
  const row = await query.orderBy("release_rollouts.id", "desc").limit(1).executeTakeFirst();
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
    state: row.state,
    startedAt: row.started_at,
    haltedAt: row.halted_at,
    halt: row.halt === null ? null : (JSON.parse(row.halt) as RolloutHalt),
    targetIds: targets.map((target) => Number(target.target_id)),
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    reason: row.reason,
  };
}
