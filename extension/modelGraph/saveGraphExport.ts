// Saves an exported graph image where the user chooses, starting in the folder of the notebook or model.json the
// graph came from, and says what became of it, for the panel's status line.
import { basename } from "node:path";
import * as vscode from "vscode";
import type { ExportFormat, ToPageMessage } from "../../protocol/modelGraphPanelMessages";

export interface GraphExport {
  format: ExportFormat;
  fileName: string;
  /** SVG text, or PNG bytes in base64. */
  data: string;
  modelName: string;
  /** Where the save dialog starts; the workspace's first folder when undefined. */
  folder: vscode.Uri | undefined;
}

export async function saveGraphExport({ format, fileName, data, modelName, folder }: GraphExport, log: vscode.LogOutputChannel): Promise<ToPageMessage & { type: "exported" }> {
  const start = folder ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: start ? vscode.Uri.joinPath(start, basename(fileName)) : undefined,
    filters: format === "svg" ? { "SVG image": ["svg"] } : { "PNG image": ["png"] },
    title: `Export the graph of ${modelName} as ${format.toUpperCase()}`,
    saveLabel: "Export",
  });
  if (!target) return { type: "exported", format, outcome: "cancelled", detail: "" };
  try {
    await vscode.workspace.fs.writeFile(target, format === "svg" ? Buffer.from(data, "utf8") : Buffer.from(data, "base64"));
  } catch (error) {
    const message = `could not write ${target.fsPath}: ${(error as Error).message}`;
    log.error(`model graph export ${message}`);
    void vscode.window.showErrorMessage(`TF.js Studio: ${message}`);
    return { type: "exported", format, outcome: "failed", detail: message };
  }
  log.info(`model graph exported to ${target.fsPath}`);
  return { type: "exported", format, outcome: "saved", detail: target.fsPath };
}
