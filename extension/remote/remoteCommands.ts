// "TF.js Studio: Connect to Remote Kernel over SSH…" and "TF.js Studio: List Remote Kernels": pick a host, see the
// kernels running there (uptime, busy or idle), and run the active notebook on a new one or one of those, or shut
// one down.
import * as vscode from "vscode";
import { NOTEBOOK_TYPE } from "../notebook/notebookController";
import { pickSshHost } from "./hostPicker";
import { remoteKernelItem, type RemoteKernels } from "./remoteKernels";
import { remoteSettings } from "./remoteSettings";

export const CONNECT_REMOTE_COMMAND = "tfjsStudio.connectRemoteKernel";
export const LIST_REMOTE_COMMAND = "tfjsStudio.listRemoteKernels";

export function registerRemoteCommands(remote: RemoteKernels): vscode.Disposable {
  const failed = (error: unknown) => void vscode.window.showErrorMessage(`TF.js Studio: ${(error as Error).message}`);
  return vscode.Disposable.from(
    vscode.commands.registerCommand(CONNECT_REMOTE_COMMAND, () => connect(remote).catch(failed)),
    vscode.commands.registerCommand(LIST_REMOTE_COMMAND, () => list(remote).catch(failed)),
  );
}

/** The active notebook, if it is one our controllers run (ipynb). */
function activeNotebook(): vscode.NotebookDocument | undefined {
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  return notebook?.notebookType === NOTEBOOK_TYPE ? notebook : undefined;
}

async function connect(remote: RemoteKernels): Promise<void> {
  const host = await pickSshHost("Connect to Remote Kernel over SSH", remoteSettings().sshConfigFile);
  if (!host) return;
  const kernels = await remote.listKernels(host);
  let attach: string | undefined;
  if (kernels.length > 0) {
    const fresh = { label: "$(add) Start a new kernel", description: `on ${host}` };
    const picked = await vscode.window.showQuickPick([fresh, ...kernels.map(remoteKernelItem)], {
      title: `Kernels running on ${host}`,
      placeHolder: "Reattach to a running kernel (its variables and any training in progress), or start a new one",
    });
    if (!picked) return;
    if ("kernel" in picked) attach = picked.kernel.id;
  }
  const notebook = activeNotebook();
  if (!notebook) {
    const { controller } = remote.hostKernels(host);
    void vscode.window.showInformationMessage(`Open a notebook and pick "${controller.label}" as its kernel to run it on ${host}.`);
    return;
  }
  await remote.useHost(host, notebook, attach);
}

async function list(remote: RemoteKernels): Promise<void> {
  const host = await pickSshHost("List Remote Kernels", remoteSettings().sshConfigFile);
  if (!host) return;
  const kernels = await remote.listKernels(host);
  if (kernels.length === 0) {
    void vscode.window.showInformationMessage(`No TF.js Studio kernels are running on ${host}.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(kernels.map(remoteKernelItem), { title: `Kernels running on ${host}`, placeHolder: "Pick one to attach to or shut down" });
  if (!picked) return;
  const notebook = activeNotebook();
  const attach = notebook ? "Attach the Active Notebook" : undefined;
  const choice = await vscode.window.showQuickPick([...(attach ? [attach] : []), "Shut Down"], { title: `Kernel ${picked.kernel.id} on ${host}` });
  if (choice === "Shut Down") {
    await remote.shutdownKernel(host, picked.kernel.id);
    void vscode.window.showInformationMessage(`Kernel ${picked.kernel.id} on ${host} is shut down.`);
  } else if (choice && notebook) {
    await remote.useHost(host, notebook, picked.kernel.id);
  }
}
