// "Set Node.js Path for the Kernel…": pick a Node executable, check it, and write tfjsStudio.nodePath.
import * as vscode from "vscode";
import { NoUsableNodeError, findNodeRuntime } from "../nodeRuntime";

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
    // Checked the same way a kernel start checks it, so the user learns now rather than at the next start.
    const options = { configuredPath: file.fsPath, env: process.env, hostExecPath: process.execPath, hostIsElectron: process.versions.electron !== undefined };
    const choice = await findNodeRuntime(options).catch((error: unknown) => {
      if (error instanceof NoUsableNodeError) return error;
      throw error;
    });
    if (choice instanceof NoUsableNodeError || choice.source !== "setting") {
      const why = choice.rejected.find((rejected) => rejected.source === "setting")?.reason ?? "it is not a usable Node.js";
      void vscode.window.showErrorMessage(`${file.fsPath} cannot run the kernel: ${why}. The setting was not changed.`);
      return;
    }
    await vscode.workspace.getConfiguration("tfjsStudio").update("nodePath", file.fsPath, vscode.ConfigurationTarget.Global);
    log.info(`tfjsStudio.nodePath set to ${file.fsPath} (Node ${choice.version}); new kernels and restarts use it.`);
    void vscode.window.showInformationMessage(`The kernel will run on Node ${choice.version} at ${file.fsPath} from the next start or restart.`);
  });
}
