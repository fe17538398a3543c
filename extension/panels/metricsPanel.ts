// The metrics panel: every run of the workspace and of the remote kernels' folders on their SSH hosts, live runs
// followed while they train; opened from a notebook, it shows that notebook's runs. The page keeps its
// own state (setState) and this side re-reads the run logs, so a window reload restores the panel without
// retainContextWhenHidden: whenever the page (re)loads it says "ready" and gets the whole picture again.
import * as path from "node:path";
import * as vscode from "vscode";
import type { RunLogRecord } from "../../protocol/runLogSchema";
import type { FromPanelMessage, PanelBoot, PanelRun, ToPanelMessage } from "../../protocol/metricsPanelMessages";
import { RemoteRunDiscovery } from "../metrics/remoteRunDiscovery";
import { hostPath, pathsOf, RunCollection, type Run } from "../metrics/runCollection";
import { RunDiscovery } from "../metrics/runDiscovery";
import type { RemoteRunFolders } from "../remote/remoteRunFolders";
import type { RendererMessaging } from "../rendererMessaging";
import { webviewHtml, webviewOptions } from "./webviewHtml";

const METRICS_PANEL_VIEW_TYPE = "tfjsStudio.metricsPanel";
const TITLE = "Training Metrics";
/** Live updates reach the page at most this often: smooth enough, and cheap while several runs train. */
const POST_INTERVAL_MS = 250;

export function registerMetricsPanel(context: vscode.ExtensionContext, messaging: RendererMessaging, remoteFolders: RemoteRunFolders, log: vscode.LogOutputChannel): vscode.Disposable {
  let current: MetricsPanel | undefined;
  const adopt = (panel: vscode.WebviewPanel): void => {
    current?.dispose();
    current = new MetricsPanel(panel, context.extensionUri, remoteFolders, log);
    panel.onDidDispose(() => {
      if (current?.panel === panel) current = undefined;
    });
  };
  /** Opened from a notebook (its toolbar, its chart's button, or the palette while it is the active editor), the
   * panel shows that notebook's runs only: other projects' runs would squash its steps into a corner of the axis.
   * A notebook on a remote kernel writes its runs in the kernel's folder on the host. */
  const open = (notebook: vscode.NotebookDocument | undefined): void => {
    if (current) current.panel.reveal();
    else adopt(vscode.window.createWebviewPanel(METRICS_PANEL_VIEW_TYPE, TITLE, vscode.ViewColumn.Beside, webviewOptions(context.extensionUri)));
    const remote = notebook && remoteFolders.forNotebook(notebook.uri);
    if (remote) current!.showOnlyFolder(hostPath(remote.host, remote.folder));
    else if (notebook?.uri.scheme === "file") current!.showOnlyFolder(path.dirname(notebook.uri.fsPath));
  };
  messaging.handle("openMetricsPanel", (_message, editor) => open(editor.notebook));
  return vscode.Disposable.from(
    vscode.commands.registerCommand("tfjsStudio.openMetricsPanel", () => open(vscode.window.activeNotebookEditor?.notebook)),
    vscode.window.registerWebviewPanelSerializer(METRICS_PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel) {
        panel.webview.options = webviewOptions(context.extensionUri);
        adopt(panel);
      },
    }),
    new vscode.Disposable(() => {
      current?.panel.dispose();
    }),
  );
}

