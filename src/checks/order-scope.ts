import { measuresForKind, orderGrantsKind } from "../intake/measure-for-kind.ts";
import { orderState } from "../intake/order.ts";
import type { MessageParams } from "../locale/format-message.ts";
import type { Check, CheckContext, CheckedTarget } from "./check.ts";
import type { Finding } from "./finding.ts";
import { findingMessage } from "./finding-message.ts";

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
      finding("block", "ORDER_EXPIRED", { orderId: order.id, until: order.validUntil }, evidence),
    );
  } else if (state === "pending") {
    findings.push(
      finding(
        "review",
        "ORDER_NOT_IN_FORCE",
        { orderId: order.id, from: order.validFrom },
        {
          ...evidence,
          validFrom: order.validFrom,
        },
      ),
    );
  }
  if (order.confirmedAt === null) {
    findings.push(finding("info", "ORDER_NOT_CONFIRMED", { orderId: order.id }, evidence));
  }
  if (!orderGrantsKind(order.measures, target.kind)) {
    findings.push(
      finding(
        "block",
        "ORDER_MEASURE_NOT_GRANTED",
        {
          orderId: order.id,
          measures: order.measures.join(", "),
          kind: target.kind,
          needed: measuresForKind[target.kind],
        },
        { ...evidence, measures: order.measures, kind: target.kind },
      ),
    );
  }
  if (target.origin === "mirror" && !order.extendsToMirrors) {
    findings.push(
      finding(
        "block",
        "TARGET_MIRROR_NOT_ALLOWED",
        { orderId: order.id },
        { ...evidence, extendsToMirrors: false },
      ),
    );
  }
  if (target.validUntil > order.validUntil) {
    findings.push(
      finding(
        "block",
        "TARGET_VALIDITY_BEYOND_ORDER",
        { targetUntil: target.validUntil, orderId: order.id, orderUntil: order.validUntil },
        { ...evidence, targetUntil: target.validUntil, orderUntil: order.validUntil },
      ),
    );
  }
  return findings;
}

function finding(
  severity: Finding["severity"],
  code: Finding["code"],
  params: MessageParams,
  evidence: Record<string, unknown>,
): Finding {
  return { check: name, severity, code, message: findingMessage(code, params), params, evidence };
}
