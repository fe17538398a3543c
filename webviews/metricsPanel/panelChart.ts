// What one chart of the panel draws, TensorBoard's way: each smoothed line over its raw values, faint in the
// same colour, so smoothing never hides where a run really is; validation lines dashed, with their points.
import { alignLines, type ChartLine, type LineOptions } from "../shared/chartLines";
import type { ChartData, ChartLayout, ChartSeriesStyle } from "../shared/chartTypes";
import { clippedRange } from "../shared/outlierClipping";
import { clampToScale, yScaleFor } from "../shared/yAxis";

const CHART_HEIGHT = 260;

export interface GridOptions extends LineOptions {
  /** Log scale where it makes sense: charts of positive, unbounded metrics. */
  logY: boolean;
  clipOutliers: boolean;
}

export interface PanelChart {
  layout: ChartLayout;
  data: ChartData;
  /** The y range without outliers, when the user asked for it. */
  yRange: [number, number] | null;
}

export function panelChart(title: string, lines: readonly ChartLine[], options: GridOptions): PanelChart {
  const series: ChartSeriesStyle[] = [];
  const columns: { x: number[]; y: (number | null)[] }[] = [];
  for (const line of lines) {
    const label = `${line.runLabel} · ${line.metric}`;
    let rawIndex: number | undefined;
    if (line.isSmoothed) {
      rawIndex = series.length;
      series.push({ label: `${label} (raw)`, color: line.color, faint: true });
      columns.push({ x: line.x, y: line.raw });
    }
    series.push({
      label,
      color: line.color,
      dashed: line.validation,
      points: line.validation || options.granularity === "epoch",
      ...(rawIndex === undefined ? {} : { rawIndex }),
    });
    columns.push({ x: line.x, y: line.smoothed });
  }
  const ys = columns.map((column) => column.y);
  const yScale = yScaleFor(title, options.logY, ys);
  const clipped = options.clipOutliers ? clippedRange(ys, yScale === "log") : null;
  return {
    layout: { title, height: CHART_HEIGHT, xAxis: options.xAxis, yScale, legend: false, series },
    data: alignLines(columns),
    yRange: clipped && clampToScale(clipped, yScale),
  };
}

export interface LegendEntry {
  /** How the lines look: as ChartSeriesStyle draws them. */
  style: Pick<ChartSeriesStyle, "dashed" | "faint" | "points">;
  text: string;
}

/** What the line styles of panelChart mean under these options: one key for every chart. */
export function lineStyleLegend(options: LineOptions): LegendEntry[] {
  if (options.granularity === "epoch") {
    return [
      { style: { points: true }, text: "solid: training, epoch means" },
      { style: { dashed: true, points: true }, text: "dashed: validation, per epoch" },
    ];
  }
  return [
    { style: {}, text: options.smoothing > 0 ? "solid: training, per batch, smoothed" : "solid: training, per batch" },
    ...(options.smoothing > 0 ? [{ style: { faint: true }, text: "faint: the raw values under it" }] : []),
    { style: { dashed: true, points: true }, text: "dashed: validation, per epoch" },
  ];
}
