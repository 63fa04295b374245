import type { ReactNode } from "react";
import { useT } from "../i18n.tsx";
import type { QueuedTarget } from "../types.ts";
import { SeverityBadge, StateBadge } from "./common.tsx";
import { Evidence } from "./evidence.tsx";

/**
 * One target opened from the table: every finding with the server's message, its code and its evidence, and
 * a decision on this target alone.
 */
export function ReviewTargetDetail({
  target,
  canDecide,
  onDecide,
  outcome,
}: {
  target: QueuedTarget;
  canDecide: boolean;
  onDecide: (decision: "approve" | "reject") => void;
  outcome: ReactNode;
}) {
  const t = useT();
  return (
    <section className="card" data-testid="target-detail" aria-label={target.display}>
      <p>
        <strong>{target.display}</strong> ({target.kind}, #{target.id}) <StateBadge state={target.state} /> ·{" "}
        {target.order.caseNumber}
        {target.order.confirmedAt ? "" : ` — ${t("authority.unconfirmed")}`}
      </p>
      {target.findings.length === 0 ? (
        <p className="hint">{t("review.noFindingsHere")}</p>
      ) : (
        <ul className="findings">
          {target.findings.map((finding) => (
            <li key={`${finding.check}-${finding.code}`} className={`finding severity-${finding.severity}`}>
              <SeverityBadge severity={finding.severity} /> <code>{finding.code}</code> — {finding.message}
              <Evidence evidence={finding.evidence} />
            </li>
          ))}
        </ul>
      )}
      <p>
        <button type="button" disabled={!canDecide} onClick={() => onDecide("approve")}>
          {t("authority.approve")}
        </button>{" "}
        <button type="button" className="secondary" disabled={!canDecide} onClick={() => onDecide("reject")}>
          {t("authority.reject")}
        </button>
      </p>
      {outcome}
    </section>
  );
}
