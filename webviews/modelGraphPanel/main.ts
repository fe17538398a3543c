// The model graph panel page: lays the graph out in a worker, draws it once, and offers find, zoom, fit,
// direction, refresh, export and a pane with the clicked layer's details (beside the graph, or below it in a
// narrow panel). A line above the graph says how current the weights' statistics are.
import "@vscode-elements/elements/dist/vscode-collapsible/index.js";
import "@vscode-elements/elements/dist/vscode-icon/index.js";
import "@vscode-elements/elements/dist/vscode-option/index.js";
import "@vscode-elements/elements/dist/vscode-progress-ring/index.js";
import "@vscode-elements/elements/dist/vscode-single-select/index.js";
import "@vscode-elements/elements/dist/vscode-split-layout/index.js";
import "@vscode-elements/elements/dist/vscode-textfield/index.js";
import "@vscode-elements/elements/dist/vscode-toolbar-button/index.js";
import type { VscodeSplitLayout } from "@vscode-elements/elements/dist/vscode-split-layout/vscode-split-layout.js";
import "./style.css";
import { MODEL_GRAPH_SCHEMA_VERSION, type ModelGraph } from "../../protocol/modelGraphSchema";
import { exportGraph } from "./exportActions";
import type { GraphLayout } from "./graphLayout";
import { GraphView } from "./graphView";
import { layerDetails } from "./layerDetails";
import { LayoutClient } from "./layoutClient";
import { weightsOriginText } from "./weightsOriginText";
import type { Direction, FromPageMessage, GraphSource, PanelBoot, PanelState, ToPageMessage, WeightsOrigin } from "../../protocol/modelGraphPanelMessages";

const vscode = acquireVsCodeApi<PanelState>();
const boot = JSON.parse(document.getElementById("boot")?.textContent ?? "null") as PanelBoot;
/** Below this page width the details pane goes under the graph, where it gets the whole width. */
const NARROW_WIDTH = 640;
const REFRESH_TITLE = boot.source.kind === "file" ? "Refresh: read the weights again from the model.json" : "Refresh: read the model's current weights from the kernel";

document.body.insertAdjacentHTML(
  "beforeend",
  `<div class="toolbar-frame"><div class="toolbar" role="toolbar" aria-label="Model graph">
  <vscode-textfield id="find" placeholder="Find layer by name" aria-label="Find layer by name"><vscode-icon slot="content-before" name="search"></vscode-icon></vscode-textfield>
  <span id="find-status" class="find-status" aria-live="polite"></span>
  <span class="spacer"></span>
  <vscode-toolbar-button id="refresh" icon="refresh" label="${REFRESH_TITLE}" title="${REFRESH_TITLE}"></vscode-toolbar-button>
  <vscode-toolbar-button id="zoom-out" icon="zoom-out" label="Zoom out" title="Zoom out"></vscode-toolbar-button>
  <vscode-toolbar-button id="zoom-in" icon="zoom-in" label="Zoom in" title="Zoom in"></vscode-toolbar-button>
  <vscode-toolbar-button id="fit" icon="screen-full" label="Fit the whole graph in view" title="Fit the whole graph in view"></vscode-toolbar-button>
  <vscode-single-select id="direction" aria-label="Layout direction" title="Layout direction"><vscode-option value="DOWN">Top-down</vscode-option><vscode-option value="RIGHT">Left-right</vscode-option></vscode-single-select>
  <vscode-toolbar-button id="export-svg" icon="file-code" label="Export the graph as SVG" title="Export the graph as SVG"><span class="button-text">SVG</span></vscode-toolbar-button>
  <vscode-toolbar-button id="export-png" icon="file-media" label="Export the graph as PNG" title="Export the graph as PNG"><span class="button-text">PNG</span></vscode-toolbar-button>
</div></div>
<div id="weights-origin" class="weights-origin" role="status" hidden></div>
<vscode-split-layout id="split" class="main" fixed-pane="end" initial-handle-position="65%" min-start="120px" min-end="160px">
  <div slot="start" id="graph-host" class="graph-host"></div>
  <div slot="end" id="side" class="side"></div>
</vscode-split-layout>
<div id="status" class="status" role="status"></div>`,
);

const find = document.getElementById("find") as HTMLInputElement;
const findStatus = document.getElementById("find-status")!;
const directionSelect = document.getElementById("direction") as HTMLSelectElement;
const weightsLine = document.getElementById("weights-origin")!;
const split = document.getElementById("split") as VscodeSplitLayout;
const host = document.getElementById("graph-host")!;
const side = document.getElementById("side")!;
const status = document.getElementById("status")!;

