// The model graph panel: the full layer graph of a model shown in a cell (the renderer's "Open Graph"
// button) or of a model.json (explorer context menu, or the command palette). One panel per model;
// a window reload restores it from the page's state (a model.json is read again from disk).
import { basename, dirname } from "node:path";
import * as vscode from "vscode";
import type { ModelGraph } from "../../protocol/modelGraphSchema";
import type { Direction } from "../../protocol/modelGraphPanelMessages";
import type { FromPageMessage, GraphSource, PanelBoot, PanelState, ToPageMessage } from "../../protocol/modelGraphPanelMessages";
import { ModelJsonLoader } from "../modelGraph/modelJsonLoader";
import type { RendererMessaging } from "../rendererMessaging";
import { webviewHtml, webviewOptions } from "./webviewHtml";

export const MODEL_GRAPH_VIEW_TYPE = "tfjsStudio.modelGraphPanel";

export function registerModelGraphPanel(context: vscode.ExtensionContext, messaging: RendererMessaging, log: vscode.LogOutputChannel): vscode.Disposable {
  const loader = new ModelJsonLoader();
  const panels = new ModelGraphPanels(context.extensionUri, loader, log);
  messaging.handle("openModelGraph", (message) => {
    const graph = message.graph as ModelGraph | undefined;
    if (typeof graph !== "object" || graph === null || !Array.isArray(graph.nodes)) throw new Error("the cell output holds no model graph to open");
    panels.showCellGraph(graph);
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

class ModelGraphPanels {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  /**
   * Each panel's content, sent whenever its page says it is ready: a hidden panel's page is
   * destroyed and starts again when shown, and messages posted before it listens are lost.
   */
  private readonly contents = new WeakMap<vscode.WebviewPanel, ToPageMessage>();
  private readonly readyPages = new WeakSet<vscode.WebviewPanel>();
  /** What the palette command offers besides model.json files. */
  private lastCellGraph: ModelGraph | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly loader: ModelJsonLoader,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The command: a model.json Uri from the explorer, else a pick of the last cell graph and the workspace's model.json files. */
  async open(target: unknown): Promise<void> {
    if (target instanceof vscode.Uri) return this.showFile(target.fsPath);
    const picked = await this.pick();
    if (picked === "cell" && this.lastCellGraph) this.showCellGraph(this.lastCellGraph);
    else if (picked instanceof vscode.Uri) await this.showFile(picked.fsPath);
  }

  showCellGraph(graph: ModelGraph): void {
    this.lastCellGraph = graph;
    const source: GraphSource = { kind: "cell", title: graph.name };
    this.post(this.show(source), { type: "show", source, graph });
  }

  async showFile(path: string): Promise<void> {
    const source: GraphSource = { kind: "file", path };
    await this.load(this.show(source), path);
  }

  async restore(panel: vscode.WebviewPanel, state: PanelState | undefined): Promise<void> {
    const source = state?.source;
    if (source?.kind === "file") {
      this.adopt(panel, source, state?.direction);
      await this.load(panel, source.path);
    } else if (source?.kind === "cell" && state?.graph) {
      this.adopt(panel, source, state.direction);
      this.post(panel, { type: "show", source, graph: state.graph });
    } else {
      const unknown: GraphSource = { kind: "cell", title: "model" };
      this.adopt(panel, unknown);
      this.post(panel, { type: "error", source: unknown, message: "This panel's model was not kept. Open it again from the cell output or the model.json." });
    }
  }

  /** Reveals the panel of this model or opens a new one. */
  private show(source: GraphSource): vscode.WebviewPanel {
    const existing = this.panels.get(keyOf(source));
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(MODEL_GRAPH_VIEW_TYPE, titleOf(source), vscode.ViewColumn.Beside, webviewOptions(this.extensionUri));
    this.adopt(panel, source);
    return panel;
  }

  private adopt(panel: vscode.WebviewPanel, source: GraphSource, direction?: Direction): void {
    const key = keyOf(source);
    this.panels.set(key, panel);
    panel.title = titleOf(source);
    panel.webview.options = webviewOptions(this.extensionUri);
    const boot: PanelBoot = { source, direction };
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, { title: titleOf(source), script: "modelGraphPanel.js", boot, workers: true });
    const received = panel.webview.onDidReceiveMessage((message: FromPageMessage) => {
      if (message?.type !== "ready") return this.onPageMessage(source, message);
      this.readyPages.add(panel);
      const content = this.contents.get(panel);
      if (content) void panel.webview.postMessage(content);
    });
    // A hidden panel's page is gone; it says "ready" again when shown.
    const viewState = panel.onDidChangeViewState(() => {
      if (!panel.visible) this.readyPages.delete(panel);
    });
    panel.onDidDispose(() => {
      received.dispose();
      viewState.dispose();
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
  }

  private async load(panel: vscode.WebviewPanel, path: string): Promise<void> {
    const source: GraphSource = { kind: "file", path };
    let message: ToPageMessage;
    try {
      const graph = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Loading ${basename(dirname(path))}/${basename(path)}` }, () => this.loader.load(path));
      this.log.info(`model graph of ${path}: ${graph.nodes.length} layers, ${graph.params.total} params`);
      message = { type: "show", source, graph };
    } catch (error) {
      const text = (error as Error)?.message ?? String(error);
      this.log.error(`model graph of ${path}: ${text}`);
      void vscode.window.showErrorMessage(`TF.js Studio: ${text}`);
      message = { type: "error", source, message: text };
    }
    this.post(panel, message);
  }

  private post(panel: vscode.WebviewPanel, message: ToPageMessage): void {
    this.contents.set(panel, message);
    if (this.readyPages.has(panel)) void panel.webview.postMessage(message);
  }

  private async onPageMessage(source: GraphSource, message: FromPageMessage): Promise<void> {
    if (message?.type !== "export" || (message.format !== "svg" && message.format !== "png") || typeof message.data !== "string") {
      this.log.warn(`model graph panel: unknown message ${JSON.stringify(message)?.slice(0, 200)}`);
      return;
    }
    const folder = source.kind === "file" ? vscode.Uri.file(dirname(source.path)) : vscode.workspace.workspaceFolders?.[0]?.uri;
    const fileName = basename(message.fileName);
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
      filters: message.format === "svg" ? { "SVG image": ["svg"] } : { "PNG image": ["png"] },
      title: `Export the model graph as ${message.format.toUpperCase()}`,
    });
    if (!target) return;
    try {
      const bytes = message.format === "svg" ? Buffer.from(message.data, "utf8") : Buffer.from(message.data, "base64");
      await vscode.workspace.fs.writeFile(target, bytes);
      this.log.info(`model graph exported to ${target.fsPath}`);
    } catch (error) {
      void vscode.window.showErrorMessage(`TF.js Studio: could not write ${target.fsPath}: ${(error as Error).message}`);
    }
  }

  private async pick(): Promise<"cell" | vscode.Uri | undefined> {
    type Item = vscode.QuickPickItem & { value: "cell" | "browse" | vscode.Uri };
    const files = await vscode.workspace.findFiles("**/*model.json", "**/node_modules/**", 200);
    const items: Item[] = [
      ...(this.lastCellGraph ? [{ label: `$(notebook) ${this.lastCellGraph.name}`, description: "the model last opened from a cell output", value: "cell" as const }] : []),
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
  return source.kind === "file" ? `file:${source.path}` : `cell:${source.title}`;
}

function titleOf(source: GraphSource): string {
  return source.kind === "file" ? `Model Graph: ${basename(dirname(source.path))}/${basename(source.path)}` : `Model Graph: ${source.title}`;
}
