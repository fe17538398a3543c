// The model graph panel: the full layer graph of a model shown in a cell (the renderer's "Open Graph"
// button) or of a model.json (explorer context menu, or the command palette). One panel per model;
// a window reload restores it from the page's state (a model.json is read again from disk).
// A cell output keeps the weights its model had when the cell ran: the panel asks the notebook's kernel
// for the current ones when it opens and on Refresh, and says which ones it shows.
import { basename, dirname } from "node:path";
import * as vscode from "vscode";
import type { ModelGraph } from "../../protocol/modelGraphSchema";
import type { Direction, FromPageMessage, GraphSource, PanelBoot, PanelState, ToPageMessage } from "../../protocol/modelGraphPanelMessages";
import type { KernelSessionRegistry } from "../kernel/sessionTypes";
import { currentModelGraph } from "../modelGraph/currentModelGraph";
import { ModelJsonLoader } from "../modelGraph/modelJsonLoader";
import { saveGraphExport } from "../modelGraph/saveGraphExport";
import type { RendererMessaging } from "../rendererMessaging";
import { webviewHtml, webviewOptions } from "./webviewHtml";

export const MODEL_GRAPH_VIEW_TYPE = "tfjsStudio.modelGraphPanel";

export function registerModelGraphPanel(
  context: vscode.ExtensionContext,
  messaging: RendererMessaging,
  sessions: KernelSessionRegistry,
  log: vscode.LogOutputChannel,
): vscode.Disposable {
  const loader = new ModelJsonLoader();
  const panels = new ModelGraphPanels(context.extensionUri, loader, sessions, log);
  messaging.handle("openModelGraph", (message, editor) => {
    const graph = message.graph as ModelGraph | undefined;
    if (typeof graph !== "object" || graph === null || !Array.isArray(graph.nodes)) throw new Error("the cell output holds no model graph to open");
    return panels.showCellGraph(graph, editor.notebook.uri.toString());
  });
  // Panels are not disposed with the extension: the window restores them after a reload.
  return vscode.Disposable.from(
    loader,
    vscode.commands.registerCommand("tfjsStudio.openModelGraph", (target?: unknown) => panels.open(target)),
    vscode.window.registerWebviewPanelSerializer(MODEL_GRAPH_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: PanelState | undefined) => panels.restore(panel, state),
    }),
  );
}

/** One open panel and what its page must be sent. */
class GraphPanel {
  /**
   * The content, sent whenever the page says it is ready: a hidden panel's page is destroyed and starts
   * again when shown, and messages posted before it listens are lost.
   */
  private content: ToPageMessage | undefined;
  private ready = false;
  /** Counts reads of the weights: only the latest one's answer is shown. */
  reads = 0;
  /** For a cell's model: the latest graph known, from the output or the kernel. */
  cellGraph: ModelGraph | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly source: GraphSource,
  ) {}

  show(message: ToPageMessage): void {
    this.content = message;
    this.send(message);
  }

  /** A message that is not content (an export's outcome): lost if the page is not listening. */
  send(message: ToPageMessage): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  pageReady(): void {
    this.ready = true;
    if (this.content) void this.panel.webview.postMessage(this.content);
  }

  pageGone(): void {
    this.ready = false;
  }
}

class ModelGraphPanels {
  private readonly panels = new Map<string, GraphPanel>();
  /** What the palette command offers besides model.json files. */
  private lastCellGraph: { graph: ModelGraph; notebook: string } | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly loader: ModelJsonLoader,
    private readonly sessions: KernelSessionRegistry,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The command: a model.json Uri from the explorer, else a pick of the last cell graph and the workspace's model.json files. */
  async open(target: unknown): Promise<void> {
    if (target instanceof vscode.Uri) return this.showFile(target.fsPath);
    const picked = await this.pick();
    if (picked === "cell" && this.lastCellGraph) await this.showCellGraph(this.lastCellGraph.graph, this.lastCellGraph.notebook);
    else if (picked instanceof vscode.Uri) await this.showFile(picked.fsPath);
  }

  async showCellGraph(graph: ModelGraph, notebook: string): Promise<void> {
    this.lastCellGraph = { graph, notebook };
    const shown = this.show({ kind: "cell", title: graph.name, notebook });
    shown.cellGraph = graph;
    await this.read(shown);
  }

  async showFile(path: string): Promise<void> {
    await this.read(this.show({ kind: "file", path }));
  }

  async restore(panel: vscode.WebviewPanel, state: PanelState | undefined): Promise<void> {
    const source = state?.source;
    if (source?.kind === "file") {
      await this.read(this.adopt(panel, source, state?.direction));
    } else if (source?.kind === "cell" && state?.graph) {
      const shown = this.adopt(panel, source, state.direction);
      shown.cellGraph = state.graph;
      await this.read(shown);
    } else {
      const unknown: GraphSource = { kind: "cell", title: "model" };
      this.adopt(panel, unknown).show({ type: "error", source: unknown, message: "This panel's model was not kept. Open it again from the cell output or the model.json." });
    }
  }

  /** Reveals the panel of this model or opens a new one. */
  private show(source: GraphSource): GraphPanel {
    const existing = this.panels.get(keyOf(source));
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(MODEL_GRAPH_VIEW_TYPE, titleOf(source), vscode.ViewColumn.Beside, webviewOptions(this.extensionUri));
    return this.adopt(panel, source);
  }