const layouts = new LayoutClient();
let state: PanelState = { source: boot.source, direction: vscode.getState()?.direction ?? boot.direction ?? "DOWN", selected: vscode.getState()?.selected };
let graph: ModelGraph | undefined;
let layout: GraphLayout | undefined;
let view: GraphView | undefined;
let matches: string[] = [];
let matchIndex = -1;

directionSelect.value = state.direction;

function saveState(): void {
  vscode.setState({ ...state, graph: state.source.kind === "cell" ? graph : undefined });
}

function showStatus(text: string, busy = false): void {
  status.replaceChildren();
  if (busy) status.append(Object.assign(document.createElement("vscode-progress-ring"), { className: "busy" }));
  status.append(text);
}

function showWeightsOrigin(origin: WeightsOrigin | undefined): void {
  weightsLine.hidden = !origin;
  weightsLine.textContent = origin ? weightsOriginText(origin) : "";
  if (origin) document.body.dataset.weights = origin.kind;
  else delete document.body.dataset.weights;
}

function showError(source: GraphSource, message: string): void {
  graph = undefined;
  layout = undefined;
  view = undefined;
  state = { ...state, source };
  host.replaceChildren(Object.assign(document.createElement("p"), { className: "error", textContent: message }));
  showWeightsOrigin(undefined);
  showSideNote();
  document.body.dataset.state = "error";
  showStatus("");
  saveState();
}

async function show(source: GraphSource, shown: ModelGraph, weights: WeightsOrigin): Promise<void> {
  // The graph comes from a cell output or a file, perhaps written by another version: its type is a hope.
  const version: unknown = (shown as Partial<ModelGraph> | undefined)?.schemaVersion;
  if (version !== MODEL_GRAPH_SCHEMA_VERSION) {
    return showError(source, `This model graph has format version ${JSON.stringify(version)}; this TF.js Studio reads version ${MODEL_GRAPH_SCHEMA_VERSION}. Update the extension or run the cell again.`);
  }
  if (!shown.built) return showError(source, shown.notBuiltReason ?? "The model has no graph yet.");
  if (state.source.kind !== source.kind || JSON.stringify(state.source) !== JSON.stringify(source)) state.selected = undefined;
  state = { ...state, source };
  const sameDrawing = graph !== undefined && sameTopology(graph, shown);
  graph = shown;
  saveState();
  showWeightsOrigin(weights);
  // New weights for the same layers (a refresh): the drawing (or the layout under way) and the view stay, the
  // details show the new values.
  if (sameDrawing) return showDetails();
  await relayout();
}

/** Whether two graphs draw the same: same layers with the same boxes, same edges. */
function sameTopology(a: ModelGraph, b: ModelGraph): boolean {
  const drawn = (each: ModelGraph) => JSON.stringify([each.nodes.map((node) => [node.name, node.className, node.outputShapes, node.params]), each.edges]);
  return drawn(a) === drawn(b);
}

async function relayout(): Promise<void> {
  if (!graph) return;
  const current = graph;
  document.body.dataset.state = "layout";
  showStatus(`Laying out ${current.nodes.length} layers…`, true);
  try {
    const laidOut = await layouts.layout(current, state.direction);
    // Superseded by another graph or direction; new weights for the same layers are drawn with this layout.
    if (!graph || !sameTopology(graph, current) || laidOut.direction !== state.direction) return;
    layout = laidOut;
  } catch (error) {
    return showError(state.source, `The graph could not be laid out: ${(error as Error).message}`);
  }
  const start = performance.now();
  view = new GraphView(host, graph, layout, selectLayer);
  const drawMs = performance.now() - start;
  view.initialView();
  // After a direction change or a restore, the selected layer stays in view.
  if (state.selected && current.nodes.some((node) => node.name === state.selected)) view.reveal(state.selected);
  showDetails();
  if (find.value) runFind(false);
  document.body.dataset.state = "ready";
  document.body.dataset.layoutMs = layout.elapsedMs.toFixed(0);
  document.body.dataset.drawMs = drawMs.toFixed(0);
  const { total, trainable } = current.params;
  showStatus(
    `${current.className} "${current.name}" · ${current.nodes.length} layers · ${total.toLocaleString("en-US")} params (${trainable.toLocaleString("en-US")} trainable) · layout ${layout.elapsedMs.toFixed(0)} ms, drawing ${drawMs.toFixed(0)} ms`,
  );
}

