// One metric chart (uPlot on a canvas), shared by the notebook renderer and the metrics panel: themed
// from the --vscode-* variables and redrawn on a theme switch, fixed height (no reflow), new data without
// a rebuild, a hover tooltip with every series' value at the cursor (smoothed and raw), and a PNG of itself.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import "./metricChart.css";
import { formatValue } from "../../protocol/metricsFormat";
import type { XAxis } from "../../protocol/metricsPanelMessages";
import type { ChartData, ChartLayout } from "./chartTypes";
import { chartColor, onThemeChange, readChartTheme, type ChartTheme } from "./chartTheme";
import { yRange } from "./yAxis";

const TITLE_HEIGHT = 20;
const STEP_INCREMENTS = [1, 2, 5].flatMap((base) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6].map((scale) => base * scale)).sort((a, b) => a - b);

export class MetricChart {
  readonly element: HTMLDivElement;
  private readonly host: HTMLDivElement;
  private readonly tooltip: HTMLDivElement;
  /** The layout as JSON, for hasLayout (the layout does not change). */
  private readonly layoutKey: string;
  private plot: uPlot | undefined;
  private data: ChartData;
  private yRange: [number, number] | null = null;
  private zoomed = false;
  /** The series' colours as drawn in the current theme. */
  private colors: string[] = [];
  private readonly legendSwatches: HTMLElement[] = [];
  private readonly resizeObserver: ResizeObserver;
  private readonly stopThemeWatch: () => void;

  constructor(parent: HTMLElement, private readonly layout: ChartLayout) {
    this.layoutKey = JSON.stringify(layout);
    this.element = document.createElement("div");
    this.element.className = "tfjs-metrics-chart";
    this.element.style.height = `${layout.height}px`;
    this.element.append(this.titleRow());
    this.host = document.createElement("div");
    this.host.className = "tfjs-metrics-chart-plot";
    this.element.append(this.host);
    this.tooltip = document.createElement("div");
    this.tooltip.className = "tfjs-metrics-tooltip";
    parent.append(this.element);
    this.data = [[], ...layout.series.map(() => [])];
    this.build();
    this.resizeObserver = new ResizeObserver(() => this.fitWidth());
    this.resizeObserver.observe(this.element);
    this.stopThemeWatch = onThemeChange(() => this.build());
  }

  /** Whether this chart already draws that layout, so new data needs no rebuild. */
  hasLayout(layout: ChartLayout): boolean {
    return JSON.stringify(layout) === this.layoutKey;
  }

  /** New points; a y range clips the view (outliers), null lets it follow the data. A zoom the user made stays. */
  setData(data: ChartData, yRange: [number, number] | null = null): void {
    this.data = data;
    this.yRange = yRange;
    // How many x positions are drawn: lets tests and tools see that a chart has data without reading pixels.
    this.element.dataset.points = String(data[0].length);
    this.plot?.setData(data, !this.zoomed);
  }

  /** The chart with its title as a PNG data URL, on the theme's background (the canvas itself is transparent). */
  toPng(): string {
    const source = this.plot!.ctx.canvas;
    const scale = source.width / this.plot!.width;
    const titleHeight = Math.round(TITLE_HEIGHT * scale);
    const canvas = document.createElement("canvas");
    canvas.width = source.width;
    canvas.height = source.height + titleHeight;
    const context = canvas.getContext("2d")!;
    const theme = readChartTheme();
    context.fillStyle = theme.background;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.scale(scale, scale);
    context.fillStyle = theme.foreground;
    context.font = `600 ${theme.font}`;
    context.textBaseline = "middle";
    context.fillText(this.layout.title, 4, TITLE_HEIGHT / 2);
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.drawImage(source, 0, titleHeight);
    return canvas.toDataURL("image/png");
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.stopThemeWatch();
    this.plot?.destroy();
    this.element.remove();
  }

