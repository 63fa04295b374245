import { api } from "../api.ts";
import { BarChart, type Point, TimeChart } from "../components/charts.tsx";
import { Show, useLoad } from "../components/common.tsx";
import { useT } from "../i18n.tsx";
import { loadProbes, medianSeconds } from "../probes.ts";
import type { Statistics } from "../types.ts";
import { appealStates } from "../vocabulary.ts";

export function StatisticsPage() {
  const t = useT();
  const [statistics] = useLoad((signal) => api<Statistics>("/public/statistics", { signal }), []);
  const [probes] = useLoad((signal) => loadProbes(signal), []);
  return (
    <>
      <h1>{t("stats.title")}</h1>
      <Show loaded={statistics}>
        {(value) => (
          <div className="charts">
            <TimeChart id="chart-entries-over-time" title={t("stats.overTime")} points={cumulated(value)} />
            <BarChart id="chart-entries-by-order" title={t("stats.byOrder")} points={byOrder(value)} />
            <BarChart id="chart-entries-by-measure" title={t("stats.byMeasure")} points={byMeasure(value)} />
            <BarChart
              id="chart-appeals"
              title={t("stats.appeals")}
              points={appealStates.map((state) => ({
                label: t(`state.${state}`),
                value: value.appealsByState[state] ?? 0,
              }))}
            />
          </div>
        )}
      </Show>
      <h2>{t("stats.operators")}</h2>
      <Show loaded={probes}>
        {(list) =>
          list === null ? (
            <p className="notice">{t("stats.operatorsRestricted")}</p>
          ) : (
            <div className="charts">
              <BarChart
                id="chart-time-to-enforce"
                title={t("stats.timeToEnforce")}
                points={list.map((item) => ({ label: item.operator, value: medianSeconds(item) }))}
                step={0.1}
              />
              <BarChart
                id="chart-compliance"
                title={t("stats.compliance")}
                points={list.map((item) => ({ label: item.operator, value: item.shareEnforced }))}
                format={t.percent}
                step={0.01}
              />
            </div>
          )
        }
      </Show>
    </>
  );
}

/** Entries in force over time: each day adds the entries whose validity starts that day. */
function cumulated(statistics: Statistics): Point[] {
  let total = 0;
  return statistics.entriesByDay.map((day) => {
    total += day.count;
    return { label: day.day, value: total };
  });
}

function byOrder(statistics: Statistics): Point[] {
  return statistics.entriesByOrder.map((order) => ({
    label: order.caseNumber,
    value: order.byState.active ?? 0,
  }));
}

function byMeasure(statistics: Statistics): Point[] {
  const counts = new Map<string, number>();
  for (const order of statistics.entriesByOrder) {
    for (const measure of order.measures) {
      counts.set(measure, (counts.get(measure) ?? 0) + (order.byState.active ?? 0));
    }
  }
  return [...counts].map(([label, value]) => ({ label, value }));
}
