// STUB (wip-kernel replaces): one kernel process per notebook.
import * as vscode from "vscode";
import type { KernelSessionRegistry, NotebookKernelSession } from "./sessionTypes";

export class KernelSessions implements KernelSessionRegistry, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<NotebookKernelSession>();
  readonly onDidChangeSession = this.changed.event;
  constructor(_context: vscode.ExtensionContext, _log: vscode.LogOutputChannel) {}
  get(_notebook: vscode.NotebookDocument): NotebookKernelSession | undefined { return undefined; }
  async restart(_notebook: vscode.NotebookDocument): Promise<void> {}
  async shutdown(_notebook: vscode.NotebookDocument): Promise<void> {}
  dispose(): void { this.changed.dispose(); }
}
