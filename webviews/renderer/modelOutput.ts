// A model's layer graph in a cell output: a compact top-down drawing of its first layers, and a
// button that opens the full graph panel (when the renderer can message the extension).
import type { OutputItem, RendererContext } from "vscode-notebook-renderer";
import { escapeHtml } from "../../protocol/escapeHtml";
import { MODEL_GRAPH_SCHEMA_VERSION, type LayerNode, type ModelGraph } from "../../protocol/modelGraphSchema";
import { formatShape } from "../modelGraphPanel/graphLayout";
import { BOX_HEIGHT, BOX_WIDTH, compactGraphLayout } from "./compactGraphLayout";
import "./modelOutput.css";
import { rendererStyles } from "./rendererStyles";

/** Characters that fit on a box line at 12px. */
const LINE_CHARS = 30;

export async function renderModelOutput(item: OutputItem, element: HTMLElement, context: RendererContext<unknown>, signal: AbortSignal): Promise<void> {
  const graph = item.json() as ModelGraph;
  await rendererStyles();
  if (signal.aborted) return;
  const root = document.createElement("div");
  root.className = "tfjs-model-output";
  root.dataset.modelName = String(graph?.name);
  element.replaceChildren(root);
  // The output may come from another version of the kernel: its type is a hope.
  const version: unknown = (graph as Partial<ModelGraph> | undefined)?.schemaVersion;
  if (version !== MODEL_GRAPH_SCHEMA_VERSION) {
    root.append(paragraph("error", `This model output has format version ${JSON.stringify(version)}; this TF.js Studio reads version ${MODEL_GRAPH_SCHEMA_VERSION}. Run the cell again.`));
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
  const shape = node.outputShapes.map(formatShape).join(" ");
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