class MetricsPanel {
  private readonly runs: RunCollection;
  private readonly discovery: RunDiscovery;
  private readonly remoteDiscovery: RemoteRunDiscovery;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The page listens (it said "ready" and is visible); until then nothing is sent, "ready" gets it all. */
  private pageReady = false;
  private runsDirty = false;
  private readonly pendingRecords = new Map<string, RunLogRecord[]>();
  private readonly pendingSeries = new Set<string>();
  private postTimer: NodeJS.Timeout | undefined;
  /** The folder to show alone once the page is ready. */
  private pendingFolder: string | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    remoteFolders: RemoteRunFolders,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const boot: PanelBoot = { smoothing: vscode.workspace.getConfiguration("tfjsStudio").get<number>("metrics.smoothing", 0.6) };
    panel.webview.html = webviewHtml(panel.webview, extensionUri, { title: TITLE, script: "metricsPanel.js", boot });
    this.runs = new RunCollection({
      runsChanged: () => this.schedule(() => (this.runsDirty = true)),
      records: (run, records, reset) => this.schedule(() => this.queueRecords(run, records, reset)),
      problem: (message) => log.warn(`metrics panel: ${message}`),
    });
    this.discovery = new RunDiscovery(
      {
        found: (file) => void this.runs.add(file),
        changed: (file) => void this.runs.refresh(file),
        deleted: (file) => this.runs.remove(file),
        cleared: () => {
          for (const run of this.runs.list()) if (run.host === undefined) this.runs.remove(run.id);
        },
      },
      log,
    );
    this.remoteDiscovery = new RemoteRunDiscovery(remoteFolders, { found: (file, place) => void this.runs.add(file, place), deleted: (id) => this.runs.remove(id) }, log);
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((message: FromPanelMessage) => void this.receive(message)),
      panel.onDidChangeViewState(() => {
        // A hidden page is torn down (no retainContextWhenHidden); shown again, it loads and says "ready".
        if (!panel.visible) this.pageReady = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  dispose(): void {
    clearTimeout(this.postTimer);
    this.discovery.dispose();
    this.remoteDiscovery.dispose();
    this.runs.dispose();
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.subscriptions.length = 0;
  }

  /** Shows that notebook folder's runs only. */
  showOnlyFolder(folder: string): void {
    if (this.pageReady) this.post({ type: "showOnlyFolder", folder });
    else this.pendingFolder = folder;
  }

  private async receive(message: FromPanelMessage): Promise<void> {
    try {
      switch (message.type) {
        case "ready":
          this.pageReady = true;
          this.sendEverything();
          break;
        case "exportCsv":
          await this.save({ title: "Export the Charts' Series as CSV", fileName: message.fileName, runIds: message.runIds, filters: { CSV: ["csv"] } }, Buffer.from(message.csv, "utf8"));
          break;
        case "exportPng":
          await this.save({ title: `Save the ${message.title} Chart as PNG`, fileName: message.fileName, runIds: message.runIds, filters: { "PNG image": ["png"] } }, pngBytes(message.dataUrl));
          break;
        default:
          this.log.warn(`metrics panel: unknown message ${JSON.stringify((message as { type?: unknown }).type)}`);
      }
    } catch (error) {
      this.log.error(`metrics panel: ${(error as Error).stack ?? String(error)}`);
      void vscode.window.showErrorMessage(`TF.js Studio: ${(error as Error).message}`);
    }
  }

  private sendEverything(): void {
    this.pendingRecords.clear();
    this.pendingSeries.clear();
    this.post({ type: "runs", runs: this.runs.list().map(panelRun) });
    for (const run of this.runs.list()) this.post({ type: "series", id: run.id, series: run.series });
    this.runsDirty = false;
    if (this.pendingFolder !== undefined) this.post({ type: "showOnlyFolder", folder: this.pendingFolder });
    this.pendingFolder = undefined;
  }

  private queueRecords(run: Run, records: RunLogRecord[], reset: boolean): void {
    if (reset || this.pendingSeries.has(run.id)) {
      // The whole history goes anyway: the records are in it.
      this.pendingSeries.add(run.id);
      this.pendingRecords.delete(run.id);
      return;
    }
    const pending = this.pendingRecords.get(run.id);
    if (pending) pending.push(...records);
    else this.pendingRecords.set(run.id, [...records]);
  }

  /** Records a change and sends the changes at most every POST_INTERVAL_MS. */
  private schedule(change: () => void): void {
    if (!this.pageReady) return;
    change();
    this.postTimer ??= setTimeout(() => {
      this.postTimer = undefined;
      this.flush();
    }, POST_INTERVAL_MS);
  }

  private flush(): void {
    if (!this.pageReady) return;
    if (this.runsDirty) this.post({ type: "runs", runs: this.runs.list().map(panelRun) });
    this.runsDirty = false;
    for (const id of this.pendingSeries) {
      const run = this.runs.get(id);
      if (run) this.post({ type: "series", id, series: run.series });
    }
    for (const [id, records] of this.pendingRecords) this.post({ type: "records", id, records });
    this.pendingSeries.clear();
    this.pendingRecords.clear();
  }

  private post(message: ToPanelMessage): void {
    void this.panel.webview.postMessage(message);
  }

  /** Asks where to save, starting in the notebook folder that wrote the exported runs, and writes the file. */
  private async save(dialog: { title: string; fileName: string; runIds: string[]; filters: Record<string, string[]> }, bytes: Uint8Array): Promise<void> {
    const runs = dialog.runIds.flatMap((id) => this.runs.get(id) ?? []);
    // A host's runs are exported to this machine: the dialog then starts in the workspace.
    const local = runs.length > 0 && runs.every((run) => run.host === undefined);
    const folder = local ? commonFolder(runs.map(notebookFolder)) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const target = await vscode.window.showSaveDialog({
      title: dialog.title,
      defaultUri: folder ? vscode.Uri.file(path.join(folder, dialog.fileName)) : undefined,
      filters: dialog.filters,
      saveLabel: "Export",
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    this.log.info(`metrics panel: exported ${target.fsPath}`);
    void vscode.window.showInformationMessage(`Exported ${path.basename(target.fsPath)}`);
  }
}

function panelRun(run: Run): PanelRun {
  const folder = notebookFolder(run);
  const runDir = pathsOf(run).dirname(run.file);
  const { host } = run;
  // A host's paths are shown as the host has them, after its name.
  return {
    id: run.id,
    runId: run.runId,
    name: run.name,
    location: host === undefined ? vscode.workspace.asRelativePath(runDir) : hostPath(host, runDir),
    folder: host === undefined ? folder : hostPath(host, folder),
    folderLabel: host === undefined ? folderLabel(folder) : hostPath(host, folder),
    notebook: run.info?.notebook ?? null,
    status: run.status,
    startTime: run.startTime,
    finalMetrics: run.finalMetrics,
    problems: run.problems,
  };
}

/** The folder of the notebook that wrote the run, as run.json says; without it, the folder holding runs/<run>/. */
function notebookFolder(run: Run): string {
  const paths = pathsOf(run);
  return paths.resolve(run.info?.notebookDir ?? paths.dirname(paths.dirname(paths.dirname(run.file))));
}

/** The deepest folder holding them all: the one folder of runs of one notebook, else a parent of their folders. */
function commonFolder(folders: readonly string[]): string {
  const inside = (folder: string, parent: string): boolean => {
    const relative = path.relative(parent, folder);
    return relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
  };
  return folders.reduce((common, folder) => {
    // Up to the root at most (whose parent is itself).
    while (!inside(folder, common) && path.dirname(common) !== common) common = path.dirname(common);
    return common;
  });
}

/** Relative to the workspace; a workspace folder itself by its name. */
function folderLabel(folder: string): string {
  const relative = vscode.workspace.asRelativePath(folder, false);
  return relative === folder || relative === "" ? path.basename(folder) : relative;
}

/** The bytes of a `data:image/png;base64,...` URL; anything else is refused. */
function pngBytes(dataUrl: string): Buffer {
  const prefix = "data:image/png;base64,";
  if (!dataUrl.startsWith(prefix)) throw new Error("the chart image is not a PNG data URL");
  return Buffer.from(dataUrl.slice(prefix.length), "base64");
}
