// STUB (wip-metrics replaces): the metrics panel.
import * as vscode from "vscode";
import type { RendererMessaging } from "../rendererMessaging";

export function registerMetricsPanel(_context: vscode.ExtensionContext, _messaging: RendererMessaging, _log: vscode.LogOutputChannel): vscode.Disposable {
  return new vscode.Disposable(() => undefined);
}
