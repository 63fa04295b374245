import { api } from "../api.ts";
import { useT } from "../i18n.tsx";
import type { PendingSteps, Requester, SecondPerson } from "../types.ts";
import { ErrorMessage, Show, useAction, useLoad } from "./common.tsx";
import { DataTable } from "./data-table.tsx";

/**
 * The two-person rule's queues: first approvals waiting for a second authority user, and admins' overrides
 * waiting for someone else's confirmation, each saying who waits for whom (GET /review/pending). The second
 * step can be taken from here, with the reason typed for the desk's decisions.
 */
export function ReviewQueues({
  reason,
  round,
  onDone,
}: {
  reason: string;
  round: number;
  onDone: () => void;
}) {
  const t = useT();
  const [loaded, reload] = useLoad((signal) => api<PendingSteps>("/review/pending", { signal }), [round]);
  const who = (r: Requester) => r.email ?? r.actor;
  const waitsFor = (first: Requester, second: SecondPerson) =>
    t("review.waitsFor", { roles: second.roles.join(", "), who: who(first) });
  const act = useAction(async (path: string, body: object) => {
    await api(path, { body });
    reload();
    onDone();
  });
  return (
    <section className="stack" data-testid="review-queues">
      <h3>{t("review.queuesTitle")}</h3>
      <ErrorMessage error={act.error} />
      <Show loaded={loaded}>
        {({ approvals, overrides, truncated }) => (
          <>
            <h4>{t("review.approvalsQueue", { count: approvals.length })}</h4>
            {approvals.length === 0 ? (
              <p className="hint">{t("review.approvalsEmpty")}</p>
            ) : (
              <div className="table-scroll">
                <DataTable
                  columns={[
                    t("review.target"),
                    t("review.firstStep"),
                    t("review.waiting"),
                    t("review.action"),
                  ]}
                >
                  {approvals.map((a) => (
                    <tr key={`a${a.targetId}`} data-testid="pending-approval">
                      <td>
                        {a.value} <span className="hint">#{a.targetId}</span>
                      </td>
                      <td>
                        {t("authority.requestedBy", { who: who(a.approvedBy) })},{" "}
                        {t.dateTime(a.firstApprovalAt)}
                        {a.reason && <span className="hint"> — {a.reason}</span>}
                      </td>
                      <td>{waitsFor(a.approvedBy, a.mayApprove)}</td>
                      <td>
                        <button
                          type="button"
                          disabled={!reason || act.busy}
                          onClick={() =>
                            void act.run(`/targets/${a.targetId}/decision`, { decision: "approve", reason })
                          }
                        >
                          {t("review.secondApproval")}
                        </button>
                      </td>
                    </tr>
                  ))}
                </DataTable>
              </div>
            )}
            <h4>{t("review.overridesQueue", { count: overrides.length })}</h4>
            {overrides.length === 0 ? (
              <p className="hint">{t("review.overridesEmpty")}</p>
            ) : (
              <div className="table-scroll">
                <DataTable
                  columns={[
                    t("review.override"),
                    t("review.target"),
                    t("review.firstStep"),
                    t("review.waiting"),
                    t("review.action"),
                  ]}
                >
                  {overrides.map((o) => (
                    <tr key={`o${o.overrideId}`} data-testid="pending-override">
                      <td>
                        {o.overrideId} <code>{o.code}</code>
                      </td>
                      <td>
                        {o.value} <span className="hint">#{o.targetId}</span>
                      </td>
                      <td>
                        {t("authority.requestedBy", { who: who(o.requestedBy) })}, {t.dateTime(o.requestedAt)}
                        {o.reason && <span className="hint"> — {o.reason}</span>}
                      </td>
                      <td>{waitsFor(o.requestedBy, o.mayConfirm)}</td>
                      <td>
                        <button
                          type="button"
                          disabled={act.busy}
                          onClick={() =>
                            void act.run(`/targets/${o.targetId}/override/${o.overrideId}/confirm`, {})
                          }
                        >
                          {t("authority.confirmOverride")}
                        </button>
                      </td>
                    </tr>
                  ))}
                </DataTable>
              </div>
            )}
            {truncated && <p className="hint">{t("authority.pendingTruncated")}</p>}
          </>
        )}
      </Show>
    </section>
  );
}
