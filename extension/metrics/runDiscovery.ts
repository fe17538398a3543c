// Finds the run logs of the workspace (setting tfjsStudio.metrics.runsGlob in every workspace folder,
// node_modules left out) and watches for new, changed and deleted ones; looks again when the setting or
// the workspace folders change. File events can be late or missing (seen in code-server), so the search
// also runs again every few seconds.
import * as vscode from "vscode";

export interface RunDiscoveryEvents {
  found(file: string): void;
  changed(file: string): void;
  deleted(file: string): void;
  /** The search starts over (setting or folders changed): forget every run found so far. */
  cleared(): void;
}

const EXCLUDE = "**/node_modules/**";
const RESCAN_MS = 5000;

export class RunDiscovery implements vscode.Disposable {
  private watchers: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[];
  private readonly rescanTimer: NodeJS.Timeout;
  private patterns: vscode.RelativePattern[] = [];

  constructor(
    private readonly events: RunDiscoveryEvents,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.restart()),
      vscode.workspace.onDidChangeConfiguration((change) => {
        if (change.affectsConfiguration("tfjsStudio.metrics.runsGlob")) void this.restart();
      }),
    ];
    void this.start();
    this.rescanTimer = setInterval(() => void this.search(), RESCAN_MS);
  }

  private async restart(): Promise<void> {
    this.events.cleared();
    await this.start();
  }

  private async start(): Promise<void> {
    vscode.Disposable.from(...this.watchers).dispose();
    this.watchers = [];
    const glob = vscode.workspace.getConfiguration("tfjsStudio").get<string>("metrics.runsGlob") || "**/runs/*/metrics.jsonl";
    this.patterns = (vscode.workspace.workspaceFolders ?? []).map((folder) => new vscode.RelativePattern(folder, glob));
    for (const pattern of this.patterns) {
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      const isExcluded = (uri: vscode.Uri): boolean => uri.path.includes("/node_modules/");
      watcher.onDidCreate((uri) => isExcluded(uri) || this.events.found(uri.fsPath));
      watcher.onDidChange((uri) => isExcluded(uri) || this.events.changed(uri.fsPath));
      watcher.onDidDelete((uri) => this.events.deleted(uri.fsPath));
      this.watchers.push(watcher);
    }
    const found = await this.search();
    this.log.info(`metrics panel: ${found} run log(s) match ${glob}`);
  }

  /** Reports every matching file (known ones too: the collection then reads what they gained). */
  private async search(): Promise<number> {
    let found = 0;
    for (const pattern of this.patterns) {
      try {
        const files = await vscode.workspace.findFiles(pattern, EXCLUDE);
        found += files.length;
        for (const file of files) this.events.found(file.fsPath);
      } catch (error) {
        this.log.error(`metrics panel: cannot search ${pattern.baseUri.fsPath} for ${pattern.pattern}: ${(error as Error).message}`);
      }
    }
    return found;
  }

  dispose(): void {
    clearInterval(this.rescanTimer);
    vscode.Disposable.from(...this.watchers, ...this.subscriptions).dispose();
  }
}
