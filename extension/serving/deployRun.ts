// What the Deploy to … commands share: picking the model (a model.tar.gz or a saved model's model.json), and
// running `tfjs-studio deploy TARGET … --json` with its progress lines in a cancellable progress notification,
// its failure shown with the hint and a way to the log.
import * as path from "node:path";
import * as vscode from "vscode";
import type { DeployOutcome } from "../../serving/deploy/deployProvider";
import { parseProgressLine } from "../../serving/deploy/progressLine";
import { vscodeSshPrompts } from "../remote/sshPromptsUi";
import { spawnStudioCli } from "./studioCli";

export async function pickModel(title: string): Promise<vscode.Uri | undefined> {
  const found = [...(await vscode.workspace.findFiles("**/*.tar.gz", "**/node_modules/**", 100)), ...(await vscode.workspace.findFiles("**/model.json", "**/node_modules/**", 100))];
  if (found.length === 0) {
    void vscode.window.showInformationMessage('Nothing to deploy in this workspace: save a trained model first, e.g. await model.save("file://my-model").');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), description: uri.fsPath.endsWith(".tar.gz") ? "model package" : "saved model (packaged first)", uri })),
    { title, placeHolder: "Which model to deploy?" },
  );
  return picked?.uri;
}

/** MODEL as deploy takes it: the package, or the folder of model.json (packaged first). */
export function modelArgument(model: vscode.Uri): string {
  return model.fsPath.endsWith(".json") ? path.dirname(model.fsPath) : model.fsPath;
}

/** A name for the endpoint from the model's folder: letters, digits and hyphens. */
export function defaultEndpointName(model: vscode.Uri): string {
  return path.basename(path.dirname(model.fsPath)).replace(/[^a-zA-Z0-9-]/g, "-").replace(/^-+|-+$/g, "") || "tfjs-model";
}

/** Runs `tfjs-studio ARGS` (a deploy with --json); the outcome, or undefined once its failure or cancel is shown. */
export async function runDeployCli(args: string[], title: string, model: vscode.Uri, log: vscode.LogOutputChannel): Promise<DeployOutcome | undefined> {
  log.info(`tfjs-studio ${args.join(" ")}`);
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, cancel) => {
    // An SSH host's key or a key's passphrase is asked as Connect to Remote Kernel asks it.
    const child = await spawnStudioCli(args, path.dirname(model.fsPath), {}, vscodeSshPrompts);
    // Ctrl-C's signal: the CLI stops and says what is left behind.
    cancel.onCancellationRequested(() => child.kill("SIGINT"));
    let stdout = "";
    let stderr = "";
    let pending = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        log.info(line);
        const parsed = parseProgressLine(line);
        if (parsed) progress.report({ message: parsed.detail ? `${parsed.step}: ${parsed.detail}` : `${parsed.step}…` });
      }
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", resolve);
    });
    return { code, stdout, stderr };
  });
  if (result.code === 0) return JSON.parse(result.stdout) as DeployOutcome;
  const failure = lastJsonLine(result.stdout) as { error?: string; hint?: string; logLines?: string[] } | undefined;
  const message = failure?.error ?? (result.stderr.trim().split("\n").find((line) => line.startsWith("tfjs-studio deploy")) ?? `tfjs-studio deploy exited with ${result.code}`).replace(/^tfjs-studio deploy: /, "");
  const showLog = "Show Log";
  const answer = await (result.code === 130 ? vscode.window.showWarningMessage(`Deploy cancelled: ${message}`, showLog) : vscode.window.showErrorMessage(`Deploy failed: ${message}${failure?.hint ? ` Hint: ${failure.hint}` : ""}`, showLog));
  if (answer === showLog) log.show();
  return undefined;
}

function lastJsonLine(text: string): unknown {
  const line = text.trim().split("\n").at(-1);
  try {
    return line ? JSON.parse(line) : undefined;
  } catch {
    return undefined;
  }
}
