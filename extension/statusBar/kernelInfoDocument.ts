// "TF.js Studio: Show Kernel Info" (also a click on the status bar): the notebook's kernel facts in a read-only
// document beside the notebook, not a modal dialog. It follows the kernel while it is open (a restart, a backend
// that finished loading) and has a Copy button in its title bar.
import * as path from "node:path";
import * as vscode from "vscode";
import type { KernelSessionRegistry } from "../kernel/sessionTypes";
import { kernelInfoText } from "./kernelStatusText";

export const KERNEL_INFO_SCHEME = "tfjs-studio-kernel-info";
const COPY_KERNEL_INFO = "tfjsStudio.copyKernelInfo";

/**
 * One document a notebook: its path is the tab's title (not ending in .ipynb, which would make it a notebook's
 * JSON to VS Code), its query the notebook's URI.
 */
function kernelInfoUri(notebook: vscode.NotebookDocument): vscode.Uri {
  return vscode.Uri.from({ scheme: KERNEL_INFO_SCHEME, path: `/Kernel Info (${path.basename(notebook.uri.path)})`, query: notebook.uri.toString() });
}

class KernelInfoContent implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly sessions: KernelSessionRegistry) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const notebook = vscode.workspace.notebookDocuments.find((document) => document.uri.toString() === uri.query);
    const session = notebook && this.sessions.get(notebook);
    if (!session) return `${path.basename(uri.path)}\n\nThis notebook has no TF.js Studio kernel now: run a cell to start one.\n`;
    const { title, detail } = kernelInfoText(session);
    return `${title}\n\n${detail}\n`;
  }

  /** Shown documents are read again when their kernel changes. */
  refresh(notebook: vscode.NotebookDocument): void {
    const uri = kernelInfoUri(notebook);
    if (vscode.workspace.textDocuments.some((document) => document.uri.toString() === uri.toString())) this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerKernelInfoDocument(sessions: KernelSessionRegistry): { show(notebook: vscode.NotebookDocument): Promise<void>; disposable: vscode.Disposable } {
  const content = new KernelInfoContent(sessions);
  const show = async (notebook: vscode.NotebookDocument): Promise<void> => {
    const document = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(kernelInfoUri(notebook)), "plaintext");
    // Focused: VS Code shows the Copy button in the title bar of the active editor group only.
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  };
  const disposable = vscode.Disposable.from(
    content,
    vscode.workspace.registerTextDocumentContentProvider(KERNEL_INFO_SCHEME, content),
    sessions.onDidChangeSession((session) => content.refresh(session.notebook)),
    vscode.commands.registerCommand(COPY_KERNEL_INFO, async (uri?: unknown) => {
      const document = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (document?.uri.scheme !== KERNEL_INFO_SCHEME) return;
      await vscode.env.clipboard.writeText(document.getText());
      vscode.window.setStatusBarMessage("$(check) Kernel info copied", 3000);
    }),
  );
  return { show, disposable };
}
