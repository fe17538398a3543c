// STUB (wip-lang replaces): completion and hover in notebook cells, answered by the kernel.
import * as vscode from "vscode";
import type { KernelSessionRegistry } from "../kernel/sessionTypes";

export function registerLanguageFeatures(_sessions: KernelSessionRegistry): vscode.Disposable {
  return new vscode.Disposable(() => undefined);
}
