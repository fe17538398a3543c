// "TF.js Studio: New Project from Template…": pick a template, pick a folder, scaffold it with the same code as
// `tfjs-studio new`, and open its notebook. Arguments (template name, folder Uri) skip the pickers.
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { TemplateInfo, listTemplates, scaffoldTemplate } from "../../common/templateScaffold";
import { projectFolder } from "./projectFolder";
import { markStepDone } from "../walkthrough/walkthroughProgress";

export function registerNewProjectCommand(log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand("tfjsStudio.newProject", async (templateName?: unknown, folder?: unknown) => {
    try {
      await newProject(log, typeof templateName === "string" ? templateName : undefined, folder instanceof vscode.Uri ? folder : undefined);
    } catch (error) {
      log.error(`New Project from Template: ${(error as Error).stack ?? String(error)}`);
      void vscode.window.showErrorMessage(`TF.js Studio: the project was not created. ${(error as Error).message}`);
    }
  });
}

async function newProject(log: vscode.LogOutputChannel, templateName: string | undefined, folder: vscode.Uri | undefined): Promise<void> {
  const templates = listTemplates();
  const template = templateName === undefined ? await pickTemplate(templates) : templates.find((t) => t.name === templateName);
  if (templateName !== undefined && !template) throw new Error(`There is no template "${templateName}"; there are ${templates.map((t) => t.name).join(", ")}.`);
  if (!template) return;
  const chosen = folder ?? (await pickFolder(template));
  if (!chosen) return;
  const target = projectFolder(chosen.fsPath, template.name);
  const files = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Creating the ${template.name} project in ${target}…` },
    async () => scaffoldTemplate(template.name, target),
  );
  log.info(`New project from ${template.name} in ${target}: ${files.join(", ")}`);
  markStepDone("projectCreated");
  const notebook = template.notebooks[0];
  if (notebook) {
    const document = await vscode.workspace.openNotebookDocument(vscode.Uri.file(path.join(target, notebook)));
    await vscode.window.showNotebookDocument(document);
  }
  if (!vscode.workspace.getWorkspaceFolder(vscode.Uri.file(target))) {
    const openFolder = "Open Folder";
    const answer = await vscode.window.showInformationMessage(`Created the ${template.name} project in ${target}.`, openFolder);
    if (answer === openFolder) await vscode.commands.executeCommand("vscode.openFolder", vscode.Uri.file(target));
  }
}

async function pickTemplate(templates: TemplateInfo[]): Promise<TemplateInfo | undefined> {
  const picked = await vscode.window.showQuickPick(
    templates.map((template) => ({ label: template.name, detail: template.description, template })),
    { title: "New Project from Template", placeHolder: "Choose a template", matchOnDetail: true },
  );
  return picked?.template;
}

async function pickFolder(template: TemplateInfo): Promise<vscode.Uri | undefined> {
  const defaultUri = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const picked = await vscode.window.showOpenDialog({
    title: `Folder for the ${template.name} project (an empty one, or one to create a "${template.name}" folder in)`,
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: "Create Project Here",
    defaultUri,
  });
  return picked?.[0];
}
