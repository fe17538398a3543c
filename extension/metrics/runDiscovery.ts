// Finds the run logs of the workspace (setting tfjsStudio.metrics.runsGlob in every workspace folder,
// node_modules left out) and watches for new, changed and deleted ones; looks again when the setting or
// the workspace folders change.
import * as vscode from "vscode";

export interface RunDiscoveryEvents {
  found(file: string): void;
  changed(file: string): void;
  deleted(file: string): void;
  /** The search starts over (setting or folders changed): forget every run found so far. */
  cleared(): void;
}

const EXCLUDE = "**/node_modules/**";

export class RunDiscovery implements vscode.Disposable {
  private watchers: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[];

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
  }

  private async restart(): Promise<void> {
    this.events.cleared();
    await this.start();
  }

  private async start(): Promise<void> {
    vscode.Disposable.from(...this.watchers).dispose();
    this.watchers = [];
    const glob = vscode.workspace.getConfiguration("tfjsStudio").get<string>("metrics.runsGlob") || "**/runs/*/metrics.jsonl";
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const pattern = new vscode.RelativePattern(folder, glob);
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      const isExcluded = (uri: vscode.Uri): boolean => uri.path.includes("/node_modules/");
      watcher.onDidCreate((uri) => isExcluded(uri) || this.events.found(uri.fsPath));
      watcher.onDidChange((uri) => isExcluded(uri) || this.events.changed(uri.fsPath));
      watcher.onDidDelete((uri) => this.events.deleted(uri.fsPath));
      this.watchers.push(watcher);
      try {
        const files = await vscode.workspace.findFiles(pattern, EXCLUDE);
        this.log.info(`metrics panel: ${files.length} run log(s) match ${glob} in ${folder.name}`);
        for (const file of files) this.events.found(file.fsPath);
      } catch (error) {
        this.log.error(`metrics panel: cannot search ${folder.name} for ${glob}: ${(error as Error).message}`);
      }
    }
  }

  dispose(): void {
    vscode.Disposable.from(...this.watchers, ...this.subscriptions).dispose();
  }
}
