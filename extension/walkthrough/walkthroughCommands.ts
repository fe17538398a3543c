// The walkthrough's "Select Kernel" and "Run All" buttons. VS Code's own notebook commands do nothing visible
// without an open notebook, so these work from a fresh window: they use the active notebook, else let the user
// pick one of the workspace's notebooks, else offer to create a project from a template first.
import * as path from "node:path";
import * as vscode from "vscode";
import { KERNEL_DISPLAY_NAME } from "../../protocol/languageInfo";

export const SELECT_KERNEL_COMMAND = "tfjsStudio.walkthrough.selectKernel";
export const RUN_ALL_COMMAND = "tfjsStudio.walkthrough.runAll";
const NEW_PROJECT = "New Project from Template…";

/** `controllerId` and `extensionId` name our controller to `notebook.selectKernel`, which then asks nothing. */
export function registerWalkthroughCommands(controllerId: string, extensionId: string): vscode.Disposable {
  const selectOurKernel = async (editor: vscode.NotebookEditor): Promise<void> => {
    await vscode.commands.executeCommand("notebook.selectKernel", { notebookEditor: editor, id: controllerId, extension: extensionId });
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand(SELECT_KERNEL_COMMAND, async () => {
      const editor = await notebookToWorkOn("pick the kernel for");
      if (!editor) return;
      await selectOurKernel(editor);
      void vscode.window.showInformationMessage(`${path.basename(editor.notebook.uri.fsPath)} runs on ${KERNEL_DISPLAY_NAME}.`);
    }),
    vscode.commands.registerCommand(RUN_ALL_COMMAND, async () => {
      const editor = await notebookToWorkOn("run");
      if (!editor) return;
      await selectOurKernel(editor);
      await vscode.commands.executeCommand("notebook.execute", editor.notebook.uri);
    }),
  );
}

/** The notebook a walkthrough button acts on, shown in an editor; undefined when the user backs out. */
async function notebookToWorkOn(action: string): Promise<vscode.NotebookEditor | undefined> {
  const open = vscode.window.activeNotebookEditor ?? vscode.window.visibleNotebookEditors[0];
  if (open) return open;
  const notebooks = await vscode.workspace.findFiles("**/*.ipynb", "**/{node_modules,.ipynb_checkpoints}/**", 100);
  if (notebooks.length === 0) {
    const answer = await vscode.window.showInformationMessage(`There is no notebook to ${action} yet: create a project from a template first.`, NEW_PROJECT);
    if (answer === NEW_PROJECT) await vscode.commands.executeCommand("tfjsStudio.newProject");
    // The new project's notebook is open now, unless the user backed out of the pickers.
    return vscode.window.activeNotebookEditor;
  }
  const items = notebooks
    .map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), uri }))
    .sort((a, b) => a.description.localeCompare(b.description));
  const picked = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { title: `Which notebook to ${action}?`, placeHolder: "No notebook is open" });
  if (!picked) return undefined;
  return vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(picked.uri));
}
