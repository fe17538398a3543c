// A model's layer graph in a cell output: a compact top-down drawing of its first layers, and a
// button that opens the full graph panel (when the renderer can message the extension).
import type { OutputItem, RendererContext } from "vscode-notebook-renderer";
import { escapeHtml } from "../../kernel/runtime/escapeHtml";
import { MODEL_GRAPH_SCHEMA_VERSION, type LayerNode, type ModelGraph } from "../../kernel/modelDisplay/modelGraphSchema";
import { BOX_HEIGHT, BOX_WIDTH, compactGraphLayout } from "./compactGraphLayout";

/** Characters that fit on a box line at 12px. */
const LINE_CHARS = 30;

export function renderModelOutput(item: OutputItem, element: HTMLElement, context: RendererContext<unknown>, _signal: AbortSignal): void {
  const graph = item.json() as ModelGraph;
  const root = document.createElement("div");
  root.className = "tfjs-model-output";
  root.dataset.modelName = String(graph?.name);
  root.innerHTML = STYLE;
  element.replaceChildren(root);
  if (graph?.schemaVersion !== MODEL_GRAPH_SCHEMA_VERSION) {
    root.append(paragraph("error", `This model output has format version ${JSON.stringify(graph?.schemaVersion)}; this TF.js Studio reads version ${MODEL_GRAPH_SCHEMA_VERSION}. Run the cell again.`));
    return;
  }
  const header = document.createElement("div");
  header.className = "header";
  const { total, trainable } = graph.params;
  header.append(paragraph("title", `${graph.className} "${graph.name}" · ${graph.nodes.length} layers · ${total.toLocaleString("en-US")} params (${trainable.toLocaleString("en-US")} trainable)`));
  // Without messaging (e.g. a read-only notebook view) the button could do nothing, so it is left out.
  if (graph.built && typeof context.postMessage === "function") {
    const open = document.createElement("button");
    open.className = "open-graph";
    open.textContent = "Open Graph";
    open.title = "Open the full graph, with each layer's config, weights and statistics";
    open.addEventListener("click", () => context.postMessage!({ type: "openModelGraph", graph }));
    header.append(open);
  }
  root.append(header);
  if (!graph.built) {
    root.append(paragraph("note", graph.notBuiltReason ?? "The model has no graph yet."));
    return;
  }
  root.insertAdjacentHTML("beforeend", compactSvg(graph));
}

/** Nothing to release: the output is static SVG. */
export function disposeModelOutput(_id: string | undefined): void {}

function compactSvg(graph: ModelGraph): string {
  const layout = compactGraphLayout(graph);
  const links = layout.links
    .map(({ x1, y1, x2, y2 }) => {
      const middle = (y1 + y2) / 2;
      return `<path class="link" d="M${x1},${y1} C${x1},${middle} ${x2},${middle} ${x2},${y2}"/>`;
    })
    .join("");
  const boxes = layout.boxes
    .map(({ node, x, y }) => {
      const title = `${node.name} (${node.className})`;
      return `<g class="compact-node${node.trainable ? "" : " frozen"}" data-name="${escapeHtml(node.name)}" transform="translate(${x},${y})"><title>${escapeHtml(title)}</title><rect width="${BOX_WIDTH}" height="${BOX_HEIGHT}" rx="3"/><text x="8" y="15" class="name">${escapeHtml(fit(title))}</text><text x="8" y="29" class="detail">${escapeHtml(fit(detail(node)))}</text></g>`;
    })
    .join("");
  const more = layout.hidden > 0 ? `<p class="more">… ${layout.hidden} more layer${layout.hidden === 1 ? "" : "s"}</p>` : "";
  return `<svg class="model-graph-compact" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="Layer graph of ${escapeHtml(graph.name)}">${links}${boxes}</svg>${more}`;
}

function detail(node: LayerNode): string {
  const shape = node.outputShapes.map((shape) => `[${shape.map((dim) => dim ?? "?").join(",")}]`).join(" ");
  return `${shape} · ${node.params.toLocaleString("en-US")} params`;
}

function fit(text: string): string {
  return text.length <= LINE_CHARS ? text : `${text.slice(0, LINE_CHARS - 1)}…`;
}

function paragraph(className: string, text: string): HTMLParagraphElement {
  const result = document.createElement("p");
  result.className = className;
  result.textContent = text;
  return result;
}

const STYLE = `<style>
.tfjs-model-output { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 4px 0; }
.tfjs-model-output .header { display: flex; align-items: center; gap: 12px; margin-bottom: 6px; }
.tfjs-model-output p { margin: 0; }
.tfjs-model-output .note, .tfjs-model-output .more { color: var(--vscode-descriptionForeground); }
.tfjs-model-output .error { color: var(--vscode-errorForeground); }
.tfjs-model-output .open-graph { font: inherit; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 2px 10px; cursor: pointer; }
.tfjs-model-output .open-graph:hover { background: var(--vscode-button-hoverBackground); }
.tfjs-model-output .open-graph:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
.tfjs-model-output svg { display: block; max-width: 100%; height: auto; font-family: var(--vscode-editor-font-family, monospace); font-size: 12px; }
.tfjs-model-output .link { fill: none; stroke: var(--vscode-descriptionForeground); stroke-width: 1px; }
.tfjs-model-output .compact-node rect { fill: var(--vscode-editorWidget-background, transparent); stroke: var(--vscode-editorWidget-border, var(--vscode-descriptionForeground)); }
.tfjs-model-output .compact-node.frozen rect { stroke-dasharray: 4 2; }
.tfjs-model-output .compact-node .name { fill: var(--vscode-foreground); }
.tfjs-model-output .compact-node .detail { fill: var(--vscode-descriptionForeground); }
</style>`;
