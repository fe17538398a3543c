// The side pane: everything about one layer — its shapes and parameters, weights with their
// statistics and histograms, and its config.
import type { LayerNode, ModelGraph, WeightInfo } from "../../protocol/modelGraphSchema";
import { formatShape } from "./graphLayout";
import { formatNumber, histogramSvg } from "./histogram";

export function layerDetails(graph: ModelGraph, node: LayerNode): HTMLElement {
  const pane = element("div", "layer-details");
  pane.dataset.name = node.name;
  const heading = element("h2", "", node.name);
  heading.append(element("span", "class-name", ` ${node.className}`));
  pane.append(heading);

  const rows: [string, string][] = [
    ["Output shape", node.outputShapes.map(formatShape).join(" ") || "—"],
    ["Input shape", node.inputShapes.map(formatShape).join(" ") || "—"],
    ["Parameters", node.params.toLocaleString("en-US")],
    ["Trainable", node.trainable ? "yes" : "no (frozen)"],
    ["dtype", node.dtype],
  ];
  if (node.activation) rows.push(["Activation", node.activation]);
  if (node.calls.length > 1) rows.push(["Calls", node.calls.map((call) => `[${call.index}] ${call.inputShapes.map(formatShape).join(" ")} → ${call.outputShapes.map(formatShape).join(" ")}`).join("\n")]);
  if (node.model) rows.push(["Nested model", `${node.model.className} "${node.model.name}", ${node.model.nodes.length} layers: ${node.model.nodes.map((inner) => inner.name).join(", ")}`]);
  pane.append(table(rows, "layer-properties"));

  const weights = collapsible(`Weights (${node.weights.length})`, true);
  weights.classList.add("weights");
  if (node.weights.length === 0) weights.append(element("p", "note", "This layer has no weights."));
  if (node.weights.length > 0 && graph.statsSkipped) weights.append(element("p", "note", graph.statsSkipped));
  for (const weight of node.weights) weights.append(weightSection(weight));
  pane.append(weights);

  const config = collapsible("Config", node.weights.length === 0);
  config.classList.add("config");
  config.append(node.config ? element("pre", "", JSON.stringify(node.config, null, 2)) : element("p", "note", node.model ? "A nested model: see its layers above." : "The config could not be read."));
  pane.append(config);
  return pane;
}

function weightSection(weight: WeightInfo): HTMLElement {
  const section = element("section", "weight");
  section.dataset.weight = weight.name;
  section.append(element("h3", "", weight.name));
  const rows: [string, string][] = [
    ["Shape", formatShape(weight.shape)],
    ["dtype", weight.dtype],
    ["Trainable", weight.trainable ? "yes" : "no"],
  ];
  const stats = weight.stats;
  if (stats) {
    rows.push(
      ["Min", formatNumber(stats.min)],
      ["Max", formatNumber(stats.max)],
      ["Mean", formatNumber(stats.mean)],
      ["Std", formatNumber(stats.std)],
      ["Zeros", `${(stats.zeros * 100).toFixed(1)}%`],
    );
    if (stats.nonFinite > 0) rows.push(["NaN / ±Inf", stats.nonFinite.toLocaleString("en-US")]);
  }
  section.append(table(rows, "weight-properties"));
  if (stats && stats.histogram.length > 0) {
    const figure = element("figure", "histogram-figure");
    const caption = element("figcaption", "");
    caption.append(element("span", "", formatNumber(stats.min)), element("span", "", formatNumber(stats.max)));
    figure.append(histogramSvg(stats), caption);
    section.append(figure);
  }
  return section;
}

function table(rows: [string, string][], className: string): HTMLTableElement {
  const result = element("table", className);
  for (const [label, value] of rows) {
    const row = result.insertRow();
    row.append(element("th", "", label), element("td", "", value));
  }
  return result;
}

function collapsible(title: string, open: boolean): HTMLElement {
  const section = document.createElement("vscode-collapsible");
  section.setAttribute("heading", title);
  if (open) section.setAttribute("open", "");
  return section;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const result = document.createElement(tag);
  if (className) result.className = className;
  if (text !== undefined) result.textContent = text;
  return result;
}
