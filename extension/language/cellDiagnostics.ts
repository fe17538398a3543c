// Type errors the kernel reports, shown as diagnostics on the cell that failed until it runs cleanly or is edited.
import * as vscode from "vscode";
import { typeErrorMarks } from "./typeErrorRanges";

export class CellDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection("tfjs-studio");
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      // The marks belong to the code that ran: any edit makes them stale.
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0 && this.collection.has(event.document.uri)) this.collection.delete(event.document.uri);
      }),
      vscode.workspace.onDidChangeNotebookDocument((event) => {
        for (const change of event.contentChanges) for (const cell of change.removedCells) this.collection.delete(cell.document.uri);
      }),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => {
        for (const cell of notebook.getCells()) this.collection.delete(cell.document.uri);
      }),
    ];
  }

  /** Called after each execution with the execute_reply content: sets or clears the cell's diagnostics. */
  update(cell: vscode.NotebookCell, reply: Record<string, unknown> | undefined): void {
    const marks = typeErrorMarks(reply, cell.document.getText());
    if (marks.length === 0) return this.collection.delete(cell.document.uri);
    this.collection.set(
      cell.document.uri,
      marks.map(({ start, end, message, code }) => {
        const diagnostic = new vscode.Diagnostic(
          new vscode.Range(start.line, start.character, end.line, end.character),
          message,
          vscode.DiagnosticSeverity.Error,
        );
        diagnostic.source = "tfjs-studio kernel";
        diagnostic.code = code;
        return diagnostic;
      }),
    );
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.collection.dispose();
  }
}
