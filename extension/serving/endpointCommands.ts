// The local endpoint's commands and status bar item: Start Local Endpoint (on a model.tar.gz, or one picked from
// the workspace), Stop Local Endpoint, Invoke Endpoint… and Copy Client Code. The status bar shows the model and
// URL while it runs; clicking it offers these actions.
import * as fs from "node:fs";
import * as vscode from "vscode";
import { EndpointError, invokeEndpoint, jsonRequest, type EndpointRequest } from "../../serving/invoke/endpointClient";
import { clientSnippet, SNIPPET_LANGUAGES, type SnippetLanguage } from "../../serving/invoke/clientSnippets";
import { EXAMPLE_TEXT, exampleInstance } from "../../serving/invoke/exampleRequest";
import { formatPredictions } from "../../serving/invoke/predictionReport";
import { LocalEndpoint, type EndpointState } from "./localEndpoint";
import { START_ENDPOINT_COMMAND } from "./packageModelCommand";
import { reportedCommand } from "./studioCli";

type Running = Extract<EndpointState, { kind: "running" }>;

const LANGUAGE_NAMES: Record<SnippetLanguage, string> = { typescript: "TypeScript (AWS SDK v3)", python: "Python (boto3)", curl: "curl" };

export function registerEndpointCommands(endpoint: LocalEndpoint, log: vscode.OutputChannel): vscode.Disposable {
  const statusBar = vscode.window.createStatusBarItem("tfjsStudio.endpoint", vscode.StatusBarAlignment.Left, 90);
  statusBar.name = "TF.js Studio Endpoint";
  const showState = (state: EndpointState) => {
    void vscode.commands.executeCommand("setContext", "tfjsStudio.endpointRunning", state.kind === "running");
    if (state.kind === "stopped") return statusBar.hide();
    statusBar.text = state.kind === "starting" ? `$(loading~spin) ${state.manifest.name}: starting…` : `$(radio-tower) ${state.manifest.name} · ${state.url.replace(/^http:\/\//, "")}`;
    statusBar.tooltip = state.kind === "starting" ? `Loading ${state.archive}` : `Local endpoint: ${state.manifest.name} version ${state.manifest.version} on ${state.backend}\n${state.url}\nClick for Invoke, Copy Client Code, Stop`;
    statusBar.command = "tfjsStudio.endpointActions";
    statusBar.show();
  };
  const running = async (): Promise<Running | undefined> => {
    if (endpoint.running()) return endpoint.running();
    const start = "Start Local Endpoint";
    if ((await vscode.window.showInformationMessage("No local endpoint is running.", start)) === start) await vscode.commands.executeCommand(START_ENDPOINT_COMMAND);
    return endpoint.running();
  };
  const reported = (id: string, run: (...args: unknown[]) => Promise<void>) => reportedCommand(id, log, run);

  return vscode.Disposable.from(
    statusBar,
    endpoint.onDidChange(showState),
    vscode.commands.registerCommand(START_ENDPOINT_COMMAND, reported(START_ENDPOINT_COMMAND, async (resource) => {
      const archive = resource instanceof vscode.Uri ? resource : await pickArchive();
      if (!archive) return;
      const started = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Starting the local endpoint for ${vscode.workspace.asRelativePath(archive)}…` }, () =>
        endpoint.start(archive.fsPath),
      );
      const invoke = "Invoke…";
      const answer = await vscode.window.showInformationMessage(`${started.manifest.name} is served at ${started.url} on ${started.backend}.`, invoke, "Copy Client Code…");
      if (answer === invoke) await vscode.commands.executeCommand("tfjsStudio.invokeEndpoint");
      else if (answer) await vscode.commands.executeCommand("tfjsStudio.copyClientCode");
    })),
    vscode.commands.registerCommand("tfjsStudio.stopLocalEndpoint", reported("tfjsStudio.stopLocalEndpoint", async () => {
      if (endpoint.state.kind === "stopped") return void vscode.window.showInformationMessage("No local endpoint is running.");
      await endpoint.stop();
    })),
    vscode.commands.registerCommand("tfjsStudio.invokeEndpoint", reported("tfjsStudio.invokeEndpoint", async () => {
      const target = await running();
      if (!target) return;
      const request = await askRequest(target);
      if (!request) return;
      try {
        const response = await invokeEndpoint({ kind: "local", url: new URL(target.url) }, request);
        const report = formatPredictions(response.body);
        log.appendLine(`${response.url}: ${response.status} in ${response.latencyMs.toFixed(1)} ms\n${report}`);
        void vscode.window.showInformationMessage(`${target.manifest.name} (${response.latencyMs.toFixed(0)} ms): ${report.split("\n").slice(0, 3).join("  ")}`);
      } catch (error) {
        if (error instanceof EndpointError) return void vscode.window.showErrorMessage(`TF.js Studio: ${error.message}`);
        throw error;
      }
    })),
    vscode.commands.registerCommand("tfjsStudio.copyClientCode", reported("tfjsStudio.copyClientCode", async () => {
      const target = await running();
      if (!target) return;
      const picked = await vscode.window.showQuickPick(
        SNIPPET_LANGUAGES.map((language) => ({ label: LANGUAGE_NAMES[language], language })),
        { title: `Client code for ${target.manifest.name} at ${target.url}`, placeHolder: "Which language?" },
      );
      if (!picked) return;
      await vscode.env.clipboard.writeText(clientSnippet(picked.language, { url: target.url, manifest: target.manifest }));
      void vscode.window.showInformationMessage(`Copied the ${picked.label} code that calls ${target.manifest.name}.`);
    })),
    vscode.commands.registerCommand("tfjsStudio.endpointActions", reported("tfjsStudio.endpointActions", async () => {
      const actions = [
        { label: "$(play) Invoke…", command: "tfjsStudio.invokeEndpoint" },
        { label: "$(code) Copy Client Code…", command: "tfjsStudio.copyClientCode" },
        { label: "$(output) Show Log", command: "" },
        { label: "$(debug-stop) Stop Local Endpoint", command: "tfjsStudio.stopLocalEndpoint" },
      ];
      const picked = await vscode.window.showQuickPick(actions, { title: statusBar.text.replace(/^\$\([^)]+\) /, "") });
      if (!picked) return;
      if (picked.command) await vscode.commands.executeCommand(picked.command);
      else log.show();
    })),
  );
}

async function pickArchive(): Promise<vscode.Uri | undefined> {
  const found = await vscode.workspace.findFiles("**/*.tar.gz", "**/node_modules/**", 200);
  if (found.length === 0) {
    const packageModel = "Package Model…";
    if ((await vscode.window.showInformationMessage("No model.tar.gz in this workspace: package a saved model first.", packageModel)) === packageModel) await vscode.commands.executeCommand("tfjsStudio.packageModel");
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { title: "Start Local Endpoint", placeHolder: "Which model package to serve?" },
  );
  return picked?.uri;
}

/** Raw text for a text model; for others, an example in the input's shape or a JSON file. */
async function askRequest(target: Running): Promise<EndpointRequest | undefined> {
  const { manifest } = target;
  if (manifest.preprocessing.kind === "text") {
    const text = await vscode.window.showInputBox({ title: `Invoke ${manifest.name}`, prompt: "Text to classify", value: EXAMPLE_TEXT });
    return text === undefined ? undefined : { text };
  }
  const picked = await vscode.window.showQuickPick(
    [
      { label: "An example in the input's shape", detail: "zeros: checks that the endpoint answers", file: false },
      { label: "A JSON file…", detail: '{"instances": [...]}, {"inputs": ...} or a list of instances', file: true },
    ],
    { title: `Invoke ${manifest.name}` },
  );
  if (!picked) return undefined;
  if (!picked.file) return { json: { instances: [exampleInstance(manifest)] } };
  const [file] = (await vscode.window.showOpenDialog({ title: `JSON request for ${manifest.name}`, filters: { JSON: ["json"] }, canSelectMany: false })) ?? [];
  if (!file) return undefined;
  return jsonRequest(fs.readFileSync(file.fsPath, "utf8"), file.fsPath);
}