/** The selected layer's details, or how to get them. */
function showDetails(): void {
  const node = graph?.nodes.find((each) => each.name === state.selected);
  if (!graph || !node) return showSideNote();
  view?.select(node.name);
  side.replaceChildren(layerDetails(graph, node));
}

function showSideNote(): void {
  side.replaceChildren(Object.assign(document.createElement("p"), { className: "note", textContent: "Click a layer to see its config, its weights and their statistics." }));
}

function selectLayer(name: string): void {
  state.selected = name;
  showDetails();
  saveState();
}

/** Highlights every layer whose name contains the text; Enter steps through them, centring each. */
function runFind(step: boolean): void {
  if (!view || !graph) return;
  matches = view.highlight(find.value);
  if (!find.value.trim()) {
    findStatus.textContent = "";
    return;
  }
  if (matches.length === 0) {
    findStatus.textContent = "No layer matches";
    return;
  }
  // An exact name wins; else the first match, then Enter moves on.
  const exact = matches.findIndex((name) => name.toLowerCase() === find.value.trim().toLowerCase());
  matchIndex = step ? (matchIndex + 1) % matches.length : exact >= 0 ? exact : 0;
  const name = matches[matchIndex];
  view.center(name);
  selectLayer(name);
  findStatus.textContent = `${matchIndex + 1} of ${matches.length}`;
}

/** A narrow panel (a split editor) puts the details under the graph; a wide one beside it. */
function fitPanesToWidth(): void {
  const narrow = document.body.clientWidth < NARROW_WIDTH;
  document.body.classList.toggle("narrow", narrow);
  const orientation = narrow ? "horizontal" : "vertical";
  if (split.split === orientation) return;
  split.initialHandlePosition = narrow ? "60%" : "65%";
  split.split = orientation;
}

find.addEventListener("input", () => runFind(false));
find.addEventListener("keydown", (event) => {
  if (event.key === "Enter") runFind(true);
});
document.getElementById("refresh")!.addEventListener("click", () => vscode.postMessage({ type: "refresh" } satisfies FromPageMessage));
document.getElementById("zoom-in")!.addEventListener("click", () => view?.zoomBy(1.25));
document.getElementById("zoom-out")!.addEventListener("click", () => view?.zoomBy(0.8));
document.getElementById("fit")!.addEventListener("click", () => view?.fit());
directionSelect.addEventListener("change", () => {
  const direction = directionSelect.value as Direction;
  if (direction === state.direction) return;
  state.direction = direction;
  saveState();
  void relayout();
});
for (const format of ["svg", "png"] as const) {
  document.getElementById(`export-${format}`)!.addEventListener("click", async () => {
    if (!view || !layout || !graph) return;
    showStatus(`Exporting ${format.toUpperCase()}…`, true);
    try {
      vscode.postMessage(await exportGraph(format, view, layout, graph.name));
      showStatus(`Choose where to save the ${format.toUpperCase()}…`);
    } catch (error) {
      showStatus(`Export failed: ${(error as Error).message}`);
    }
  });
}
// The graph refits when its pane changes size: a split editor, the details pane's handle, a narrow layout.
new ResizeObserver(() => view?.resized()).observe(host);
new ResizeObserver(fitPanesToWidth).observe(document.body);

window.addEventListener("message", (event: MessageEvent<ToPageMessage>) => {
  const message = event.data;
  if (message.type === "show") void show(message.source, message.graph, message.weights);
  else if (message.type === "error") showError(message.source, message.message);
  else if (message.type === "exported") {
    const kind = message.format.toUpperCase();
    if (message.outcome === "saved") showStatus(`${kind} saved to ${message.detail}`);
    else if (message.outcome === "cancelled") showStatus(`${kind} export cancelled: nothing was saved.`);
    else showStatus(`${kind} export failed: ${message.detail}`);
  }
});

document.body.dataset.state = "loading";
showSideNote();
// A window reload while a model.json loads must still know what to restore.
if (!vscode.getState()) saveState();
showStatus(boot.source.kind === "file" ? `Loading ${boot.source.path}…` : "Loading…", true);
vscode.postMessage({ type: "ready" } satisfies FromPageMessage);
// While the extension reads a model.json, the worker gets ready.
layouts.start().catch(() => undefined);
