import { useState } from "react";
import { api } from "../api.ts";
import { ActionForm } from "../components/action-form.tsx";
import { ErrorMessage, Show, StateBadge, useAction, useLoad } from "../components/common.tsx";
import { DataTable } from "../components/data-table.tsx";
import { Desk } from "../components/desk.tsx";
import { Field, NumberField } from "../components/field.tsx";
import { RolloutAlert } from "../components/rollout-alert.tsx";
import { useT } from "../i18n.tsx";
import type { Order, SiteAppeal } from "../types.ts";
import type { AppealScope } from "../vocabulary.ts";
import { ReviewDesk } from "./review-desk.tsx";

export default function AuthorityDesk() {
  const t = useT();
  return (
    <Desk
      title={t("authority.title")}
      roles={["authority", "auditor"]}
      sections={[
        { id: "queue", label: t("authority.queue"), render: () => <ReviewDesk /> },
        { id: "appeals", label: t("authority.appeals"), render: () => <Appeals /> },
        { id: "orders", label: t("authority.orders"), render: () => <OrdersToConfirm /> },
        {
          id: "overrides",
          label: t("authority.overrides"),
          render: () => (
            <>
              <PendingSteps />
              <ConfirmOverride />
            </>
          ),
        },
        { id: "deadlines", label: t("authority.deadlines"), render: () => <Breaches /> },
        { id: "rollout", label: t("rollout.section"), render: () => <RolloutAlert /> },
      ]}
    />
  );
}

