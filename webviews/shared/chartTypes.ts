// The shapes a metric chart is described by: kept apart from the chart (which needs the DOM) so that
// code without a DOM, and its tests, can build them.
import type { XAxis } from "../../protocol/metricsPanelMessages";
import type { YScale } from "./yAxis";

export interface ChartSeriesStyle {
  label: string;
  /** Any CSS colour, var(--vscode-...) included. */
  color: string;
  dashed?: boolean;
  /** Drawn thin and translucent, behind the others (e.g. per-batch values under the epoch means). */
  faint?: boolean;
  /** Dots on the points (series with few points, e.g. one per epoch). */
  points?: boolean;
  /** The position (in the layout's series) of this smoothed series' raw values: drawn faint, and shown beside
   * the smoothed value in the tooltip rather than on a row of their own. */
  rawIndex?: number;
}

export interface ChartLayout {
  title: string;
  /** Height of the whole chart, title row included, in CSS pixels. */
  height: number;
  xAxis: XAxis;
  yScale: YScale;
  series: ChartSeriesStyle[];
  /** A key of the series in the title row (the panel shows runs' colours in its run list instead). */
  legend: boolean;
}

/** uPlot's AlignedData: one shared x column, then one y column per series. */
export type ChartData = [number[], ...(number | null)[][]];
