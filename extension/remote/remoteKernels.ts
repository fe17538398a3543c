// Kernels on SSH hosts, in VS Code: a notebook controller "TypeScript on <host> (<backend>)" per host, whose kernels
// start detached on the host (or are attached to, when already running there) and run through the same session,
// client and output code as local ones. Which kernel each notebook had is remembered, so that after "Reload
// Window" the user is offered to reattach to the kernels still running, with their variables and any training. A
// host with an NVIDIA GPU and no tfjs-node-gpu gets the GPU offer (gpuOfferUi.ts) as a new kernel starts.
import * as path from "node:path";
import * as vscode from "vscode";
import { kernelUptime } from "../../client/remote/kernelUptime";
import { RemoteHost, type RemoteKernel } from "../../client/remote/remoteHost";
import { openRemoteKernel } from "../../client/remote/remoteKernelHandle";
import { connectSsh } from "../../client/ssh/sshConnection";
import { resolveDestination, type SshDestination } from "../../client/ssh/sshDestination";
import type { KernelSessions } from "../kernel/kernelSessions";
import type { KernelLaunch, KernelSource } from "../kernel/notebookKernelSession";
import { NOTEBOOK_TYPE, type KernelControllers } from "../notebook/notebookController";
import { backendLabel } from "../statusBar/kernelStatusText";
import { vscodeGpuOffer } from "./gpuOfferUi";
import { remoteSettings } from "./remoteSettings";
import type { RemoteRunFolders } from "./remoteRunFolders";
import { vscodeSshPrompts } from "./sshPromptsUi";

/** workspaceState: the remote kernel each notebook had, by notebook URI. */
const REMEMBERED_KEY = "tfjsStudio.remoteKernels";

interface RememberedKernel {
  /** The host as the user named it. */
  host: string;
  kernelId: string;
}

/** One host's kernels: its controller, and the running kernels notebooks are to attach to on their next start. */
export class HostKernels implements KernelSource {
  readonly attachTo = new Map<string, string>();
  controller!: vscode.NotebookController;

  constructor(
    readonly host: string,
    private readonly owner: RemoteKernels,
  ) {}

  destination(): SshDestination {
    return resolveDestination(this.host, { configFile: remoteSettings().sshConfigFile });
  }

  launch(notebook: vscode.NotebookDocument): Promise<KernelLaunch> {
    return this.owner.launch(this, notebook);
  }
}

