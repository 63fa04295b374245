import { DecreeError } from "../errors/decree-error.ts";
import {
  blockingCodes,
  eventsSince,
  lastStateChange,
  overrideConfirmedAction,
  overrideRequestedAction,
} from "../review/approval-policy.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { type DecidedTarget, decideTargets } from "./decide-targets.ts";
import { resolveTarget } from "./resolve-target.ts";

export interface OverrideRequest {
  targetId: number;
  /** The code of the `block` finding the admin takes responsibility for overriding. */
  code: string;
  reason: string;
  actor: string;
  now: Date;
}

export interface RequestedOverride {
  overrideId: number;
  targetId: number;
  code: string;
  requestedBy: string;
  requestedAt: string;
}

/**
 * An admin's override of one `block` finding: named by its code, with a written reason,
 * and an event in the log. It approves nothing by itself: another person must confirm it (`confirmOverride`).
 */
export async function requestOverride(store: Store, request: OverrideRequest): Promise<RequestedOverride> {
  const reason = request.reason.trim();
  if (reason === "") {
    throw new DecreeError(
      "REASON_REQUIRED",
      "Say why the finding is overridden: the override is on the record.",
    );
  }
  return inTransaction(store.db, async (trx) => {
    const target = await resolveTarget(trx, String(request.targetId), "approve");
    const codes = await blockingCodes(trx, target.id);
    if (!codes.includes(request.code)) {
      throw new DecreeError(
        "OVERRIDE_CODE_UNKNOWN",
        `Target ${target.id} (${target.value}) has no blocking finding ${request.code}; ` +
          (codes.length > 0
            ? `its blocking findings are ${codes.join(", ")}.`
            : "it has no blocking finding."),
        { codes },
      );
    }
    const at = request.now.toISOString();
    await appendEvents(trx, [
      {
        at,
        actor: request.actor,
        subject_type: "target",
        subject_id: target.id,
        action: overrideRequestedAction,
        from_state: target.state,
        to_state: target.state,
        reason,
        data: { code: request.code },
      },
    ]);
    const row = await trx
      .selectFrom("events")
      .select((eb) => eb.fn.max("id").as("id"))
      .where("subject_type", "=", "target")
      .where("subject_id", "=", target.id)
      .where("action", "=", overrideRequestedAction)
      .executeTakeFirstOrThrow();
    return {
      overrideId: Number(row.id),
      targetId: target.id,
      code: request.code,
      requestedBy: request.actor,
      requestedAt: at,
    };
  });
}

export interface OverrideConfirmation {
  targetId: number;
  overrideId: number;
  actor: string;
  now: Date;
}

export interface ConfirmedOverride {
  overrideId: number;
  targetId: number;
  code: string;
  confirmedBy: string;
  /** The approval the confirmation made, once no blocking finding is left without an override; else empty. */
  targets: DecidedTarget[];
  /** Blocking codes still without a confirmed override. */
  remaining: string[];
}

/**
 * A second person (another admin or an authority user) confirms an override. When it was the last blocking
 * finding without one, the target is approved at once, in the same transaction, with the override's reason:
 * the two persons have spoken. The policy is consulted as for any approval, so nothing else can slip through.
 */
export async function confirmOverride(
  store: Store,
  confirmation: OverrideConfirmation,
): Promise<ConfirmedOverride> {
  return inTransaction(store.db, async (trx) => {
    const target = await resolveTarget(trx, String(confirmation.targetId), "approve");
    const events = await eventsSince(trx, target.id, await lastStateChange(trx, target.id));
    const requested = events.find(
      (e) => e.id === confirmation.overrideId && e.action === overrideRequestedAction,
    );
    if (!requested) {
      throw new DecreeError(
        "OVERRIDE_NOT_FOUND",
        `Target ${target.id} has no open override ${confirmation.overrideId}; an admin asks for one with ` +
          `POST /targets/${target.id}/override.`,
      );
    }
    if (events.some((e) => e.action === overrideConfirmedAction && e.data.overrideId === requested.id)) {
      throw new DecreeError("OVERRIDE_ALREADY_CONFIRMED", `Override ${requested.id} is confirmed already.`);
    }
    if (requested.actor === confirmation.actor) {
      throw new DecreeError(
        "OVERRIDE_SAME_USER",
        `Override ${requested.id} was asked for by you; another admin or authority user must confirm it.`,
      );
    }
    const code = String(requested.data.code);
    const reasonRow = await trx
      .selectFrom("events")
      .select("reason")
      .where("id", "=", requested.id)
      .executeTakeFirstOrThrow();
    const reason = reasonRow.reason ?? `override of ${code}`;
    await appendEvents(trx, [
      {
        at: confirmation.now.toISOString(),
        actor: confirmation.actor,
        subject_type: "target",
        subject_id: target.id,
        action: overrideConfirmedAction,
        from_state: target.state,
        to_state: target.state,
        reason,
        data: { overrideId: requested.id, code, requestedBy: requested.actor },
      },
    ]);
    const overridden = new Set([
      code,
      ...events.filter((e) => e.action === overrideConfirmedAction).map((e) => String(e.data.code)),
    ]);
    const remaining = (await blockingCodes(trx, target.id)).filter((c) => !overridden.has(c));
    const targets =
      remaining.length > 0
        ? []
        : await decideTargets(
            { ...store, db: trx },
            {
              decision: "approve",
              refs: [String(target.id)],
              reason,
              actor: confirmation.actor,
              now: confirmation.now,
            },
          );
    return {
      overrideId: requested.id,
      targetId: target.id,
      code,
      confirmedBy: confirmation.actor,
      targets,
      remaining,
    };
  });
}
