// STUB (wip-lang replaces): type errors the kernel reports, shown on the cell that failed.
import * as vscode from "vscode";

export class CellDiagnostics implements vscode.Disposable {
  /** Called after each execution with the execute_reply content: sets or clears the cell's diagnostics. */
  update(_cell: vscode.NotebookCell, _reply: Record<string, unknown> | undefined): void {}
  dispose(): void {}
}
