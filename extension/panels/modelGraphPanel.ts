// STUB (wip-graph replaces): the model graph panel.
import * as vscode from "vscode";
import type { RendererMessaging } from "../rendererMessaging";

export function registerModelGraphPanel(_context: vscode.ExtensionContext, _messaging: RendererMessaging, _log: vscode.LogOutputChannel): vscode.Disposable {
  return new vscode.Disposable(() => undefined);
}
