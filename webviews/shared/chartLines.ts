// From runs to the lines of one metric chart: for every run, the training metric (each batch, or each
// epoch's mean) and its val_* twin (at epoch ends), on the chosen x axis; per-batch lines smoothed (a few
// epoch points are the real values, nothing to smooth); then all lines on one shared x, the form uPlot draws.
import { isValidationMetric, type MetricGroup } from "./metricGroups";
import type { Granularity, XAxis } from "../../protocol/metricsPanelMessages";
import type { RunSeries, SeriesColumns } from "../../protocol/runSeries";
import { emaSmooth } from "./smoothing";

export interface ChartRun {
  id: string;
  label: string;
  color: string;
  series: RunSeries;
}

export interface ChartLine {
  runId: string;
  runLabel: string;
  metric: string;
  color: string;
  /** Validation lines are dashed, with points, over the training line of the same colour. */
  validation: boolean;
  /** Where the points come from: x, step, epoch and time of point i are the columns' entries at i. */
  columns: SeriesColumns;
  x: number[];
  raw: (number | null)[];
  /** What the chart draws: the smoothed values of a per-batch line, the raw values of any other. */
  smoothed: (number | null)[];
  /** Whether `smoothed` differs from `raw`: the chart then also draws the raw values, faint. */
  isSmoothed: boolean;
}

export interface LineOptions {
  xAxis: XAxis;
  granularity: Granularity;
  smoothing: number;
}

/** x in the unit the chart's axis shows: steps, seconds since the start, or seconds since 1970 (uPlot's time unit). */
function xValues(columns: SeriesColumns, xAxis: XAxis): number[] {
  if (xAxis === "step") return columns.step;
  if (xAxis === "relative") return columns.elapsedMs.map((ms) => ms / 1000);
  return columns.time.map((ms) => ms / 1000);
}

export function chartLines(runs: readonly ChartRun[], group: MetricGroup, options: LineOptions): ChartLine[] {
  const lines: ChartLine[] = [];
  for (const run of runs) {
    for (const metric of group.names) {
      const validation = isValidationMetric(metric);
      const fromBatches = !validation && options.granularity === "batch" && metric in run.series.batches.values;
      const columns = fromBatches ? run.series.batches : run.series.epochs;
      const raw = columns.values[metric];
      if (!raw || raw.length === 0) continue;
      const isSmoothed = fromBatches && options.smoothing > 0;
      lines.push({
        runId: run.id,
        runLabel: run.label,
        metric,
        color: run.color,
        validation,
        columns,
        x: xValues(columns, options.xAxis),
        raw,
        smoothed: isSmoothed ? emaSmooth(raw, options.smoothing) : raw,
        isSmoothed,
      });
    }
  }
  return lines;
}

/** The lines on one sorted x (the union of theirs), with null where a line has no point: uPlot's AlignedData. */
export function alignLines(lines: readonly { x: readonly number[]; y: readonly (number | null)[] }[]): [number[], ...(number | null)[][]] {
  const xs = [...new Set(lines.flatMap((line) => line.x))].sort((a, b) => a - b);
  const position = new Map(xs.map((x, index) => [x, index]));
  const columns = lines.map((line) => {
    const column = new Array<number | null>(xs.length).fill(null);
    line.x.forEach((x, index) => {
      // Two points at one x (e.g. the same step logged twice): the later one wins, as it would on screen.
      column[position.get(x)!] = line.y[index] ?? null;
    });
    return column;
  });
  return [xs, ...columns];
}