  private titleRow(): HTMLElement {
    const row = document.createElement("div");
    row.className = "tfjs-metrics-chart-title";
    row.style.height = `${TITLE_HEIGHT}px`;
    const title = document.createElement("span");
    title.className = "tfjs-metrics-chart-name";
    title.textContent = this.layout.title;
    row.append(title);
    this.element.dataset.yScale = this.layout.yScale;
    if (this.layout.yScale === "log") {
      const scale = document.createElement("span");
      scale.className = "tfjs-metrics-chart-scale";
      scale.textContent = "log scale";
      row.append(scale);
    }
    if (this.layout.legend) {
      for (const series of this.layout.series) {
        const key = document.createElement("span");
        key.className = "tfjs-metrics-legend-item";
        const swatch = document.createElement("span");
        swatch.className = ["tfjs-metrics-swatch", series.dashed ? "dashed" : "", series.faint ? "faint" : "", series.points ? "points" : ""].filter(Boolean).join(" ");
        this.legendSwatches.push(swatch);
        key.append(swatch, series.label);
        row.append(key);
      }
    }
    return row;
  }

  private build(): void {
    this.plot?.destroy();
    const theme = readChartTheme();
    this.colors = this.layout.series.map((series) => chartColor(series.color, theme));
    this.legendSwatches.forEach((swatch, position) => (swatch.style.color = this.colors[position]));
    this.plot = new uPlot(this.options(theme), this.data, this.host);
    this.plot.over.append(this.tooltip);
    this.fitWidth();
  }

  private fitWidth(): void {
    const width = Math.max(120, Math.floor(this.host.clientWidth));
    if (this.plot && this.plot.width !== width) this.plot.setSize({ width, height: this.plotHeight() });
  }

  private plotHeight(): number {
    return this.layout.height - TITLE_HEIGHT;
  }

