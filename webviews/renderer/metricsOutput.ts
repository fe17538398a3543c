// Live loss and metric charts in a cell output (application/vnd.tfjs-studio.metrics+json). The kernel
// replaces the output up to 10 times a second; VS Code then calls renderOutputItem again with the same
// element, so each element keeps its view and its charts only get new data: no rebuild, no flicker, and
// a fixed height so the notebook never reflows.
import type { OutputItem, RendererContext } from "vscode-notebook-renderer";
import "./metricsOutput.css";
import { RUN_LOG_SCHEMA_VERSION, type MetricsDisplayData } from "../../protocol/runLogSchema";
import { MetricChart } from "../shared/metricChart";
import { displayCharts } from "./metricsDisplayLines";
import { statusLine } from "./metricsStatus";
import { rendererStyles } from "./rendererStyles";

const CHART_HEIGHT = 220;
const HEADER_HEIGHT = 24;
const PADDING = 4;

class MetricsView {
  readonly root: HTMLDivElement;
  private readonly status: HTMLDivElement;
  private readonly chartsRow: HTMLDivElement;
  private readonly placeholder: HTMLDivElement;
  private readonly charts = new Map<string, MetricChart>();

  constructor(element: HTMLElement, context: RendererContext<unknown>) {
    this.root = document.createElement("div");
    this.root.className = "tfjs-metrics-output";
    // One height from the first update to the last: the notebook never reflows around the output.
    this.root.style.height = `${HEADER_HEIGHT + CHART_HEIGHT + 2 * PADDING}px`;
    this.root.style.padding = `${PADDING}px 0`;
    // Set here, not only in renderer.css, which arrives a moment after the first update.
    this.root.style.boxSizing = "border-box";
    const header = document.createElement("div");
    header.className = "tfjs-metrics-header";
    header.style.height = `${HEADER_HEIGHT}px`;
    this.status = document.createElement("div");
    this.status.className = "tfjs-metrics-status";
    header.append(this.status);
    if (context.postMessage) {
      const open = document.createElement("button");
      open.className = "tfjs-metrics-open-panel";
      open.textContent = "Open Metrics Panel";
      open.title = "Every run of the workspace, with smoothing, overlays and export";
      open.addEventListener("click", () => context.postMessage!({ type: "openMetricsPanel" }));
      header.append(open);
    }
    this.chartsRow = document.createElement("div");
    this.chartsRow.className = "tfjs-metrics-charts";
    this.chartsRow.style.height = `${CHART_HEIGHT}px`;
    this.placeholder = document.createElement("div");
    this.placeholder.className = "tfjs-metrics-placeholder";
    this.placeholder.textContent = "Waiting for the first batch…";
    this.chartsRow.append(this.placeholder);
    this.root.append(header, this.chartsRow);
    element.replaceChildren(this.root);
  }

  update(data: MetricsDisplayData): void {
    const line = statusLine(data);
    this.status.textContent = line.split("\n")[0]!;
    this.status.title = `${line}\nrun ${data.runId}\n${data.runDir}`;
    this.status.classList.toggle("failed", data.status === "failed");
    const wanted = displayCharts(data);
    this.placeholder.hidden = wanted.length > 0;
    const titles = new Set(wanted.map((chart) => chart.title));
    for (const [title, chart] of this.charts) {
      if (titles.has(title)) continue;
      chart.destroy();
      this.charts.delete(title);
    }
    for (const { title, series, yScale, data: columns } of wanted) {
      const layout = { title, height: CHART_HEIGHT, xAxis: "step" as const, yScale, series, legend: true };
      let chart = this.charts.get(title);
      if (!chart?.hasLayout(layout)) {
        // A new series (val_* after the first epoch): a new chart in the old one's place.
        const replaced = chart;
        chart = new MetricChart(this.chartsRow, layout);
        if (replaced) {
          replaced.element.replaceWith(chart.element);
          replaced.destroy();
        }
        this.charts.set(title, chart);
      }
      chart.setData(columns);
    }
    // Charts in metric order (loss first); append moves an element only when it is out of place.
    // (The placeholder is the row's first child.)
    wanted.forEach(({ title }, index) => {
      const element = this.charts.get(title)!.element;
      if (this.chartsRow.children[index + 1] !== element) this.chartsRow.append(element);
    });
  }

  dispose(): void {
    for (const chart of this.charts.values()) chart.destroy();
    this.charts.clear();
    this.root.remove();
  }
}

const viewsByElement = new WeakMap<HTMLElement, MetricsView>();
const viewsByOutput = new Map<string, MetricsView>();

export async function renderMetricsOutput(item: OutputItem, element: HTMLElement, context: RendererContext<unknown>, signal: AbortSignal): Promise<void> {
  const data = displayDataOf(item);
  await rendererStyles();
  // A newer update of this output arrived meanwhile: it draws instead.
  if (signal.aborted) return;
  let view = viewsByElement.get(element);
  if (!view || !element.contains(view.root)) {
    viewsByOutput.get(item.id)?.dispose();
    view = new MetricsView(element, context);
    viewsByElement.set(element, view);
    viewsByOutput.set(item.id, view);
  }
  view.update(data);
}

export function disposeMetricsOutput(id: string | undefined): void {
  const disposed = id === undefined ? [...viewsByOutput.keys()] : [id];
  for (const each of disposed) {
    viewsByOutput.get(each)?.dispose();
    viewsByOutput.delete(each);
  }
}

function displayDataOf(item: OutputItem): MetricsDisplayData {
  const data = item.json() as Partial<MetricsDisplayData> | null;
  if (data?.schemaVersion !== RUN_LOG_SCHEMA_VERSION) {
    throw new Error(`metrics display of schema version ${JSON.stringify(data?.schemaVersion)}, this renderer reads version ${RUN_LOG_SCHEMA_VERSION}`);
  }
  if (!data.batches?.values || !data.epochsSeries?.values) throw new Error("the metrics display has no series");
  return data as MetricsDisplayData;
}
