import { type ExpressionBuilder, type Kysely, type SelectQueryBuilder, sql } from "kysely";
import type { Database } from "../store/database.ts";
import type { FindingCode, Severity, TargetKind } from "../vocabulary/vocabulary.ts";

/** A target's worst finding: `none` when the checks found nothing about it. */
export const worstSeverities = ["block", "review", "info", "none"] as const;
export type WorstSeverity = (typeof worstSeverities)[number];

/**
 * Which proposed targets a reviewer looks at, and, for a decision by filter, which ones it applies to: the
 * selection is this filter, read again by the server, never a list of ids carried through the page.
 */
export interface ReviewQueueFilter {
  orderId?: number | undefined;
  kind?: TargetKind | undefined;
  /** Targets with a finding of one of these codes. */
  codes?: readonly FindingCode[] | undefined;
  /** Targets whose worst finding is one of these (`none`: no finding at all), a partition of the queue. */
  severities?: readonly WorstSeverity[] | undefined;
  /** Only targets of confirmed orders (approvable now), or only of orders awaiting confirmation. */
  confirmed?: boolean | undefined;
}

type Where = ExpressionBuilder<Database, "targets">;

/**
 * Proposed targets matching the filter, not yet constrained on id nor ordered. An approval waiting out its
 * cancel window has been decided, so its target is not in the queue; cancelling the approval puts it back.
 */
export function proposedTargets(
  db: Kysely<Database>,
  filter: ReviewQueueFilter,
): SelectQueryBuilder<Database, "targets", object> {
  // A literal, not a parameter, so that SQLite can use the partial indexes on proposed targets.
  let query = db
    .selectFrom("targets")
    .where("targets.state", "=", sql.lit("proposed"))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("scheduled_approvals")
            .select("scheduled_approvals.id")
            .whereRef("scheduled_approvals.target_id", "=", "targets.id")
            .where("scheduled_approvals.state", "=", "pending"),
        ),
      ),
    );
  if (filter.orderId !== undefined) query = query.where("targets.order_id", "=", filter.orderId);
  if (filter.kind !== undefined) query = query.where("targets.kind", "=", filter.kind);
  if (filter.confirmed !== undefined) {
    const confirmed = filter.confirmed;
    query = query.where("targets.order_id", "in", (eb) =>
      eb
        .selectFrom("orders")
        .select("orders.id")
        .where("orders.confirmed_at", confirmed ? "is not" : "is", null),
    );
  }
  const codes = filter.codes ?? [];
  if (codes.length > 0) {
    query = query.where((eb) => eb.exists(findingsOfTarget(eb).where("findings.code", "in", [...codes])));
  }
  const worst = filter.severities ?? [];
  if (worst.length > 0 && worst.length < worstSeverities.length) {
    query = query.where((eb) => eb.or(worst.map((severity) => worstIs(eb, severity))));
  }
  return query;
}

function findingsOfTarget(eb: Where) {
  return eb.selectFrom("findings").select("findings.id").whereRef("findings.target_id", "=", "targets.id");
}

function hasSeverity(eb: Where, severities: Severity[]) {
  return eb.exists(findingsOfTarget(eb).where("findings.severity", "in", severities));
}

/** Worse severities first: a target's worst finding is the first of these it has. */
const ranked: Severity[] = ["block", "review", "info"];

function worstIs(eb: Where, severity: WorstSeverity) {
  if (severity === "none") return eb.not(eb.exists(findingsOfTarget(eb)));
  const worse = ranked.slice(0, ranked.indexOf(severity));
  const has = hasSeverity(eb, [severity]);
  return worse.length === 0 ? has : eb.and([has, eb.not(hasSeverity(eb, worse))]);
}

/** The ids of every proposed target matching the filter, oldest first: what a decision by filter applies to. */
export async function queuedTargetIds(db: Kysely<Database>, filter: ReviewQueueFilter): Promise<number[]> {
  const rows = await proposedTargets(db, filter).select("targets.id").orderBy("targets.id").execute();
  return rows.map((row) => Number(row.id));
}
