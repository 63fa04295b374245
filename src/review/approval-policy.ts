import type { Kysely } from "kysely";
import type { Severity } from "../checks/finding.ts";
import { DecreeError } from "../errors/decree-error.ts";
import type { Database } from "../store/database.ts";
import type { EventAction, FindingCode, TargetState } from "../vocabulary/vocabulary.ts";

/** A target as the policy weighs it: which one, and the state the approval would leave. */
export interface TargetUnderApproval {
  id: number;
  value: string;
  state: TargetState;
}

/** What an approval may do now: take effect, or wait for a second authority user (two-person rule). */
export type ApprovalVerdict = { kind: "approve" } | { kind: "second-approval-needed"; codes: string[] };

export const approvalPendingAction: EventAction = "target.approval-pending";
export const overrideRequestedAction: EventAction = "target.override-requested";
export const overrideConfirmedAction: EventAction = "target.override-confirmed";
export const exclusiveUseRecordedAction: EventAction = "target.exclusive-use-recorded";

/** Co-hosting findings that leave an address's exclusive use unshown; TARGET_CO_HOSTING_CLEAN shows it. */
const unshownCodes: FindingCode[] = ["TARGET_CO_HOSTED", "TARGET_CO_HOSTING_UNKNOWN"];

interface StoredFinding {
  severity: Severity;
  code: FindingCode;
}

/**
 * The review stage's rule for an approval, consulted before any approval is applied:
 * - a `block` finding refuses it, unless an admin's override of that finding's code was confirmed by another
 *   person; then the two persons are the admin and the confirmer, and the approval may take effect;
 * - a `review` finding needs two different authority users: the first approval is recorded as pending, the
 *   second, by someone else, takes effect; the same user twice is refused;
 * - an `info` finding changes nothing, except that
 * - an address (ip, cidr) whose co-hosting finding is not clean (`TARGET_CO_HOSTED`, `TARGET_CO_HOSTING_UNKNOWN`)
 *   needs a recorded statement of exclusive use for it under its order, whatever else is weighed; targets
 *   checked before the co-hosting check existed have no such finding and are weighed as before.
 * Only what happened since the target last changed state counts.
 */
export async function weighApproval(
  trx: Kysely<Database>,
  target: TargetUnderApproval,
  actor: string,
): Promise<ApprovalVerdict> {
  // A suspended target was an entry: the rule was met when it was first approved, and findings are taken at
  // submission only, so reinstating it (an appeal turned down) asks nothing more.
  if (target.state === "suspended") return { kind: "approve" };
  const findings = await findingsOf(trx, target.id);
  const blocking = distinct(findings.filter((f) => f.severity === "block").map((f) => f.code));
  const reviewing = distinct(findings.filter((f) => f.severity === "review").map((f) => f.code));
  const unshown = findings.some((f) => unshownCodes.includes(f.code));
  if (blocking.length === 0 && reviewing.length === 0) {
    if (unshown) await requireExclusiveUse(trx, target);
    return { kind: "approve" };
  }
  const since = await lastStateChange(trx, target.id);
  const events = await eventsSince(trx, target.id, since);
  const overridden = new Set(
    events.filter((e) => e.action === overrideConfirmedAction).map((e) => String(e.data.code)),
  );
  const open = blocking.filter((code) => !overridden.has(code));
  if (open.length > 0) {
    throw new DecreeError(
      "TARGET_BLOCKED_BY_FINDING",
      `Target ${target.id} (${target.value}) has a finding that blocks approval: ${open.join(", ")}. Only an ` +
        `admin's override naming the code, with a written reason (POST /targets/${target.id}/override), ` +
        "confirmed by another admin or authority user, lets it through.",
      { codes: open },
      { id: target.id, value: target.value, codes: open.join(", ") },
    );
  }
  if (unshown) await requireExclusiveUse(trx, target);
  // An override confirmed by a second person already is the two-person rule.
  if (blocking.length > 0) return { kind: "approve" };
  const firstApprovals = events.filter((e) => e.action === approvalPendingAction);
  if (firstApprovals.some((e) => e.actor !== actor)) return { kind: "approve" };
  if (firstApprovals.length > 0) {
    throw new DecreeError(
      "APPROVAL_SAME_USER",
      `Target ${target.id} (${target.value}) has findings to review (${reviewing.join(", ")}) and you approved ` +
        "it already; another authority user must give the second approval.",
      { codes: reviewing },
      { id: target.id, value: target.value, codes: reviewing.join(", ") },
    );
  }
  return { kind: "second-approval-needed", codes: reviewing };
}

