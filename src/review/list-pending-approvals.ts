import type { Kysely } from "kysely";
import type { Database } from "../store/database.ts";
import {
  approvalPendingAction,
  eventsSince,
  lastStateChange,
  overrideConfirmedAction,
  overrideRequestedAction,
} from "./approval-policy.ts";
import { policy } from "./permissions.ts";

/** Who asked: the actor the log names, and the account behind it when it is one. */
interface Requester {
  actor: string;
  userId: number | null;
  email: string | null;
}

/** Who may take the second step: a role of the policy, any account but the first one. */
interface SecondPerson {
  roles: string[];
  notUserId: number | null;
  notActor: string;
}

interface PendingOverride {
  targetId: number;
  value: string;
  orderId: number;
  overrideId: number;
  code: string;
  reason: string | null;
  requestedAt: string;
  requestedBy: Requester;
  mayConfirm: SecondPerson;
}

interface PendingApproval {
  targetId: number;
  value: string;
  orderId: number;
  firstApprovalAt: string;
  reason: string | null;
  approvedBy: Requester;
  mayApprove: SecondPerson;
}

export interface PendingSteps {
  overrides: PendingOverride[];
  approvals: PendingApproval[];
  /** More targets wait than `limit`: the lists stop there. */
  truncated: boolean;
}

/**
 * What waits for a second person under the two-person rule: admins' overrides nobody confirmed yet, and first
 * approvals of targets with findings to review. Only steps taken since a target last changed state count, as
 * for the policy itself (approval-policy.ts); oldest first, at most `limit` targets.
 */
export async function listPendingApprovals(
  db: Kysely<Database>,
  options: { limit?: number } = {},
): Promise<PendingSteps> {
  const limit = options.limit ?? 500;
  // Only proposed targets can still be approved by a second step; their first steps are rare events.
  const candidates = await db
    .selectFrom("events")
    .innerJoin("targets", "targets.id", "events.subject_id")
    .select(["targets.id", "targets.value", "targets.order_id"])
    .distinct()
    .where("events.subject_type", "=", "target")
    .where("events.action", "in", [approvalPendingAction, overrideRequestedAction])
    .where("targets.state", "=", "proposed")
    .orderBy("targets.id")
    .limit(limit + 1)
    .execute();
  const truncated = candidates.length > limit;
  const overrides: PendingOverride[] = [];
  const approvals: PendingApproval[] = [];
  for (const target of candidates.slice(0, limit)) {
    const id = Number(target.id);
    const events = await eventsSince(db, id, await lastStateChange(db, id));
    const confirmed = new Set(
      events.filter((e) => e.action === overrideConfirmedAction).map((e) => Number(e.data.overrideId)),
    );
    const details = await eventDetails(
      db,
      events.map((e) => e.id),
    );
    for (const event of events) {
      const detail = details.get(event.id);
      const base = { targetId: id, value: target.value, orderId: Number(target.order_id) };
      if (event.action === overrideRequestedAction && !confirmed.has(event.id)) {
        overrides.push({
          ...base,
          overrideId: event.id,
          code: String(event.data.code),
          reason: detail?.reason ?? null,
          requestedAt: detail?.at ?? "",
          requestedBy: requester(event.actor),
          mayConfirm: secondPerson(event.actor, policy["targets:confirm-override"]),
        });
      }
      if (event.action === approvalPendingAction) {
        approvals.push({
          ...base,
          firstApprovalAt: detail?.at ?? "",
          reason: detail?.reason ?? null,
          approvedBy: requester(event.actor),
          mayApprove: secondPerson(event.actor, policy["targets:decide"]),
        });
      }
    }
  }
  await nameAccounts(db, [...overrides.map((o) => o.requestedBy), ...approvals.map((a) => a.approvedBy)]);
  return { overrides, approvals, truncated };
}

function requester(actor: string): Requester {
  const match = /^user:(\d+)$/.exec(actor);
  return { actor, userId: match ? Number(match[1]) : null, email: null };
}

function secondPerson(actor: string, roles: readonly string[]): SecondPerson {
  return { roles: [...roles], notUserId: requester(actor).userId, notActor: actor };
}

async function eventDetails(db: Kysely<Database>, ids: number[]) {
  if (ids.length === 0) return new Map<number, { at: string; reason: string | null }>();
  const rows = await db.selectFrom("events").select(["id", "at", "reason"]).where("id", "in", ids).execute();
  return new Map(rows.map((row) => [Number(row.id), { at: row.at, reason: row.reason }]));
}

async function nameAccounts(db: Kysely<Database>, requesters: Requester[]): Promise<void> {
  const ids = [...new Set(requesters.flatMap((r) => (r.userId === null ? [] : [r.userId])))];
  if (ids.length === 0) return;
  const rows = await db.selectFrom("users").select(["id", "email"]).where("id", "in", ids).execute();
  const emails = new Map(rows.map((row) => [Number(row.id), row.email]));
  for (const r of requesters) if (r.userId !== null) r.email = emails.get(r.userId) ?? null;
}
