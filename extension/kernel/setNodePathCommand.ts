// "Set Node.js Path for the Kernel…": pick a Node executable, check it, and write tfjsStudio.nodePath.
import * as vscode from "vscode";
import { checkNodeExecutable } from "../nodeForKernel";

export const SET_NODE_PATH_COMMAND = "tfjsStudio.setNodePath";

export function registerSetNodePathCommand(log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(SET_NODE_PATH_COMMAND, async () => {
    const picked = await vscode.window.showOpenDialog({
      title: "Node.js 20 or later that runs the TF.js Studio kernel",
      openLabel: "Use This Node.js",
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
    });
    const file = picked?.[0];
    if (!file) return;
    // Checked the same way a kernel start checks the setting, so the user learns now rather than at the next start.
    const checked = await checkNodeExecutable(file.fsPath, process.env);
    if ("reason" in checked) {
      void vscode.window.showErrorMessage(`${file.fsPath} cannot run the kernel: ${checked.reason}. The setting was not changed.`);
      return;
    }
    await vscode.workspace.getConfiguration("tfjsStudio").update("nodePath", file.fsPath, vscode.ConfigurationTarget.Global);
    log.info(`tfjsStudio.nodePath set to ${file.fsPath} (Node ${checked.version}); new kernels and restarts use it.`);
    void vscode.window.showInformationMessage(`The kernel will run on Node ${checked.version} at ${file.fsPath} from the next start or restart.`);
  });
}
