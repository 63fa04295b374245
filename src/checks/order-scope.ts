import { measuresForKind, orderGrantsKind } from "../intake/measure-for-kind.ts";
import { orderState } from "../intake/order.ts";
import type { Check, CheckContext, CheckedTarget } from "./check.ts";
import type { Finding } from "./finding.ts";

const name = "order-scope";

/**
 * Whether the order reaches the target: it is in force, grants the target's measure, extends to mirrors for a
 * mirror, and lasts at least as long as the target. Intake already refuses most of this (an expired order, a
 * measure not granted, a validity beyond the order's); the check says it again for whatever reached review
 * another way, and adds what intake lets through: an order not yet in force or not yet confirmed.
 */
export const orderScope: Check = { name, run: scopeFindings };

function scopeFindings(target: CheckedTarget, { order, now }: CheckContext): Finding[] {
  const findings: Finding[] = [];
  const evidence = { orderId: order.id, caseNumber: order.caseNumber };
  const state = orderState(order, now);
  if (state === "expired") {
    findings.push(
      finding("block", "ORDER_EXPIRED", `Order ${order.id} ended on ${order.validUntil}.`, evidence),
    );
  } else if (state === "pending") {
    findings.push(
      finding("review", "ORDER_NOT_IN_FORCE", `Order ${order.id} comes into force on ${order.validFrom}.`, {
        ...evidence,
        validFrom: order.validFrom,
      }),
    );
  }
  if (order.confirmedAt === null) {
    findings.push(
      finding(
        "info",
        "ORDER_NOT_CONFIRMED",
        `Order ${order.id} was submitted by an applicant and awaits an authority's confirmation.`,
        evidence,
      ),
    );
  }
  if (!orderGrantsKind(order.measures, target.kind)) {
    findings.push(
      finding(
        "block",
        "ORDER_MEASURE_NOT_GRANTED",
        `Order ${order.id} orders ${order.measures.join(", ")}; a ${target.kind} target needs ` +
          `${measuresForKind[target.kind].join(" or ")}.`,
        { ...evidence, measures: order.measures, kind: target.kind },
      ),
    );
  }
  if (target.origin === "mirror" && !order.extendsToMirrors) {
    findings.push(
      finding(
        "block",
        "TARGET_MIRROR_NOT_ALLOWED",
        `Order ${order.id} does not extend to mirrors: a mirror needs a new decision, or an order that extends ` +
          "to mirrors (e.g. art. L.331-27 CPI in France).",
        { ...evidence, extendsToMirrors: false },
      ),
    );
  }
  if (target.validUntil > order.validUntil) {
    findings.push(
      finding(
        "block",
        "TARGET_VALIDITY_BEYOND_ORDER",
        `The target's validity (until ${target.validUntil}) outlasts order ${order.id}'s (${order.validUntil}).`,
        { ...evidence, targetUntil: target.validUntil, orderUntil: order.validUntil },
      ),
    );
  }
  return findings;
}

function finding(
  severity: Finding["severity"],
  code: Finding["code"],
  message: string,
  evidence: Record<string, unknown>,
): Finding {
  return { check: name, severity, code, message, evidence };
}