  private adopt(panel: vscode.WebviewPanel, source: GraphSource, direction?: Direction): GraphPanel {
    const key = keyOf(source);
    const shown = new GraphPanel(panel, source);
    this.panels.set(key, shown);
    panel.title = titleOf(source);
    panel.webview.options = webviewOptions(this.extensionUri);
    const boot: PanelBoot = { source, direction };
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, { title: titleOf(source), script: "modelGraphPanel.js", boot, workers: true });
    const received = panel.webview.onDidReceiveMessage((message: FromPageMessage) => this.onPageMessage(shown, message));
    // A hidden panel's page is gone; it says "ready" again when shown.
    const viewState = panel.onDidChangeViewState(() => {
      if (!panel.visible) shown.pageGone();
    });
    panel.onDidDispose(() => {
      received.dispose();
      viewState.dispose();
      if (this.panels.get(key) === shown) this.panels.delete(key);
    });
    return shown;
  }

  /** Reads the weights again: the model.json from disk, or a cell's model from its kernel (showing the last known ones meanwhile). */
  private async read(shown: GraphPanel): Promise<void> {
    const read = ++shown.reads;
    const { source } = shown;
    let message: ToPageMessage;
    if (source.kind === "file") {
      message = await this.loadFile(source.path);
    } else {
      const known = shown.cellGraph!;
      shown.show({ type: "show", source, graph: known, weights: { kind: "reading", readAt: known.readAt } });
      const notebook = vscode.workspace.notebookDocuments.find((document) => document.uri.toString() === source.notebook);
      const current = await currentModelGraph(notebook && this.sessions.get(notebook), known);
      if (read !== shown.reads) return;
      if ("graph" in current) {
        shown.cellGraph = current.graph;
        message = { type: "show", source, graph: current.graph, weights: { kind: "kernel", readAt: current.graph.readAt ?? new Date().toISOString(), training: current.training } };
      } else {
        this.log.info(`model graph of ${known.name}: showing the weights read at ${known.readAt ?? "the cell's run"}: ${current.why}`);
        message = { type: "show", source, graph: known, weights: { kind: "snapshot", readAt: known.readAt, why: current.why } };
      }
    }
    if (read === shown.reads) shown.show(message);
  }

  private async loadFile(path: string): Promise<ToPageMessage> {
    const source: GraphSource = { kind: "file", path };
    try {
      const { mtime } = await vscode.workspace.fs.stat(vscode.Uri.file(path));
      const graph = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Loading ${basename(dirname(path))}/${basename(path)}` }, () => this.loader.load(path));
      this.log.info(`model graph of ${path}: ${graph.nodes.length} layers, ${graph.params.total} params`);
      return { type: "show", source, graph, weights: { kind: "file", modifiedAt: new Date(mtime).toISOString() } };
    } catch (error) {
      const text = (error as Error)?.message ?? String(error);
      this.log.error(`model graph of ${path}: ${text}`);
      void vscode.window.showErrorMessage(`TF.js Studio: ${text}`);
      return { type: "error", source, message: text };
    }
  }

  private async onPageMessage(shown: GraphPanel, message: FromPageMessage): Promise<void> {
    if (message?.type === "ready") return shown.pageReady();
    if (message?.type === "refresh") return this.read(shown);
    if (message?.type !== "export" || (message.format !== "svg" && message.format !== "png") || typeof message.data !== "string") {
      this.log.warn(`model graph panel: unknown message ${JSON.stringify(message)?.slice(0, 200)}`);
      return;
    }
    const { format, data } = message;
    const fileName = typeof message.fileName === "string" ? message.fileName : `model.${format}`;
    shown.send(await saveGraphExport({ format, fileName, data, modelName: nameOf(shown.source), folder: folderOf(shown.source) }, this.log));
  }

  private async pick(): Promise<"cell" | vscode.Uri | undefined> {
    type Item = vscode.QuickPickItem & { value: "cell" | "browse" | vscode.Uri };
    const files = await vscode.workspace.findFiles("**/*model.json", "**/node_modules/**", 200);
    const items: Item[] = [
      ...(this.lastCellGraph ? [{ label: `$(notebook) ${this.lastCellGraph.graph.name}`, description: "the model last opened from a cell output", value: "cell" as const }] : []),
      ...files.map((uri): Item => ({ label: `$(json) ${vscode.workspace.asRelativePath(uri)}`, value: uri })),
      { label: "$(folder-opened) Browse…", description: "choose a model.json", value: "browse" },
    ];
    const chosen = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { title: "Open Model Graph", placeHolder: "A model from a cell, or a model.json" });
    if (!chosen) return undefined;
    if (chosen.value !== "browse") return chosen.value;
    const [file] = (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { "TensorFlow.js model": ["json"] }, title: "Open a model.json" })) ?? [];
    return file;
  }
}

function keyOf(source: GraphSource): string {
  return source.kind === "file" ? `file:${source.path}` : `cell:${source.notebook ?? ""}:${source.title}`;
}

function nameOf(source: GraphSource): string {
  return source.kind === "file" ? `${basename(dirname(source.path))}/${basename(source.path)}` : source.title;
}

function titleOf(source: GraphSource): string {
  return `Model Graph: ${nameOf(source)}`;
}

/** Where exports are saved by default: beside the model.json, or the notebook the model came from. */
function folderOf(source: GraphSource): vscode.Uri | undefined {
  if (source.kind === "file") return vscode.Uri.file(dirname(source.path));
  const notebook = source.notebook ? vscode.Uri.parse(source.notebook) : undefined;
  return notebook?.scheme === "file" ? vscode.Uri.joinPath(notebook, "..") : undefined;
}
