// The walkthrough ticks a step when the step's context key turns true ("onContext:…" completion events in
// package.json). Each key is set where the step's action really happened, not when its button was pressed: a
// project scaffolded, the kernel selected for a notebook, a training chart shown, a model graph panel opened.
import * as vscode from "vscode";
import { METRICS_MIME_TYPE } from "../../protocol/runLogSchema";

const STEP_CONTEXT_KEYS = {
  projectCreated: "tfjsStudio.walkthrough.projectCreated",
  kernelSelected: "tfjsStudio.walkthrough.kernelSelected",
  trained: "tfjsStudio.walkthrough.trained",
  modelGraphOpened: "tfjsStudio.walkthrough.modelGraphOpened",
} as const;

export type WalkthroughStep = keyof typeof STEP_CONTEXT_KEYS;

export function markStepDone(step: WalkthroughStep): void {
  void vscode.commands.executeCommand("setContext", STEP_CONTEXT_KEYS[step], true);
}

/** Ticks "Train" when a cell shows live training charts, and the model graph step when its panel opens. */
export function watchWalkthroughProgress(modelGraphViewType: string): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.workspace.onDidChangeNotebookDocument(({ cellChanges }) => {
      if (cellChanges.some(({ outputs }) => outputs?.some((output) => output.items.some((item) => item.mime === METRICS_MIME_TYPE)))) markStepDone("trained");
    }),
    vscode.window.tabGroups.onDidChangeTabs(({ opened }) => {
      // A webview tab's viewType carries a prefix of VS Code's own before the panel's.
      if (opened.some(({ input }) => input instanceof vscode.TabInputWebview && input.viewType.endsWith(modelGraphViewType))) markStepDone("modelGraphOpened");
    }),
  );
}
