// The model graph panel page: lays the graph out in a worker, draws it once, and offers find, zoom,
// fit, direction, export and a side pane with the clicked layer's details.
import "@vscode-elements/elements/dist/vscode-button/index.js";
import "@vscode-elements/elements/dist/vscode-collapsible/index.js";
import "@vscode-elements/elements/dist/vscode-icon/index.js";
import "@vscode-elements/elements/dist/vscode-option/index.js";
import "@vscode-elements/elements/dist/vscode-progress-ring/index.js";
import "@vscode-elements/elements/dist/vscode-single-select/index.js";
import "@vscode-elements/elements/dist/vscode-split-layout/index.js";
import "@vscode-elements/elements/dist/vscode-textfield/index.js";
import "@vscode-elements/elements/dist/vscode-toolbar-button/index.js";
import "./style.css";
import { MODEL_GRAPH_SCHEMA_VERSION, type LayerNode, type ModelGraph } from "../../protocol/modelGraphSchema";
import { exportGraph } from "./exportActions";
import type { GraphLayout } from "./graphLayout";
import type { Direction } from "../../protocol/modelGraphPanelMessages";
import { GraphView } from "./graphView";
import { layerDetails } from "./layerDetails";
import { LayoutClient } from "./layoutClient";
import type { FromPageMessage, GraphSource, PanelBoot, PanelState, ToPageMessage } from "../../protocol/modelGraphPanelMessages";

const vscode = acquireVsCodeApi<PanelState>();
const boot = JSON.parse(document.getElementById("boot")?.textContent ?? "null") as PanelBoot;

document.body.insertAdjacentHTML(
  "beforeend",
  `<div class="toolbar">
  <vscode-textfield id="find" placeholder="Find layer by name" aria-label="Find layer by name"><vscode-icon slot="content-before" name="search"></vscode-icon></vscode-textfield>
  <span id="find-status" class="find-status" aria-live="polite"></span>
  <span class="spacer"></span>
  <vscode-toolbar-button id="zoom-out" icon="zoom-out" label="Zoom out"></vscode-toolbar-button>
  <vscode-toolbar-button id="zoom-in" icon="zoom-in" label="Zoom in"></vscode-toolbar-button>
  <vscode-toolbar-button id="fit" icon="screen-full" label="Fit to view"></vscode-toolbar-button>
  <vscode-single-select id="direction" aria-label="Direction"><vscode-option value="DOWN">Top-down</vscode-option><vscode-option value="RIGHT">Left-right</vscode-option></vscode-single-select>
  <vscode-button id="export-svg" secondary icon="file-media">SVG</vscode-button>
  <vscode-button id="export-png" secondary icon="file-media">PNG</vscode-button>
</div>
<vscode-split-layout class="main" initial-handle-position="65%" min-start="160px" min-end="220px">
  <div slot="start" id="graph-host" class="graph-host"></div>
  <div slot="end" id="side" class="side"><p class="note">Click a layer to see its config, its weights and their statistics.</p></div>
</vscode-split-layout>
<div id="status" class="status" role="status"></div>`,
);

const find = document.getElementById("find") as HTMLInputElement;
const findStatus = document.getElementById("find-status")!;
const directionSelect = document.getElementById("direction") as HTMLSelectElement;
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

function showError(source: GraphSource, message: string): void {
  graph = undefined;
  view = undefined;
  state = { ...state, source };
  host.replaceChildren(Object.assign(document.createElement("p"), { className: "error", textContent: message }));
  document.body.dataset.state = "error";
  showStatus("");
  saveState();
}

async function show(source: GraphSource, shown: ModelGraph): Promise<void> {
  // The graph comes from a cell output or a file, perhaps written by another version: its type is a hope.
  const version: unknown = (shown as Partial<ModelGraph> | undefined)?.schemaVersion;
  if (version !== MODEL_GRAPH_SCHEMA_VERSION) {
    return showError(source, `This model graph has format version ${JSON.stringify(version)}; this TF.js Studio reads version ${MODEL_GRAPH_SCHEMA_VERSION}. Update the extension or run the cell again.`);
  }
  if (!shown.built) return showError(source, shown.notBuiltReason ?? "The model has no graph yet.");
  if (state.source.kind !== source.kind || JSON.stringify(state.source) !== JSON.stringify(source)) state.selected = undefined;
  state = { ...state, source };
  graph = shown;
  saveState();
  await relayout();
}

async function relayout(): Promise<void> {
  if (!graph) return;
  const current = graph;
  document.body.dataset.state = "layout";
  showStatus(`Laying out ${current.nodes.length} layers…`, true);
  try {
    const laidOut = await layouts.layout(current, state.direction);
    if (graph !== current || laidOut.direction !== state.direction) return; // superseded by a newer request
    layout = laidOut;
  } catch (error) {
    return showError(state.source, `The graph could not be laid out: ${(error as Error).message}`);
  }
  const start = performance.now();
  view = new GraphView(host, current, layout, selectLayer);
  const drawMs = performance.now() - start;
  const selected = state.selected && current.nodes.find((node) => node.name === state.selected);
  // After a direction change or a restore, the selected layer stays in view.
  if (selected) view.center(selected.name);
  else view.initialView();
  if (selected) selectLayer(selected);
  else side.replaceChildren(Object.assign(document.createElement("p"), { className: "note", textContent: "Click a layer to see its config, its weights and their statistics." }));
  if (find.value) runFind(false);
  document.body.dataset.state = "ready";
  document.body.dataset.layoutMs = layout.elapsedMs.toFixed(0);
  document.body.dataset.drawMs = drawMs.toFixed(0);
  const { total, trainable } = current.params;
  showStatus(
    `${current.className} "${current.name}" · ${current.nodes.length} layers · ${total.toLocaleString("en-US")} params (${trainable.toLocaleString("en-US")} trainable) · layout ${layout.elapsedMs.toFixed(0)} ms, drawing ${drawMs.toFixed(0)} ms`,
  );
}

function selectLayer(node: LayerNode): void {
  if (!graph) return;
  state.selected = node.name;
  view?.select(node.name);
  side.replaceChildren(layerDetails(graph, node));
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
  const node = graph.nodes.find((each) => each.name === name);
  if (node) selectLayer(node);
  findStatus.textContent = `${matchIndex + 1} of ${matches.length}`;
}

find.addEventListener("input", () => runFind(false));
find.addEventListener("keydown", (event) => {
  if (event.key === "Enter") runFind(true);
});
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
      const message: FromPageMessage = await exportGraph(format, view.svg, layout, graph.name);
      vscode.postMessage(message);
      showStatus(`${format.toUpperCase()} ready: choose where to save it.`);
    } catch (error) {
      showStatus(`Export failed: ${(error as Error).message}`);
    }
  });
}

window.addEventListener("message", (event: MessageEvent<ToPageMessage>) => {
  const message = event.data;
  if (message.type === "show") void show(message.source, message.graph);
  else if (message.type === "error") showError(message.source, message.message);
});

document.body.dataset.state = "loading";
// A window reload while a model.json loads must still know what to restore.
if (!vscode.getState()) saveState();
showStatus(boot.source.kind === "file" ? `Loading ${boot.source.path}…` : "Loading…", true);
vscode.postMessage({ type: "ready" } satisfies FromPageMessage);
// While the extension reads a model.json, the worker gets ready.
layouts.start().catch(() => undefined);