function Appeals() {
  const t = useT();
  const [loaded, reload] = useLoad(
    (signal) => api<{ appeals: SiteAppeal[] }>("/appeals?limit=200", { signal }),
    [],
  );
  const [reasons, setReasons] = useState<Record<number, string>>({});
  const [scopes, setScopes] = useState<Record<number, AppealScope>>({});
  const scopeOf = (appeal: SiteAppeal): AppealScope =>
    scopes[appeal.id] ?? (appeal.siblings.length > 0 ? "site" : "entry");
  const decide = useAction(async (appeal: SiteAppeal, decision: "suspend" | "uphold" | "lift") => {
    await api(`/appeals/${appeal.id}/decision`, {
      body: { decision, reason: reasons[appeal.id] ?? "", scope: scopeOf(appeal) },
    });
    reload();
  });
  return (
    <Show loaded={loaded}>
      {({ appeals }) =>
        appeals.length === 0 ? (
          <p>{t("authority.noAppeals")}</p>
        ) : (
          <>
            <ErrorMessage error={decide.error} />
            <ul className="queue">
              {appeals.map((appeal) => {
                const decidable = appeal.state === "open" || appeal.state === "suspended";
                const site = scopeOf(appeal) === "site" && appeal.siblings.length > 0;
                const count = appeal.siblings.length + 1;
                return (
                  <li key={appeal.id} className="card" data-testid={`appeal-${appeal.target.value}`}>
                    <p>
                      <strong>{appeal.target.display}</strong> <StateBadge state={appeal.state} /> ·{" "}
                      {appeal.order.caseNumber} · {t.dateTime(appeal.filedAt)}
                    </p>
                    <blockquote>{appeal.reason}</blockquote>
                    {appeal.contact && (
                      <p className="hint">
                        {t("authority.contact")} {appeal.contact}
                      </p>
                    )}
                    {appeal.siblings.length > 0 && (
                      <div data-testid="appeal-siblings">
                        <p>{t("appeals.siblings")}</p>
                        <ul className="plain">
                          {appeal.siblings.map((sibling) => (
                            <li key={sibling.id}>
                              {sibling.display} <StateBadge state={sibling.state} />
                            </li>
                          ))}
                        </ul>
                        {decidable && (
                          <fieldset>
                            <legend>{t("appeals.scope")}</legend>
                            {(["site", "entry"] as const).map((scope) => (
                              <label key={scope} className="inline">
                                <input
                                  type="radio"
                                  name={`appeal-scope-${appeal.id}`}
                                  value={scope}
                                  checked={scopeOf(appeal) === scope}
                                  onChange={() => setScopes({ ...scopes, [appeal.id]: scope })}
                                />{" "}
                                {scope === "site"
                                  ? t("appeals.scopeSite", { count })
                                  : t("appeals.scopeEntry", { name: appeal.target.display })}
                              </label>
                            ))}
                          </fieldset>
                        )}
                      </div>
                    )}
                    {decidable && (
                      <div className="row">
                        <Field
                          id={`appeal-reason-${appeal.id}`}
                          label={t("authority.reason")}
                          value={reasons[appeal.id] ?? ""}
                          onValue={(reason) => setReasons({ ...reasons, [appeal.id]: reason })}
                        />
                        {appeal.state === "open" && (
                          <button type="button" onClick={() => void decide.run(appeal, "suspend")}>
                            {site ? t("appeals.suspendSite", { count }) : t("authority.suspend")}
                          </button>
                        )}
                        <button type="button" onClick={() => void decide.run(appeal, "uphold")}>
                          {site ? t("appeals.upholdSite", { count }) : t("authority.uphold")}
                        </button>
                        <button
                          type="button"
                          className="secondary"
                          onClick={() => void decide.run(appeal, "lift")}
                        >
                          {site ? t("appeals.liftSite", { count }) : t("authority.lift")}
                        </button>
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          </>
        )
      }
    </Show>
  );
}

function OrdersToConfirm() {
  const t = useT();
  const [loaded, reload] = useLoad((signal) => api<{ orders: Order[] }>("/orders", { signal }), []);
  const confirm = useAction(async (id: number) => {
    await api(`/orders/${id}/confirm`, { body: { reason: t("authority.confirmReason") } });
    reload();
  });
  return (
    <Show loaded={loaded}>
      {({ orders }) => (
        <>
          <ErrorMessage error={confirm.error} />
          <div className="table-scroll">
            <DataTable
              columns={[t("order.case"), t("order.authority"), t("order.validUntil"), t("order.confirmed")]}
            >
              {orders.map((order) => (
                <tr key={order.id} data-testid={`order-${order.caseNumber}`}>
                  <td>
                    <a href={`/portal/orders/${order.id}`}>{order.caseNumber}</a>
                  </td>
                  <td>{order.authority}</td>
                  <td>{t.date(order.validUntil)}</td>
                  <td>
                    {order.confirmedAt ? (
                      t.dateTime(order.confirmedAt)
                    ) : (
                      <button type="button" onClick={() => void confirm.run(order.id)}>
                        {t("authority.confirm")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </DataTable>
          </div>
        </>
      )}
    </Show>
  );
}

interface Requester {
  actor: string;
  email: string | null;
}

interface Pending {
  overrides: Array<{
    targetId: number;
    value: string;
    overrideId: number;
    code: string;
    requestedBy: Requester;
    mayConfirm: { roles: string[] };
  }>;
  approvals: Array<{
    targetId: number;
    value: string;
    approvedBy: Requester;
    mayApprove: { roles: string[] };
  }>;
  truncated: boolean;
}

/** The two-person rule's open steps (GET /review/pending): who asked, and who may take the second step. */
function PendingSteps() {
  const t = useT();
  const [loaded] = useLoad((signal) => api<Pending>("/review/pending", { signal }), []);
  const who = (r: Requester) => r.email ?? r.actor;
  return (
    <section className="stack" data-testid="pending-steps">
      <h3>{t("authority.pendingTitle")}</h3>
      <Show loaded={loaded}>
        {({ overrides, approvals, truncated }) =>
          overrides.length + approvals.length === 0 ? (
            <p>{t("authority.pendingEmpty")}</p>
          ) : (
            <ul>
              {overrides.map((o) => (
                <li key={`o${o.overrideId}`} data-testid="pending-override">
                  {t("authority.pendingOverride", {
                    override: o.overrideId,
                    code: o.code,
                    target: o.targetId,
                    value: o.value,
                  })}
                  {": "}
                  {t("authority.requestedBy", { who: who(o.requestedBy) })};{" "}
                  {t("authority.mayConfirm", {
                    roles: o.mayConfirm.roles.join(", "),
                    who: who(o.requestedBy),
                  })}
                </li>
              ))}
              {approvals.map((a) => (
                <li key={`a${a.targetId}`} data-testid="pending-approval">
                  {t("authority.pendingApproval", { target: a.targetId, value: a.value })}
                  {": "}
                  {t("authority.requestedBy", { who: who(a.approvedBy) })};{" "}
                  {t("authority.mayConfirm", {
                    roles: a.mayApprove.roles.join(", "),
                    who: who(a.approvedBy),
                  })}
                </li>
              ))}
              {truncated && <li>{t("authority.pendingTruncated")}</li>}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

function ConfirmOverride() {
  const t = useT();
  const [target, setTarget] = useState("");
  const [override, setOverride] = useState("");
  const [done, setDone] = useState(false);
  const confirm = useAction(async () => {
    await api(`/targets/${Number(target)}/override/${Number(override)}/confirm`, { body: {} });
    setDone(true);
  });
  return (
    <ActionForm
      className="stack narrow"
      onSubmit={() => {
        setDone(false);
        return confirm.run();
      }}
    >
      <p className="hint">{t("authority.overrideHint")}</p>
      <NumberField id="override-target" label={t("authority.targetId")} value={target} onValue={setTarget} />
      <NumberField
        id="override-id"
        label={t("authority.overrideId")}
        value={override}
        onValue={setOverride}
      />
      <ErrorMessage error={confirm.error} />
      {done && <p className="success">{t("authority.overrideConfirmed")}</p>}
      <button type="submit">{t("authority.confirmOverride")}</button>
    </ActionForm>
  );
}

interface Breach {
  id: number;
  orderId: number;
  caseNumber: string;
  deadline: string;
  organisationName: string;
  serial: number;
  dueAt: string;
  flaggedAt: string;
}

function Breaches() {
  const t = useT();
  const [loaded] = useLoad(
    (signal) => api<{ breaches: Breach[] }>("/compliance/breaches?limit=200", { signal }),
    [],
  );
  return (
    <Show loaded={loaded}>
      {({ breaches }) =>
        breaches.length === 0 ? (
          <p>{t("authority.noBreaches")}</p>
        ) : (
          <div className="table-scroll">
            <DataTable
              columns={[
                t("order.case"),
                t("authority.addressee"),
                t("authority.serial"),
                t("authority.dueAt"),
              ]}
            >
              {breaches.map((breach) => (
                <tr key={breach.id}>
                  <td>{breach.caseNumber}</td>
                  <td>{breach.organisationName}</td>
                  <td>{breach.serial}</td>
                  <td>{t.dateTime(breach.dueAt)}</td>
                </tr>
              ))}
            </DataTable>
          </div>
        )
      }
    </Show>
  );
}
