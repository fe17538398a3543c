// The GPU offer in VS Code, made while a kernel starts on a host with an NVIDIA GPU and no tfjs-node-gpu: a modal
// "NVIDIA <name> found on <host>. Install @tensorflow/tfjs-node-gpu there? (needs CUDA 11.2 and cuDNN 8.1: …)" with
// the kernel's full diagnosis as detail, and Install, Not Now, or Don't Ask Again for This Host (remembered across
// workspaces). npm's output goes to the start's progress notification and the output channel; a failed install
// shows why, and the kernel starts without it.
import * as vscode from "vscode";
import { gpuOfferQuestion, type GpuOfferHandler } from "../../client/remote/remoteGpu";

/** globalState: the hosts (as the user named them) whose GPU offer was declined for good. */
const DECLINED_KEY = "tfjsStudio.remote.gpuOfferDeclined";
const INSTALL = "Install";
const NOT_NOW = "Not Now";
const NEVER = "Don't Ask Again for This Host";

/** The offer for `host`, or none when the user asked never to be asked for it again. */
export function vscodeGpuOffer(host: string, state: vscode.Memento, log: vscode.LogOutputChannel): GpuOfferHandler | undefined {
  const declined = () => state.get<string[]>(DECLINED_KEY, []);
  if (declined().includes(host)) return undefined;
  return {
    async offer(offer) {
      const detail = `${offer.report.description}\n\nThe host's npm installs ${offer.packageSpec} into ${offer.folder}, where the kernels started there find it; its install script downloads libtensorflow with CUDA support from Google's storage.`;
      const choice = await vscode.window.showInformationMessage(gpuOfferQuestion(offer), { modal: true, detail }, INSTALL, NOT_NOW, NEVER);
      if (choice === NEVER) await state.update(DECLINED_KEY, [...declined(), host]);
      log.info(`[${host}] GPU offer (${offer.packageSpec}): ${choice ?? "dismissed"}`);
      return choice === INSTALL;
    },
    failed(error) {
      log.error(`[${host}] ${error.message}`);
      const [summary] = error.message.split("\n");
      void vscode.window.showErrorMessage(`TF.js Studio: ${summary} The kernel starts without it.`, "Show Output").then((action) => action && log.show());
    },
  };
}
