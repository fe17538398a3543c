// STUB (lead replaces): New Project from Template.
import * as vscode from "vscode";

export function registerNewProjectCommand(_context: vscode.ExtensionContext, _log: vscode.LogOutputChannel): vscode.Disposable {
  return new vscode.Disposable(() => undefined);
}
