// The "TypeScript (TF.js Studio)" notebook controller for the built-in ipynb notebooks: affinity, kernelspec
// metadata, cell execution through a NotebookRunner per notebook, interrupt, and the restart/shutdown commands.
import * as vscode from "vscode";
import { KernelSessions, notebookName } from "../kernel/kernelSessions";
import type { CellDiagnostics } from "../language/cellDiagnostics";
import { KERNEL_DISPLAY_NAME, KERNEL_NAME } from "../../protocol/languageInfo";
import { prefersTfjsStudio, withTfjsStudioKernelspec } from "./notebookMetadata";
import { NotebookRunner } from "./notebookRunner";
import { notebookFromCommandArgument } from "./commandTarget";
import { markStepDone } from "../walkthrough/walkthroughProgress";

const NOTEBOOK_TYPE = "jupyter-notebook";
/** The toolbar's `when` clauses match `notebookKernel =~ /tfjs-studio/`. */
export const CONTROLLER_ID = `${KERNEL_NAME}-kernel`;
const RESTART = "Restart Kernel";

export function registerNotebookController(sessions: KernelSessions, diagnostics: CellDiagnostics, log: vscode.LogOutputChannel): vscode.Disposable {
  const controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, NOTEBOOK_TYPE, KERNEL_DISPLAY_NAME);
  controller.supportedLanguages = ["typescript"];
  controller.supportsExecutionOrder = true;
  controller.description = "TypeScript and TensorFlow.js";
  const runners = new Map<string, NotebookRunner>();
  const runnerOf = (notebook: vscode.NotebookDocument): NotebookRunner => {
    const key = notebook.uri.toString();
    let runner = runners.get(key);
    if (!runner) runners.set(key, (runner = new NotebookRunner(notebook, controller, sessions, diagnostics, log)));
    return runner;
  };

  controller.executeHandler = (cells, notebook) => runnerOf(notebook).enqueue(cells);

  controller.interruptHandler = async (notebook) => {
    const runner = runnerOf(notebook);
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
    if (choice === RESTART) await restart(notebook);
  };

  const restart = async (notebook: vscode.NotebookDocument): Promise<void> => {
    runnerOf(notebook).cancelQueued();
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Restarting the kernel of ${notebookName(notebook)}…` }, () =>
      sessions.restart(notebook).catch((error: Error) => sessions.reportStartFailure(notebook, error)),
    );
  };

  const shutdown = async (notebook: vscode.NotebookDocument): Promise<void> => {
    runnerOf(notebook).cancelQueued();
    await sessions.shutdown(notebook);
  };

  const withNotebook = (action: (notebook: vscode.NotebookDocument) => Promise<void>) => async (argument?: unknown) => {
    const notebook = notebookFromCommandArgument(argument);
    if (!notebook) {
      void vscode.window.showWarningMessage("Open a notebook first: the kernel commands act on the active notebook.");
      return;
    }
    await action(notebook);
  };

  const updateAffinity = (notebook: vscode.NotebookDocument): void => {
    if (notebook.notebookType === NOTEBOOK_TYPE && prefersTfjsStudio(notebook.metadata)) {
      controller.updateNotebookAffinity(notebook, vscode.NotebookControllerAffinity.Preferred);
    }
  };
  vscode.workspace.notebookDocuments.forEach(updateAffinity);

  return vscode.Disposable.from(
    controller,
    vscode.workspace.onDidOpenNotebookDocument(updateAffinity),
    controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
      if (selected) {
        markStepDone("kernelSelected");
        void adoptNotebook(notebook, log);
        // Started now, so that completions work before the first run and the first run is quick.
        void sessions.open(notebook).ensureStarted().catch((error: Error) => sessions.reportStartFailure(notebook, error));
      } else {
        runners.get(notebook.uri.toString())?.cancelQueued();
        void sessions.shutdown(notebook);
      }
    }),
    vscode.workspace.onDidCloseNotebookDocument((notebook) => {
      runners.get(notebook.uri.toString())?.dispose();
      runners.delete(notebook.uri.toString());
    }),
    vscode.workspace.onDidChangeNotebookDocument((event) => {
      const runner = runners.get(event.notebook.uri.toString());
      if (!runner) return;
      for (const change of event.cellChanges) if (change.outputs?.length === 0) runner.forgetCell(change.cell);
      for (const change of event.contentChanges) change.removedCells.forEach((cell) => runner.forgetCell(cell));
    }),
    vscode.commands.registerCommand("tfjsStudio.restartKernel", withNotebook(restart)),
    vscode.commands.registerCommand("tfjsStudio.shutdownKernel", withNotebook(shutdown)),
    { dispose: () => runners.forEach((runner) => runner.dispose()) },
  );
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