export class RemoteKernels implements vscode.Disposable {
  private readonly hosts = new Map<string, HostKernels>();
  private readonly offered = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly controllers: KernelControllers,
    private readonly sessions: KernelSessions,
    private readonly runFolders: RemoteRunFolders,
    private readonly state: vscode.Memento,
    /** Across workspaces: the hosts whose GPU offer was declined for good. */
    private readonly globalState: vscode.Memento,
    private readonly extensionId: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(vscode.workspace.onDidOpenNotebookDocument((notebook) => void this.offerReattach(notebook)));
    for (const notebook of vscode.workspace.notebookDocuments) void this.offerReattach(notebook);
  }

  /** The host's kernel source and controller, created on first use. */
  hostKernels(host: string): HostKernels {
    let kernels = this.hosts.get(host);
    if (!kernels) {
      kernels = new HostKernels(host, this);
      kernels.controller = this.controllers.create(
        { id: `tfjs-studio-remote-${host.replace(/[^\w.@-]/g, "_")}`, label: `TypeScript on ${host}`, description: "TF.js Studio, over SSH" },
        kernels,
      );
      this.hosts.set(host, kernels);
    }
    return kernels;
  }

  /** Runs the notebook on the host's kernel `attach` (or a new one): selects the host's controller for it. */
  async useHost(host: string, notebook: vscode.NotebookDocument, attach?: string): Promise<void> {
    const kernels = this.hostKernels(host);
    if (attach) kernels.attachTo.set(notebook.uri.toString(), attach);
    const editor = vscode.window.visibleNotebookEditors.find((candidate) => candidate.notebook === notebook) ?? (await vscode.window.showNotebookDocument(notebook));
    if (this.sessions.isSelected(notebook, kernels)) {
      // A start under way (VS Code selects a controller it remembers for the notebook as soon as it exists) has
      // taken the kernel to attach to already.
      if (attach && !kernels.attachTo.has(notebook.uri.toString())) return;
      // Already this host's: a selection would change nothing, so the kernel is switched here.
      await this.sessions.release(notebook);
      void this.sessions.open(notebook).ensureStarted().catch((error: Error) => this.sessions.reportStartFailure(notebook, error));
      return;
    }
    await vscode.commands.executeCommand("notebook.selectKernel", { notebookEditor: editor, id: kernels.controller.id, extension: this.extensionId });
  }

  /** The kernels running on the host, listed over a connection made for the purpose. */
  async listKernels(host: string): Promise<RemoteKernel[]> {
    return this.withHost(host, `Listing the kernels on ${host}…`, (remote) => remote.listKernels());
  }

  async shutdownKernel(host: string, id: string): Promise<void> {
    await this.withHost(host, `Shutting down kernel ${id} on ${host}…`, (remote) => remote.shutdownKernel(id));
    for (const [notebook, remembered] of Object.entries(this.remembered())) if (remembered.host === host && remembered.kernelId === id) await this.forget(notebook);
    this.log.info(`Kernel ${id} on ${host} shut down`);
  }

  /** Starts or attaches to the notebook's kernel on the host, with the steps shown as they happen. */
  async launch(kernels: HostKernels, notebook: vscode.NotebookDocument): Promise<KernelLaunch> {
    const key = notebook.uri.toString();
    const attach = kernels.attachTo.get(key);
    kernels.attachTo.delete(key);
    const settings = remoteSettings(notebook.uri);
    const startTimeoutMs = Math.max(5, vscode.workspace.getConfiguration("tfjsStudio", notebook.uri).get<number>("kernelStartTimeoutSeconds", 60)) * 1000;
    const { host } = kernels;
    const title = attach ? `Attaching to kernel ${attach} on ${host}` : `Starting a kernel on ${host}`;
    const opening = vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, (progress) =>
      openRemoteKernel({
        destination: kernels.destination(),
        prompts: vscodeSshPrompts,
        knownHostsFile: settings.knownHostsFile,
        root: settings.hostFolder,
        attach,
        idleShutdownS: settings.idleShutdownS,
        cwd: settings.cwd,
        env: settings.backend ? { TFJS_STUDIO_BACKEND: settings.backend } : undefined,
        gpuOffer: vscodeGpuOffer(host, this.globalState, this.log),
        startTimeoutMs,
        progress: (text) => {
          progress.report({ message: text });
          this.log.info(`[${host}] ${text}`);
        },
      }),
    );
    const launched = await Promise.resolve(opening).catch(async (error: Error) => {
      // A kernel that could not be reattached (gone since) is not offered again.
      if (attach) await this.forget(key);
      throw error;
    });
    const { kernel, timings } = launched.session;
    this.log.info(
      `[${host}] kernel ${kernel.id} (pid ${kernel.pid}) for ${path.basename(notebook.uri.path)}: SSH ${Math.round(timings.connectMs)} ms, host ready ${Math.round(timings.runtimeMs)} ms${timings.uploaded ? " (runtime uploaded)" : ""}, kernel ${Math.round(timings.kernelMs)} ms`,
    );
    launched.onLinkState((state, detail) => (state === "reconnecting" || state === "gone" ? this.log.warn(`[${host}] ${detail}`) : this.log.info(`[${host}] ${detail}`)));
    await this.remember(key, { host, kernelId: kernel.id });
    // The metrics panel lists this kernel's runs, read over this link, while the notebook holds the kernel.
    const runFolder = { host, folder: kernel.cwd, files: launched.session.files };
    this.runFolders.add(notebook.uri, runFolder);
    void launched.exited.then(() => {
      this.runFolders.remove(notebook.uri, runFolder);
      if (!launched.detached) void this.forget(key);
    });
    const backend = backendLabel(launched.kernelInfo.content);
    kernels.controller.label = `TypeScript on ${host}${backend ? ` (${backend})` : ""}`;
    return { launched, runtimeDescription: `on ${host}: kernel ${kernel.id}, pid ${kernel.pid}, cells run in ${kernel.cwd}`, host };
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }

  /** A notebook whose remote kernel may still run (the window was reloaded): offers to reattach, once. */
  private async offerReattach(notebook: vscode.NotebookDocument): Promise<void> {
    const key = notebook.uri.toString();
    const remembered = this.remembered()[key];
    if (!remembered || notebook.notebookType !== NOTEBOOK_TYPE || this.offered.has(key) || this.sessions.get(notebook)?.host) return;
    this.offered.add(key);
    const { host, kernelId } = remembered;
    const choice = await vscode.window.showInformationMessage(
      `The kernel of ${path.basename(notebook.uri.path)} may still be running on ${host} (kernel ${kernelId}), with its variables. Reattach to it?`,
      "Reattach",
      "Shut It Down",
      "Forget It",
    );
    try {
      if (choice === "Reattach") await this.useHost(host, notebook, kernelId);
      else if (choice === "Shut It Down") await this.shutdownKernel(host, kernelId);
      else if (choice === "Forget It") await this.forget(key);
    } catch (error) {
      void vscode.window.showErrorMessage(`TF.js Studio: ${(error as Error).message}`);
    }
  }

  /** Runs `action` on the host over a connection of its own, closed after. */
  private async withHost<T>(host: string, title: string, action: (remote: RemoteHost) => Promise<T>): Promise<T> {
    const { knownHostsFile, hostFolder } = remoteSettings();
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, async () => {
      const connection = await connectSsh(this.hostKernels(host).destination(), { prompts: vscodeSshPrompts, knownHostsFile });
      try {
        const remote = await RemoteHost.open(connection, { root: hostFolder });
        try {
          return await action(remote);
        } finally {
          remote.close();
        }
      } finally {
        connection.close();
      }
    });
  }

  private remembered(): Record<string, RememberedKernel> {
    return this.state.get<Record<string, RememberedKernel>>(REMEMBERED_KEY, {});
  }

  private async remember(notebook: string, kernel: RememberedKernel): Promise<void> {
    await this.state.update(REMEMBERED_KEY, { ...this.remembered(), [notebook]: kernel });
  }

  private async forget(notebook: string): Promise<void> {
    const { [notebook]: _gone, ...rest } = this.remembered();
    await this.state.update(REMEMBERED_KEY, rest);
  }
}

/** A running kernel as a pick list item. */
export function remoteKernelItem(kernel: RemoteKernel): vscode.QuickPickItem & { kernel: RemoteKernel } {
  return { label: `kernel ${kernel.id}`, description: `${kernel.executionState} · up ${kernelUptime(kernel)}`, detail: kernel.cwd, kernel };
}
