/*
 * Small SVG charts drawn by hand: the portal needs a line and bars, and a charting library would weigh more than
 * the whole portal. Each chart has a title and a table of its figures for screen readers (and anyone who wants
 * the numbers), so nothing is said by the drawing alone.
 */
import type { ReactNode } from "react";
import { useT } from "../i18n.tsx";

export interface Point {
  label: string;
  value: number;
}

const width = 640;
const height = 220;
const pad = { top: 12, right: 12, bottom: 36, left: 48 };

/** The vertical scale of a chart: from 0 to a round number at or above the largest value. */
function scale(points: Point[]) {
  const max = Math.max(0, ...points.map((point) => point.value));
  const top = max <= 0 ? 1 : niceCeiling(max);
  return { top, y: (value: number) => pad.top + (height - pad.top - pad.bottom) * (1 - value / top) };
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * magnitude).find((candidate) => candidate >= value) ?? value;
}

export function LineChart({ title, points, id }: { title: string; points: Point[]; id: string }) {
  const t = useT();
  const { top, y } = scale(points);
  const step = points.length > 1 ? (width - pad.left - pad.right) / (points.length - 1) : 0;
  const x = (index: number) => pad.left + index * step;
  const path = points
    .map((point, index) => `${index === 0 ? "M" : "L"}${x(index)},${y(point.value)}`)
    .join(" ");
  return (
    <ChartFrame id={id} title={title} points={points} top={top} y={y}>
      <path d={path} fill="none" stroke="currentColor" strokeWidth={2.5} className="series" />
      {points.map((point, index) => (
        <circle key={point.label} cx={x(index)} cy={y(point.value)} r={3.5} className="series-dot">
          <title>{`${point.label}: ${t.number(point.value)}`}</title>
        </circle>
      ))}
      {points.length > 0 && (
        <text x={x(0)} y={height - 12} className="tick" textAnchor="start">
          {points[0]?.label}
        </text>
      )}
      {points.length > 1 && (
        <text x={x(points.length - 1)} y={height - 12} className="tick" textAnchor="end">
          {points[points.length - 1]?.label}
        </text>
      )}
    </ChartFrame>
  );
}

export function BarChart({ title, points, id }: { title: string; points: Point[]; id: string }) {
  const t = useT();
  const { top, y } = scale(points);
  const band = (width - pad.left - pad.right) / Math.max(points.length, 1);
  return (
    <ChartFrame id={id} title={title} points={points} top={top} y={y}>
      {points.map((point, index) => {
        const barTop = y(point.value);
        const left = pad.left + index * band + band * 0.15;
        return (
          <g key={point.label}>
            <rect
              x={left}
              y={barTop}
              width={band * 0.7}
              height={height - pad.bottom - barTop}
              className="bar"
              data-value={point.value}
            >
              <title>{`${point.label}: ${t.number(point.value)}`}</title>
            </rect>
            <text x={left + band * 0.35} y={height - 20} className="tick" textAnchor="middle">
              {point.label.length > 14 ? `${point.label.slice(0, 13)}…` : point.label}
            </text>
          </g>
        );
      })}
    </ChartFrame>
  );
}

/** What every chart has around its series: the titled figure, the axes, and the table of figures. */
function ChartFrame({
  id,
  title,
  points,
  top,
  y,
  children,
}: {
  id: string;
  title: string;
  points: Point[];
  top: number;
  y: (value: number) => number;
  children: ReactNode;
}) {
  return (
    <figure className="chart" data-testid={id}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title`}>
        <title>{title}</title>
        <Axes top={top} y={y} />
        {children}
      </svg>
      <FiguresTable points={points} />
    </figure>
  );
}

function Axes({ top, y }: { top: number; y: (value: number) => number }) {
  const t = useT();
  return (
    <g>
      {[0, top / 2, top].map((value) => (
        <g key={value}>
          <line x1={pad.left} x2={width - pad.right} y1={y(value)} y2={y(value)} className="grid" />
          <text x={pad.left - 6} y={y(value) + 4} className="tick" textAnchor="end">
            {t.number(value)}
          </text>
        </g>
      ))}
    </g>
  );
}

function FiguresTable({ points }: { points: Point[] }) {
  const t = useT();
  return (
    <details>
      <summary>{t("chart.figures")}</summary>
      <table>
        <tbody>
          {points.map((point) => (
            <tr key={point.label}>
              <th scope="row">{point.label}</th>
              <td>{t.number(point.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
