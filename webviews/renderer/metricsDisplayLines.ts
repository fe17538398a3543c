// What a cell's live metrics display draws: one chart per metric group, on the step axis, with the
// training metric per batch, its epoch means (with points), and its val_* twin at epoch ends (dashed).
import type { MetricSeries, MetricsDisplayData } from "../../protocol/runLogSchema";
import type { ChartData, ChartSeriesStyle } from "../shared/chartTypes";
import { alignLines } from "../shared/chartLines";
import { groupMetricNames, isValidationMetric } from "../shared/metricGroups";
import { yScaleFor, type YScale } from "../shared/yAxis";

const TRAIN_COLOR = "var(--vscode-charts-blue, #3794ff)";
const VALIDATION_COLOR = "var(--vscode-charts-orange, #d18616)";

export interface DisplayChart {
  title: string;
  series: ChartSeriesStyle[];
  yScale: YScale;
  data: ChartData;
}

export function displayCharts(data: MetricsDisplayData): DisplayChart[] {
  const names = new Set([...Object.keys(data.batches.values), ...Object.keys(data.epochsSeries.values)]);
  return groupMetricNames(names).map((group) => {
    const series: ChartSeriesStyle[] = [];
    const lines: { x: number[]; y: (number | null)[] }[] = [];
    const add = (style: ChartSeriesStyle, columns: MetricSeries, name: string): void => {
      const y = columns.values[name];
      if (!y || y.length === 0) return;
      series.push(style);
      lines.push({ x: columns.step, y });
    };
    for (const name of group.names) {
      if (isValidationMetric(name)) {
        add({ label: name, color: VALIDATION_COLOR, dashed: true, points: true }, data.epochsSeries, name);
      } else {
        // The per-batch line is the live data (the only line in the first epoch): full strength, not faint.
        add({ label: `${name} (batch)`, color: TRAIN_COLOR }, data.batches, name);
        add({ label: `${name} (epoch)`, color: TRAIN_COLOR, points: true }, data.epochsSeries, name);
      }
    }
    return { title: group.base, series, yScale: yScaleFor(group.base, false, lines.map((line) => line.y)), data: alignLines(lines) };
  });
}
