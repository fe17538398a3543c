// TF.js Studio's notebook controllers for the built-in ipynb notebooks: affinity, kernelspec metadata, cell
// execution through a NotebookRunner per notebook, interrupt, and the restart/shutdown commands.
import * as vscode from "vscode";
import { KernelSessions, notebookName } from "../kernel/kernelSessions";
import type { KernelSource } from "../kernel/notebookKernelSession";
import type { CellDiagnostics } from "../language/cellDiagnostics";
import { KERNEL_DISPLAY_NAME, KERNEL_NAME } from "../../protocol/languageInfo";
import { prefersTfjsStudio, withTfjsStudioKernelspec } from "./notebookMetadata";
import { NotebookRunner } from "./notebookRunner";
import { notebookFromCommandArgument } from "./commandTarget";
import { markStepDone } from "../walkthrough/walkthroughProgress";

export const NOTEBOOK_TYPE = "jupyter-notebook";
/** The toolbar's `when` clauses match `notebookKernel =~ /tfjs-studio/`. */
export const CONTROLLER_ID = `${KERNEL_NAME}-kernel`;
const RESTART = "Restart Kernel";

export interface ControllerLabels {
  id: string;
  label: string;
  description: string;
}

/**
 * The notebook controllers of TF.js Studio: "TypeScript (TF.js Studio)" for kernels on this machine, and one per
 * SSH host (extension/remote/). All of them run cells through one NotebookRunner per notebook and share the
 * kernel commands, which act on whichever kernel the notebook has.
 */
