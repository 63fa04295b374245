/*
 * The portal's charts, drawn by uPlot (plot.ts, loaded with the first chart that has data). Each chart has a
 * title, says so when there is nothing yet rather than drawing bare axes, names a value that was never measured
 * rather than drawing it as 0, and keeps a table of its figures for screen readers (and anyone who wants the
 * numbers), so nothing is said by the drawing alone.
 */
import { useEffect, useRef } from "react";
import { type Translate, useT } from "../i18n.tsx";
import type { PlotSpec } from "./plot.ts";

export interface Point {
  label: string;
  /** null: not measured (an operator no probe has reached yet), which is not 0. */
  value: number | null;
}

interface ChartProps {
  id: string;
  title: string;
  points: Point[];
  /** How a value is written (on the chart, in its legend and in its table); a plain number by default. */
  format?: (value: number) => string;
  /** The smallest difference between two values worth a tick: 1 (a count) by default. */
  step?: number;
}

/** Bars, one per category (an order, a measure, an operator). */
export function BarChart(props: ChartProps) {
  return <Chart kind="bars" {...props} />;
}

/** A line over days: each point's label is its UTC day, YYYY-MM-DD. */
export function TimeChart(props: ChartProps) {
  return <Chart kind="time" {...props} />;
}

function Chart({ kind, id, title, points, format, step = 1 }: ChartProps & { kind: PlotSpec["kind"] }) {
  const t = useT();
  const write = format ?? t.number;
  const measured = points.filter((point) => point.value !== null).length;
  return (
    <figure className="chart" data-testid={id} aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      {points.length === 0 ? (
        <p className="chart-empty" data-testid={`${id}-empty`}>
          {t("chart.empty")}
        </p>
      ) : (
        <>
          <Plot
            kind={kind}
            points={points}
            write={write}
            step={step}
            label={t("chart.summary", { title, count: points.length, measured })}
          />
          <FiguresTable points={points} write={write} />
        </>
      )}
    </figure>
  );
}

function Plot({
  kind,
  points,
  write,
  step,
  label,
}: {
  kind: PlotSpec["kind"];
  points: Point[];
  write: (value: number) => string;
  step: number;
  label: string;
}) {
  const t = useT();
  const container = useRef<HTMLDivElement>(null);
  // Redrawn when the figures or the language change, not at each render of the page around it.
  const figures = JSON.stringify(points);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `figures` stands for `points`; write follows t.
  useEffect(() => {
    let cancelled = false;
    let destroy: (() => void) | undefined;
    void import("./plot.ts").then(({ drawPlot }) => {
      if (cancelled || !container.current) return;
      destroy = drawPlot(container.current, { ...plotSpec(kind, points, write, t), step });
    });
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [kind, figures, step, t]);
  return <div className="chart-plot" role="img" aria-label={label} ref={container} />;
}

function plotSpec(
  kind: PlotSpec["kind"],
  points: Point[],
  write: (value: number) => string,
  t: Translate,
): Omit<PlotSpec, "step"> {
  return {
    kind,
    labels: points.map((point) => point.label),
    x: kind === "time" ? points.map((point) => Date.parse(`${point.label}T00:00:00Z`) / 1000) : [],
    values: points.map((point) => point.value),
    seriesLabel: t("chart.value"),
    xLabel: kind === "time" ? t("chart.day") : t("chart.category"),
    format: write,
    missing: t("chart.notMeasured"),
    day: (seconds) => t.day(new Date(seconds * 1000).toISOString()),
  };
}

function FiguresTable({ points, write }: { points: Point[]; write: (value: number) => string }) {
  const t = useT();
  return (
    <details className="chart-figures">
      <summary>{t("chart.figures")}</summary>
      <table>
        <tbody>
          {points.map((point) => (
            <tr key={point.label}>
              <th scope="row">{point.label}</th>
              <td data-value={point.value ?? ""}>
                {point.value === null ? t("chart.notMeasured") : write(point.value)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
