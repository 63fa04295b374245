import { Link } from "wouter";
import { api } from "../api.ts";
import { BlockingWindows } from "../components/blocking-windows.tsx";
import { Show, StateBadge, useLoad } from "../components/common.tsx";
import { DataTable } from "../components/data-table.tsx";
import { useT } from "../i18n.tsx";
import type { ExclusiveUseStatement, Order, Target } from "../types.ts";
import { addresseeRoleWord, durationWords, measureWord, orderStateWord } from "../words.ts";

/** One order with its entries; the stop page links here (`rel="blocked-by"`). */
export function OrderPage({ id }: { id: string }) {
  const t = useT();
  const [order] = useLoad((signal) => api<Order>(`/orders/${encodeURIComponent(id)}`, { signal }), [id]);
  const [targets] = useLoad(
    (signal) =>
      api<{ targets: Target[]; next: { after: number } | null }>(
        `/orders/${encodeURIComponent(id)}/targets?limit=500`,
        { signal },
      ),
    [id],
  );
  const [statements] = useLoad(
    (signal) =>
      api<{ statements: ExclusiveUseStatement[] }>(`/orders/${encodeURIComponent(id)}/exclusive-use`, {
        signal,
      }),
    [id],
  );
  return (
    <Show loaded={order}>
      {(value) => (
        <>
          <h1>
            {value.authority}, {value.caseNumber}
          </h1>
          <dl className="facts">
            <dt>{t("order.decisionDate")}</dt>
            <dd>{t.date(value.decisionDate)}</dd>
            <dt>{t("order.applicants")}</dt>
            <dd>{value.applicants.join("; ")}</dd>
            <dt>{t("order.addressees")}</dt>
            <dd>
              {value.addressees
                .map((addressee) => `${addressee.name} (${addresseeRoleWord(t, addressee.role)})`)
                .join(", ")}
            </dd>
            <dt>{t("order.measures")}</dt>
            <dd data-testid="order-measures">
              {value.measures.map((measure) => measureWord(t, measure)).join(", ")}
            </dd>
            <dt>{t("order.deadline")}</dt>
            <dd data-testid="order-deadline">{durationWords(t, value.deadline)}</dd>
            <dt>{t("order.validity")}</dt>
            <dd data-testid="order-validity">
              {t.date(value.validFrom)} – {t.date(value.validUntil)}
              {value.state && ` (${orderStateWord(t, value.state)})`}
            </dd>
            {value.legalBasis && (
              <>
                <dt>{t("order.legalBasis")}</dt>
                <dd>{value.legalBasis}</dd>
              </>
            )}
            {value.document.sha256 && (
              <>
                <dt>{t("order.documentHash")}</dt>
                <dd>
                  <code>{value.document.sha256}</code>
                </dd>
              </>
            )}
          </dl>
          {value.summary && <p>{value.summary}</p>}
          <p>
            <a href={`/orders/${value.id}/notice.json`}>{t("order.notice")}</a>
          </p>
          <BlockingWindows windows={value.windows ?? []} />
          {value.measures.includes("ip-block") && (
            <p>
              <a href={`/public/orders/${value.id}/collateral.html`}>{t("order.collateral")}</a>
            </p>
          )}
          <h2>{t("order.entries")}</h2>
          <Show loaded={targets}>
            {({ targets: list, next }) => (
              <div className="table-scroll">
                <DataTable
                  columns={[t("entry.name"), t("entry.state"), t("search.since"), t("search.until")]}
                >
                  {list.map((target) => (
                    <tr key={target.id}>
                      <td>
                        <Link href={`/?q=${encodeURIComponent(target.value)}`}>{target.display}</Link>
                      </td>
                      <td>
                        <StateBadge state={target.state} />
                      </td>
                      <td>{t.date(target.validFrom)}</td>
                      <td>{t.date(target.validUntil)}</td>
                    </tr>
                  ))}
                </DataTable>
                {next && <p>{t("order.more")}</p>}
              </div>
            )}
          </Show>
          <Show loaded={statements}>
            {({ statements: list }) =>
              list.length > 0 && (
                <>
                  <h2>{t("order.exclusiveUse")}</h2>
                  <p>{t("order.exclusiveUseAbout")}</p>
                  <div className="table-scroll">
                    <DataTable
                      columns={[
                        t("exclusiveUse.address"),
                        t("exclusiveUse.statement"),
                        t("exclusiveUse.document"),
                        t("exclusiveUse.recorded"),
                      ]}
                    >
                      {list.map((statement) => (
                        <tr key={statement.statementId}>
                          <td>
                            <code>{statement.address}</code>
                          </td>
                          <td>{statement.statement}</td>
                          <td>
                            <code>{statement.documentSha256}</code>
                          </td>
                          <td>{t.date(statement.recordedAt)}</td>
                        </tr>
                      ))}
                    </DataTable>
                  </div>
                </>
              )
            }
          </Show>
        </>
      )}
    </Show>
  );
}