  private options(theme: ChartTheme): uPlot.Options {
    const axis = (label: string | undefined): uPlot.Axis => ({
      stroke: theme.mutedForeground,
      font: theme.font,
      labelFont: theme.font,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1 },
      ...(label ? { label, labelSize: 14 } : {}),
    });
    const xAxis = this.layout.xAxis;
    return {
      width: Math.max(120, Math.floor(this.host.clientWidth)),
      height: this.plotHeight(),
      legend: { show: false },
      cursor: { drag: { x: true, y: false }, points: { size: 6 } },
      scales: {
        x: { time: xAxis === "wall" },
        y: {
          distr: this.layout.yScale === "log" ? 3 : 1,
          range: (_plot, min, max) => this.yRange ?? yRange(this.layout.yScale, min, max),
        },
      },
      axes: [
        {
          ...axis(xAxis === "step" ? "step" : xAxis === "relative" ? "time since start" : undefined),
          size: 28,
          // Steps are whole numbers: no tick at step 2.5.
          ...(xAxis === "step" ? { incrs: STEP_INCREMENTS } : {}),
          ...(xAxis === "relative" ? { values: (_plot: uPlot, splits: (number | null)[]) => splits.map((value) => (value === null ? "" : formatSeconds(value))) } : {}),
        },
        // A log axis leaves the splits it shows no label for as null.
        { ...axis(undefined), size: 56, values: (_plot: uPlot, splits: (number | null)[]) => splits.map((value) => (value === null ? "" : formatValue(value))) },
      ],
      series: [
        {},
        ...this.layout.series.map((series, position): uPlot.Series => {
          const color = this.colors[position];
          return {
            label: series.label,
            stroke: color,
            width: series.faint ? 1 : 1.75,
            alpha: series.faint ? 0.4 : 1,
            spanGaps: true,
            ...(series.dashed ? { dash: [5, 4] } : {}),
            points: series.points ? { show: true, size: 5, stroke: color, fill: color } : { show: false },
          };
        }),
      ],
      hooks: {
        setSelect: [(plot) => {
          if (plot.select.width > 0) this.zoomed = true;
        }],
        setCursor: [(plot) => this.showTooltip(plot)],
        setScale: [(plot, key) => {
          // The y range drawn, for tests and tools (the axis labels are pixels on the canvas).
          if (key === "y") this.element.dataset.yRange = `${plot.scales.y.min} ${plot.scales.y.max}`;
        }],
        ready: [(plot) => {
          // uPlot's own double click zooms out; from then on the view follows the data again.
          plot.over.addEventListener("dblclick", () => (this.zoomed = false));
        }],
      },
    };
  }

  private showTooltip(plot: uPlot): void {
    const index = plot.cursor.idx;
    const left = plot.cursor.left ?? -1;
    if (index === null || index === undefined || left < 0) {
      this.tooltip.style.display = "none";
      return;
    }
    const x = plot.data[0][index];
    const rows: HTMLElement[] = [];
    const heading = document.createElement("div");
    heading.className = "tfjs-metrics-tooltip-x";
    heading.textContent = formatX(x, this.layout.xAxis);
    rows.push(heading);
    const valueOf = (position: number): number | null | undefined => valueAtOrBefore(plot.data[position + 1] as (number | null | undefined)[], index);
    const rawPositions = new Set(this.layout.series.map((series) => series.rawIndex));
    this.layout.series.forEach((series, position) => {
      if (rawPositions.has(position)) return;
      const value = valueOf(position);
      if (value === undefined) return;
      const raw = series.rawIndex === undefined ? undefined : valueOf(series.rawIndex);
      const row = document.createElement("div");
      const swatch = document.createElement("span");
      swatch.className = "tfjs-metrics-swatch";
      swatch.style.color = this.colors[position];
      // A smoothed value alone would hide where the run really is: the raw value goes beside it.
      row.append(swatch, raw === undefined ? `${series.label}: ${formatValue(value)}` : `${series.label}: smoothed ${formatValue(value)} · raw ${formatValue(raw)}`);
      rows.push(row);
    });
    this.tooltip.replaceChildren(...rows);
    this.tooltip.style.display = "block";
    // Beside the cursor, on whichever side has room, and never past the chart's edges (which clip it): a
    // tooltip wider than the chart wraps its rows.
    const overWidth = plot.over.clientWidth;
    const chartLeft = -plot.over.offsetLeft;
    this.tooltip.style.maxWidth = `${overWidth - chartLeft}px`;
    const width = this.tooltip.offsetWidth;
    const wanted = left < overWidth / 2 ? left + 12 : left - 12 - width;
    this.tooltip.style.left = `${Math.max(chartLeft, Math.min(wanted, overWidth - width))}px`;
    this.tooltip.style.top = `${Math.max(0, (plot.cursor.top ?? 0) - 10)}px`;
  }
}

/** The series' last value at or before the cursor: lines with sparser points (epochs, other runs) still show one. */
function valueAtOrBefore(column: readonly (number | null | undefined)[], index: number): number | null | undefined {
  for (let at = index; at >= 0; at--) {
    const value = column[at];
    if (value !== null && value !== undefined) return value;
  }
  return undefined;
}

function formatX(x: number, xAxis: XAxis): string {
  if (xAxis === "step") return `step ${x}`;
  if (xAxis === "relative") return formatSeconds(x);
  return new Date(x * 1000).toLocaleString();
}

/** 42 → "42s", 125 → "2m05s", 7300 → "2h01m". */
function formatSeconds(seconds: number): string {
  const whole = Math.round(seconds);
  if (Math.abs(seconds) < 60) return `${Number(seconds.toPrecision(3))}s`;
  const pad = (value: number) => String(value).padStart(2, "0");
  if (whole < 3600) return `${Math.floor(whole / 60)}m${pad(whole % 60)}s`;
  return `${Math.floor(whole / 3600)}h${pad(Math.floor((whole % 3600) / 60))}m`;
}
