// STUB (wip-kernel replaces): the "TypeScript (TF.js Studio)" notebook controller.
import * as vscode from "vscode";
import type { CellDiagnostics } from "../language/cellDiagnostics";
import type { KernelSessions } from "../kernel/kernelSessions";

export function registerNotebookController(_context: vscode.ExtensionContext, _sessions: KernelSessions, _diagnostics: CellDiagnostics, _log: vscode.LogOutputChannel): vscode.Disposable {
  return new vscode.Disposable(() => undefined);
}
