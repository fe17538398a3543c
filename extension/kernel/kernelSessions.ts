// One kernel per notebook, from the source its controller gives (this machine by default, or an SSH host): finds
// Node, launches a local kernel in the notebook's folder, logs what it did, offers a restart when a kernel dies, and
// lets go of every kernel when its notebook closes or the extension deactivates (a local one is stopped; a remote
// one runs on, for a reload to reattach).
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { kernelArgv, launchKernel } from "../../client/kernelLauncher";
import { NoUsableNodeError, findKernelNode } from "../nodeForKernel";
import { KernelEnd, KernelLaunch, KernelSource, NotebookKernelSessionImpl } from "./notebookKernelSession";
import type { KernelSessionRegistry, NotebookKernelSession } from "./sessionTypes";
import { SET_NODE_PATH_COMMAND, registerSetNodePathCommand } from "./setNodePathCommand";

const SET_NODE_PATH = "Set Node.js Path…";
const RESTART = "Restart Kernel";
const SHOW_LOG = "Show Log";

export class KernelSessions implements KernelSessionRegistry, vscode.Disposable {
  private readonly sessions = new Map<string, NotebookKernelSessionImpl>();
  private readonly changed = new vscode.EventEmitter<NotebookKernelSession>();
  private readonly ended = new vscode.EventEmitter<KernelEnd>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly reportedFailures = new WeakSet<Error>();
  readonly onDidChangeSession = this.changed.event;
  /** Fires when a kernel process has ended: died, restarted or shut down. */
  readonly onDidEndKernel = this.ended.event;
  /** Kernels on this machine. */
  readonly local: KernelSource = { launch: (notebook) => this.launch(notebook) };
  /** The source each notebook's controller chose, where not the local one. */
  private readonly sources = new Map<string, KernelSource>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      this.changed,
      this.ended,
      registerSetNodePathCommand(log),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => void this.closeNotebook(notebook)),
    );
  }

  get(notebook: vscode.NotebookDocument): NotebookKernelSessionImpl | undefined {
    return this.sessions.get(notebook.uri.toString());
  }

  /** The notebook's kernels come from `source` from now on; a kernel from another source is let go. */
  async select(notebook: vscode.NotebookDocument, source: KernelSource): Promise<void> {
    const key = notebook.uri.toString();
    if (source === this.local) this.sources.delete(key);
    else this.sources.set(key, source);
    const session = this.sessions.get(key);
    if (session && session.source !== source) {
      this.sessions.delete(key);
      await session.release().catch((error: Error) => this.log.error(`Letting go of the kernel of ${notebookName(notebook)} failed: ${error.message}`));
    }
  }

  /** Lets go of the notebook's kernel (a remote one runs on); the next run starts or attaches anew. */
  async release(notebook: vscode.NotebookDocument): Promise<void> {
    const session = this.get(notebook);
    if (!session) return;
    this.sessions.delete(notebook.uri.toString());
    await session.release();
  }

  /** Whether the notebook's kernels come from `source`. */
  isSelected(notebook: vscode.NotebookDocument, source: KernelSource): boolean {
    return (this.sources.get(notebook.uri.toString()) ?? this.local) === source;
  }

  /** The notebook's session, created (not started) when it has none. */
  open(notebook: vscode.NotebookDocument): NotebookKernelSessionImpl {
    const key = notebook.uri.toString();
    let session = this.sessions.get(key);
    if (!session) {
      session = new NotebookKernelSessionImpl(notebook, this.sources.get(key) ?? this.local, {
        changed: (changedSession) => this.changed.fire(changedSession),
        ended: (end) => this.onEnded(end),
      });
      this.sessions.set(key, session);
    }
    return session;
  }

  async restart(notebook: vscode.NotebookDocument): Promise<void> {
    this.log.info(`Restarting the kernel of ${notebookName(notebook)}`);
    await this.open(notebook).restart();
  }

  async shutdown(notebook: vscode.NotebookDocument): Promise<void> {
    const session = this.get(notebook);
    if (!session) return;
    this.log.info(`Shutting down the kernel of ${notebookName(notebook)}`);
    await session.shutdown();
  }

  /** Lets go of every kernel; deactivate waits for this (each local kernel gets the launcher's grace period, then a kill). */
  dispose(): Promise<void> {
    for (const disposable of this.disposables) disposable.dispose();
    const stopping = [...this.sessions.values()].map((session) => session.release().catch(() => undefined));
    this.sessions.clear();
    return Promise.all(stopping).then(() => undefined);
  }

  private async closeNotebook(notebook: vscode.NotebookDocument): Promise<void> {
    this.sources.delete(notebook.uri.toString());
    const session = this.get(notebook);
    if (!session) return;
    this.sessions.delete(notebook.uri.toString());
    await session.release().catch((error: Error) => this.log.error(`Stopping the kernel of ${notebookName(notebook)} failed: ${error.message}`));
  }

  private async launch(notebook: vscode.NotebookDocument): Promise<KernelLaunch> {
    const name = notebookName(notebook);
    const config = vscode.workspace.getConfiguration("tfjsStudio", notebook.uri);
    let runtime;
    try {
      runtime = await findKernelNode({
        configuredPath: config.get<string>("nodePath"),
        env: process.env,
        hostExecPath: process.execPath,
        hostIsElectron: process.versions.electron !== undefined,
      });
    } catch (error) {
      if (error instanceof NoUsableNodeError) this.offerNodePath(error);
      throw error;
    }
    for (const rejected of runtime.rejected) this.log.warn(`Not running the kernel with ${rejected.command ?? `node from ${rejected.source}`}: ${rejected.reason}`);
    this.log.info(runtime.reason);

    const env: Record<string, string> = { ...runtime.env };
    const backend = config.get<string>("backend", "auto");
    if (backend !== "auto") env.TFJS_STUDIO_BACKEND = backend;
    const cwd = kernelCwd(notebook);
    const startTimeoutMs = Math.max(5, config.get<number>("kernelStartTimeoutSeconds", 60)) * 1000;
    this.log.info(`Starting the kernel of ${name} in ${cwd}${backend === "auto" ? "" : ` with backend ${backend}`}`);
    const started = Date.now();
    const launched = await launchKernel({ argv: kernelArgv(runtime.command), cwd, env, startTimeoutMs });
    this.log.info(`Kernel of ${name} ready in ${Date.now() - started} ms (pid ${launched.pid})`);
    launched.onOutputLine((line) => {
      if (line.trim()) this.log.info(`[kernel ${name}] ${line}`);
    });
    launched.client.on("warning", (message) => this.log.warn(`[kernel ${name}] ${message}`));
    return { launched, runtimeDescription: runtime.reason };
  }

  private onEnded(end: KernelEnd): void {
    this.ended.fire(end);
    const name = notebookName(end.session.notebook);
    if (!end.unexpected) {
      this.log.info(`Kernel of ${name} stopped`);
      return;
    }
    this.log.error(`Kernel of ${name} died. ${end.reason}`);
    void vscode.window.showErrorMessage(`The kernel of ${name} died (${end.reason.split("\n")[0]})`, RESTART, SHOW_LOG).then((choice) => {
      if (choice === RESTART) void this.restart(end.session.notebook).catch((error: Error) => this.reportStartFailure(end.session.notebook, error));
      if (choice === SHOW_LOG) this.log.show();
    });
  }

  /** Logs a failed start and tells the user; the caller shows the error in the cell too. */
  reportStartFailure(notebook: vscode.NotebookDocument, error: Error): void {
    // The eager start at kernel selection and the first cell's run may wait for the same failed start.
    if (this.reportedFailures.has(error)) return;
    this.reportedFailures.add(error);
    this.log.error(`The kernel of ${notebookName(notebook)} failed to start: ${error.message}`);
    if (error instanceof NoUsableNodeError) return; // offerNodePath already said so
    void vscode.window.showErrorMessage(`The kernel of ${notebookName(notebook)} failed to start: ${error.message.split("\n")[0]}`, SHOW_LOG).then((choice) => {
      if (choice === SHOW_LOG) this.log.show();
    });
  }

  private offerNodePath(error: NoUsableNodeError): void {
    this.log.error(error.message);
    void vscode.window.showErrorMessage(`TF.js Studio found no usable Node.js 20 or later to run the kernel.`, SET_NODE_PATH, SHOW_LOG).then((choice) => {
      if (choice === SET_NODE_PATH) void vscode.commands.executeCommand(SET_NODE_PATH_COMMAND);
      if (choice === SHOW_LOG) this.log.show();
    });
  }
}

/** The notebook's folder; for an untitled notebook the first workspace folder, else the home folder. */
function kernelCwd(notebook: vscode.NotebookDocument): string {
  if (notebook.uri.scheme === "file") return path.dirname(notebook.uri.fsPath);
  const folder = vscode.workspace.getWorkspaceFolder(notebook.uri) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === "file" ? folder.uri.fsPath : os.homedir();
}

export function notebookName(notebook: vscode.NotebookDocument): string {
  return path.basename(notebook.uri.path);
}
