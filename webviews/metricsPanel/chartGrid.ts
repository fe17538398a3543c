// The panel's charts: one per metric group (loss, acc, ... with val_* overlaid), every shown run in its
// colour, redrawn from the runs and the chart options; a chart is rebuilt only when its series change.
import { chartLines, type ChartLine, type ChartRun } from "../shared/chartLines";
import { groupMetricNames } from "../shared/metricGroups";
import type { ChartLayout } from "../shared/chartTypes";
import { MetricChart } from "../shared/metricChart";
import { metricNames } from "../../protocol/runSeries";
import { panelChart, type GridOptions } from "./panelChart";

interface Card {
  element: HTMLElement;
  chart: MetricChart;
  lines: ChartLine[];
}

export class ChartGrid {
  private readonly cards = new Map<string, Card>();

  constructor(
    private readonly container: HTMLElement,
    private readonly exportPng: (title: string, dataUrl: string, lines: readonly ChartLine[]) => void,
  ) {}

  /** Every line drawn, in chart order: what the CSV export writes. */
  lines(): ChartLine[] {
    return [...this.cards.values()].flatMap((card) => card.lines);
  }

  draw(runs: readonly ChartRun[], options: GridOptions): void {
    const groups = groupMetricNames(new Set(runs.flatMap((run) => metricNames(run.series))));
    const wanted = new Set(groups.map((group) => group.base));
    for (const [base, card] of this.cards) {
      if (wanted.has(base)) continue;
      card.chart.destroy();
      card.element.remove();
      this.cards.delete(base);
    }
    for (const group of groups) {
      const lines = chartLines(runs, group, options);
      const { layout, data, yRange } = panelChart(group.base, lines, options);
      const card = this.card(group.base, layout);
      card.lines = lines;
      card.chart.setData(data, yRange);
    }
    // Cards in metric order (loss first).
    groups.forEach((group, index) => {
      const element = this.cards.get(group.base)!.element;
      if (this.container.children[index] !== element) this.container.append(element);
    });
  }

  private card(base: string, layout: ChartLayout): Card {
    const existing = this.cards.get(base);
    if (existing?.chart.hasLayout(layout)) return existing;
    const element = existing?.element ?? this.newCardElement(base);
    existing?.chart.destroy();
    const card: Card = { element, chart: new MetricChart(element, layout), lines: [] };
    this.cards.set(base, card);
    return card;
  }

  private newCardElement(base: string): HTMLElement {
    const element = document.createElement("section");
    element.className = "tfjs-metrics-card";
    element.dataset.metric = base;
    const png = document.createElement("vscode-button");
    png.className = "tfjs-metrics-png";
    png.setAttribute("secondary", "");
    png.setAttribute("icon", "file-media");
    png.title = `Save the ${base} chart as PNG`;
    png.textContent = "PNG";
    png.addEventListener("click", () => {
      const card = this.cards.get(base);
      if (card) this.exportPng(base, card.chart.toPng(), card.lines);
    });
    element.append(png);
    this.container.append(element);
    return element;
  }
}
