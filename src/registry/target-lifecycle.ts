import type { TargetState } from "../intake/target.ts";

import type { Decision, EventAction } from "../vocabulary/vocabulary.ts";

export { type Decision, decisions } from "../vocabulary/vocabulary.ts";

/**
 * The states each decision applies to. Approving a suspended target reinstates it (an appeal turned down);
 * lifted and rejected targets are final, and so is an expired one except by an explicit renewal (renew-targets.ts).
 */
const allowedFrom: Record<Decision, readonly TargetState[]> = {
  approve: ["proposed", "suspended"],
  reject: ["proposed"],
  suspend: ["approved", "active"],
  lift: ["approved", "active", "suspended"],
};

/** What a person can do to a target by naming it: a decision, or a renewal of its validity (renew-targets.ts). */
export type TargetAct = Decision | "renew";

// A renewal moves an entry's end later; an expired entry renewed under an order still in force comes back.
const renewableStates: readonly TargetState[] = ["approved", "active", "expired"];

export function canDecide(decision: Decision, state: TargetState): boolean {
  return allowedFrom[decision].includes(state);
}

export function statesAllowing(act: TargetAct): readonly TargetState[] {
  return act === "renew" ? renewableStates : allowedFrom[act];
}

/** Where a decision leads; an approved target is `active` once its validity has begun, `approved` before. */
export function stateAfter(
  decision: Decision,
  target: { validFrom: string; validUntil: string },
  now: Date,
): TargetState {
  switch (decision) {
    case "approve":
      return clockState(target, now);
    case "reject":
      return "rejected";
    case "suspend":
      return "suspended";
    case "lift":
      return "lifted";
  }
}

/** The state the clock gives an approved target: not yet valid, valid, or past its end. */
export function clockState(target: { validFrom: string; validUntil: string }, now: Date): TargetState {
  const at = now.toISOString();
  if (at >= target.validUntil) return "expired";
  return at >= target.validFrom ? "active" : "approved";
}

const decisionActions: Record<Decision, EventAction> = {
  approve: "target.approved",
  reject: "target.rejected",
  suspend: "target.suspended",
  lift: "target.lifted",
};

export function eventAction(decision: Decision, from: TargetState): EventAction {
  return decision === "approve" && from === "suspended" ? "target.reinstated" : decisionActions[decision];
}
