/*
 * The drawing of a chart with uPlot, in a module of its own so that the portal's first load does not carry it:
 * charts.tsx imports it when a chart with data is shown. Text on the canvas (axes, value labels) takes the font
 * of the page around it, so it is read at body size whatever the chart's width.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface PlotSpec {
  /** Bars over categories (`labels`), or a line over days (`x`: seconds since the epoch, UTC midnights). */
  kind: "bars" | "time";
  labels: string[];
  x: number[];
  values: (number | null)[];
  seriesLabel: string;
  /** The legend's name of the horizontal axis (the category's own name says enough for bars). */
  xLabel: string;
  format: (value: number) => string;
  /** What a null value is called on the chart ("not measured"): it is said, never drawn as 0. */
  missing: string;
  day: (seconds: number) => string;
  /** The smallest step between two ticks of the values' axis: 1 for counts, so that no tick reads 0,25. */
  step: number;
}

const height = 260;
const halfDay = 43_200;

export function drawPlot(container: HTMLElement, spec: PlotSpec): () => void {
  const style = getComputedStyle(container);
  const fontSize = Number.parseFloat(style.fontSize) || 16;
  const font = `${fontSize}px ${style.fontFamily}`;
  const ink = style.getPropertyValue("--ink").trim() || "#1a1a1a";
  const muted = style.getPropertyValue("--muted").trim() || "#4a4a4a";
  const line = style.getPropertyValue("--line").trim() || "#c8c8c8";
  const accent = style.getPropertyValue("--accent").trim() || "#0b4f9c";
  const indices = spec.labels.map((_, index) => index);
  // One day alone would be a lone dot on a line: it is drawn as a bar over its day, with its value written.
  const single = spec.kind === "time" && spec.x.length === 1;
  const asBars = spec.kind === "bars" || single;
  const xs = spec.kind === "bars" ? indices : spec.x;
  // Categories whose names do not fit side by side are written slanted, still at the page's font size.
  const measure = document.createElement("canvas").getContext("2d");
  if (measure) measure.font = font;
  const names = spec.labels.map((label) => shorten(label, 14));
  const longest = Math.max(
    0,
    ...names.map((name) => measure?.measureText(name).width ?? name.length * fontSize),
  );
  const slant =
    spec.kind === "bars" &&
    names.length * (longest + fontSize) > Math.max(container.clientWidth, 200) - 4 * fontSize;
  const xAxisSize = slant
    ? Math.ceil(longest * Math.sin(Math.PI / 4) + fontSize * 2)
    : Math.ceil(fontSize * 2.2);
  const fit = (u: uPlot, values: string[] | null, axisIndex: number, cycle: number) =>
    axisIndex === 0 ? xAxisSize : axisSize(u, values, axisIndex, cycle, font);
  const axis = { font, labelFont: font, stroke: muted, size: fit, grid: { stroke: line, width: 1 } };

  const options: uPlot.Options = {
    width: Math.max(container.clientWidth, 200),
    height,
    // The days are UTC dates: ticks fall on UTC midnights, as the labels say.
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
    scales: {
      x:
        spec.kind === "bars"
          ? { time: false, range: [-0.5, Math.max(indices.length - 0.5, 0.5)] }
          : single
            ? { time: true, range: [(spec.x[0] ?? 0) - 2 * halfDay, (spec.x[0] ?? 0) + 2 * halfDay] }
            : { time: true },
      // From 0, with room above the tallest bar for its value.
      y: { range: (_u, _min, max) => [0, max !== null && max > 0 ? max * 1.15 : 1] },
    },
    axes: [
      {
        ...axis,
        grid: { show: false },
        space: spec.kind === "bars" ? 0 : fontSize * 7,
        ...(slant ? { rotate: -45 } : {}),
        ...(spec.kind === "bars" || single ? { splits: () => (single ? spec.x : indices) } : {}),
        values: (_u, splits) =>
          splits.map((split) => (spec.kind === "bars" ? (names[split] ?? "") : spec.day(split))),
      },
      {
        ...axis,
        space: fontSize * 3,
        incrs: steps(spec.step),
        values: (_u, splits) => splits.map((split) => spec.format(split)),
      },
    ],
    series: [
      {
        label: spec.xLabel,
        value: (_u, value) =>
          value === null ? "—" : spec.kind === "bars" ? (spec.labels[value] ?? "") : spec.day(value),
      },
      {
        label: spec.seriesLabel,
        stroke: accent,
        width: 2.5,
        fill: asBars ? accent : undefined,
        points: { show: !asBars, size: 7, fill: accent },
        paths: asBars ? uPlot.paths.bars?.({ size: [0.6, fontSize * 6], align: 0 }) : undefined,
        // Without the cursor on a value, the legend has none to name (idx null); on one, null is "not measured".
        value: (_u, value, _series, idx) =>
          idx === null || idx === undefined ? "—" : value === null ? spec.missing : spec.format(value),
      },
    ],
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    hooks: {
      draw: [
        (u) => {
          // Few values: each is written by its bar or point, a null one as "not measured" on the axis.
          if (xs.length > 24) return;
          const ctx = u.ctx;
          const ratio = uPlot.pxRatio;
          ctx.save();
          ctx.font = `${fontSize * ratio}px ${style.fontFamily}`;
          ctx.textAlign = "center";
          ctx.textBaseline = "bottom";
          spec.values.forEach((value, index) => {
            const left = u.valToPos(xs[index] ?? 0, "x", true);
            const base = u.valToPos(0, "y", true);
            if (value === null) {
              ctx.fillStyle = muted;
              ctx.fillText(spec.missing, left, base - 4 * ratio);
              return;
            }
            ctx.fillStyle = ink;
            const top = u.valToPos(value, "y", true);
            ctx.fillText(spec.format(value), left, top - 4 * ratio);
          });
          ctx.restore();
        },
      ],
    },
  };
  const plot = new uPlot(options, [xs, spec.values], container);
  const observer = new ResizeObserver(() => {
    const width = Math.max(container.clientWidth, 200);
    if (width !== plot.width) plot.setSize({ width, height });
  });
  observer.observe(container);
  return () => {
    observer.disconnect();
    plot.destroy();
  };
}

/** An axis as wide (or tall) as its longest label at the page's font, so that labels are never cut. */
function axisSize(u: uPlot, values: string[] | null, axisIndex: number, cycle: number, font: string): number {
  const axis = u.axes[axisIndex] as uPlot.Axis & { _size?: number };
  if (cycle > 1 && axis._size !== undefined) return axis._size;
  const fontSize = Number.parseFloat(font);
  u.ctx.save();
  u.ctx.font = font;
  const widest = Math.max(0, ...(values ?? []).map((value) => u.ctx.measureText(value).width));
  u.ctx.restore();
  return Math.ceil(widest + fontSize * 1.2);
}

/** Tick steps of 1, 2 and 5 times the powers of ten from `smallest` up. */
function steps(smallest: number): number[] {
  const all: number[] = [];
  for (let power = Math.floor(Math.log10(smallest)); power <= 12; power += 1) {
    for (const factor of [1, 2, 5]) {
      const step = factor * 10 ** power;
      if (step >= smallest * 0.999) all.push(Number(step.toPrecision(12)));
    }
  }
  return all;
}

function shorten(label: string, length: number): string {
  return label.length > length ? `${label.slice(0, length - 1)}…` : label;
}
