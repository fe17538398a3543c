// "TF.js Studio: Package Model…" (also on a model.json in the explorer): checks the model folder and writes
// model.tar.gz beside it with `tfjs-studio package`, then offers to serve it. A failed check shows the CLI's
// message, which names the file and what is wrong.
import * as path from "node:path";
import * as vscode from "vscode";
import { runStudioCli } from "./studioCli";

export const START_ENDPOINT_COMMAND = "tfjsStudio.startLocalEndpoint";

export function registerPackageModelCommand(log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand("tfjsStudio.packageModel", async (resource?: unknown) => {
    try {
      const modelJson = resource instanceof vscode.Uri ? resource : await pickModelJson();
      if (modelJson) await packageModel(modelJson, log);
    } catch (error) {
      log.error(`Package Model: ${(error as Error).stack ?? String(error)}`);
      void vscode.window.showErrorMessage(`TF.js Studio: the model was not packaged. ${(error as Error).message}`);
    }
  });
}

async function pickModelJson(): Promise<vscode.Uri | undefined> {
  const found = await vscode.workspace.findFiles("**/model.json", "**/node_modules/**", 200);
  if (found.length === 0) {
    void vscode.window.showInformationMessage('No model.json in this workspace: save a trained model first, e.g. await model.save("file://my-model").');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    found.map((uri) => ({ label: path.basename(path.dirname(uri.fsPath)), description: vscode.workspace.asRelativePath(uri), uri })),
    { title: "Package Model", placeHolder: "Which saved model to package?" },
  );
  return picked?.uri;
}

async function packageModel(modelJson: vscode.Uri, log: vscode.LogOutputChannel): Promise<void> {
  const modelDir = modelJson.fsPath.endsWith(".json") ? path.dirname(modelJson.fsPath) : modelJson.fsPath;
  const archive = path.join(path.dirname(modelDir), "model.tar.gz");
  const run = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Checking and packaging ${path.basename(modelDir)}…` },
    () => runStudioCli(["package", modelDir, "--out", archive], path.dirname(modelDir)),
  );
  log.info(`tfjs-studio package ${modelDir}:\n${run.stdout}${run.stderr}`);
  if (run.code !== 0) throw new Error(run.stderr.replace(/^tfjs-studio package: /, "").trim() || `tfjs-studio package exited with ${run.code}`);
  const size = /model\.tar\.gz \(([^)]+)\)/.exec(run.stdout)?.[1];
  const start = "Start Local Endpoint";
  const reveal = "Reveal in Explorer";
  const answer = await vscode.window.showInformationMessage(`Packaged ${path.basename(modelDir)} into ${vscode.workspace.asRelativePath(archive)}${size ? ` (${size})` : ""}.`, start, reveal);
  if (answer === start) await vscode.commands.executeCommand(START_ENDPOINT_COMMAND, vscode.Uri.file(archive));
  if (answer === reveal) await vscode.commands.executeCommand("revealInExplorer", vscode.Uri.file(archive));
}
