// The notebook a kernel command acts on: the toolbar passes its editor, a caller may pass a URI, else the active one.
import * as vscode from "vscode";

export function notebookFromCommandArgument(argument: unknown): vscode.NotebookDocument | undefined {
  const uri = argumentUri(argument);
  if (uri) return vscode.workspace.notebookDocuments.find((notebook) => notebook.uri.toString() === uri.toString());
  return vscode.window.activeNotebookEditor?.notebook;
}

function argumentUri(argument: unknown): vscode.Uri | undefined {
  if (argument instanceof vscode.Uri) return argument;
  if (typeof argument !== "object" || argument === null) return undefined;
  // The notebook toolbar passes { notebookEditor: { notebookUri } }; a NotebookEditor has .notebook.uri.
  const context = argument as { notebookEditor?: { notebookUri?: unknown }; notebookUri?: unknown; notebook?: { uri?: unknown } };
  const candidate = context.notebookEditor?.notebookUri ?? context.notebookUri ?? context.notebook?.uri;
  return candidate instanceof vscode.Uri ? candidate : undefined;
}
