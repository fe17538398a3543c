// "TF.js Studio: Deploy to SSH Host…" (also on a model.tar.gz or model.json in the explorer): asks the host (the
// same picker as Connect to Remote Kernel), the endpoint's name, its port and bind address on the host, each
// checked as it is typed and remembered for this workspace, then runs `tfjs-studio deploy ssh --json` in a
// cancellable progress notification (deployRun.ts). The hosts deployed to are remembered for the Endpoints view.
import * as vscode from "vscode";
import { ENDPOINT_NAME_PATTERN } from "../../serving/deploy/sagemaker/deployRequest";
import { formatPredictions } from "../../serving/invoke/predictionReport";
import { pickSshHost } from "../remote/hostPicker";
import { remoteSettings, sshCliOptions, type RemoteSettings } from "../remote/remoteSettings";
import type { CloudEndpoints } from "./cloudEndpoints";
import { defaultEndpointName, modelArgument, pickModel, runDeployCli } from "./deployRun";

export const SSH_DEPLOY_COMMAND = "tfjsStudio.deployToSshHost";
const ANSWERS_KEY = "tfjsStudio.sshDeploy.answers";
const HOSTS_KEY = "tfjsStudio.sshDeploy.hosts";
const TITLE = "Deploy to SSH Host";

interface SshDeployAnswers {
  host?: string;
  name?: string;
  port?: string;
  bind?: string;
}

/** The SSH hosts this workspace deployed to, for the Endpoints view. */
export function deployedHosts(state: vscode.Memento): string[] {
  return state.get<string[]>(HOSTS_KEY, []);
}

export function registerSshDeployCommand(context: vscode.ExtensionContext, cloud: CloudEndpoints, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(SSH_DEPLOY_COMMAND, async (resource?: unknown) => {
    try {
      const model = resource instanceof vscode.Uri ? resource : await pickModel(TITLE);
      if (!model) return;
      const settings = remoteSettings(model);
      const answers = await askSettings(context.workspaceState.get<SshDeployAnswers>(ANSWERS_KEY, {}), model, settings);
      if (!answers) return;
      await context.workspaceState.update(ANSWERS_KEY, answers);
      await context.workspaceState.update(HOSTS_KEY, [...new Set([answers.host!, ...deployedHosts(context.workspaceState)])]);
      const args = ["deploy", "ssh", modelArgument(model), "--host", answers.host!, "--name", answers.name!, "--port", answers.port!, "--bind", answers.bind!, ...sshCliOptions(settings), ...(settings.backend ? ["--backend", settings.backend] : []), "--json"];
      const outcome = await runDeployCli(args, `Deploying ${answers.name} to ${answers.host}`, model, log);
      if (!outcome) return;
      const test = outcome.testInvocation;
      const prediction = test ? `; test call ${test.latencyMs.toFixed(0)} ms: ${formatPredictions(test.body).split("\n")[0]}` : "";
      log.info(`Endpoint ${outcome.endpoint.name} ${outcome.action} on ${answers.host}${prediction}`);
      const show = "Show Endpoints";
      const answer = await vscode.window.showInformationMessage(`Endpoint ${outcome.endpoint.name} ${outcome.action} on ${answers.host}, listening on ${answers.bind}:${answers.port} there${prediction}.`, show);
      if (answer === show) await vscode.commands.executeCommand("tfjsStudio.endpoints.focus");
    } catch (error) {
      log.error(`${TITLE}: ${(error as Error).stack ?? String(error)}`);
      void vscode.window.showErrorMessage(`TF.js Studio: ${(error as Error).message}`);
    } finally {
      void cloud.refresh();
    }
  });
}

/** Asks each setting, starting from the remembered answers; undefined when the user cancels. */
async function askSettings(last: SshDeployAnswers, model: vscode.Uri, settings: RemoteSettings): Promise<SshDeployAnswers | undefined> {
  const host = await pickSshHost(`${TITLE}: which host?`, settings.sshConfigFile);
  if (!host) return undefined;
  const answers: SshDeployAnswers = { ...last, host };
  const ask = async (key: "name" | "port" | "bind", prompt: string, fallback: string, problem: (value: string) => string | undefined) => {
    const value = await vscode.window.showInputBox({ title: TITLE, prompt, value: answers[key] ?? fallback, ignoreFocusOut: true, validateInput: (text) => problem(text.trim()) });
    if (value === undefined) return false;
    answers[key] = value.trim();
    return true;
  };
  if (!(await ask("name", `Endpoint name on ${host} (1-63 letters, digits and hyphens); one of the same name is replaced`, defaultEndpointName(model), (text) => (ENDPOINT_NAME_PATTERN.test(text) ? undefined : "1 to 63 letters, digits and hyphens, starting and ending with a letter or digit")))) return undefined;
  if (!(await ask("port", `Port on ${host}`, "8080", (text) => (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 65535 ? undefined : "a whole number from 1 to 65535")))) return undefined;
  const bindPrompt = `Address to listen on, on ${host}: 127.0.0.1 keeps it to the host (reach it through ssh -L). 0.0.0.0 exposes it to the host's network, with no authentication.`;
  if (!(await ask("bind", bindPrompt, "127.0.0.1", (text) => (/^[0-9A-Za-z.:-]+$/.test(text) ? undefined : "an address of the host, e.g. 127.0.0.1 or 0.0.0.0")))) return undefined;
  return answers;
}
