// A weight's histogram as small SVG bars, themed by the page's CSS.
import type { WeightStats } from "../../protocol/modelGraphSchema";

const WIDTH = 240;
const HEIGHT = 56;

export function histogramSvg(stats: WeightStats): SVGSVGElement {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "histogram");
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
  // Stretches to the side pane's width (up to WIDTH, set in CSS).
  svg.setAttribute("preserveAspectRatio", "none");
  const highest = Math.max(1, ...stats.histogram);
  const barWidth = WIDTH / Math.max(1, stats.histogram.length);
  const binWidth = (stats.max - stats.min) / Math.max(1, stats.histogram.length);
  stats.histogram.forEach((count, i) => {
    const height = count === 0 ? 0 : Math.max(1, (count / highest) * HEIGHT);
    const bar = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    bar.setAttribute("x", (i * barWidth).toFixed(2));
    bar.setAttribute("y", (HEIGHT - height).toFixed(2));
    bar.setAttribute("width", Math.max(0.5, barWidth - 1).toFixed(2));
    bar.setAttribute("height", height.toFixed(2));
    const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
    title.textContent = `${formatNumber(stats.min + i * binWidth)} … ${formatNumber(stats.min + (i + 1) * binWidth)}: ${count}`;
    bar.append(title);
    svg.append(bar);
  });
  return svg;
}

export function formatNumber(value: number): string {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  return magnitude >= 1e4 || magnitude < 1e-3 ? value.toExponential(3) : String(Number(value.toPrecision(4)));
}
