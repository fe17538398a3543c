// The key above the panel's charts: what solid, faint and dashed lines mean (the run list gives the colours).
import type { LegendEntry } from "./panelChart";

export function renderLineLegend(container: HTMLElement, entries: readonly LegendEntry[]): void {
  container.replaceChildren(
    ...entries.map(({ style, text }) => {
      const item = document.createElement("span");
      item.className = "tfjs-metrics-legend-item";
      const swatch = document.createElement("span");
      swatch.className = ["tfjs-metrics-swatch", style.dashed ? "dashed" : "", style.faint ? "faint" : "", style.points ? "points" : ""].filter(Boolean).join(" ");
      item.append(swatch, text);
      return item;
    }),
  );
}
