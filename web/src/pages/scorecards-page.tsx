import { api } from "../api.ts";
import { BarChart, type Point, TimeChart } from "../components/charts.tsx";
import { Show, useLoad } from "../components/common.tsx";
import { DataTable } from "../components/data-table.tsx";
import { type Translate, useT } from "../i18n.tsx";
import type { OperatorScorecard, OrderScorecard, ScorecardFigures } from "../types.ts";

/**
 * The public scorecards: a table per operator and per order, and charts of what was measured. A figure nobody
 * measured reads "not measured", never 0: a chart cannot draw a missing value, so unmeasured operators are left
 * out of the charts and named beside them.
 */
export function ScorecardsPage() {
  const t = useT();
  const [operators] = useLoad(
    (signal) => api<{ operators: OperatorScorecard[] }>("/scorecards/operators", { signal }),
    [],
  );
  const [orders] = useLoad(
    (signal) => api<{ orders: OrderScorecard[] }>("/scorecards/orders", { signal }),
    [],
  );
  return (
    <>
      <h1>{t("scorecards.title")}</h1>
      <p>{t("scorecards.intro")}</p>
      <h2>{t("scorecards.operators")}</h2>
      <Show loaded={operators}>
        {({ operators: cards }) =>
          cards.length === 0 ? (
            <p>{t("scorecards.none")}</p>
          ) : (
            <>
              <div className="table-scroll">
                <DataTable
                  caption={t("scorecards.operators")}
                  columns={[t("scorecards.operator"), t("scorecards.probes"), ...figureColumns(t)]}
                >
                  {cards.map((card) => (
                    <tr key={card.operator} data-testid={`scorecard-${card.operator}`}>
                      <th scope="row">{card.operator}</th>
                      <td>{t.number(card.probes)}</td>
                      <FigureCells t={t} card={card} />
                    </tr>
                  ))}
                </DataTable>
              </div>
              <p className="hint">{t("scorecards.errorRateHint")}</p>
              <p>
                <a href="/scorecards/operators.csv" download>
                  {t("scorecards.csv")}
                </a>
              </p>
              <OperatorCharts t={t} cards={cards} />
            </>
          )
        }
      </Show>
      <h2>{t("scorecards.orders")}</h2>
      <Show loaded={orders}>
        {({ orders: cards }) =>
          cards.length === 0 ? (
            <p>{t("scorecards.noOrders")}</p>
          ) : (
            <>
              <div className="table-scroll">
                <DataTable
                  caption={t("scorecards.orders")}
                  columns={[
                    t("scorecards.order"),
                    t("scorecards.operator"),
                    t("scorecards.probes"),
                    ...figureColumns(t),
                  ]}
                >
                  {cards.flatMap((card) =>
                    card.operators.map((operator) => (
                      <tr key={`${card.orderId}/${operator.operator}`}>
                        <th scope="row">
                          <a href={`/portal/orders/${card.orderId}`}>{card.caseNumber}</a>
                        </th>
                        <td>{operator.operator}</td>
                        <td>{t.number(operator.probes)}</td>
                        <FigureCells t={t} card={operator} />
                      </tr>
                    )),
                  )}
                </DataTable>
              </div>
              <p>
                <a href="/scorecards/orders.csv" download>
                  {t("scorecards.csv")}
                </a>
              </p>
            </>
          )
        }
      </Show>
    </>
  );
}

function figureColumns(t: Translate): string[] {
  return [
    t("scorecards.shareEnforced"),
    t("scorecards.timeToEnforceP50"),
    t("scorecards.timeToEnforceP95"),
    t("scorecards.timeToLiftP50"),
    t("scorecards.timeToLiftP95"),
    t("scorecards.overBlocked"),
    t("scorecards.serialLag"),
    t("scorecards.acknowledgedSerialLag"),
    t("scorecards.errorRate"),
  ];
}

function FigureCells({ t, card }: { t: Translate; card: ScorecardFigures }) {
  const measured = (value: number | null, shown: (value: number) => string) =>
    value === null ? <span className="not-measured">{t("scorecards.notMeasured")}</span> : shown(value);
  const percent = (value: number) =>
    t("scorecards.percent", { value: t.number(Math.round(value * 1000) / 10) });
  const seconds = (value: number) =>
    t("scorecards.seconds", { value: t.number(Math.round(value / 100) / 10) });
  return (
    <>
      <td data-figure="shareEnforced">{measured(card.shareEnforced, percent)}</td>
      <td>{measured(card.timeToEnforceP50Ms, seconds)}</td>
      <td>{measured(card.timeToEnforceP95Ms, seconds)}</td>
      <td>{measured(card.timeToLiftP50Ms, seconds)}</td>
      <td>{measured(card.timeToLiftP95Ms, seconds)}</td>
      <td title={card.overBlockedNames.join(" ")}>
        {card.probes === 0 ? (
          <span className="not-measured">{t("scorecards.notMeasured")}</span>
        ) : (
          t.number(card.overBlockedCount)
        )}
      </td>
      <td>{measured(card.serialLag, t.number)}</td>
      <td>{measured(card.acknowledgedSerialLag, t.number)}</td>
      <td data-figure="errorRate">{measured(card.errorRate, percent)}</td>
    </>
  );
}

function OperatorCharts({ t, cards }: { t: Translate; cards: OperatorScorecard[] }) {
  const points = (figure: (card: OperatorScorecard) => number | null): Point[] =>
    cards.flatMap((card) => {
      const value = figure(card);
      return value === null ? [] : [{ label: card.operator, value: Math.round(value * 1000) / 10 }];
    });
  const unmeasured = cards.filter((card) => card.shareEnforced === null).map((card) => card.operator);
  return (
    <div className="charts">
      <BarChart
        id="chart-scorecard-share-enforced"
        title={t("scorecards.chartShareEnforced")}
        points={points((card) => card.shareEnforced)}
      />
      <BarChart
        id="chart-scorecard-error-rate"
        title={t("scorecards.chartErrorRate")}
        points={points((card) => card.errorRate)}
      />
      {cards
        .filter((card) => card.history.some((day) => day.shareEnforced !== null))
        .map((card) => (
          <TimeChart
            key={card.operator}
            id={`chart-scorecard-history-${card.operator}`}
            title={t("scorecards.chartHistory", { operator: card.operator })}
            points={card.history.flatMap((day) =>
              day.shareEnforced === null
                ? []
                : [{ label: day.day, value: Math.round(day.shareEnforced * 1000) / 10 }],
            )}
          />
        ))}
      {unmeasured.length > 0 && (
        <p className="hint">{t("scorecards.leftOut", { operators: unmeasured.join(", ") })}</p>
      )}
    </div>
  );
}
