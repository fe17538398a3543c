// The active notebook's kernel in the status bar (state and backend), and the kernel info it opens on click.
import * as vscode from "vscode";
import type { KernelSessionRegistry, KernelState, NotebookKernelSession } from "../kernel/sessionTypes";
import { registerKernelInfoDocument } from "./kernelInfoDocument";
import { statusBarText } from "./kernelStatusText";

const SHOW_KERNEL_INFO = "tfjsStudio.showKernelInfo";
const BUSY_DELAY_MS = 300;

export function registerKernelStatusBar(sessions: KernelSessionRegistry): vscode.Disposable {
  const item = vscode.window.createStatusBarItem("tfjsStudio.kernel", vscode.StatusBarAlignment.Right, 100);
  item.name = "TF.js Studio Kernel";
  item.command = SHOW_KERNEL_INFO;

  const activeSession = (): NotebookKernelSession | undefined => {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    return notebook ? sessions.get(notebook) : undefined;
  };

  let shown: KernelState | undefined;
  let busyTimer: NodeJS.Timeout | undefined;
  const render = (session: NotebookKernelSession): void => {
    const { text, tooltip, error } = statusBarText(session);
    item.text = text;
    item.tooltip = tooltip;
    item.backgroundColor = error ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
    shown = session.state;
    item.show();
  };
  const refresh = (): void => {
    clearTimeout(busyTimer);
    const session = activeSession();
    // Only notebooks our kernel runs: any other editor, or a notebook on another kernel, shows nothing.
    if (!session) {
      shown = undefined;
      return item.hide();
    }
    // Each completion and hover makes the kernel busy for a moment: only busy that lasts shows, so typing does not flicker.
    if (session.state === "busy" && shown === "idle") busyTimer = setTimeout(() => render(session), BUSY_DELAY_MS);
    else render(session);
  };

  const kernelInfo = registerKernelInfoDocument(sessions);
  const showKernelInfo = (): void => {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    if (notebook && sessions.get(notebook)) return void kernelInfo.show(notebook);
    void vscode.window.showInformationMessage(
      "No TF.js Studio kernel runs for the active editor. Open a notebook, select the kernel \"TypeScript (TF.js Studio)\" and run a cell.",
    );
  };

  refresh();
  return vscode.Disposable.from(
    item,
    kernelInfo.disposable,
    new vscode.Disposable(() => clearTimeout(busyTimer)),
    sessions.onDidChangeSession((session) => {
      if (session.notebook === vscode.window.activeNotebookEditor?.notebook) refresh();
    }),
    vscode.window.onDidChangeActiveNotebookEditor(refresh),
    vscode.workspace.onDidCloseNotebookDocument(refresh),
    vscode.commands.registerCommand(SHOW_KERNEL_INFO, showKernelInfo),
  );
}