/**
 * Refuses an address whose exclusive use is not shown: passive DNS and the snapshots found other sites on it,
 * or know nothing of it, and no statement of exclusive use is recorded for it under its order.
 */
async function requireExclusiveUse(trx: Kysely<Database>, target: TargetUnderApproval): Promise<void> {
  const row = await trx
    .selectFrom("targets")
    .innerJoin("exclusive_use_statements as s", (join) =>
      join.onRef("s.order_id", "=", "targets.order_id").onRef("s.address", "=", "targets.value"),
    )
    .select("s.id")
    .where("targets.id", "=", target.id)
    .limit(1)
    .executeTakeFirst();
  if (row) return;
  throw new DecreeError(
    "EXCLUSIVE_USE_NOT_SHOWN",
    `Target ${target.id} (${target.value}) is an address whose exclusive use is not shown: passive DNS and the ` +
      "registry's snapshots found other sites on it, or know nothing of it. Record a statement of exclusive " +
      `use with its document (POST /targets/${target.id}/exclusive-use, decree targets exclusive-use), or ` +
      "load passive DNS that shows it clean and submit it again.",
    { targetId: target.id },
    { id: target.id, value: target.value },
  );
}

/** Ids per query: well under SQLite's and PostgreSQL's bound-parameter limits. */
const idChunk = 500;

/**
 * Which of these targets have a `block` or `review` finding, or an address's unshown exclusive use: only those
 * need weighing, so that a bulk approval of clean targets asks the store once per 500 targets rather than once
 * per target.
 */
export async function targetsToWeigh(trx: Kysely<Database>, ids: readonly number[]): Promise<Set<number>> {
  const found = new Set<number>();
  for (let start = 0; start < ids.length; start += idChunk) {
    const rows = await trx
      .selectFrom("findings")
      .select("target_id")
      .distinct()
      .where("target_id", "in", ids.slice(start, start + idChunk))
      .where((eb) => eb.or([eb("severity", "in", ["block", "review"]), eb("code", "in", unshownCodes)]))
      .execute();
    for (const row of rows) found.add(Number(row.target_id));
  }
  return found;
}

/** The codes of a target's `block` findings: what an override may name. */
export async function blockingCodes(trx: Kysely<Database>, targetId: number): Promise<string[]> {
  const findings = await findingsOf(trx, targetId);
  return distinct(findings.filter((f) => f.severity === "block").map((f) => f.code));
}

/** The id of the target's last event that changed its state; 0 when none did. */
export async function lastStateChange(trx: Kysely<Database>, targetId: number): Promise<number> {
  const row = await trx
    .selectFrom("events")
    .select((eb) => eb.fn.max("id").as("id"))
    .where("subject_type", "=", "target")
    .where("subject_id", "=", targetId)
    .where("to_state", "is not", null)
    .where((eb) => eb.or([eb("from_state", "is", null), eb("from_state", "<>", eb.ref("to_state"))]))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

export interface PolicyEvent {
  id: number;
  actor: string;
  action: EventAction;
  data: Record<string, unknown>;
}

/** The target's pending approvals and overrides recorded after event `since`. */
export async function eventsSince(
  trx: Kysely<Database>,
  targetId: number,
  since: number,
): Promise<PolicyEvent[]> {
  const rows = await trx
    .selectFrom("events")
    .select(["id", "actor", "action", "data"])
    .where("subject_type", "=", "target")
    .where("subject_id", "=", targetId)
    .where("id", ">", since)
    .where("action", "in", [approvalPendingAction, overrideRequestedAction, overrideConfirmedAction])
    .orderBy("id")
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    actor: row.actor,
    action: row.action,
    data: JSON.parse(row.data) as Record<string, unknown>,
  }));
}

async function findingsOf(trx: Kysely<Database>, targetId: number): Promise<StoredFinding[]> {
  const rows = await trx
    .selectFrom("findings")
    .select(["severity", "code"])
    .where("target_id", "=", targetId)
    .execute();
  return rows.map((row) => ({ severity: row.severity, code: row.code }));
}

function distinct(codes: string[]): string[] {
  return [...new Set(codes)].sort();
}
