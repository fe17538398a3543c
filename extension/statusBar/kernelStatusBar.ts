// STUB (wip-lang replaces): kernel state and backend in the status bar.
import * as vscode from "vscode";
import type { KernelSessionRegistry } from "../kernel/sessionTypes";

export function registerKernelStatusBar(_sessions: KernelSessionRegistry): vscode.Disposable {
  return new vscode.Disposable(() => undefined);
}