export class KernelControllers implements vscode.Disposable {
  private readonly runners = new Map<string, NotebookRunner>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly sessions: KernelSessions,
    private readonly diagnostics: CellDiagnostics,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const withNotebook = (action: (notebook: vscode.NotebookDocument) => Promise<void>) => async (argument?: unknown) => {
      const notebook = notebookFromCommandArgument(argument);
      if (!notebook) {
        void vscode.window.showWarningMessage("Open a notebook first: the kernel commands act on the active notebook.");
        return;
      }
      await action(notebook);
    };
    this.disposables.push(
      vscode.workspace.onDidCloseNotebookDocument((notebook) => {
        this.runners.get(notebook.uri.toString())?.dispose();
        this.runners.delete(notebook.uri.toString());
      }),
      vscode.workspace.onDidChangeNotebookDocument((event) => {
        const runner = this.runners.get(event.notebook.uri.toString());
        if (!runner) return;
        for (const change of event.cellChanges) if (change.outputs?.length === 0) runner.forgetCell(change.cell);
        for (const change of event.contentChanges) change.removedCells.forEach((cell) => runner.forgetCell(cell));
      }),
      vscode.commands.registerCommand("tfjsStudio.restartKernel", withNotebook((notebook) => this.restart(notebook))),
      vscode.commands.registerCommand("tfjsStudio.shutdownKernel", withNotebook((notebook) => this.shutdown(notebook))),
    );
  }

  /** A controller whose kernels come from `source`. */
  create(labels: ControllerLabels, source: KernelSource): vscode.NotebookController {
    const { sessions, log } = this;
    const controller = vscode.notebooks.createNotebookController(labels.id, NOTEBOOK_TYPE, labels.label);
    controller.supportedLanguages = ["typescript"];
    controller.supportsExecutionOrder = true;
    controller.description = labels.description;
    controller.executeHandler = (cells, notebook) => this.runnerOf(notebook, controller).enqueue(cells);
    controller.interruptHandler = async (notebook) => {
      const runner = this.runnerOf(notebook, controller);
      runner.cancelQueued();
      const session = sessions.get(notebook);
      if (!session?.client) return;
      log.info(`Interrupting the kernel of ${notebookName(notebook)}`);
      try {
        await session.interrupt();
      } catch (error) {
        log.warn(`interrupt_request failed: ${(error as Error).message}`);
      }
      const timeoutSeconds = vscode.workspace.getConfiguration("tfjsStudio", notebook.uri).get<number>("interruptTimeoutSeconds", 10);
      if (await runner.waitUntilStopped(timeoutSeconds * 1000)) return;
      log.warn(`The kernel of ${notebookName(notebook)} is still busy ${timeoutSeconds} s after the interrupt`);
      const choice = await vscode.window.showWarningMessage(`The kernel of ${notebookName(notebook)} did not stop within ${timeoutSeconds} s of the interrupt.`, RESTART);
      if (choice === RESTART) await this.restart(notebook);
    };
    this.disposables.push(
      controller,
      controller.onDidChangeSelectedNotebooks(async ({ notebook, selected }) => {
        if (selected) {
          markStepDone("kernelSelected");
          void adoptNotebook(notebook, log);
          await sessions.select(notebook, source);
          // Started now, so that completions work before the first run and the first run is quick.
          void sessions.open(notebook).ensureStarted().catch((error: Error) => sessions.reportStartFailure(notebook, error));
        } else if (sessions.isSelected(notebook, source)) {
          this.runners.get(notebook.uri.toString())?.cancelQueued();
          const session = sessions.get(notebook);
          if (session?.source === source) void session.release();
        }
      }),
    );
    return controller;
  }

  dispose(): void {
    this.runners.forEach((runner) => runner.dispose());
    for (const disposable of this.disposables) disposable.dispose();
  }

  /** The notebook's runner, for the controller that runs it now (a new one when it switched controllers). */
  private runnerOf(notebook: vscode.NotebookDocument, controller: vscode.NotebookController): NotebookRunner {
    const key = notebook.uri.toString();
    let runner = this.runners.get(key);
    if (runner?.controller !== controller) {
      runner?.dispose();
      this.runners.set(key, (runner = new NotebookRunner(notebook, controller, this.sessions, this.diagnostics, this.log)));
    }
    return runner;
  }

  private async restart(notebook: vscode.NotebookDocument): Promise<void> {
    this.runners.get(notebook.uri.toString())?.cancelQueued();
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Restarting the kernel of ${notebookName(notebook)}…` }, () =>
      this.sessions.restart(notebook).catch((error: Error) => this.sessions.reportStartFailure(notebook, error)),
    );
  }

  private async shutdown(notebook: vscode.NotebookDocument): Promise<void> {
    this.runners.get(notebook.uri.toString())?.cancelQueued();
    await this.sessions.shutdown(notebook);
  }
}

/** "TypeScript (TF.js Studio)": kernels on this machine, preferred for notebooks whose kernelspec is ours. */
export function registerLocalController(controllers: KernelControllers, sessions: KernelSessions): vscode.Disposable {
  const controller = controllers.create({ id: CONTROLLER_ID, label: KERNEL_DISPLAY_NAME, description: "TypeScript and TensorFlow.js" }, sessions.local);
  const updateAffinity = (notebook: vscode.NotebookDocument): void => {
    if (notebook.notebookType === NOTEBOOK_TYPE && prefersTfjsStudio(notebook.metadata)) {
      controller.updateNotebookAffinity(notebook, vscode.NotebookControllerAffinity.Preferred);
    }
  };
  vscode.workspace.notebookDocuments.forEach(updateAffinity);
  return vscode.workspace.onDidOpenNotebookDocument(updateAffinity);
}

/** A notebook that runs on our kernel gets our kernelspec and language_info, and TypeScript code cells. */
async function adoptNotebook(notebook: vscode.NotebookDocument, log: vscode.LogOutputChannel): Promise<void> {
  const metadata = withTfjsStudioKernelspec(notebook.metadata);
  if (metadata) {
    const edit = new vscode.WorkspaceEdit();
    edit.set(notebook.uri, [vscode.NotebookEdit.updateNotebookMetadata(metadata)]);
    if (!(await vscode.workspace.applyEdit(edit))) log.warn(`Could not set the kernelspec of ${notebookName(notebook)}`);
  }
  for (const cell of notebook.getCells()) {
    if (cell.kind === vscode.NotebookCellKind.Code && cell.document.languageId !== "typescript") {
      await vscode.languages.setTextDocumentLanguage(cell.document, "typescript");
    }
  }
}
