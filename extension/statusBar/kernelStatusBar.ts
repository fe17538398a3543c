// The active notebook's kernel in the status bar (state and backend), and the kernel info it opens on click.
import * as vscode from "vscode";
import type { KernelSessionRegistry, NotebookKernelSession } from "../kernel/sessionTypes";
import { kernelInfoText, statusBarText } from "./kernelStatusText";

const SHOW_KERNEL_INFO = "tfjsStudio.showKernelInfo";

export function registerKernelStatusBar(sessions: KernelSessionRegistry): vscode.Disposable {
  const item = vscode.window.createStatusBarItem("tfjsStudio.kernel", vscode.StatusBarAlignment.Right, 100);
  item.name = "TF.js Studio Kernel";
  item.command = SHOW_KERNEL_INFO;

  const activeSession = (): NotebookKernelSession | undefined => {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    return notebook ? sessions.get(notebook) : undefined;
  };

  const refresh = (): void => {
    const session = activeSession();
    // Only notebooks our kernel runs: any other editor, or a notebook on another kernel, shows nothing.
    if (!session) return item.hide();
    const { text, tooltip, error } = statusBarText(session);
    item.text = text;
    item.tooltip = tooltip;
    item.backgroundColor = error ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
    item.show();
  };

  refresh();
  return vscode.Disposable.from(
    item,
    sessions.onDidChangeSession((session) => {
      if (session.notebook === vscode.window.activeNotebookEditor?.notebook) refresh();
    }),
    vscode.window.onDidChangeActiveNotebookEditor(refresh),
    vscode.workspace.onDidCloseNotebookDocument(refresh),
    vscode.commands.registerCommand(SHOW_KERNEL_INFO, () => showKernelInfo(activeSession())),
  );
}

async function showKernelInfo(session: NotebookKernelSession | undefined): Promise<void> {
  if (!session) {
    void vscode.window.showInformationMessage(
      "No TF.js Studio kernel runs for the active editor. Open a notebook, select the kernel \"TypeScript (TF.js Studio)\" and run a cell.",
    );
    return;
  }
  const { title, detail } = kernelInfoText(session);
  const copy = "Copy";
  const restart = "Restart Kernel";
  const choice = await vscode.window.showInformationMessage(title, { modal: true, detail }, copy, restart);
  if (choice === copy) await vscode.env.clipboard.writeText(`${title}\n\n${detail}`);
  // The restart command reports failures and progress; the dialog was opened for the active notebook, as it restarts.
  if (choice === restart) await vscode.commands.executeCommand("tfjsStudio.restartKernel");
}
